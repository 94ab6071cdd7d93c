"""Applications: a partner applies to a call with the submitted idea of a person it supports; the idea is copied as
it stands, and the person must be eligible (409 naming each rule failed). The supporting partner and the call's
funder read it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, PageDep
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.calls.schemas import ApplicationIn, ApplicationListItemOut, ApplicationOut, money
from emprende.api.v1.calls.views import application_out
from emprende.bootstrap.calls import CallsWiring
from emprende.domain.calls.application import ApplicationStatus
from emprende.services.calls import applications as application_service

router = APIRouter(tags=["applications"])


@router.post(
    "/seed-capital-calls/{call_id}/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationOut,
    operation_id="apply_to_call",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def apply_to_call(
    call_id: uuid.UUID,
    body: ApplicationIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> ApplicationOut:
    """Apply with the submitted idea of a person the partner supports: one application per person and call, their
    `seed_capital` consent in force, every eligibility rule met (409 `not_eligible` names each rule failed), and a
    request within the call's floor, ceiling and fundable categories."""
    application = await application_service.apply(
        principal, call_id, body.idea_id, uow_factory=container.uow, clock=container.clock
    )
    response.headers["Location"] = request.url_for("get_application", application_id=application.id).path
    return application_out(application)


@router.get(
    "/seed-capital-calls/{call_id}/applications",
    response_model=Page[ApplicationListItemOut],
    operation_id="list_call_applications",
    responses=problem_responses(400, 401, 403, 404),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def list_call_applications(
    call_id: uuid.UUID,
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    application_status: Annotated[ApplicationStatus | None, Query(alias="status")] = None,
) -> Page[ApplicationListItemOut]:
    """A call's applications, oldest first: all of them for its funder, those it supports for another partner."""
    bound = {"call_id": str(call_id), "status": application_status.value if application_status else None}
    after = uuid.UUID(codec.decode(page.cursor, "applications", bound)[0]) if page.cursor else None
    rows = await application_service.list_applications(
        principal,
        call_id,
        bound["status"],
        after,
        page.limit + 1,
        uow_factory=container.uow,
        queries=container.area(CallsWiring).calls,
    )
    items, cursor = split_page(codec, "applications", bound, rows, page.limit)
    return Page[ApplicationListItemOut](
        items=[
            ApplicationListItemOut(
                id=row.id,
                call_id=row.call_id,
                participant_id=row.participant_id,
                supporting_partner_id=row.owner_partner_id,
                idea_id=row.idea_id,
                idea_name=row.idea_name,
                requested_amount=money(row.requested_amount),
                status=ApplicationStatus(row.status),
                submitted_at=row.submitted_at,
            )
            for row in items
        ],
        next_cursor=cursor,
    )


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationOut,
    operation_id="get_application",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_application(
    application_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ApplicationOut:
    """An application: the idea as submitted and the eligibility rules it met."""
    return application_out(
        await application_service.get_application(principal, application_id, uow_factory=container.uow)
    )


@router.post(
    "/applications/{application_id}/withdrawal",
    response_model=ApplicationOut,
    operation_id="withdraw_application",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def withdraw_application(
    application_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ApplicationOut:
    """Withdraw an application the partner supports, before the call's review closes."""
    return application_out(
        await application_service.withdraw(principal, application_id, uow_factory=container.uow, clock=container.clock)
    )
