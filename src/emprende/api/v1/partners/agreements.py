"""Cooperation agreements: a partner's framework for action."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, ExpectedVersion, PageDep
from emprende.api.etag import etag
from emprende.api.pagination import CursorCodec, Page, PageRequest, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.partners.schemas import AgreementCreateIn, AgreementOut, AmendmentIn, AmendmentOut, TerminationIn
from emprende.domain.partners.agreement import CooperationAgreement
from emprende.services.partners import agreements as agreement_service

router = APIRouter(tags=["agreements"])
_BASE = "/partners/{partner_id}/agreements"


def agreement_out(agreement: CooperationAgreement, today: date) -> AgreementOut:
    return AgreementOut(
        id=agreement.id,
        partner_id=agreement.partner_id,
        code=agreement.code,
        title=agreement.title,
        status=agreement.status_on(today),
        roles=sorted(agreement.roles_on(today)),
        original_roles=sorted(agreement.roles),
        start_date=agreement.start_date,
        end_date=agreement.current_end_date,
        original_end_date=agreement.end_date,
        data_sharing=agreement.data_sharing,
        document_reference=agreement.document_reference,
        terminated_on=agreement.terminated_on,
        termination_reason=agreement.termination_reason,
        amendments=[
            AmendmentOut(
                number=item.number,
                effective_from=item.effective_from,
                reason=item.reason,
                roles_added=sorted(item.roles_added),
                roles_removed=sorted(item.roles_removed),
                new_end_date=item.new_end_date,
                recorded_at=item.recorded_at,
                recorded_by=item.recorded_by,
            )
            for item in agreement.amendments
        ],
        created_at=agreement.created_at,
        updated_at=agreement.updated_at,
    )


def _page(
    agreements: Sequence[CooperationAgreement],
    today: date,
    codec: CursorCodec,
    page: PageRequest,
    scope: str,
    bound: dict[str, object],
) -> Page[AgreementOut]:
    """Agreements per partner are few; they are paged in memory in a stable (id) order."""
    ordered = sorted(agreements, key=lambda item: item.id) if scope.startswith("partner") else list(agreements)
    if page.cursor:
        position = codec.decode(page.cursor, scope, bound)[0]
        index = next((i for i, item in enumerate(ordered) if str(item.id) == position), None)
        ordered = ordered[index + 1 :] if index is not None else []
    rows, cursor = split_page(codec, scope, bound, ordered[: page.limit + 1], page.limit)
    return Page[AgreementOut](items=[agreement_out(item, today) for item in rows], next_cursor=cursor)


@router.post(
    _BASE,
    status_code=status.HTTP_201_CREATED,
    response_model=AgreementOut,
    operation_id="create_agreement",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def create_agreement(
    partner_id: uuid.UUID,
    body: AgreementCreateIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> AgreementOut:
    """Record a cooperation agreement for a partner, as a draft or in force (administrators)."""
    agreement = await agreement_service.create_agreement(
        principal,
        partner_id,
        agreement_service.CreateAgreement(
            code=body.code,
            title=body.title,
            roles=frozenset(body.roles),
            start_date=body.start_date,
            end_date=body.end_date,
            data_sharing=body.data_sharing,
            document_reference=body.document_reference,
            activate=body.activate,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["Location"] = request.url_for(
        "get_agreement", partner_id=partner_id, agreement_id=agreement.id
    ).path
    response.headers["ETag"] = etag(agreement.version)
    return agreement_out(agreement, container.clock.now().date())


@router.get(
    _BASE,
    response_model=Page[AgreementOut],
    operation_id="list_partner_agreements",
    responses=problem_responses(400, 401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_partner_agreements(
    partner_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep, codec: CursorCodecDep, page: PageDep
) -> Page[AgreementOut]:
    """A partner's agreements, oldest first, with their amendment history."""
    agreements = await agreement_service.list_partner_agreements(principal, partner_id, uow_factory=container.uow)
    today = container.clock.now().date()
    return _page(agreements, today, codec, page, "partner-agreements", {"partner_id": partner_id})


@router.get(
    _BASE + "/{agreement_id}",
    response_model=AgreementOut,
    operation_id="get_agreement",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_agreement(
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> AgreementOut:
    """One agreement with its amendment history."""
    agreement = await agreement_service.get_agreement(principal, partner_id, agreement_id, uow_factory=container.uow)
    response.headers["ETag"] = etag(agreement.version)
    return agreement_out(agreement, container.clock.now().date())


@router.post(
    _BASE + "/{agreement_id}/activation",
    response_model=AgreementOut,
    operation_id="activate_agreement",
    responses=problem_responses(401, 403, 404, 409, 412),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def activate_agreement(
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> AgreementOut:
    """Bring a draft agreement into force (administrators)."""
    agreement = await agreement_service.activate_agreement(
        principal,
        partner_id,
        agreement_id,
        expected_version=version,
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["ETag"] = etag(agreement.version)
    return agreement_out(agreement, container.clock.now().date())


@router.post(
    _BASE + "/{agreement_id}/termination",
    response_model=AgreementOut,
    operation_id="terminate_agreement",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def terminate_agreement(
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
    body: TerminationIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> AgreementOut:
    """End an agreement early, with a reason (administrators)."""
    agreement = await agreement_service.terminate_agreement(
        principal,
        partner_id,
        agreement_id,
        reason=body.reason,
        on=body.terminated_on,
        expected_version=version,
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["ETag"] = etag(agreement.version)
    return agreement_out(agreement, container.clock.now().date())


@router.post(
    _BASE + "/{agreement_id}/amendments",
    status_code=status.HTTP_201_CREATED,
    response_model=AgreementOut,
    operation_id="amend_agreement",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def amend_agreement(
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
    body: AmendmentIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> AgreementOut:
    """Amend an agreement's roles or end date; amendments are kept as history with their reason (administrators)."""
    agreement = await agreement_service.amend_agreement(
        principal,
        partner_id,
        agreement_id,
        agreement_service.AmendAgreement(
            reason=body.reason,
            effective_from=body.effective_from,
            roles_added=frozenset(body.roles_added),
            roles_removed=frozenset(body.roles_removed),
            new_end_date=body.new_end_date,
        ),
        expected_version=version,
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["ETag"] = etag(agreement.version)
    return agreement_out(agreement, container.clock.now().date())


@router.get(
    "/agreements",
    response_model=Page[AgreementOut],
    operation_id="list_expiring_agreements",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_expiring_agreements(
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    expiring_within_days: Annotated[int, Query(ge=0, le=3650, description="Agreements in force ending within N days.")],
) -> Page[AgreementOut]:
    """Agreements in force that end within the given number of days, soonest first."""
    agreements = await agreement_service.list_expiring_agreements(
        principal, expiring_within_days, uow_factory=container.uow, clock=container.clock
    )
    today = container.clock.now().date()
    return _page(agreements, today, codec, page, "expiring-agreements", {"days": expiring_within_days})
