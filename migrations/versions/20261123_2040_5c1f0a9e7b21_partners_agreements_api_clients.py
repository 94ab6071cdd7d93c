"""Institutional partners, cooperation agreements, partner API clients; users belong to a partner.

Revision ID: 5c1f0a9e7b21
Revises: 897384ddc32c
Create Date: 2026-11-23 20:40:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5c1f0a9e7b21"
down_revision: str | None = "897384ddc32c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
PARTNER_KINDS = (
    "government",
    "academia",
    "international_cooperation",
    "ngo",
    "private_sector",
    "financial_institution",
)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[sa.DateTime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*PARTNER_KINDS, name="partner_kind", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("ruc", sa.String(length=13), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column(
            "status",
            sa.Enum("active", "suspended", name="partner_status", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("suspension_reason", sa.String(length=500), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("ruc", name=op.f("uq_partners_ruc")),
    )
    op.create_table(
        "cooperation_agreements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("current_end_date", sa.Date(), nullable=False),
        sa.Column("data_sharing", sa.Boolean(), nullable=False),
        sa.Column("document_reference", sa.String(length=500), nullable=True),
        sa.Column("is_draft", sa.Boolean(), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("termination_reason", sa.String(length=1000), nullable=True),
        sa.Column("amendments", JSON, nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_cooperation_agreements_period")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_cooperation_agreements_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_agreements")),
        sa.UniqueConstraint("code", name=op.f("uq_cooperation_agreements_code")),
    )
    op.create_index("ix_cooperation_agreements_partner", "cooperation_agreements", ["partner_id", "id"])
    op.create_index("ix_cooperation_agreements_current_end_date", "cooperation_agreements", ["current_end_date"])
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("scopes", JSON, nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("previous_secret_hash", sa.String(length=255), nullable=True),
        _timestamp("previous_secret_expires_at", nullable=True),
        _timestamp("expires_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        _timestamp("last_used_at", nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_api_clients_partner_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
    )
    op.create_index("ix_api_clients_partner", "api_clients", ["partner_id", "id"])

    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("partner_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("password_reset_required", sa.Boolean(), nullable=False, server_default=sa.false()))
    _park_partnerless_accounts()
    with op.batch_alter_table("users") as batch:
        batch.create_foreign_key(op.f("fk_users_partner_id_partners"), "partners", ["partner_id"], ["id"])
        batch.create_check_constraint(op.f("ck_users_operator_admins"), "(role = 'admin') = (partner_id IS NULL)")
        batch.create_index("ix_users_partner", ["partner_id", "id"])


def _park_partnerless_accounts() -> None:
    """Accounts with a partner role but no partner (possible before partners existed) move to a suspended
    placeholder partner: they cannot sign in until an administrator assigns them, and nobody gains a role."""
    connection = op.get_bind()
    users = sa.table("users", sa.column("role", sa.String), sa.column("partner_id", sa.Uuid))
    orphans = connection.execute(
        sa.select(sa.func.count()).select_from(users).where(users.c.role != "admin", users.c.partner_id.is_(None))
    ).scalar_one()
    if not orphans:
        return
    placeholder = uuid.uuid4()
    now = datetime.now(UTC)
    partners = sa.table(
        "partners",
        *(sa.column(name) for name in ("name", "kind", "country", "status", "suspension_reason", "version")),
        sa.column("id", sa.Uuid),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    connection.execute(
        partners.insert().values(
            id=placeholder,
            name="Cuentas sin socio (migración)",
            kind="ngo",
            country="ECU",
            status="suspended",
            suspension_reason="accounts created before partners existed; assign them to their partner",
            created_at=now,
            updated_at=now,
            version=1,
        )
    )
    connection.execute(
        users.update().where(users.c.role != "admin", users.c.partner_id.is_(None)).values(partner_id=placeholder)
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_partner")
        batch.drop_constraint(op.f("ck_users_operator_admins"), type_="check")
        batch.drop_constraint(op.f("fk_users_partner_id_partners"), type_="foreignkey")
        batch.drop_column("password_reset_required")
        batch.drop_column("partner_id")
    op.drop_index("ix_api_clients_partner", table_name="api_clients")
    op.drop_table("api_clients")
    op.drop_index("ix_cooperation_agreements_current_end_date", table_name="cooperation_agreements")
    op.drop_index("ix_cooperation_agreements_partner", table_name="cooperation_agreements")
    op.drop_table("cooperation_agreements")
    op.drop_table("partners")
