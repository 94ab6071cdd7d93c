"""Training: modules and their versions, cohorts, their sessions, enrolments with a waitlist, attendance, certificates
and the keys that sign them.

A cohort counts the seats it handed out; `seats_taken <= capacity` holds in the database as well as in the domain, and
one person has one enrolment per cohort, one place per number in its queue.

Revision ID: a1c9e5d27f40
Revises: 9d4c2b7e5a13
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a1c9e5d27f40"
down_revision: str | None = "9d4c2b7e5a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[sa.DateTime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _stamps() -> list[sa.Column[object]]:
    return [_timestamp("created_at"), _timestamp("updated_at"), sa.Column("version", sa.Integer(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "training_modules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("author_partner_ids", JSON, nullable=False),
        sa.Column("latest_number", sa.Integer(), nullable=False),
        sa.Column("published_number", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_training_modules"),
    )
    op.create_table(
        "training_module_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("module_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", _enum("module_version_status", "draft", "published"), nullable=False),
        sa.Column("translations", JSON, nullable=False),
        sa.Column("hours", sa.Numeric(6, 1), nullable=False),
        sa.Column("modalities", JSON, nullable=False),
        sa.Column("resources", JSON, nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _timestamp("published_at", nullable=True),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["module_id"], ["training_modules.id"], name="fk_training_module_versions_module_id_training_modules"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_training_module_versions"),
        sa.UniqueConstraint("module_id", "number", name="uq_training_module_versions_number"),
    )
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("curriculum", JSON, nullable=False),
        sa.Column("modality", _enum("cohort_modality", "virtual", "in_person", "blended"), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("canton_code", sa.String(length=4), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("enrolment_opens_on", sa.Date(), nullable=False),
        sa.Column("enrolment_closes_on", sa.Date(), nullable=False),
        sa.Column("offer_hours", sa.Integer(), nullable=False),
        sa.Column("eligibility", JSON, nullable=False),
        sa.Column("eligibility_version", sa.Integer(), nullable=False),
        sa.Column("completion", JSON, nullable=False),
        sa.Column(
            "status", _enum("cohort_status", "draft", "open", "running", "finished", "cancelled"), nullable=False
        ),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("queue_tail", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        *_stamps(),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="ck_cohorts_seats_within_capacity"),
        sa.CheckConstraint("capacity > 0", name="ck_cohorts_positive_capacity"),
        sa.CheckConstraint("end_date >= start_date", name="ck_cohorts_period"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_cohorts_partner_id_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_cohorts"),
    )
    op.create_index("ix_cohorts_partner", "cohorts", ["partner_id", "id"])
    op.create_table(
        "cohort_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_id", sa.Uuid(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name="fk_cohort_sessions_cohort_id_cohorts"),
        sa.ForeignKeyConstraint(
            ["module_id"], ["training_modules.id"], name="fk_cohort_sessions_module_id_training_modules"
        ),
        sa.ForeignKeyConstraint(["facilitator_id"], ["users.id"], name="fk_cohort_sessions_facilitator_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_cohort_sessions"),
    )
    op.create_index("ix_cohort_sessions_cohort", "cohort_sessions", ["cohort_id", "on", "starts_at"])
    op.create_table(
        "enrollments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            _enum(
                "enrollment_status",
                "waitlisted",
                "offered",
                "enrolled",
                "completed",
                "not_completed",
                "withdrawn",
                "dropped",
            ),
            nullable=False,
        ),
        sa.Column("queue_number", sa.Integer(), nullable=True),
        _timestamp("requested_at"),
        _timestamp("offered_at", nullable=True),
        _timestamp("offer_expires_at", nullable=True),
        _timestamp("enrolled_at", nullable=True),
        _timestamp("ended_at", nullable=True),
        sa.Column(
            "end_reason",
            _enum(
                "enrollment_end_reason",
                "withdrew",
                "offer_declined",
                "offer_expired",
                "cohort_cancelled",
                "dropped_out",
                "cohort_finished",
            ),
            nullable=True,
        ),
        sa.Column("assessment_score", sa.Numeric(5, 2), nullable=True),
        sa.Column("completion", JSON, nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name="fk_enrollments_cohort_id_cohorts"),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name="fk_enrollments_participant_id_participants"
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_enrollments_partner_id_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_enrollments"),
        sa.UniqueConstraint("cohort_id", "participant_id", name="uq_enrollments_person"),
        sa.UniqueConstraint("cohort_id", "queue_number", name="uq_enrollments_queue_number"),
    )
    op.create_index("ix_enrollments_queue", "enrollments", ["cohort_id", "status", "queue_number"])
    op.create_index("ix_enrollments_participant", "enrollments", ["participant_id"])
    op.create_table(
        "attendance",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("enrollment_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("status", _enum("attendance_status", "present", "absent", "excused", "late"), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        _timestamp("recorded_at"),
        _timestamp("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["cohort_sessions.id"], name="fk_attendance_session_id_cohort_sessions"
        ),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name="fk_attendance_cohort_id_cohorts"),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"], name="fk_attendance_enrollment_id_enrollments"),
        sa.PrimaryKeyConstraint("id", name="pk_attendance"),
        sa.UniqueConstraint("session_id", "participant_id", name="uq_attendance_mark"),
    )
    op.create_index("ix_attendance_cohort", "attendance", ["cohort_id", "participant_id"])
    op.create_table(
        "certificates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("enrollment_id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.String(length=100), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("status", _enum("certificate_status", "active", "suspended", "revoked"), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        _timestamp("issued_at"),
        _timestamp("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status_index >= 0", name="ck_certificates_status_index"),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollments.id"], name="fk_certificates_enrollment_id_enrollments"
        ),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name="fk_certificates_cohort_id_cohorts"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_certificates_partner_id_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_certificates"),
        sa.UniqueConstraint("enrollment_id", name="uq_certificates_enrollment_id"),
        sa.UniqueConstraint("status_index", name="uq_certificates_status_index"),
    )
    op.create_index("ix_certificates_cohort", "certificates", ["cohort_id"])
    op.create_index("ix_certificates_participant", "certificates", ["participant_id"])
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        _timestamp("created_at"),
        _timestamp("retired_at", nullable=True),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("kid", name="pk_signing_keys"),
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
    op.drop_index("ix_certificates_participant", table_name="certificates")
    op.drop_index("ix_certificates_cohort", table_name="certificates")
    op.drop_table("certificates")
    op.drop_index("ix_attendance_cohort", table_name="attendance")
    op.drop_table("attendance")
    op.drop_index("ix_enrollments_participant", table_name="enrollments")
    op.drop_index("ix_enrollments_queue", table_name="enrollments")
    op.drop_table("enrollments")
    op.drop_index("ix_cohort_sessions_cohort", table_name="cohort_sessions")
    op.drop_table("cohort_sessions")
    op.drop_index("ix_cohorts_partner", table_name="cohorts")
    op.drop_table("cohorts")
    op.drop_table("training_module_versions")
    op.drop_table("training_modules")
