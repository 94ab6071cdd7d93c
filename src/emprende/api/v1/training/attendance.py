"""Attendance and completion: a session's register sent in one request (sending it again changes nothing, a changed
mark is a correction), final assessment scores, and completion judged on the cohort's criteria."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.i18n import negotiate
from emprende.api.problems import localized_message, problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.training.attendance_schemas import (
    AttendanceIn,
    AttendanceMarkOut,
    CompletionOut,
    CriterionFailureOut,
    RegisterOut,
    ScoreIn,
)
from emprende.api.v1.training.enrollments import enrollment_out
from emprende.api.v1.training.schemas import EnrollmentOut
from emprende.bootstrap.training import TrainingWiring
from emprende.domain.shared.errors import render_message
from emprende.domain.training.attendance import AttendanceMark
from emprende.domain.training.enrollment import Enrollment
from emprende.services.training import attendance as attendance_service
from emprende.services.training import completion as completion_service

router = APIRouter(prefix="/cohorts/{cohort_id}", tags=["attendance"])


def register_out(register: attendance_service.Register) -> RegisterOut:
    return RegisterOut(
        session_id=register.session.id,
        recorded=register.recorded,
        corrected=register.corrected,
        unchanged=register.unchanged,
        marks=[
            AttendanceMarkOut(
                participant_id=record.participant_id,
                enrollment_id=record.enrollment_id,
                status=record.status,
                note=record.note,
                recorded_by=record.recorded_by,
                recorded_at=record.recorded_at,
                updated_at=record.updated_at,
            )
            for record in register.records
        ],
    )


@router.put(
    "/sessions/{session_id}/attendance",
    response_model=RegisterOut,
    operation_id="record_attendance",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def record_attendance(
    cohort_id: uuid.UUID,
    session_id: uuid.UUID,
    body: AttendanceIn,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> RegisterOut:
    """Record a session's register: one mark per person enrolled (`present`, `absent`, `excused`, `late`). Sending the
    same register again changes nothing (a tablet that was offline may resend its batch); a changed mark corrects the
    one held, and the correction is in the audit trail. Someone not enrolled is refused (422), and nothing is
    written."""
    register = await attendance_service.record_attendance(
        principal,
        cohort_id,
        session_id,
        [AttendanceMark(mark.participant_id, mark.status, mark.note) for mark in body.marks],
        uow_factory=container.uow,
        clock=container.clock,
    )
    return register_out(register)


@router.get(
    "/sessions/{session_id}/attendance",
    response_model=RegisterOut,
    operation_id="get_attendance",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_attendance(
    cohort_id: uuid.UUID, session_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> RegisterOut:
    """A session's register as recorded."""
    register = await attendance_service.session_attendance(principal, cohort_id, session_id, uow_factory=container.uow)
    return register_out(register)


@router.put(
    "/enrollments/{enrollment_id}/assessment",
    response_model=EnrollmentOut,
    operation_id="record_assessment_score",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def record_assessment_score(
    cohort_id: uuid.UUID, enrollment_id: uuid.UUID, body: ScoreIn, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    """Record a person's final assessment score (0 to 100, two decimals), for cohorts whose criteria use one."""
    enrollment = await completion_service.record_score(
        principal, cohort_id, enrollment_id, body.score, uow_factory=container.uow, clock=container.clock
    )
    return enrollment_out(enrollment, None)


def failure_messages(data: dict[str, Any], request: Request) -> list[tuple[str, str]]:
    """The criteria a stored completion result says were not met, each with its message in the caller's language."""
    lang = negotiate(request.headers.get("accept-language"))
    return [
        (
            item["criterion"],
            localized_message(item["template"], item["params"], lang)
            or render_message(item["template"], item["params"]),
        )
        for item in data.get("failures", [])
    ]


def _failures(data: dict[str, Any], request: Request) -> list[CriterionFailureOut]:
    return [CriterionFailureOut(criterion=c, message=m) for c, m in failure_messages(data, request)]


def completion_out(enrollment: Enrollment, data: dict[str, Any], request: Request) -> CompletionOut:
    return CompletionOut(
        enrollment_id=enrollment.id,
        participant_id=enrollment.participant_id,
        status=enrollment.status,
        completed=bool(data["completed"]),
        attendance_percent=Decimal(data["attendance_percent"]),
        assessment_score=enrollment.assessment_score,
        failures=_failures(data, request),
    )


@router.post(
    "/completion-evaluation",
    response_model=list[CompletionOut],
    operation_id="evaluate_completion",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def evaluate_completion(
    cohort_id: uuid.UUID, request: Request, principal: CurrentPrincipal, container: ContainerDep
) -> list[CompletionOut]:
    """Judge completion now, naming every criterion each person does not meet. While the cohort runs this is a preview
    over the sessions held so far (nothing is recorded); once it finished (which judges everyone by itself) it judges
    again over all sessions and records the results."""
    judged = await completion_service.evaluate_cohort(
        principal,
        cohort_id,
        uow_factory=container.uow,
        clock=container.clock,
        authority=container.area(TrainingWiring).certificates,
    )
    return [completion_out(item.enrollment, item.result.to_data(), request) for item in judged]


@router.get(
    "/completion",
    response_model=list[CompletionOut],
    operation_id="list_completion",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_completion(
    cohort_id: uuid.UUID, request: Request, principal: CurrentPrincipal, container: ContainerDep
) -> list[CompletionOut]:
    """The recorded completion of everyone judged when the cohort finished (or judged again since)."""
    found: Sequence[Enrollment] = await completion_service.cohort_results(
        principal, cohort_id, uow_factory=container.uow
    )
    return [completion_out(e, e.completion, request) for e in found if e.completion is not None]
