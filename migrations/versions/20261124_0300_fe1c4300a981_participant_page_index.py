"""An index for a partner's people of one population group in registration order.

A page of one population group, sorted by registration, becomes an ordered index range that stops after the page,
whatever the group: its plan no longer depends on how common the group is, so PostgreSQL can keep one generic plan
for it. `ix_participants_owner` (owner, id) goes: no read orders a partner's people by id, and every lookup by owner
is served by the other indexes that begin with it, so writes and imports maintain as many indexes as before.

Revision ID: fe1c4300a981
Revises: c7a5d3e9f1b2
Create Date: 2026-11-24 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "fe1c4300a981"
down_revision: str | None = "c7a5d3e9f1b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_participants_owner_group_registered",
        "participants",
        ["owner_partner_id", "population_group", "registered_at", "id"],
    )
    op.drop_index("ix_participants_owner", table_name="participants")


def downgrade() -> None:
    op.create_index("ix_participants_owner", "participants", ["owner_partner_id", "id"])
    op.drop_index("ix_participants_owner_group_registered", table_name="participants")
