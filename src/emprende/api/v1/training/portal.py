"""The participant portal's training: a person's own enrolments, queue position and schedule; answering an offered
seat; withdrawing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.training.cohorts import session_out
from emprende.api.v1.training.enrollments import enrollment_out
from emprende.api.v1.training.schemas import EnrollmentOut, MyCohortOut, MyEnrollmentOut
from emprende.domain.training.enrollment import Enrollment
from emprende.services.training import portal as portal_service

router = APIRouter(prefix="/me/enrollments", tags=["my-training"])


@router.get(
    "",
    response_model=list[MyEnrollmentOut],
    operation_id="list_my_enrollments",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def list_my_enrollments(principal: CurrentPrincipal, container: ContainerDep) -> list[MyEnrollmentOut]:
    """The signed-in person's enrolments, newest first: status, queue position while waiting, an offer's expiry,
    the cohort and its schedule."""
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
        )
        for item in found
    ]


Own = Callable[..., Awaitable[Enrollment]]


async def _own(
    change: Own, enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    enrollment = await change(principal, enrollment_id, uow_factory=container.uow, clock=container.clock)
    return enrollment_out(enrollment, None)


@router.post(
    "/{enrollment_id}/offer-acceptance",
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
    "/{enrollment_id}/offer-decline",
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
    "/{enrollment_id}/withdrawal",
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
