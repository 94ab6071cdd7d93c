"""Tables of the partners area: institutional partners, cooperation agreements and API clients."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)

from emprende.adapters.sql.shared.schema import enum_column, metadata
from emprende.adapters.sql.shared.types import (
    AmendmentList,
    RoleSet,
    StringSet,
    UTCDateTime,
)
from emprende.domain.partners.partner import PartnerKind, PartnerStatus

partners = Table(
    "partners",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", enum_column(PartnerKind, "partner_kind"), nullable=False),
    Column("country", String(3), nullable=False),
    Column("ruc", String(13), nullable=True, unique=True),
    Column("contact_email", String(254), nullable=True),
    Column("contact_phone", String(20), nullable=True),
    Column("status", enum_column(PartnerStatus, "partner_status"), nullable=False),
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
