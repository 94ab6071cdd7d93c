"""Tables of emprende. The metadata's naming convention gives every constraint a stable, predictable name."""

from __future__ import annotations

from enum import StrEnum

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
    UniqueConstraint,
    Uuid,
    false,
)

from emprende.adapters.types import (
    AmendmentList,
    DisabilityAnswers,
    DocumentList,
    ExternalIdList,
    JSONDocument,
    RoleSet,
    StringSet,
    UTCDateTime,
)
from emprende.domain.identity.user import Language, Role
from emprende.domain.participants.consent import ConsentMethod, ConsentPurpose
from emprende.domain.participants.duplicate import CandidateStatus
from emprende.domain.participants.participant import EducationLevel, MigratoryStatus, PopulationGroup, Sex
from emprende.domain.partners.partner import PartnerKind, PartnerStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enum(enum_cls: type[StrEnum], name: str) -> Enum:
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
    Column("participant_id", Uuid, ForeignKey("participants.id", ondelete="SET NULL"), nullable=True, unique=True),
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

participants = Table(
    "participants",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_partner_id", Uuid, ForeignKey("partners.id"), nullable=False),
    Column("given_names", String(100), nullable=False),
    Column("family_names", String(100), nullable=False),
    Column("name_key", String(220), nullable=False),
    Column("birth_date", Date, nullable=True),
    Column("birth_year", Integer, nullable=True),
    Column("sex", _enum(Sex, "sex"), nullable=False),
    Column("gender_identity", String(60), nullable=True),
    Column("population_group", _enum(PopulationGroup, "population_group"), nullable=False),
    Column("nationality", String(3), nullable=False),
    Column("migratory_status", _enum(MigratoryStatus, "migratory_status"), nullable=True),
    Column("documents", DocumentList, nullable=False),
    Column("disability", DisabilityAnswers, nullable=True),
    Column("has_disability", Boolean, nullable=True),
    Column("household_size", Integer, nullable=True),
    Column("dependants", Integer, nullable=True),
    Column("education_level", _enum(EducationLevel, "education_level"), nullable=True),
    Column("province_code", String(2), nullable=True),
    Column("canton_code", String(4), nullable=True),
    Column("phone", String(20), nullable=True),
    Column("email", String(254), nullable=True),
    Column("preferred_language", _enum(Language, "participant_language"), nullable=False),
    Column("external_ids", ExternalIdList, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("registered_by", Uuid, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("erased_at", UTCDateTime, nullable=True),
    Column("merged_into_id", Uuid, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_participants_owner_registered", "owner_partner_id", "registered_at", "id"),
    Index("ix_participants_owner_group_registered", "owner_partner_id", "population_group", "registered_at", "id"),
    Index("ix_participants_owner_name", "owner_partner_id", "name_key", "id"),
    Index("ix_participants_phone", "phone"),
    Index("ix_participants_report", "owner_partner_id", "population_group", "nationality", "sex"),
)

# Duplicate blocking by birth date: the people born on given days, with their name keys. On PostgreSQL it covers the
# import's lookup (birth date, name key, id, whether erased, and the owner, for whether a partner importing sees them),
# which then reads the index alone.
Index(
    "ix_participants_live_birth_date",
    participants.c.birth_date,
    participants.c.name_key,
    postgresql_include=["id", "erased_at", "owner_partner_id"],
    postgresql_where=participants.c.merged_into_id.is_(None),
    sqlite_where=participants.c.merged_into_id.is_(None),
)

# Exact-match keys (identity documents and external identifiers), unique across the whole registry.
participant_identifiers = Table(
    "participant_identifiers",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("participant_id", Uuid, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True),
)

consents = Table(
    "consents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("participant_id", Uuid, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", _enum(ConsentPurpose, "consent_purpose"), nullable=False),
    Column("recipient_partner_id", Uuid, ForeignKey("partners.id"), nullable=True),
    Column("notice_version", String(40), nullable=False),
    Column("language", _enum(Language, "consent_language"), nullable=False),
    Column("method", _enum(ConsentMethod, "consent_method"), nullable=False),
    Column("given_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", Uuid, nullable=True),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Index("ix_consents_participant", "participant_id", "id"),
    Index("ix_consents_sharing", "recipient_partner_id", "participant_id"),
)

# Read model kept by database triggers (migration b3e1f4a2c6d8) on consents and participants: one row per sharing
# consent in force, with the person's sort keys, so that "people shared with partner P" is an ordered index scan.
participant_shares = Table(
    "participant_shares",
    metadata,
    Column("consent_id", Uuid, ForeignKey("consents.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", Uuid, nullable=False),
    Column("participant_id", Uuid, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("name_key", String(220), nullable=False),
    Index("ix_participant_shares_registered", "partner_id", "registered_at", "participant_id"),
    Index("ix_participant_shares_name", "partner_id", "name_key", "participant_id"),
)

duplicate_candidates = Table(
    "duplicate_candidates",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("participant_id", Uuid, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("other_id", Uuid, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("reasons", StringSet, nullable=False),
    Column("similarity", Integer, nullable=False),
    Column("status", _enum(CandidateStatus, "candidate_status"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=True),
    Column("reviewed_by", Uuid, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("participant_id", "other_id", name="uq_duplicate_candidates_pair"),
    Index("ix_duplicate_candidates_status", "status", "id"),
)
