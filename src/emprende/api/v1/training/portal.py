"""The participant portal's training: a person's own enrolments, queue position and schedule; answering an offered
seat; withdrawing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.training.attendance import failure_messages
from emprende.api.v1.training.certificate_schemas import MyCertificateOut
from emprende.api.v1.training.cohorts import session_out
from emprende.api.v1.training.enrollments import enrollment_out
from emprende.api.v1.training.schemas import (
    EnrollmentOut,
    MyCohortOut,
    MyCompletionOut,
    MyEnrollmentOut,
    MyMarkOut,
)
from emprende.domain.training.enrollment import Enrollment
from emprende.services.training import certificates as certificate_service
from emprende.services.training import portal as portal_service

router = APIRouter(prefix="/me", tags=["my-training"])


@router.get(
    "/enrollments",
    response_model=list[MyEnrollmentOut],
    operation_id="list_my_enrollments",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def list_my_enrollments(
    request: Request, principal: CurrentPrincipal, container: ContainerDep
) -> list[MyEnrollmentOut]:
    """The signed-in person's enrolments, newest first: status, queue position while waiting, an offer's expiry,
    the cohort and its schedule, their attendance and, once the cohort finished, their completion."""
    found = await portal_service.my_enrollments(principal, uow_factory=container.uow)
    return [
        MyEnrollmentOut(
            **enrollment_out(item.enrollment, item.queue_position).model_dump(),
            cohort=MyCohortOut(
                id=item.cohort.id,
                name=item.cohort.name,
                status=item.cohort.status,
                modality=item.cohort.modality,
                province_code=item.cohort.province_code,
                canton_code=item.cohort.canton_code,
                address=item.cohort.address,
                start_date=item.cohort.start_date,
                end_date=item.cohort.end_date,
            ),
            sessions=[session_out(session) for session in item.sessions],
            attendance=[MyMarkOut(session_id=mark.session_id, status=mark.status) for mark in item.attendance],
            completion=_completion(item.enrollment.completion, request),
        )
        for item in found
    ]


def _completion(data: dict[str, Any] | None, request: Request) -> MyCompletionOut | None:
    if data is None:
        return None
    return MyCompletionOut(
        completed=bool(data["completed"]),
        attendance_percent=Decimal(data["attendance_percent"]),
        failures=[message for _, message in failure_messages(data, request)],
    )


Own = Callable[..., Awaitable[Enrollment]]


async def _own(
    change: Own, enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    enrollment = await change(principal, enrollment_id, uow_factory=container.uow, clock=container.clock)
    return enrollment_out(enrollment, None)


@router.post(
    "/enrollments/{enrollment_id}/offer-acceptance",
    response_model=EnrollmentOut,
    operation_id="accept_my_offer",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def accept_my_offer(
    enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    """Take the seat offered to me, before the offer expires."""
    return await _own(portal_service.accept_my_offer, enrollment_id, principal, container)


@router.post(
    "/enrollments/{enrollment_id}/offer-decline",
    response_model=EnrollmentOut,
    operation_id="decline_my_offer",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def decline_my_offer(
    enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    """Decline the seat offered to me; it goes to the next person waiting."""
    return await _own(portal_service.decline_my_offer, enrollment_id, principal, container)


@router.post(
    "/enrollments/{enrollment_id}/withdrawal",
    response_model=EnrollmentOut,
    operation_id="withdraw_my_enrollment",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def withdraw_my_enrollment(
    enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    """Leave the cohort or its queue."""
    return await _own(portal_service.withdraw_myself, enrollment_id, principal, container)


@router.get(
    "/certificates",
    response_model=list[MyCertificateOut],
    operation_id="list_my_certificates",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def list_my_certificates(principal: CurrentPrincipal, container: ContainerDep) -> list[MyCertificateOut]:
    """My certificates, newest first, each ready to download and share: the signed credential (`certificate`) and
    what it says (`credential`)."""
    found = await certificate_service.my_certificates(principal, uow_factory=container.uow)
    return [
        MyCertificateOut(
            id=certificate.id,
            cohort_id=certificate.cohort_id,
            status=certificate.status,
            issued_at=certificate.issued_at,
            certificate=certificate.token,
            credential=certificate_service.credential_of(certificate.token),
        )
        for certificate in found
    ]
