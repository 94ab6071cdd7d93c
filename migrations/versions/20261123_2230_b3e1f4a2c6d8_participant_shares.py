"""Participant shares: a read model of the sharing consents in force, kept by triggers.

Listing the people shared with a partner used to join every sharing consent naming it to `participants` and sort them
(≈ 9 ms per page for a partner with 1,200 shared people at 1,000,000). One row per sharing consent in force, with the
person's sort keys, makes it an ordered index scan that stops at the page size. Triggers keep it exact whatever writes
the consents (the application, bulk imports, merges moving consents, erasure withdrawing them, or SQL by hand).

Revision ID: b3e1f4a2c6d8
Revises: 7d2e4b8c1a90
Create Date: 2026-11-23 22:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3e1f4a2c6d8"
down_revision: str | None = "7d2e4b8c1a90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = (
    "INSERT INTO participant_shares (consent_id, partner_id, participant_id, registered_at, name_key) "
    "SELECT c.id, c.recipient_partner_id, p.id, p.registered_at, p.name_key FROM consents AS c "
    "JOIN participants AS p ON p.id = c.participant_id "
    "WHERE c.purpose = 'sharing' AND c.withdrawn_at IS NULL AND c.recipient_partner_id IS NOT NULL"
)

_POSTGRESQL_UP = (
    """
    CREATE FUNCTION participant_shares_from_consent() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM participant_shares WHERE consent_id = OLD.id;
        END IF;
        INSERT INTO participant_shares (consent_id, partner_id, participant_id, registered_at, name_key)
        SELECT NEW.id, NEW.recipient_partner_id, p.id, p.registered_at, p.name_key FROM participants AS p
        WHERE p.id = NEW.participant_id AND NEW.purpose = 'sharing' AND NEW.withdrawn_at IS NULL
            AND NEW.recipient_partner_id IS NOT NULL;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER trg_consents_participant_shares_insert AFTER INSERT ON consents
    FOR EACH ROW WHEN (NEW.purpose = 'sharing') EXECUTE FUNCTION participant_shares_from_consent()
    """,
    """
    CREATE TRIGGER trg_consents_participant_shares_update AFTER UPDATE ON consents
    FOR EACH ROW WHEN (OLD.purpose = 'sharing' OR NEW.purpose = 'sharing')
    EXECUTE FUNCTION participant_shares_from_consent()
    """,
    """
    CREATE FUNCTION participant_shares_from_participant() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE participant_shares SET registered_at = NEW.registered_at, name_key = NEW.name_key
        WHERE participant_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER trg_participants_participant_shares AFTER UPDATE OF registered_at, name_key ON participants
    FOR EACH ROW
    WHEN (OLD.registered_at IS DISTINCT FROM NEW.registered_at OR OLD.name_key IS DISTINCT FROM NEW.name_key)
    EXECUTE FUNCTION participant_shares_from_participant()
    """,
)
_POSTGRESQL_DOWN = (
    "DROP TRIGGER trg_participants_participant_shares ON participants",
    "DROP FUNCTION participant_shares_from_participant()",
    "DROP TRIGGER trg_consents_participant_shares_update ON consents",
    "DROP TRIGGER trg_consents_participant_shares_insert ON consents",
    "DROP FUNCTION participant_shares_from_consent()",
)
_SQLITE_UP = (
    """
    CREATE TRIGGER trg_consents_participant_shares_insert AFTER INSERT ON consents
    WHEN NEW.purpose = 'sharing'
    BEGIN
        INSERT INTO participant_shares (consent_id, partner_id, participant_id, registered_at, name_key)
        SELECT NEW.id, NEW.recipient_partner_id, p.id, p.registered_at, p.name_key FROM participants AS p
        WHERE p.id = NEW.participant_id AND NEW.purpose = 'sharing' AND NEW.withdrawn_at IS NULL
            AND NEW.recipient_partner_id IS NOT NULL;
    END
    """,
    """
    CREATE TRIGGER trg_consents_participant_shares_update AFTER UPDATE ON consents
    WHEN OLD.purpose = 'sharing' OR NEW.purpose = 'sharing'
    BEGIN
        DELETE FROM participant_shares WHERE consent_id = OLD.id;
        INSERT INTO participant_shares (consent_id, partner_id, participant_id, registered_at, name_key)
        SELECT NEW.id, NEW.recipient_partner_id, p.id, p.registered_at, p.name_key FROM participants AS p
        WHERE p.id = NEW.participant_id AND NEW.purpose = 'sharing' AND NEW.withdrawn_at IS NULL
            AND NEW.recipient_partner_id IS NOT NULL;
    END
    """,
    """
    CREATE TRIGGER trg_participants_participant_shares AFTER UPDATE OF registered_at, name_key ON participants
    WHEN OLD.registered_at IS NOT NEW.registered_at OR OLD.name_key IS NOT NEW.name_key
    BEGIN
        UPDATE participant_shares SET registered_at = NEW.registered_at, name_key = NEW.name_key
        WHERE participant_id = NEW.id;
    END
    """,
)
_SQLITE_DOWN = (
    "DROP TRIGGER trg_participants_participant_shares",
    "DROP TRIGGER trg_consents_participant_shares_update",
    "DROP TRIGGER trg_consents_participant_shares_insert",
)


def upgrade() -> None:
    op.create_table(
        "participant_shares",
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name_key", sa.String(length=220), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["consents.id"],
            name=op.f("fk_participant_shares_consent_id_consents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_shares_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consent_id", name=op.f("pk_participant_shares")),
    )
    op.create_index(
        op.f("ix_participant_shares_participant_id"), "participant_shares", ["participant_id"], unique=False
    )
    op.create_index(
        "ix_participant_shares_registered", "participant_shares", ["partner_id", "registered_at", "participant_id"]
    )
    op.create_index("ix_participant_shares_name", "participant_shares", ["partner_id", "name_key", "participant_id"])
    op.execute(_BACKFILL)
    for statement in _POSTGRESQL_UP if op.get_bind().dialect.name == "postgresql" else _SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in _POSTGRESQL_DOWN if op.get_bind().dialect.name == "postgresql" else _SQLITE_DOWN:
        op.execute(statement)
    op.drop_index("ix_participant_shares_name", table_name="participant_shares")
    op.drop_index("ix_participant_shares_registered", table_name="participant_shares")
    op.drop_index(op.f("ix_participant_shares_participant_id"), table_name="participant_shares")
    op.drop_table("participant_shares")
