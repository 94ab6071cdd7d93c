"""Enrolment: a person the caller may see, with a `training` consent in force and every eligibility rule met, takes a
free seat or waits in a first-come-first-served queue. A freed seat is offered to the first person waiting, held for
the cohort's offer time, in the same transaction as the change that freed it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, PageDep
from emprende.api.etag import etag
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.training.schemas import EnrollmentIn, EnrollmentOut
from emprende.bootstrap.training import TrainingWiring
from emprende.domain.training.enrollment import Enrollment, EnrollmentStatus
from emprende.services.training import enrollments as enrollment_service
from emprende.services.training import listing
from emprende.services.training.ports import EnrollmentRow

router = APIRouter(prefix="/cohorts/{cohort_id}/enrollments", tags=["enrollments"])


def enrollment_out(enrollment: Enrollment, position: int | None) -> EnrollmentOut:
    return EnrollmentOut(
        id=enrollment.id,
        cohort_id=enrollment.cohort_id,
        participant_id=enrollment.participant_id,
        status=enrollment.status,
        queue_number=enrollment.queue_number,
        queue_position=position,
        requested_at=enrollment.requested_at,
        offer_expires_at=enrollment.offer_expires_at,
        enrolled_at=enrollment.enrolled_at,
        ended_at=enrollment.ended_at,
        end_reason=enrollment.end_reason,
        assessment_score=enrollment.assessment_score,
        updated_at=enrollment.updated_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=EnrollmentOut,
    operation_id="enroll_participant",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def enroll_participant(
    cohort_id: uuid.UUID,
    body: EnrollmentIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> EnrollmentOut:
    """Enrol a person: a free seat (`enrolled`), else the back of the queue (`waitlisted`, with its position). Needs
    their `training` consent (409 `consent_required`), the enrolment window open (409 `enrolment_closed`) and every
    eligibility rule met (409 `not_eligible`, naming each rule failed). Enrolling again after withdrawing goes to the
    back of the queue."""
    enrollment, position = await enrollment_service.enroll_participant(
        principal, cohort_id, body.participant_id, uow_factory=container.uow, clock=container.clock
    )
    response.headers["Location"] = request.url_for(
        "get_enrollment", cohort_id=cohort_id, enrollment_id=enrollment.id
    ).path
    response.headers["ETag"] = etag(enrollment.version)
    return enrollment_out(enrollment, position)


@router.get(
    "",
    response_model=Page[EnrollmentOut],
    operation_id="list_enrollments",
    responses=problem_responses(400, 401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_enrollments(
    cohort_id: uuid.UUID,
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    enrollment_status: Annotated[EnrollmentStatus | None, Query(alias="status")] = None,
) -> Page[EnrollmentOut]:
    """A cohort's enrolments: the queue first, in its order (with each person's position), then everyone else by
    when they asked."""
    wanted = enrollment_status.value if enrollment_status else None
    bound: dict[str, object] = {"cohort": cohort_id, "status": wanted}
    after = None
    if page.cursor:
        key, last = codec.decode(page.cursor, "enrollments", bound)[:2]
        after = (int(key), uuid.UUID(last))
    rows = await listing.list_enrollments(
        principal,
        cohort_id,
        wanted,
        after=after,
        limit=page.limit + 1,
        uow_factory=container.uow,
        queries=container.area(TrainingWiring).training,
    )
    items, cursor = split_page(codec, "enrollments", bound, [_Keyed(row) for row in rows], page.limit, key="cursor")
    return Page[EnrollmentOut](
        items=[EnrollmentOut.model_validate(item.row, from_attributes=True) for item in items], next_cursor=cursor
    )


class _Keyed:
    """A row with its page position: the queue's sort key and the id."""

    __slots__ = ("cursor", "row")

    def __init__(self, row: EnrollmentRow) -> None:
        self.row = row
        self.cursor = (row.sort_key, row.id)


@router.get(
    "/{enrollment_id}",
    response_model=EnrollmentOut,
    operation_id="get_enrollment",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_enrollment(
    cohort_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> EnrollmentOut:
    """One enrolment, with the person's queue position while they wait."""
    enrollment, position = await enrollment_service.get_enrollment(
        principal, cohort_id, enrollment_id, uow_factory=container.uow
    )
    response.headers["ETag"] = etag(enrollment.version)
    return enrollment_out(enrollment, position)


Change = Callable[..., Awaitable[Enrollment]]


async def _act(
    change: Change, cohort_id: uuid.UUID, enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    enrollment = await change(principal, cohort_id, enrollment_id, uow_factory=container.uow, clock=container.clock)
    return enrollment_out(enrollment, None)


@router.post(
    "/{enrollment_id}/withdrawal",
    response_model=EnrollmentOut,
    operation_id="withdraw_enrollment",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def withdraw_enrollment(
    cohort_id: uuid.UUID, enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    """Withdraw the person from the cohort or its queue; a freed seat is offered to the first person waiting."""
    return await _act(enrollment_service.withdraw, cohort_id, enrollment_id, principal, container)


@router.post(
    "/{enrollment_id}/drop",
    response_model=EnrollmentOut,
    operation_id="drop_enrollment",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def drop_enrollment(
    cohort_id: uuid.UUID, enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    """Record that an enrolled person stopped coming; their seat is offered to the first person waiting."""
    return await _act(enrollment_service.drop, cohort_id, enrollment_id, principal, container)


@router.post(
    "/{enrollment_id}/offer-acceptance",
    response_model=EnrollmentOut,
    operation_id="accept_enrollment_offer",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def accept_enrollment_offer(
    cohort_id: uuid.UUID, enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    """Accept an offered seat for the person, before it expires."""
    return await _act(enrollment_service.accept_offer, cohort_id, enrollment_id, principal, container)


@router.post(
    "/{enrollment_id}/offer-decline",
    response_model=EnrollmentOut,
    operation_id="decline_enrollment_offer",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def decline_enrollment_offer(
    cohort_id: uuid.UUID, enrollment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> EnrollmentOut:
    """Decline an offered seat for the person; it goes to the next person waiting."""
    return await _act(enrollment_service.decline_offer, cohort_id, enrollment_id, principal, container)
