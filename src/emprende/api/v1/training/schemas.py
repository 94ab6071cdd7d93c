"""Request and response schemas of the training area: modules, cohorts and their sessions, enrolments."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from emprende.api.eligibility_rules import EligibilityRuleIn
from emprende.api.schemas import RequestModel, ResponseModel
from emprende.domain.identity.user import Language
from emprende.domain.training.attendance import AttendanceStatus
from emprende.domain.training.cohort import CohortStatus
from emprende.domain.training.enrollment import EndReason, EnrollmentStatus
from emprende.domain.training.module import Modality, ResourceKind, VersionStatus

# -- modules -----------------------------------------------------------------------------------------------------------


class ModuleTextIn(RequestModel):
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=2000)
    learning_outcomes: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=20
    )


class ResourceIn(RequestModel):
    url: str = Field(min_length=1, max_length=2000, description="An http(s) link.")
    kind: ResourceKind
    language: Language
    title: str = Field(min_length=1, max_length=200)


class ModuleContentIn(RequestModel):
    translations: dict[Language, ModuleTextIn] = Field(
        min_length=1, description="The module's texts per language: Spanish, English or both."
    )
    hours: Decimal = Field(ge=Decimal("0.5"), le=Decimal(1000), decimal_places=1, description="In half hours.")
    modalities: list[Modality] = Field(min_length=1, max_length=3, description="The modalities the module suits.")
    resources: list[ResourceIn] = Field(default_factory=list, max_length=30)


class ModuleCreateIn(ModuleContentIn):
    author_partner_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=5,
        description="Administrators name the authoring partners; a partner authors in its own name.",
    )


HALF_HOURS = Decimal("0.1")


class _Hours(ResponseModel):
    """Hours always with one decimal, as stored."""

    hours: Decimal

    @field_validator("hours")
    @classmethod
    def _one_decimal(cls, value: Decimal) -> Decimal:
        return value.quantize(HALF_HOURS)


class ModuleTextOut(ResponseModel):
    title: str
    summary: str
    learning_outcomes: list[str]


class ResourceOut(ResponseModel):
    url: str
    kind: ResourceKind
    language: Language
    title: str


class ModuleOut(_Hours):
    """A module with one of its versions, in the language the caller asked for (or the one the version has)."""

    id: uuid.UUID
    author_partner_ids: list[uuid.UUID]
    version: int = Field(description="The version shown.")
    status: VersionStatus
    language: Language = Field(description="The language of the texts served (also in Content-Language).")
    available_languages: list[Language]
    title: str
    summary: str
    learning_outcomes: list[str]
    hours: Decimal
    modalities: list[Modality]
    resources: list[ResourceOut]
    latest_version: int
    published_version: int | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ModuleVersionOut(_Hours):
    number: int
    status: VersionStatus
    available_languages: list[Language]
    hours: Decimal
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ModuleListItemOut(_Hours):
    id: uuid.UUID
    author_partner_ids: list[uuid.UUID]
    version: int
    status: VersionStatus
    language: Language
    available_languages: list[Language]
    title: str
    summary: str
    hours: Decimal
    modalities: list[Modality]
    published_at: datetime | None
    updated_at: datetime


# -- eligibility and completion ------------------------------------------------------------------------------------


class CompletionCriteriaIn(RequestModel):
    min_attendance_percent: int = Field(80, ge=0, le=100)
    required_modules: list[uuid.UUID] = Field(default_factory=list, max_length=30)
    min_assessment_score: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)


# -- cohorts -------------------------------------------------------------------------------------------------------


class CurriculumItemIn(RequestModel):
    module_id: uuid.UUID
    version: int = Field(ge=1, description="A published version of the module.")


class CohortPlanIn(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    curriculum: list[CurriculumItemIn] = Field(min_length=1, max_length=30, description="Module versions, in order.")
    modality: Modality
    province_code: str | None = Field(None, min_length=2, max_length=2, description="INEC code; in person only.")
    canton_code: str | None = Field(None, min_length=4, max_length=4, description="INEC code; in person only.")
    address: str | None = Field(None, min_length=1, max_length=300)
    start_date: date
    end_date: date
    capacity: int = Field(ge=1, le=10_000)
    enrolment_opens_on: date
    enrolment_closes_on: date
    offer_hours: int = Field(48, ge=1, le=720, description="How long an offered seat is held.")
    eligibility_rules: list[EligibilityRuleIn] = Field(default_factory=list, max_length=20)
    completion_criteria: CompletionCriteriaIn = Field(default_factory=CompletionCriteriaIn)


class CohortCreateIn(CohortPlanIn):
    partner_id: uuid.UUID | None = Field(
        None, description="Administrators name the delivering partner; a partner runs cohorts in its own name."
    )


class CohortTransitionIn(RequestModel):
    to: Literal["open", "running", "finished", "cancelled"]


class SessionIn(RequestModel):
    on: date
    starts_at: time
    duration_minutes: int = Field(ge=15, le=720)
    module_id: uuid.UUID
    facilitator_id: uuid.UUID | None = None


class SessionOut(ResponseModel):
    id: uuid.UUID
    on: date
    starts_at: time
    duration_minutes: int
    module_id: uuid.UUID
    facilitator_id: uuid.UUID | None


class CurriculumItemOut(ResponseModel):
    module_id: uuid.UUID
    version: int


class CohortOut(ResponseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    name: str
    status: CohortStatus
    curriculum: list[CurriculumItemOut]
    modality: Modality
    province_code: str | None
    canton_code: str | None
    address: str | None
    start_date: date
    end_date: date
    capacity: int
    seats_taken: int
    free_seats: int
    enrolment_opens_on: date
    enrolment_closes_on: date
    offer_hours: int
    eligibility_rules: list[dict[str, Any]]
    eligibility_version: int = Field(description="Goes up each time the rules change.")
    completion_criteria: dict[str, Any]
    sessions: list[SessionOut]
    created_at: datetime
    updated_at: datetime


class CohortListItemOut(ResponseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    name: str
    modality: Modality
    status: CohortStatus
    province_code: str | None
    canton_code: str | None
    start_date: date
    end_date: date
    capacity: int
    seats_taken: int
    enrolment_opens_on: date
    enrolment_closes_on: date
    updated_at: datetime


# -- enrolments ----------------------------------------------------------------------------------------------------


class EnrollmentIn(RequestModel):
    participant_id: uuid.UUID


class EnrollmentOut(ResponseModel):
    id: uuid.UUID
    cohort_id: uuid.UUID
    participant_id: uuid.UUID
    status: EnrollmentStatus
    queue_number: int | None = Field(description="The person's number in the queue, kept once handed out.")
    queue_position: int | None = Field(description="1 for the first person waiting; null when not waiting.")
    requested_at: datetime
    offer_expires_at: datetime | None
    enrolled_at: datetime | None
    ended_at: datetime | None
    end_reason: EndReason | None
    assessment_score: Decimal | None = None
    updated_at: datetime


# -- the portal ----------------------------------------------------------------------------------------------------


class MyCohortOut(ResponseModel):
    id: uuid.UUID
    name: str
    status: CohortStatus
    modality: Modality
    province_code: str | None
    canton_code: str | None
    address: str | None
    start_date: date
    end_date: date


class MyMarkOut(ResponseModel):
    session_id: uuid.UUID
    status: AttendanceStatus


class MyCompletionOut(ResponseModel):
    completed: bool
    attendance_percent: Decimal
    failures: list[str] = Field(description="The criteria not met, in the language asked for.")


class MyEnrollmentOut(EnrollmentOut):
    cohort: MyCohortOut
    sessions: list[SessionOut] = Field(description="The cohort's schedule.")
    attendance: list[MyMarkOut] = Field(description="My marks at its sessions.")
    completion: MyCompletionOut | None = Field(description="Judged when the cohort finished.")
