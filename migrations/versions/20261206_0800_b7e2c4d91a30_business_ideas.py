"""Business ideas: each kept by the partner supporting the person, with its canvas, team and investment plan, the
requested amount that follows from the plan (exact: NUMERIC on PostgreSQL, whole cents on SQLite), and every version
of what it said.

Revision ID: b7e2c4d91a30
Revises: a1c9e5d27f40
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "b7e2c4d91a30"
down_revision: str | None = "a1c9e5d27f40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MONEY = sa.Numeric(12, 2).with_variant(sa.BigInteger(), "sqlite")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[sa.DateTime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "business_ideas",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_partner_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=2), nullable=False),
        sa.Column("stage", _enum("idea_stage", "idea", "early_operation", "running"), nullable=False),
        sa.Column("canvas", JSON, nullable=False),
        sa.Column("team", JSON, nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("canton_code", sa.String(length=4), nullable=False),
        sa.Column("parish_code", sa.String(length=6), nullable=True),
        sa.Column("plan", JSON, nullable=False),
        sa.Column("requested_amount", MONEY, nullable=False),
        sa.Column("status", _enum("idea_status", "draft", "submitted", "withdrawn"), nullable=False),
        _timestamp("created_at"),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _timestamp("updated_at"),
        _timestamp("submitted_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_partner_id"], ["partners.id"], name="fk_business_ideas_owner_partner_id_partners"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name="fk_business_ideas_participant_id_participants"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_business_ideas"),
    )
    op.create_index("ix_business_ideas_owner", "business_ideas", ["owner_partner_id", "id"])
    op.create_index("ix_business_ideas_participant", "business_ideas", ["participant_id"])
    op.create_table(
        "business_idea_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("idea_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _timestamp("recorded_at"),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("content", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["business_ideas.id"], name="fk_business_idea_versions_idea_id_business_ideas"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_business_idea_versions"),
        sa.UniqueConstraint("idea_id", "number", name="uq_business_idea_versions_number"),
    )


def downgrade() -> None:
    op.drop_table("business_idea_versions")
    op.drop_index("ix_business_ideas_participant", table_name="business_ideas")
    op.drop_index("ix_business_ideas_owner", table_name="business_ideas")
    op.drop_table("business_ideas")
