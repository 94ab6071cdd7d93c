"""Tables of the identity area: user accounts and their login sessions."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    false,
)

from emprende.adapters.sql.shared.schema import enum_column, metadata
from emprende.adapters.sql.shared.types import (
    UTCDateTime,
)
from emprende.domain.identity.user import Language, Role

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("partner_id", Uuid, ForeignKey("partners.id"), nullable=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", enum_column(Role, "user_role"), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("password_reset_required", Boolean, nullable=False, server_default=false()),
    Column("participant_id", Uuid, ForeignKey("participants.id", ondelete="SET NULL"), nullable=True, unique=True),
    Column("preferred_language", enum_column(Language, "language"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("(role = 'admin') = (partner_id IS NULL)", name="operator_admins"),
    Index("ix_users_partner", "partner_id", "id"),
)


login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("current_token_id", Uuid, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("last_refreshed_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("revoked_reason", String(64), nullable=True),
)
