"""Business ideas as a partner's staff and systems work on them: drafted for a person the partner may see, revised in
versions (`If-Match`), submitted once complete, withdrawn; every version kept."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, ExpectedVersion, PageDep
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.ideas.schemas import (
    IdeaCreateIn,
    IdeaListItemOut,
    IdeaOut,
    IdeaUpdateIn,
    IdeaVersionOut,
    IdeaVersionSummaryOut,
    SectorCode,
)
from emprende.api.v1.ideas.views import (
    AcceptLanguage,
    changes_of,
    content_of,
    idea_out,
    language_of,
    row_out,
    version_out,
    version_summary_out,
)
from emprende.bootstrap.ideas import IdeasWiring
from emprende.domain.ideas.idea import IdeaStage, IdeaStatus
from emprende.services.ideas import ideas as idea_service
from emprende.services.ideas.ports import IdeaFilters

router = APIRouter(prefix="/business-ideas", tags=["business-ideas"])
ITEM = "/{idea_id}"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=IdeaOut,
    operation_id="create_business_idea",
    responses=problem_responses(400, 401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def create_business_idea(
    body: IdeaCreateIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """Draft a business idea for a person the partner may see (another partner's person is 404); the partner supports
    it. Its requested amount follows from the investment plan."""
    idea = await idea_service.create_idea(
        principal, body.participant_id, content_of(body), uow_factory=container.uow, clock=container.clock
    )
    response.headers["Location"] = request.url_for("get_business_idea", idea_id=idea.id).path
    return idea_out(idea, language_of(accept_language), response)


@router.get(
    "",
    response_model=Page[IdeaListItemOut],
    operation_id="list_business_ideas",
    responses=problem_responses(400, 401, 403, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_business_ideas(
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    participant_id: uuid.UUID | None = None,
    idea_status: Annotated[IdeaStatus | None, Query(alias="status")] = None,
    sector: Annotated[SectorCode | None, Query()] = None,
    stage: IdeaStage | None = None,
    accept_language: AcceptLanguage = None,
) -> Page[IdeaListItemOut]:
    """The ideas the partner supports, oldest first (administrators: every partner's), by person, status, sector or
    stage."""
    filters = IdeaFilters(
        participant_id=participant_id,
        status=idea_status.value if idea_status else None,
        sector=sector,
        stage=stage.value if stage else None,
    )
    bound = {"participant_id": participant_id, "status": filters.status, "sector": sector, "stage": filters.stage}
    after = uuid.UUID(codec.decode(page.cursor, "business-ideas", bound)[0]) if page.cursor else None
    rows = await idea_service.list_ideas(
        principal, filters, after=after, limit=page.limit + 1, queries=container.area(IdeasWiring).ideas
    )
    items, cursor = split_page(codec, "business-ideas", bound, rows, page.limit)
    language = language_of(accept_language)
    response.headers["Content-Language"] = language.value
    return Page[IdeaListItemOut](items=[row_out(row, language) for row in items], next_cursor=cursor)


@router.get(
    ITEM,
    response_model=IdeaOut,
    operation_id="get_business_idea",
    responses=problem_responses(401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_business_idea(
    idea_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """One of the ideas the partner supports, at its current version (the ETag)."""
    idea = await idea_service.get_idea(principal, idea_id, uow_factory=container.uow)
    return idea_out(idea, language_of(accept_language), response)


@router.patch(
    ITEM,
    response_model=IdeaOut,
    operation_id="revise_business_idea",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def revise_business_idea(
    idea_id: uuid.UUID,
    body: IdeaUpdateIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """Revise an idea (send `If-Match`): the parts sent change, as its next version; a submitted idea stays
    submitted, a withdrawn one is not edited (409 `idea_withdrawn`)."""
    idea = await idea_service.revise_idea(
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
    operation_id="submit_business_idea",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def submit_business_idea(
    idea_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """Submit a draft: it needs a name, all nine canvas blocks and at least one line in its plan (422
    `idea_incomplete`, whose `errors` name each missing part)."""
    idea = await idea_service.submit_idea(principal, idea_id, uow_factory=container.uow, clock=container.clock)
    return idea_out(idea, language_of(accept_language), response)


@router.post(
    f"{ITEM}/withdrawal",
    response_model=IdeaOut,
    operation_id="withdraw_business_idea",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def withdraw_business_idea(
    idea_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> IdeaOut:
    """Withdraw a draft or submitted idea, for good."""
    idea = await idea_service.withdraw_idea(principal, idea_id, uow_factory=container.uow, clock=container.clock)
    return idea_out(idea, language_of(accept_language), response)


@router.get(
    f"{ITEM}/versions",
    response_model=list[IdeaVersionSummaryOut],
    operation_id="list_business_idea_versions",
    responses=problem_responses(401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_business_idea_versions(
    idea_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> list[IdeaVersionSummaryOut]:
    """An idea's versions, oldest first: one for its creation and one for every revision."""
    versions = await idea_service.list_versions(principal, idea_id, uow_factory=container.uow)
    return [version_summary_out(version) for version in versions]


@router.get(
    f"{ITEM}/versions/{{number}}",
    response_model=IdeaVersionOut,
    operation_id="get_business_idea_version",
    responses=problem_responses(401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_business_idea_version(
    idea_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> IdeaVersionOut:
    """What an idea said at one version: the snapshot kept when it was recorded."""
    version = await idea_service.get_version(principal, idea_id, number, uow_factory=container.uow)
    return version_out(version)
