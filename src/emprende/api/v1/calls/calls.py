"""Seed-capital calls: a funding round opened by a partner holding `funding` — budget, per-idea floor and ceiling,
fundable categories, eligibility rules, application window, rubric, quorum, review phases, ranking method and quotas —
and its course (draft → open → in review → review closed, or cancelled)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, ExpectedVersion, PageDep
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.calls.schemas import (
    CallCreateIn,
    CallListItemOut,
    CallOut,
    CallTermsIn,
    CallTransitionIn,
    CriterionIn,
    RubricIn,
    money,
)
from emprende.api.v1.calls.views import call_out
from emprende.bootstrap.calls import CallsWiring
from emprende.domain.calls.call import CallStatus
from emprende.domain.calls.rubric import Criterion
from emprende.domain.calls.terms import CallTerms, Quota, ReviewPhase
from emprende.domain.training.eligibility import parse_rules
from emprende.services.calls import calls as call_service

router = APIRouter(prefix="/seed-capital-calls", tags=["seed-capital-calls"])


def terms_of(body: CallTermsIn) -> CallTerms:
    return CallTerms(
        title=body.title,
        description=body.description,
        budget=body.budget,
        ceiling=body.ceiling,
        floor=body.floor,
        fundable_categories=tuple(body.fundable_categories),
        eligibility_rules=parse_rules([rule.model_dump(mode="json") for rule in body.eligibility_rules]),
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        quorum=body.quorum,
        review_phases=tuple(ReviewPhase(phase.name, phase.blind) for phase in body.review_phases),
        ranking_method=body.ranking_method,
        disagreement_threshold=body.disagreement_threshold,
        quotas=tuple(Quota(quota.dimension, quota.value, quota.kind, quota.share) for quota in body.quotas),
    )


def criteria_of(items: list[CriterionIn]) -> tuple[Criterion, ...]:
    return tuple(
        Criterion(
            key=item.key,
            title=item.title,
            description=item.description,
            weight=item.weight,
            scale_min=item.scale_min,
            scale_max=item.scale_max,
            descriptors=dict(item.descriptors),
        )
        for item in items
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CallOut,
    operation_id="create_seed_capital_call",
    responses=problem_responses(400, 401, 403, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def create_seed_capital_call(
    body: CallCreateIn, request: Request, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> CallOut:
    """Open a call as a draft, with its terms and first rubric, for a partner holding `funding`."""
    call = await call_service.create_call(
        principal,
        terms_of(body),
        criteria_of(body.rubric),
        body.owner_partner_id,
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["Location"] = request.url_for("get_seed_capital_call", call_id=call.id).path
    return call_out(call, response)


@router.get(
    "",
    response_model=Page[CallListItemOut],
    operation_id="list_seed_capital_calls",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def list_seed_capital_calls(
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    call_status: Annotated[CallStatus | None, Query(alias="status")] = None,
) -> Page[CallListItemOut]:
    """Calls, newest first: every call but drafts, which only their funder (and administrators) see."""
    bound = {"status": call_status.value if call_status else None}
    after = uuid.UUID(codec.decode(page.cursor, "seed-capital-calls", bound)[0]) if page.cursor else None
    rows = await call_service.list_calls(
        principal, bound["status"], after, page.limit + 1, queries=container.area(CallsWiring).calls
    )
    items, cursor = split_page(codec, "seed-capital-calls", bound, rows, page.limit)
    return Page[CallListItemOut](
        items=[
            CallListItemOut(
                id=row.id,
                owner_partner_id=row.owner_partner_id,
                title=row.title,
                status=CallStatus(row.status),
                budget=money(row.budget),
                opens_at=row.opens_at,
                closes_at=row.closes_at,
                updated_at=row.updated_at,
            )
            for row in items
        ],
        next_cursor=cursor,
    )


@router.get(
    "/{call_id}",
    response_model=CallOut,
    operation_id="get_seed_capital_call",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def get_seed_capital_call(
    call_id: uuid.UUID, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> CallOut:
    """A call with its terms and rubric."""
    return call_out(await call_service.get_call(principal, call_id, uow_factory=container.uow), response)


@router.put(
    "/{call_id}",
    response_model=CallOut,
    operation_id="revise_seed_capital_call",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def revise_seed_capital_call(
    call_id: uuid.UUID,
    body: CallTermsIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> CallOut:
    """Replace a draft call's terms."""
    call = await call_service.revise_call(
        principal, call_id, terms_of(body), version, uow_factory=container.uow, clock=container.clock
    )
    return call_out(call, response)


@router.put(
    "/{call_id}/rubric",
    response_model=CallOut,
    operation_id="set_seed_capital_call_rubric",
    responses=problem_responses(400, 401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def set_seed_capital_call_rubric(
    call_id: uuid.UUID,
    body: RubricIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> CallOut:
    """A new version of the rubric: criteria with weights, scales and level descriptors. Refused with 409
    `rubric_frozen` once the first score was given."""
    call = await call_service.set_rubric(
        principal, call_id, criteria_of(body.criteria), version, uow_factory=container.uow, clock=container.clock
    )
    return call_out(call, response)


@router.post(
    "/{call_id}/transitions",
    response_model=CallOut,
    operation_id="move_seed_capital_call",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def move_seed_capital_call(
    call_id: uuid.UUID, body: CallTransitionIn, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> CallOut:
    """Open the call for applications, start its review once applications have closed, move to the next review phase,
    close the review (scores freeze) or cancel it."""
    call = await call_service.move_call(
        principal,
        call_id,
        call_service.CallAction(body.action),
        uow_factory=container.uow,
        clock=container.clock,
    )
    return call_out(call, response)
