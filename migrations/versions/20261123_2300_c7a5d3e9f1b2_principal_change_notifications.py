"""Principal change notifications: `NOTIFY emprende_principals` when users, login sessions, partners or API clients
change, so that every worker clears its cached principals at once (PostgreSQL; SQLite keeps no such cache).

Revision ID: c7a5d3e9f1b2
Revises: b3e1f4a2c6d8
Create Date: 2026-11-23 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "c7a5d3e9f1b2"
down_revision: str | None = "b3e1f4a2c6d8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("users", "login_sessions", "partners", "api_clients")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION emprende_notify_principals() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('emprende_principals', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    for table in _TABLES:
        # New rows need no notice: nothing cached can be about a user, session or client that did not exist.
        op.execute(
            f"CREATE TRIGGER trg_{table}_notify_principals AFTER UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION emprende_notify_principals()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        op.execute(f"DROP TRIGGER trg_{table}_notify_principals ON {table}")
    op.execute("DROP FUNCTION emprende_notify_principals()")
