"""Duplicate blocking by birth date reads one index: live people by birth date and name key.

An import looks up, for every batch, the live people born on the batch's birth dates (about 70 a day in a registry of
a million) with their name keys and ids. Through `ix_participants_birth_date` that was a bitmap heap scan over some
40,000 table pages and a sort per batch of 2,000 rows (250 ms at a million people); through this index, which holds
the name key and covers the id and erasure on PostgreSQL, it is an index-only scan already in birth-date order (45
ms). It is partial (people not merged into another record), as every read by birth date is, and it replaces the old
index, so writes maintain as many indexes as before.

Revision ID: 3b8d6f2a9c14
Revises: fe1c4300a981
Create Date: 2026-11-24 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8d6f2a9c14"
down_revision: str | None = "fe1c4300a981"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = "merged_into_id IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_participants_live_birth_date",
        "participants",
        ["birth_date", "name_key"],
        postgresql_include=["id", "erased_at"],
        postgresql_where=sa.text(_LIVE),
        sqlite_where=sa.text(_LIVE),
    )
    op.drop_index("ix_participants_birth_date", table_name="participants")


def downgrade() -> None:
    op.create_index("ix_participants_birth_date", "participants", ["birth_date"])
    op.drop_index("ix_participants_live_birth_date", table_name="participants")
