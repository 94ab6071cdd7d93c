"""Training modules: authored by universities under a `content_authoring` agreement, versioned, read by everyone signed
in. Texts follow `Accept-Language` (Spanish or English, else the language the version has); `Content-Language` and
the `language` field say which was served."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, PageDep
from emprende.api.etag import etag
from emprende.api.i18n import negotiate
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.training.schemas import (
    ModuleContentIn,
    ModuleCreateIn,
    ModuleListItemOut,
    ModuleOut,
    ModuleVersionOut,
    ResourceOut,
)
from emprende.bootstrap.training import TrainingWiring
from emprende.domain.identity.user import Language
from emprende.domain.training.module import ModuleContent, ModuleText, ModuleVersion, Resource, localized
from emprende.services.training import listing
from emprende.services.training import modules as module_service

router = APIRouter(prefix="/training-modules", tags=["training-modules"])

AcceptLanguage = Annotated[
    str | None, Header(max_length=512, description="es or en; the other language is served when a text lacks it.")
]


VersionNumber = Annotated[int, Path(ge=1, le=100_000)]


def _language(accept_language: str | None) -> Language:
    return Language(negotiate(accept_language))


def content_of(body: ModuleContentIn) -> ModuleContent:
    return ModuleContent(
        translations={
            language: ModuleText(text.title, text.summary, tuple(text.learning_outcomes))
            for language, text in body.translations.items()
        },
        hours=body.hours,
        modalities=frozenset(body.modalities),
        resources=tuple(Resource(item.url, item.kind, item.language, item.title) for item in body.resources),
    )


def module_out(view: module_service.ModuleView, wanted: Language, response: Response) -> ModuleOut:
    module, version = view.module, view.version
    served, text = localized(version.translations, wanted)
    response.headers["Content-Language"] = served.value
    response.headers["ETag"] = etag(module.version)
    return ModuleOut(
        id=module.id,
        author_partner_ids=sorted(module.author_partner_ids),
        version=version.number,
        status=version.status,
        language=served,
        available_languages=sorted(version.translations),
        title=text.title,
        summary=text.summary,
        learning_outcomes=list(text.learning_outcomes),
        hours=version.hours,
        modalities=sorted(version.modalities),
        resources=[ResourceOut(url=r.url, kind=r.kind, language=r.language, title=r.title) for r in version.resources],
        latest_version=module.latest_number,
        published_version=module.published_number,
        published_at=version.published_at,
        created_at=module.created_at,
        updated_at=module.updated_at,
    )


def _version_out(version: ModuleVersion) -> ModuleVersionOut:
    return ModuleVersionOut(
        number=version.number,
        status=version.status,
        available_languages=sorted(version.translations),
        hours=version.hours,
        published_at=version.published_at,
        created_at=version.created_at,
        updated_at=version.updated_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ModuleOut,
    operation_id="create_training_module",
    responses=problem_responses(400, 401, 403, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def create_training_module(
    body: ModuleCreateIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> ModuleOut:
    """Create a module with its first draft version (partners holding `content_authoring`, administrators)."""
    view = await module_service.create_module(
        principal, content_of(body), body.author_partner_ids, uow_factory=container.uow, clock=container.clock
    )
    response.headers["Location"] = request.url_for("get_training_module", module_id=view.module.id).path
    return module_out(view, _language(accept_language), response)


@router.get(
    "",
    response_model=Page[ModuleListItemOut],
    operation_id="list_training_modules",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def list_training_modules(
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    accept_language: AcceptLanguage = None,
) -> Page[ModuleListItemOut]:
    """The catalogue: published modules, oldest first, each at its newest published version; authors also see their
    drafts."""
    wanted = _language(accept_language)
    after = uuid.UUID(codec.decode(page.cursor, "training-modules", {})[0]) if page.cursor else None
    rows = await listing.list_modules(
        principal, wanted, after=after, limit=page.limit + 1, queries=container.area(TrainingWiring).training
    )
    items, cursor = split_page(codec, "training-modules", {}, rows, page.limit)
    response.headers["Content-Language"] = wanted.value
    return Page[ModuleListItemOut](
        items=[ModuleListItemOut.model_validate(row, from_attributes=True) for row in items], next_cursor=cursor
    )


@router.get(
    "/{module_id}",
    response_model=ModuleOut,
    operation_id="get_training_module",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def get_training_module(
    module_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: Annotated[int | None, Query(ge=1, le=100_000, description="Default: the newest published.")] = None,
    accept_language: AcceptLanguage = None,
) -> ModuleOut:
    """A module at one version: the one asked for, else the newest published (its authors: the newest)."""
    view = await module_service.get_module(principal, module_id, version, uow_factory=container.uow)
    return module_out(view, _language(accept_language), response)


@router.put(
    "/{module_id}",
    response_model=ModuleOut,
    operation_id="revise_training_module",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def revise_training_module(
    module_id: uuid.UUID,
    body: ModuleContentIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> ModuleOut:
    """Edit a module: its draft in place, or — when its newest version is published — a new draft version (published
    versions never change)."""
    view = await module_service.revise_module(
        principal, module_id, content_of(body), uow_factory=container.uow, clock=container.clock
    )
    return module_out(view, _language(accept_language), response)


@router.get(
    "/{module_id}/versions",
    response_model=list[ModuleVersionOut],
    operation_id="list_training_module_versions",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def list_training_module_versions(
    module_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> list[ModuleVersionOut]:
    """A module's versions, oldest first (drafts only for its authors)."""
    versions = await module_service.list_versions(principal, module_id, uow_factory=container.uow)
    return [_version_out(version) for version in versions]


@router.put(
    "/{module_id}/versions/{number}",
    response_model=ModuleOut,
    operation_id="edit_training_module_version",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def edit_training_module_version(
    module_id: uuid.UUID,
    number: VersionNumber,
    body: ModuleContentIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> ModuleOut:
    """Edit a draft version (a published one answers 409 `module_version_published`)."""
    view = await module_service.edit_version(
        principal, module_id, number, content_of(body), uow_factory=container.uow, clock=container.clock
    )
    return module_out(view, _language(accept_language), response)


@router.post(
    "/{module_id}/versions/{number}/publication",
    response_model=ModuleOut,
    operation_id="publish_training_module_version",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def publish_training_module_version(
    module_id: uuid.UUID,
    number: VersionNumber,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    accept_language: AcceptLanguage = None,
) -> ModuleOut:
    """Publish a draft version: from then on it never changes, and cohorts may teach it."""
    view = await module_service.publish_version(
        principal, module_id, number, uow_factory=container.uow, clock=container.clock
    )
    return module_out(view, _language(accept_language), response)
