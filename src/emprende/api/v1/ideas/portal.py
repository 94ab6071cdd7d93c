"""The participant portal's business ideas: the signed-in person drafts, reads, revises, submits and withdraws their
own ideas (anyone else's is 404)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, ExpectedVersion, PageDep
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.ideas.schemas import IdeaContentIn, IdeaListItemOut, IdeaOut, IdeaUpdateIn
from emprende.api.v1.ideas.views import AcceptLanguage, changes_of, content_of, idea_out, language_of, row_out
from emprende.bootstrap.ideas import IdeasWiring
from emprende.domain.ideas.idea import IdeaStatus
from emprende.services.ideas import portal as portal_service
from emprende.services.ideas.ports import IdeaFilters

router = APIRouter(prefix="/me/business-ideas", tags=["my-business-ideas"])
ITEM = "/{idea_id}"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=IdeaOut,
    operation_id="create_my_business_idea",
    responses=problem_responses(400, 401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def create_my_business_idea(
    body: IdeaContentIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """Draft a business idea of my own; the partner that registered me supports it."""
    idea = await portal_service.create_my_idea(
        principal, content_of(body), uow_factory=container.uow, clock=container.clock
    )
    response.headers["Location"] = request.url_for("get_my_business_idea", idea_id=idea.id).path
    return idea_out(idea, language_of(accept_language), response)


@router.get(
    "",
    response_model=Page[IdeaListItemOut],
    operation_id="list_my_business_ideas",
    responses=problem_responses(400, 401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def list_my_business_ideas(
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    idea_status: Annotated[IdeaStatus | None, Query(alias="status")] = None,
    accept_language: AcceptLanguage = None,
) -> Page[IdeaListItemOut]:
    """My business ideas, oldest first."""
    bound = {"status": idea_status.value if idea_status else None}
    after = uuid.UUID(codec.decode(page.cursor, "my-business-ideas", bound)[0]) if page.cursor else None
    rows = await portal_service.my_ideas(
        principal,
        IdeaFilters(status=bound["status"]),
        after=after,
        limit=page.limit + 1,
        queries=container.area(IdeasWiring).ideas,
    )
    items, cursor = split_page(codec, "my-business-ideas", bound, rows, page.limit)
    language = language_of(accept_language)
    response.headers["Content-Language"] = language.value
    return Page[IdeaListItemOut](items=[row_out(row, language) for row in items], next_cursor=cursor)


@router.get(
    ITEM,
    response_model=IdeaOut,
    operation_id="get_my_business_idea",
    responses=problem_responses(401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def get_my_business_idea(
    idea_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """One of my business ideas, at its current version (the ETag)."""
    idea = await portal_service.my_idea(principal, idea_id, uow_factory=container.uow)
    return idea_out(idea, language_of(accept_language), response)


@router.patch(
    ITEM,
    response_model=IdeaOut,
    operation_id="revise_my_business_idea",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def revise_my_business_idea(
    idea_id: uuid.UUID,
    body: IdeaUpdateIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """Revise my idea (send `If-Match`): the parts sent change, as its next version."""
    idea = await portal_service.revise_my_idea(
        principal,
        idea_id,
        changes_of(body),
        expected_version=version,
        uow_factory=container.uow,
        clock=container.clock,
    )
    return idea_out(idea, language_of(accept_language), response)


@router.post(
    f"{ITEM}/submission",
    response_model=IdeaOut,
    operation_id="submit_my_business_idea",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def submit_my_business_idea(
    idea_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """Submit my complete draft (422 `idea_incomplete` names each missing part)."""
    idea = await portal_service.submit_my_idea(principal, idea_id, uow_factory=container.uow, clock=container.clock)
    return idea_out(idea, language_of(accept_language), response)


@router.post(
    f"{ITEM}/withdrawal",
    response_model=IdeaOut,
    operation_id="withdraw_my_business_idea",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def withdraw_my_business_idea(
    idea_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """Withdraw my idea, for good."""
    idea = await portal_service.withdraw_my_idea(principal, idea_id, uow_factory=container.uow, clock=container.clock)
    return idea_out(idea, language_of(accept_language), response)
