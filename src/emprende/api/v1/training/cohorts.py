"""Cohorts: one edition of training run by a partner holding `training_delivery` — its curriculum of module versions,
place, dates, sessions, capacity, enrolment window, eligibility rules and completion criteria, and its states
(draft → open → running → finished, or cancelled)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, ExpectedVersion, PageDep
from emprende.api.etag import etag
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.training.enrollments import enrollment_out
from emprende.api.v1.training.schemas import (
    CohortCreateIn,
    CohortListItemOut,
    CohortOut,
    CohortPlanIn,
    CohortTransitionIn,
    CurriculumItemOut,
    EnrollmentOut,
    SessionIn,
    SessionOut,
)
from emprende.bootstrap.training import TrainingWiring
from emprende.domain.training.cohort import Cohort, CohortPlan, CohortStatus, CurriculumItem
from emprende.domain.training.completion import parse_criteria
from emprende.domain.training.eligibility import parse_rules
from emprende.domain.training.session import CohortSession, SessionPlan
from emprende.services.training import cohorts as cohort_service
from emprende.services.training import enrollments as enrollment_service
from emprende.services.training import listing

router = APIRouter(prefix="/cohorts", tags=["cohorts"])


def plan_of(body: CohortPlanIn) -> CohortPlan:
    return CohortPlan(
        name=body.name,
        curriculum=tuple(CurriculumItem(item.module_id, item.version) for item in body.curriculum),
        modality=body.modality,
        province_code=body.province_code,
        canton_code=body.canton_code,
        address=body.address,
        start_date=body.start_date,
        end_date=body.end_date,
        capacity=body.capacity,
        enrolment_opens_on=body.enrolment_opens_on,
        enrolment_closes_on=body.enrolment_closes_on,
        offer_hours=body.offer_hours,
        eligibility_rules=parse_rules([rule.model_dump(mode="json") for rule in body.eligibility_rules]),
        completion_criteria=parse_criteria(body.completion_criteria.model_dump(mode="json")),
    )


def session_out(session: CohortSession) -> SessionOut:
    return SessionOut(
        id=session.id,
        on=session.on,
        starts_at=session.starts_at,
        duration_minutes=session.duration_minutes,
        module_id=session.module_id,
        facilitator_id=session.facilitator_id,
    )


def cohort_out(cohort: Cohort, sessions: Sequence[CohortSession], response: Response) -> CohortOut:
    response.headers["ETag"] = etag(cohort.version)
    return CohortOut(
        id=cohort.id,
        partner_id=cohort.partner_id,
        name=cohort.name,
        status=cohort.status,
        curriculum=[CurriculumItemOut(module_id=item.module_id, version=item.version) for item in cohort.curriculum],
        modality=cohort.modality,
        province_code=cohort.province_code,
        canton_code=cohort.canton_code,
        address=cohort.address,
        start_date=cohort.start_date,
        end_date=cohort.end_date,
        capacity=cohort.capacity,
        seats_taken=cohort.seats_taken,
        free_seats=cohort.free_seats,
        enrolment_opens_on=cohort.enrolment_opens_on,
        enrolment_closes_on=cohort.enrolment_closes_on,
        offer_hours=cohort.offer_hours,
        eligibility_rules=list(cohort.eligibility),
        eligibility_version=cohort.eligibility_version,
        completion_criteria=dict(cohort.completion),
        sessions=[session_out(session) for session in sessions],
        created_at=cohort.created_at,
        updated_at=cohort.updated_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CohortOut,
    operation_id="create_cohort",
    responses=problem_responses(400, 401, 403, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def create_cohort(
    body: CohortCreateIn, request: Request, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> CohortOut:
    """Plan a cohort, as a draft, for a partner holding `training_delivery`; its curriculum teaches published module
    versions."""
    cohort = await cohort_service.create_cohort(
        principal, plan_of(body), body.partner_id, uow_factory=container.uow, clock=container.clock
    )
    response.headers["Location"] = request.url_for("get_cohort", cohort_id=cohort.id).path
    return cohort_out(cohort, [], response)


@router.get(
    "",
    response_model=Page[CohortListItemOut],
    operation_id="list_cohorts",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_cohorts(
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    cohort_status: Annotated[CohortStatus | None, Query(alias="status")] = None,
) -> Page[CohortListItemOut]:
    """The partner's cohorts, oldest first (administrators: every partner's)."""
    bound = {"status": cohort_status.value if cohort_status else None}
    after = uuid.UUID(codec.decode(page.cursor, "cohorts", bound)[0]) if page.cursor else None
    rows = await listing.list_cohorts(
        principal,
        bound["status"],
        after=after,
        limit=page.limit + 1,
        queries=container.area(TrainingWiring).training,
    )
    items, cursor = split_page(codec, "cohorts", bound, rows, page.limit)
    return Page[CohortListItemOut](
        items=[CohortListItemOut.model_validate(row, from_attributes=True) for row in items], next_cursor=cursor
    )


@router.get(
    "/{cohort_id}",
    response_model=CohortOut,
    operation_id="get_cohort",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_cohort(
    cohort_id: uuid.UUID, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> CohortOut:
    """A cohort with its sessions."""
    cohort, sessions = await cohort_service.get_cohort(principal, cohort_id, uow_factory=container.uow)
    return cohort_out(cohort, sessions, response)


@router.put(
    "/{cohort_id}",
    response_model=CohortOut,
    operation_id="replan_cohort",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def replan_cohort(
    cohort_id: uuid.UUID,
    body: CohortPlanIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> CohortOut:
    """Change a cohort's plan (the curriculum and modality only while a draft). Raising the capacity offers the new
    seats to the people waiting, first come first served, in the same transaction."""
    cohort = await cohort_service.replan_cohort(
        principal, cohort_id, plan_of(body), version, uow_factory=container.uow, clock=container.clock
    )
    _, sessions = await cohort_service.get_cohort(principal, cohort_id, uow_factory=container.uow)
    return cohort_out(cohort, sessions, response)


@router.post(
    "/{cohort_id}/transitions",
    response_model=CohortOut,
    operation_id="move_cohort",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def move_cohort(
    cohort_id: uuid.UUID,
    body: CohortTransitionIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> CohortOut:
    """Open the cohort for enrolment, start it, finish it or cancel it. Cancelling withdraws everyone in it and its
    queue; finishing withdraws whoever still waits, judges everyone's completion and issues the certificates; every
    change is announced through events."""
    cohort = await cohort_service.move_cohort(
        principal,
        cohort_id,
        CohortStatus(body.to),
        uow_factory=container.uow,
        clock=container.clock,
        authority=container.area(TrainingWiring).certificates,
    )
    _, sessions = await cohort_service.get_cohort(principal, cohort_id, uow_factory=container.uow)
    return cohort_out(cohort, sessions, response)


def _session_plan(body: SessionIn) -> SessionPlan:
    return SessionPlan(
        on=body.on,
        starts_at=body.starts_at,
        duration_minutes=body.duration_minutes,
        module_id=body.module_id,
        facilitator_id=body.facilitator_id,
    )


@router.post(
    "/{cohort_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    operation_id="add_cohort_session",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def add_cohort_session(
    cohort_id: uuid.UUID, body: SessionIn, principal: CurrentPrincipal, container: ContainerDep
) -> SessionOut:
    """Schedule a session within the cohort's dates, for one of its modules, with a facilitator of the partner."""
    session = await cohort_service.add_session(
        principal, cohort_id, _session_plan(body), uow_factory=container.uow, clock=container.clock
    )
    return session_out(session)


@router.put(
    "/{cohort_id}/sessions/{session_id}",
    response_model=SessionOut,
    operation_id="reschedule_cohort_session",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def reschedule_cohort_session(
    cohort_id: uuid.UUID, session_id: uuid.UUID, body: SessionIn, principal: CurrentPrincipal, container: ContainerDep
) -> SessionOut:
    """Move a session, or change its module or facilitator."""
    session = await cohort_service.reschedule_session(
        principal, cohort_id, session_id, _session_plan(body), uow_factory=container.uow, clock=container.clock
    )
    return session_out(session)


@router.post(
    "/{cohort_id}/offer-expiry",
    response_model=list[EnrollmentOut],
    operation_id="expire_enrollment_offers",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def expire_enrollment_offers(
    cohort_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> list[EnrollmentOut]:
    """Expire the cohort's offers whose time ran out, each passing the seat to the next person waiting; answers what
    changed. Every change to the cohort's seats does this first; call it (from a scheduler, say) for a cohort that
    sees no other change."""
    changed = await enrollment_service.expire_offers(
        principal, cohort_id, uow_factory=container.uow, clock=container.clock
    )
    return [enrollment_out(enrollment, None) for enrollment in changed]
