"""Tables of the calls area: seed-capital calls, their committees, applications, review assignments (with the
conflict-of-interest declarations) and reviews."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from emprende.adapters.sql.calls.types import RubricDocument, TermsDocument
from emprende.adapters.sql.shared.schema import enum_column, metadata
from emprende.adapters.sql.shared.types import JSONDocument, Money, UTCDateTime
from emprende.domain.calls.application import ApplicationStatus
from emprende.domain.calls.assignment import ConflictSource, Declaration
from emprende.domain.calls.call import CallStatus
from emprende.domain.calls.conflicts import ConflictRelation
from emprende.domain.calls.review import ReviewStatus

seed_capital_calls = Table(
    "seed_capital_calls",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_partner_id", Uuid, ForeignKey("partners.id"), nullable=True),
    Column("terms", TermsDocument, nullable=False),
    Column("rubric", RubricDocument, nullable=False),
    Column("rubric_frozen", Boolean, nullable=False),
    Column("status", enum_column(CallStatus, "call_status"), nullable=False),
    Column("phase", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_seed_capital_calls_owner", "owner_partner_id"),
)

call_evaluators = Table(
    "call_evaluators",
    metadata,
    Column("call_id", Uuid, ForeignKey("seed_capital_calls.id"), nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("partner_id", Uuid, ForeignKey("partners.id"), nullable=True),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", Uuid, nullable=True),
    PrimaryKeyConstraint("call_id", "user_id", name="pk_call_evaluators"),
)

applications = Table(
    "applications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("call_id", Uuid, ForeignKey("seed_capital_calls.id"), nullable=False),
    Column("owner_partner_id", Uuid, ForeignKey("partners.id"), nullable=True),
    Column("participant_id", Uuid, ForeignKey("participants.id"), nullable=False),
    Column("idea_id", Uuid, ForeignKey("business_ideas.id"), nullable=False),
    Column("idea_version", Integer, nullable=False),
    Column("idea_name", String(200), nullable=False),
    Column("snapshot", JSONDocument, nullable=False),
    Column("requested_amount", Money, nullable=False),
    Column("admissibility", JSONDocument, nullable=False),
    Column("status", enum_column(ApplicationStatus, "application_status"), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("submitted_by", Uuid, nullable=True),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    # One application per person per call, whatever became of it.
    UniqueConstraint("call_id", "participant_id", name="uq_applications_person"),
    Index("ix_applications_call", "call_id", "status", "submitted_at"),
    Index("ix_applications_participant", "participant_id"),
)

review_assignments = Table(
    "review_assignments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("call_id", Uuid, ForeignKey("seed_capital_calls.id"), nullable=False),
    Column("application_id", Uuid, ForeignKey("applications.id"), nullable=False),
    Column("evaluator_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("participant_id", Uuid, ForeignKey("participants.id"), nullable=False),
    Column("assigned_at", UTCDateTime, nullable=False),
    Column("declaration", enum_column(Declaration, "conflict_declaration"), nullable=False),
    Column("relation", enum_column(ConflictRelation, "conflict_relation"), nullable=True),
    Column("note", Text, nullable=True),
    Column("source", enum_column(ConflictSource, "conflict_source"), nullable=True),
    Column("declared_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    # An evaluator reviews an application once; a recusal is a declaration, never a second row.
    UniqueConstraint("application_id", "evaluator_id", name="uq_review_assignments_pair"),
    CheckConstraint("(declaration = 'conflict') = (relation IS NOT NULL)", name="relation"),
    Index("ix_review_assignments_call", "call_id"),
    Index("ix_review_assignments_evaluator", "evaluator_id", "id"),
    Index("ix_review_assignments_participant", "participant_id"),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("call_id", Uuid, ForeignKey("seed_capital_calls.id"), nullable=False),
    Column("application_id", Uuid, ForeignKey("applications.id"), nullable=False),
    Column("evaluator_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("rubric_version", Integer, nullable=False),
    Column("scores", JSONDocument, nullable=False),
    Column("status", enum_column(ReviewStatus, "review_status"), nullable=False),
    Column("total", Double, nullable=True),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("submitted_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("application_id", "evaluator_id", name="uq_reviews_pair"),
    CheckConstraint("(status = 'submitted') = (total IS NOT NULL)", name="total"),
    Index("ix_reviews_call", "call_id", "status"),
)
