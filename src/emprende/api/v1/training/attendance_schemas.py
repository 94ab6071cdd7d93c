"""Request and response schemas of attendance registers, final scores and completion."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import Field

from emprende.api.schemas import RequestModel, ResponseModel
from emprende.domain.training.attendance import AttendanceStatus
from emprende.domain.training.enrollment import EnrollmentStatus


class AttendanceMarkIn(RequestModel):
    participant_id: uuid.UUID
    status: AttendanceStatus
    note: str | None = Field(None, max_length=500, description="Why someone was excused, say.")


class AttendanceIn(RequestModel):
    marks: list[AttendanceMarkIn] = Field(min_length=1, max_length=2000)


class AttendanceMarkOut(ResponseModel):
    participant_id: uuid.UUID
    enrollment_id: uuid.UUID
    status: AttendanceStatus
    note: str | None
    recorded_by: uuid.UUID | None
    recorded_at: datetime
    updated_at: datetime


class RegisterOut(ResponseModel):
    session_id: uuid.UUID
    recorded: int = Field(description="Marks this request recorded for the first time.")
    corrected: int = Field(description="Marks this request changed (each correction is in the audit trail).")
    unchanged: int = Field(description="Marks already recorded as sent (a register sent again changes nothing).")
    marks: list[AttendanceMarkOut]


class ScoreIn(RequestModel):
    score: Decimal = Field(ge=0, le=100, decimal_places=2, description="The final assessment score, 0 to 100.")


class CriterionFailureOut(ResponseModel):
    criterion: str = Field(description="min_attendance_percent, required_modules, min_assessment_score or sessions.")
    message: str


class CompletionOut(ResponseModel):
    enrollment_id: uuid.UUID
    participant_id: uuid.UUID
    status: EnrollmentStatus
    completed: bool
    attendance_percent: Decimal
    assessment_score: Decimal | None
    failures: list[CriterionFailureOut]
