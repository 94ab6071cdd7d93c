"""Seed-capital calls: calls with their terms and rubric, their committees, applications (with the idea as
submitted), review assignments carrying conflict-of-interest declarations, and reviews.

One application per person per call, one assignment and one review per evaluator and application, hold in the
database as well as in the domain; a recusal always names its relation, and only a submitted review has a total.

Revision ID: c4f8a2e6b913
Revises: b7e2c4d91a30
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c4f8a2e6b913"
down_revision: str | None = "b7e2c4d91a30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MONEY = sa.Numeric(12, 2).with_variant(sa.BigInteger(), "sqlite")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[sa.DateTime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _version() -> sa.Column[sa.Integer]:
    return sa.Column("version", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "seed_capital_calls",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_partner_id", sa.Uuid(), nullable=True),
        sa.Column("terms", JSON, nullable=False),
        sa.Column("rubric", JSON, nullable=False),
        sa.Column("rubric_frozen", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            _enum("call_status", "draft", "open", "in_review", "review_closed", "cancelled"),
            nullable=False,
        ),
        sa.Column("phase", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _version(),
        sa.ForeignKeyConstraint(
            ["owner_partner_id"], ["partners.id"], name="fk_seed_capital_calls_owner_partner_id_partners"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_seed_capital_calls"),
    )
    op.create_index("ix_seed_capital_calls_owner", "seed_capital_calls", ["owner_partner_id"])
    op.create_table(
        "call_evaluators",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=True),
        _timestamp("added_at"),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["seed_capital_calls.id"], name="fk_call_evaluators_call_id_seed_capital_calls"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_call_evaluators_user_id_users"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_call_evaluators_partner_id_partners"),
        sa.PrimaryKeyConstraint("call_id", "user_id", name="pk_call_evaluators"),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("owner_partner_id", sa.Uuid(), nullable=True),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("idea_id", sa.Uuid(), nullable=False),
        sa.Column("idea_version", sa.Integer(), nullable=False),
        sa.Column("idea_name", sa.String(length=200), nullable=False),
        sa.Column("snapshot", JSON, nullable=False),
        sa.Column("requested_amount", MONEY, nullable=False),
        sa.Column("admissibility", JSON, nullable=False),
        sa.Column("status", _enum("application_status", "submitted", "withdrawn"), nullable=False),
        _timestamp("submitted_at"),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        _timestamp("withdrawn_at", nullable=True),
        _version(),
        sa.ForeignKeyConstraint(
            ["call_id"], ["seed_capital_calls.id"], name="fk_applications_call_id_seed_capital_calls"
        ),
        sa.ForeignKeyConstraint(
            ["owner_partner_id"], ["partners.id"], name="fk_applications_owner_partner_id_partners"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name="fk_applications_participant_id_participants"
        ),
        sa.ForeignKeyConstraint(["idea_id"], ["business_ideas.id"], name="fk_applications_idea_id_business_ideas"),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
        sa.UniqueConstraint("call_id", "participant_id", name="uq_applications_person"),
    )
    op.create_index("ix_applications_call", "applications", ["call_id", "status", "submitted_at"])
    op.create_index("ix_applications_participant", "applications", ["participant_id"])
    op.create_table(
        "review_assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("evaluator_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        _timestamp("assigned_at"),
        sa.Column("declaration", _enum("conflict_declaration", "pending", "no_conflict", "conflict"), nullable=False),
        sa.Column(
            "relation",
            _enum(
                "conflict_relation",
                "family",
                "friendship",
                "business",
                "employment",
                "same_partner",
                "facilitator",
                "earlier_relation",
                "other",
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", _enum("conflict_source", "declared", "detected"), nullable=True),
        _timestamp("declared_at", nullable=True),
        _version(),
        sa.CheckConstraint(
            "(declaration = 'conflict') = (relation IS NOT NULL)", name="ck_review_assignments_relation"
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["seed_capital_calls.id"], name="fk_review_assignments_call_id_seed_capital_calls"
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name="fk_review_assignments_application_id_applications"
        ),
        sa.ForeignKeyConstraint(["evaluator_id"], ["users.id"], name="fk_review_assignments_evaluator_id_users"),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name="fk_review_assignments_participant_id_participants"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_assignments"),
        sa.UniqueConstraint("application_id", "evaluator_id", name="uq_review_assignments_pair"),
    )
    op.create_index("ix_review_assignments_call", "review_assignments", ["call_id"])
    op.create_index("ix_review_assignments_evaluator", "review_assignments", ["evaluator_id", "id"])
    op.create_index("ix_review_assignments_participant", "review_assignments", ["participant_id"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("evaluator_id", sa.Uuid(), nullable=False),
        sa.Column("rubric_version", sa.Integer(), nullable=False),
        sa.Column("scores", JSON, nullable=False),
        sa.Column("status", _enum("review_status", "draft", "submitted"), nullable=False),
        sa.Column("total", sa.Double(), nullable=True),
        _timestamp("saved_at"),
        _timestamp("submitted_at", nullable=True),
        _version(),
        sa.CheckConstraint("(status = 'submitted') = (total IS NOT NULL)", name="ck_reviews_total"),
        sa.ForeignKeyConstraint(["call_id"], ["seed_capital_calls.id"], name="fk_reviews_call_id_seed_capital_calls"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], name="fk_reviews_application_id_applications"),
        sa.ForeignKeyConstraint(["evaluator_id"], ["users.id"], name="fk_reviews_evaluator_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("application_id", "evaluator_id", name="uq_reviews_pair"),
    )
    op.create_index("ix_reviews_call", "reviews", ["call_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_reviews_call", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index("ix_review_assignments_participant", table_name="review_assignments")
    op.drop_index("ix_review_assignments_evaluator", table_name="review_assignments")
    op.drop_index("ix_review_assignments_call", table_name="review_assignments")
    op.drop_table("review_assignments")
    op.drop_index("ix_applications_participant", table_name="applications")
    op.drop_index("ix_applications_call", table_name="applications")
    op.drop_table("applications")
    op.drop_table("call_evaluators")
    op.drop_index("ix_seed_capital_calls_owner", table_name="seed_capital_calls")
    op.drop_table("seed_capital_calls")
