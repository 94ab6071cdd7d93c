"""Tables of the participants area: people, their identifier keys, consents, the sharing read model and probable
duplicates."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)

from emprende.adapters.sql.shared.schema import enum_column, metadata
from emprende.adapters.sql.shared.types import (
    DisabilityAnswers,
    DocumentList,
    ExternalIdList,
    StringSet,
    UTCDateTime,
)
from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import ConsentMethod, ConsentPurpose
from emprende.domain.participants.duplicate import CandidateStatus
from emprende.domain.participants.participant import EducationLevel, MigratoryStatus, PopulationGroup, Sex

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
    Column("sex", enum_column(Sex, "sex"), nullable=False),
    Column("gender_identity", String(60), nullable=True),
    Column("population_group", enum_column(PopulationGroup, "population_group"), nullable=False),
    Column("nationality", String(3), nullable=False),
    Column("migratory_status", enum_column(MigratoryStatus, "migratory_status"), nullable=True),
    Column("documents", DocumentList, nullable=False),
    Column("disability", DisabilityAnswers, nullable=True),
    Column("has_disability", Boolean, nullable=True),
    Column("household_size", Integer, nullable=True),
    Column("dependants", Integer, nullable=True),
    Column("education_level", enum_column(EducationLevel, "education_level"), nullable=True),
    Column("province_code", String(2), nullable=True),
    Column("canton_code", String(4), nullable=True),
    Column("phone", String(20), nullable=True),
    Column("email", String(254), nullable=True),
    Column("preferred_language", enum_column(Language, "participant_language"), nullable=False),
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
    Column("purpose", enum_column(ConsentPurpose, "consent_purpose"), nullable=False),
    Column("recipient_partner_id", Uuid, ForeignKey("partners.id"), nullable=True),
    Column("notice_version", String(40), nullable=False),
    Column("language", enum_column(Language, "consent_language"), nullable=False),
    Column("method", enum_column(ConsentMethod, "consent_method"), nullable=False),
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
    Column("status", enum_column(CandidateStatus, "candidate_status"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=True),
    Column("reviewed_by", Uuid, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("participant_id", "other_id", name="uq_duplicate_candidates_pair"),
    Index("ix_duplicate_candidates_status", "status", "id"),
)
