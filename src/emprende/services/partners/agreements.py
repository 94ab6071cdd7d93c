"""Cooperation agreement use cases, and the policy check later use cases call before a partner acts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from emprende.domain.partners.agreement import (
    AgreementCodeTaken,
    AgreementRole,
    CooperationAgreement,
    require_agreement,
)
from emprende.domain.shared.errors import NotFound, PreconditionFailed
from emprende.services.partners.permissions import authorize
from emprende.services.partners.ports import PartnersUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal

MAX_EXPIRING_WINDOW_DAYS = 3650


@dataclass(frozen=True, slots=True)
class CreateAgreement:
    code: str
    title: str
    roles: frozenset[AgreementRole]
    start_date: date
    end_date: date
    data_sharing: bool
    document_reference: str | None = None
    activate: bool = False


@dataclass(frozen=True, slots=True)
class AmendAgreement:
    reason: str
    effective_from: date
    roles_added: frozenset[AgreementRole] = frozenset()
    roles_removed: frozenset[AgreementRole] = frozenset()
    new_end_date: date | None = None


async def _visible_agreement(
    uow: PartnersUnitOfWork, partner_id: uuid.UUID, agreement_id: uuid.UUID
) -> CooperationAgreement:
    agreement = await uow.agreements.get(agreement_id)
    if agreement is None or agreement.partner_id != partner_id:
        raise NotFound("agreement")
    return agreement


async def create_agreement(
    principal: Principal,
    partner_id: uuid.UUID,
    cmd: CreateAgreement,
    *,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    clock: Clock,
) -> CooperationAgreement:
    """Record a cooperation agreement for a partner, as a draft or already active (administrators)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        if await uow.partners.get(partner_id) is None:
            raise NotFound("partner")
        authorize(principal, "agreements.create")
        agreement = CooperationAgreement(
            partner_id=partner_id,
            code=cmd.code,
            title=cmd.title,
            roles=cmd.roles,
            start_date=cmd.start_date,
            end_date=cmd.end_date,
            data_sharing=cmd.data_sharing,
            document_reference=cmd.document_reference,
            now=now,
        )
        if await uow.agreements.code_taken(agreement.code):
            raise AgreementCodeTaken("another agreement has this code", field="code")
        if cmd.activate:
            agreement.activate(now)
        uow.agreements.add(agreement)
        await uow.commit()
    return agreement


async def get_agreement(
    principal: Principal,
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
) -> CooperationAgreement:
    """One agreement with its amendment history."""
    async with uow_factory(principal, read_only=True) as uow:
        if await uow.partners.get(partner_id) is None:
            raise NotFound("partner")
        agreement = await _visible_agreement(uow, partner_id, agreement_id)
    authorize(principal, "agreements.read")
    return agreement


async def list_partner_agreements(
    principal: Principal, partner_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[PartnersUnitOfWork]
) -> Sequence[CooperationAgreement]:
    """A partner's agreements, oldest first."""
    async with uow_factory(principal, read_only=True) as uow:
        if await uow.partners.get(partner_id) is None:
            raise NotFound("partner")
        authorize(principal, "agreements.read")
        return await uow.agreements.for_partner(partner_id)


async def activate_agreement(
    principal: Principal,
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    clock: Clock,
) -> CooperationAgreement:
    """Bring a draft agreement into force (administrators)."""
    async with uow_factory(principal) as uow:
        agreement = await _load_for_change(uow, principal, partner_id, agreement_id)
        read_version = agreement.version
        agreement.activate(clock.now())
        _require_version(expected_version, read_version)
        await uow.commit()
    return agreement


async def terminate_agreement(
    principal: Principal,
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    reason: str,
    on: date | None,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    clock: Clock,
) -> CooperationAgreement:
    """End an agreement early, with a reason (administrators)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        agreement = await _load_for_change(uow, principal, partner_id, agreement_id)
        read_version = agreement.version
        agreement.terminate(reason, on or now.date(), now)
        _require_version(expected_version, read_version)
        await uow.commit()
    return agreement


async def amend_agreement(
    principal: Principal,
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
    cmd: AmendAgreement,
    *,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    clock: Clock,
) -> CooperationAgreement:
    """Amend roles or end date; the amendment is kept as history with its reason (administrators)."""
    async with uow_factory(principal) as uow:
        agreement = await _load_for_change(uow, principal, partner_id, agreement_id)
        read_version = agreement.version
        agreement.amend(
            reason=cmd.reason,
            effective_from=cmd.effective_from,
            roles_added=cmd.roles_added,
            roles_removed=cmd.roles_removed,
            new_end_date=cmd.new_end_date,
            now=clock.now(),
            recorded_by=principal.id,
        )
        _require_version(expected_version, read_version)
        await uow.commit()
    return agreement


async def _load_for_change(
    uow: PartnersUnitOfWork,
    principal: Principal,
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID,
) -> CooperationAgreement:
    if await uow.partners.get(partner_id) is None:
        raise NotFound("partner")
    agreement = await _visible_agreement(uow, partner_id, agreement_id)
    authorize(principal, "agreements.manage")
    return agreement


def _require_version(expected_version: int | None, read_version: int) -> None:
    """If-Match, weighed once the change is known to be valid: a stale tag does not hide a bad request."""
    if expected_version is not None and expected_version != read_version:
        raise PreconditionFailed("the agreement changed since it was read")


async def list_expiring_agreements(
    principal: Principal, within_days: int, *, uow_factory: UnitOfWorkFactory[PartnersUnitOfWork], clock: Clock
) -> Sequence[CooperationAgreement]:
    """Active agreements whose end date falls within the next `within_days` days."""
    authorize(principal, "agreements.read")
    today = clock.now().date()
    async with uow_factory(principal, read_only=True) as uow:
        return await uow.agreements.expiring(today, min(within_days, MAX_EXPIRING_WINDOW_DAYS))


async def require_partner_role(uow: PartnersUnitOfWork, partner_id: uuid.UUID, role: AgreementRole, day: date) -> None:
    """Fail with `agreement_required` unless the partner is active and an agreement grants `role` on `day`."""
    partner = await uow.partners.get(partner_id)
    agreements = await uow.agreements.for_partner(partner_id) if partner is not None else []
    require_agreement(partner is not None and partner.is_active, agreements, role, day)
