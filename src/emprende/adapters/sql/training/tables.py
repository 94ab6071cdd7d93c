"""Tables of the training area: modules and their versions, cohorts, their sessions, enrolments."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
)

from emprende.adapters.sql.shared.schema import enum_column, metadata
from emprende.adapters.sql.shared.types import JSONDocument, UTCDateTime
from emprende.adapters.sql.training.types import Curriculum, IdSet, ModalitySet, ResourceList, Translations
from emprende.domain.training.attendance import AttendanceStatus
from emprende.domain.training.certificate import CertificateStatus
from emprende.domain.training.cohort import CohortStatus
from emprende.domain.training.enrollment import EndReason, EnrollmentStatus
from emprende.domain.training.module import Modality, VersionStatus

training_modules = Table(
    "training_modules",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("author_partner_ids", IdSet, nullable=False),
    Column("latest_number", Integer, nullable=False),
    Column("published_number", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Uuid, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

training_module_versions = Table(
    "training_module_versions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("module_id", Uuid, ForeignKey("training_modules.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("status", enum_column(VersionStatus, "module_version_status"), nullable=False),
    Column("translations", Translations, nullable=False),
    Column("hours", Numeric(6, 1), nullable=False),
    Column("modalities", ModalitySet, nullable=False),
    Column("resources", ResourceList, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Uuid, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    Column("published_by", Uuid, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("module_id", "number", name="uq_training_module_versions_number"),
)

cohorts = Table(
    "cohorts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("partner_id", Uuid, ForeignKey("partners.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("curriculum", Curriculum, nullable=False),
    Column("modality", enum_column(Modality, "cohort_modality"), nullable=False),
    Column("province_code", String(2), nullable=True),
    Column("canton_code", String(4), nullable=True),
    Column("address", String(300), nullable=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("enrolment_opens_on", Date, nullable=False),
    Column("enrolment_closes_on", Date, nullable=False),
    Column("offer_hours", Integer, nullable=False),
    Column("eligibility", JSONDocument, nullable=False),
    Column("eligibility_version", Integer, nullable=False),
    Column("completion", JSONDocument, nullable=False),
    Column("status", enum_column(CohortStatus, "cohort_status"), nullable=False),
    Column("seats_taken", Integer, nullable=False),
    Column("queue_tail", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Uuid, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # The seats a cohort hands out never pass its capacity, whatever the application does.
    CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
    CheckConstraint("capacity > 0", name="positive_capacity"),
    CheckConstraint("end_date >= start_date", name="period"),
    Index("ix_cohorts_partner", "partner_id", "id"),
)

cohort_sessions = Table(
    "cohort_sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("cohort_id", Uuid, ForeignKey("cohorts.id"), nullable=False),
    Column("on", Date, nullable=False),
    Column("starts_at", Time, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("module_id", Uuid, ForeignKey("training_modules.id"), nullable=False),
    Column("facilitator_id", Uuid, ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_cohort_sessions_cohort", "cohort_id", "on", "starts_at"),
)

enrollments = Table(
    "enrollments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("cohort_id", Uuid, ForeignKey("cohorts.id"), nullable=False),
    Column("participant_id", Uuid, ForeignKey("participants.id"), nullable=False),
    Column("partner_id", Uuid, ForeignKey("partners.id"), nullable=False),
    Column("status", enum_column(EnrollmentStatus, "enrollment_status"), nullable=False),
    Column("queue_number", Integer, nullable=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("offered_at", UTCDateTime, nullable=True),
    Column("offer_expires_at", UTCDateTime, nullable=True),
    Column("enrolled_at", UTCDateTime, nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("end_reason", enum_column(EndReason, "enrollment_end_reason"), nullable=True),
    Column("assessment_score", Numeric(5, 2), nullable=True),
    Column("completion", JSONDocument, nullable=True),
    Column("created_by", Uuid, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # One enrolment per person per cohort; one place per number in the cohort's queue.
    UniqueConstraint("cohort_id", "participant_id", name="uq_enrollments_person"),
    UniqueConstraint("cohort_id", "queue_number", name="uq_enrollments_queue_number"),
    Index("ix_enrollments_queue", "cohort_id", "status", "queue_number"),
    Index("ix_enrollments_participant", "participant_id"),
)

attendance = Table(
    "attendance",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("session_id", Uuid, ForeignKey("cohort_sessions.id"), nullable=False),
    Column("cohort_id", Uuid, ForeignKey("cohorts.id"), nullable=False),
    Column("enrollment_id", Uuid, ForeignKey("enrollments.id"), nullable=False),
    Column("participant_id", Uuid, nullable=False),
    Column("status", enum_column(AttendanceStatus, "attendance_status"), nullable=False),
    Column("note", String(500), nullable=True),
    Column("recorded_by", Uuid, nullable=True),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # One mark per person per session: a register sent twice corrects, never duplicates.
    UniqueConstraint("session_id", "participant_id", name="uq_attendance_mark"),
    Index("ix_attendance_cohort", "cohort_id", "participant_id"),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("enrollment_id", Uuid, ForeignKey("enrollments.id"), nullable=False, unique=True),
    Column("cohort_id", Uuid, ForeignKey("cohorts.id"), nullable=False),
    Column("participant_id", Uuid, nullable=False),
    Column("partner_id", Uuid, ForeignKey("partners.id"), nullable=False),
    Column("subject_id", String(100), nullable=False),
    Column("status_index", Integer, nullable=False, unique=True),
    Column("status", enum_column(CertificateStatus, "certificate_status"), nullable=False),
    Column("reason", String(500), nullable=True),
    Column("token", Text, nullable=False),
    Column("kid", String(64), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("status_index >= 0", name="status_index"),
    Index("ix_certificates_cohort", "cohort_id"),
    Index("ix_certificates_participant", "participant_id"),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("retired_at", UTCDateTime, nullable=True),
    Column("public_key", LargeBinary, nullable=False),
    Column("sealed_private_key", LargeBinary, nullable=True),
)
