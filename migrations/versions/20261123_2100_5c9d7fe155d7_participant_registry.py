"""Participant registry: participants, identifier index, consents, duplicate candidates.

Revision ID: 5c9d7fe155d7
Revises: 5c1f0a9e7b21
Create Date: 2026-11-23 21:00:59.548739
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


revision: str = "5c9d7fe155d7"
down_revision: str | None = "5c1f0a9e7b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "participants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_partner_id", sa.Uuid(), nullable=False),
        sa.Column("given_names", sa.String(length=100), nullable=False),
        sa.Column("family_names", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=220), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column(
            "sex",
            sa.Enum(
                "female",
                "male",
                "intersex",
                "not_stated",
                name="sex",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("gender_identity", sa.String(length=60), nullable=True),
        sa.Column(
            "population_group",
            sa.Enum(
                "migrant",
                "refugee_or_asylum_seeker",
                "returnee",
                "host_community",
                name="population_group",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column(
            "migratory_status",
            sa.Enum(
                "regular",
                "in_process",
                "irregular",
                "refugee",
                "asylum_seeker",
                "not_applicable",
                "not_stated",
                name="migratory_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("documents", JSON, nullable=False),
        sa.Column("disability", JSON, nullable=True),
        sa.Column("has_disability", sa.Boolean(), nullable=True),
        sa.Column("household_size", sa.Integer(), nullable=True),
        sa.Column("dependants", sa.Integer(), nullable=True),
        sa.Column(
            "education_level",
            sa.Enum(
                "none",
                "primary",
                "secondary",
                "technical",
                "university",
                "postgraduate",
                name="education_level",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("canton_code", sa.String(length=4), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column(
            "preferred_language",
            sa.Enum("es", "en", name="participant_language", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("external_ids", JSON, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_partner_id"], ["partners.id"], name=op.f("fk_participants_owner_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
    )
    op.create_index("ix_participants_birth_date", "participants", ["birth_date"])
    op.create_index("ix_participants_owner", "participants", ["owner_partner_id", "id"])
    op.create_index("ix_participants_owner_name", "participants", ["owner_partner_id", "name_key", "id"])
    op.create_index("ix_participants_owner_registered", "participants", ["owner_partner_id", "registered_at", "id"])
    op.create_index("ix_participants_phone", "participants", ["phone"])
    op.create_index(
        "ix_participants_report", "participants", ["owner_partner_id", "population_group", "nationality", "sex"]
    )

    op.create_table(
        "consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "registration",
                "training",
                "seed_capital",
                "follow_up",
                "communications",
                "sharing",
                name="consent_purpose",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("recipient_partner_id", sa.Uuid(), nullable=True),
        sa.Column("notice_version", sa.String(length=40), nullable=False),
        sa.Column(
            "language",
            sa.Enum("es", "en", name="consent_language", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column(
            "method",
            sa.Enum(
                "in_person",
                "digital",
                "guardian",
                name="consent_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_consents_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_partner_id"], ["partners.id"], name=op.f("fk_consents_recipient_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index("ix_consents_participant", "consents", ["participant_id", "id"])
    op.create_index("ix_consents_sharing", "consents", ["recipient_partner_id", "participant_id"])

    op.create_table(
        "duplicate_candidates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("other_id", sa.Uuid(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("similarity", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "distinct",
                "merged",
                name="candidate_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["participants.id"],
            name=op.f("fk_duplicate_candidates_other_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_duplicate_candidates_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_candidates")),
        sa.UniqueConstraint("participant_id", "other_id", name="uq_duplicate_candidates_pair"),
    )
    op.create_index("ix_duplicate_candidates_status", "duplicate_candidates", ["status", "id"])

    op.create_table(
        "participant_identifiers",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_identifiers_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_participant_identifiers")),
    )
    op.create_index(op.f("ix_participant_identifiers_participant_id"), "participant_identifiers", ["participant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_participant_identifiers_participant_id"), table_name="participant_identifiers")

    op.drop_table("participant_identifiers")
    op.drop_index("ix_duplicate_candidates_status", table_name="duplicate_candidates")

    op.drop_table("duplicate_candidates")
    op.drop_index("ix_consents_sharing", table_name="consents")
    op.drop_index("ix_consents_participant", table_name="consents")

    op.drop_table("consents")
    op.drop_index("ix_participants_report", table_name="participants")
    op.drop_index("ix_participants_phone", table_name="participants")
    op.drop_index("ix_participants_owner_registered", table_name="participants")
    op.drop_index("ix_participants_owner_name", table_name="participants")
    op.drop_index("ix_participants_owner", table_name="participants")
    op.drop_index("ix_participants_birth_date", table_name="participants")

    op.drop_table("participants")
