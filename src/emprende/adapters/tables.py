"""Tables of emprende. The metadata's naming convention gives every constraint a stable, predictable name."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    false,
)

from emprende.adapters.types import AmendmentList, JSONDocument, RoleSet, StringSet, UTCDateTime
from emprende.domain.partners import PartnerKind, PartnerStatus
from emprende.domain.users import Language, Role

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enum(enum_cls: type[Role] | type[Language] | type[PartnerKind] | type[PartnerStatus], name: str) -> Enum:
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


partners = Table(
    "partners",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", _enum(PartnerKind, "partner_kind"), nullable=False),
    Column("country", String(3), nullable=False),
    Column("ruc", String(13), nullable=True, unique=True),
    Column("contact_email", String(254), nullable=True),
    Column("contact_phone", String(20), nullable=True),
    Column("status", _enum(PartnerStatus, "partner_status"), nullable=False),
    Column("suspension_reason", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

cooperation_agreements = Table(
    "cooperation_agreements",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("partner_id", Uuid, ForeignKey("partners.id"), nullable=False),
    Column("code", String(64), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("roles", RoleSet, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("current_end_date", Date, nullable=False),
    Column("data_sharing", Boolean, nullable=False),
    Column("document_reference", String(500), nullable=True),
    Column("is_draft", Boolean, nullable=False),
    Column("terminated_on", Date, nullable=True),
    Column("termination_reason", String(1000), nullable=True),
    Column("amendments", AmendmentList, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("end_date >= start_date", name="period"),
    Index("ix_cooperation_agreements_partner", "partner_id", "id"),
    Index("ix_cooperation_agreements_current_end_date", "current_end_date"),
)

api_clients = Table(
    "api_clients",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("partner_id", Uuid, ForeignKey("partners.id"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("scopes", StringSet, nullable=False),
    Column("secret_hash", String(255), nullable=False),
    Column("previous_secret_hash", String(255), nullable=True),
    Column("previous_secret_expires_at", UTCDateTime, nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("created_by", Uuid, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_api_clients_partner", "partner_id", "id"),
)

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("partner_id", Uuid, ForeignKey("partners.id"), nullable=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", _enum(Role, "user_role"), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("password_reset_required", Boolean, nullable=False, server_default=false()),
    Column("preferred_language", _enum(Language, "language"), nullable=False),
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

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("actor_type", String(16), nullable=False),
    Column("actor_id", Uuid, nullable=True),
    Column("action", String(32), nullable=False),
    Column("entity_type", String(64), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("changes", JSONDocument, nullable=False),
    Column("request_id", String(128), nullable=True),
    Index("ix_audit_events_entity", "entity_type", "entity_id", "id"),
    Index("ix_audit_events_actor", "actor_id", "id"),
    Index("ix_audit_events_occurred_at", "occurred_at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("aggregate_type", String(64), nullable=False),
    Column("aggregate_id", Uuid, nullable=False),
    Column("payload", JSONDocument, nullable=False),
    Column("request_id", String(128), nullable=True),
    Column("published_at", UTCDateTime, nullable=True),
    Index("ix_outbox_unpublished", "published_at", "id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("owner", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("response_headers", JSONDocument, nullable=True),
    Column("response_body", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)
