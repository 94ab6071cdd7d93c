"""Institutional partners."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, ExpectedVersion, PageDep
from emprende.api.etag import etag, matches_if_none_match
from emprende.api.pagination import Page, split_page
from emprende.api.problems import ProblemError, problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.partners.schemas import PartnerCreateIn, PartnerOut, PartnerUpdateIn, SuspensionIn
from emprende.bootstrap.partners import PartnersWiring
from emprende.domain.partners.partner import PartnerKind, PartnerStatus
from emprende.services.partners import partners as partner_service
from emprende.services.partners.ports import PartnerFilters

router = APIRouter(prefix="/partners", tags=["partners"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PartnerOut,
    operation_id="create_partner",
    responses=problem_responses(400, 401, 403, 409, 422),
    openapi_extra=tenancy(Tenancy.OPERATOR),
)
async def create_partner(
    body: PartnerCreateIn, request: Request, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> PartnerOut:
    """Register an institutional partner (administrators)."""
    partner = await partner_service.create_partner(
        partner_service.CreatePartner(**body.model_dump()),
        principal,
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["Location"] = request.url_for("get_partner", partner_id=partner.id).path
    response.headers["ETag"] = etag(partner.version)
    return PartnerOut.model_validate(partner)


@router.get(
    "",
    response_model=Page[PartnerOut],
    operation_id="list_partners",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_partners(
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    kind: Annotated[PartnerKind | None, Query()] = None,
    partner_status: Annotated[PartnerStatus | None, Query(alias="status")] = None,
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    name_contains: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Page[PartnerOut]:
    """List partners, oldest first. A partner's users and clients see only their own partner."""
    filters = PartnerFilters(
        kind=kind.value if kind else None,
        status=partner_status.value if partner_status else None,
        country=country.upper() if country else None,
        name_contains=name_contains,
    )
    bound = {"kind": filters.kind, "status": filters.status, "country": filters.country, "name": name_contains}
    after = uuid.UUID(codec.decode(page.cursor, "partners", bound)[0]) if page.cursor else None
    rows = await partner_service.list_partners(
        principal, filters, after=after, limit=page.limit + 1, queries=container.area(PartnersWiring).partners
    )
    items, cursor = split_page(codec, "partners", bound, rows, page.limit)
    return Page[PartnerOut](items=[PartnerOut.model_validate(row) for row in items], next_cursor=cursor)


@router.get(
    "/{partner_id}",
    response_model=PartnerOut,
    operation_id="get_partner",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_partner(
    partner_id: uuid.UUID, request: Request, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> PartnerOut | Response:
    """One partner."""
    partner = await partner_service.get_partner(principal, partner_id, uow_factory=container.uow)
    if matches_if_none_match(request.headers.get("if-none-match"), partner.version):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(partner.version)})
    response.headers["ETag"] = etag(partner.version)
    return PartnerOut.model_validate(partner)


@router.patch(
    "/{partner_id}",
    response_model=PartnerOut,
    operation_id="update_partner",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def update_partner(
    partner_id: uuid.UUID,
    body: PartnerUpdateIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> PartnerOut:
    """Change a partner: administrators anything, the partner's managers its contact e-mail and phone."""
    fields = frozenset(body.model_fields_set)
    if not fields:
        raise ProblemError("validation_failed", errors=[{"field": "body", "code": "empty", "message": "no fields"}])
    for name in ("name", "kind", "country"):
        if name in fields and getattr(body, name) is None:
            raise ProblemError(
                "validation_failed", errors=[{"field": f"body.{name}", "code": "null", "message": "may not be null"}]
            )
    partner = await partner_service.update_partner(
        principal,
        partner_id,
        partner_service.UpdatePartner(fields=fields, **body.model_dump()),
        expected_version=version,
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["ETag"] = etag(partner.version)
    return PartnerOut.model_validate(partner)


@router.post(
    "/{partner_id}/suspension",
    response_model=PartnerOut,
    operation_id="suspend_partner",
    responses=problem_responses(401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def suspend_partner(
    partner_id: uuid.UUID, body: SuspensionIn, principal: CurrentPrincipal, container: ContainerDep
) -> PartnerOut:
    """Suspend a partner: its users and API clients are locked out at once (administrators)."""
    partner = await partner_service.set_partner_status(
        principal, partner_id, suspend=True, reason=body.reason, uow_factory=container.uow, clock=container.clock
    )
    return PartnerOut.model_validate(partner)


@router.delete(
    "/{partner_id}/suspension",
    response_model=PartnerOut,
    operation_id="reactivate_partner",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def reactivate_partner(partner_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep) -> PartnerOut:
    """Lift a partner's suspension (administrators)."""
    partner = await partner_service.set_partner_status(
        principal, partner_id, suspend=False, reason=None, uow_factory=container.uow, clock=container.clock
    )
    return PartnerOut.model_validate(partner)
