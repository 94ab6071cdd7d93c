"""Participant portal: a participant account belongs to exactly one participant record.

Revision ID: 7d2e4b8c1a90
Revises: 5c9d7fe155d7
Create Date: 2026-11-23 21:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d2e4b8c1a90"
down_revision: str | None = "5c9d7fe155d7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("participant_id", sa.Uuid(), nullable=True))
        batch.create_unique_constraint(op.f("uq_users_participant_id"), ["participant_id"])
        batch.create_foreign_key(
            op.f("fk_users_participant_id_participants"),
            "participants",
            ["participant_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("fk_users_participant_id_participants"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_users_participant_id"), type_="unique")
        batch.drop_column("participant_id")
