"""Institutional partner use cases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from emprende.domain.partners.partner import InstitutionalPartner, PartnerKind, RucTaken
from emprende.domain.shared.errors import NotFound, PreconditionFailed
from emprende.services.partners.permissions import authorize
from emprende.services.partners.ports import PartnerFilters, PartnerQueries, PartnerRow, PartnersUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal


@dataclass(frozen=True, slots=True)
class CreatePartner:
    name: str
    kind: PartnerKind
    country: str
    ruc: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True, slots=True)
class UpdatePartner:
    """Only the fields named in `fields` change; a None value there clears an optional field."""

    fields: frozenset[str]
    name: str | None = None
    kind: PartnerKind | None = None
    country: str | None = None
    ruc: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


_CONTACT_FIELDS = frozenset({"contact_email", "contact_phone"})


async def create_partner(
    cmd: CreatePartner, principal: Principal, *, uow_factory: UnitOfWorkFactory[PartnersUnitOfWork], clock: Clock
) -> InstitutionalPartner:
    """Register an institutional partner (administrators)."""
    authorize(principal, "partners.create")
    partner = InstitutionalPartner(
        name=cmd.name,
        kind=cmd.kind,
        country=cmd.country,
        ruc=cmd.ruc,
        contact_email=cmd.contact_email,
        contact_phone=cmd.contact_phone,
        now=clock.now(),
    )
    async with uow_factory(principal) as uow:
        if partner.ruc is not None and await uow.partners.ruc_taken(partner.ruc):
            raise RucTaken("another partner has this RUC", field="ruc")
        uow.partners.add(partner)
        await uow.commit()
    return partner


async def get_partner(
    principal: Principal, partner_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[PartnersUnitOfWork]
) -> InstitutionalPartner:
    """Read one partner; a partner's principals see only their own."""
    async with uow_factory(principal, read_only=True) as uow:
        partner = await uow.partners.get(partner_id)
    if partner is None:
        raise NotFound("partner")
    authorize(principal, "partners.read")
    return partner


async def list_partners(
    principal: Principal, filters: PartnerFilters, *, after: uuid.UUID | None, limit: int, queries: PartnerQueries
) -> Sequence[PartnerRow]:
    """List partners, oldest first; a partner's principals see only their own."""
    authorize(principal, "partners.list")
    return await queries.list_partners(principal.tenant, filters, after, limit)


async def update_partner(
    principal: Principal,
    partner_id: uuid.UUID,
    changes: UpdatePartner,
    *,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    clock: Clock,
) -> InstitutionalPartner:
    """Change a partner. Administrators change anything; a partner's managers only its contact data."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        partner = await uow.partners.get(partner_id)
        if partner is None:
            raise NotFound("partner")
        authorize(principal, "partners.update" if changes.fields - _CONTACT_FIELDS else "partners.update_contact")
        read_version = partner.version
        details = changes.fields - _CONTACT_FIELDS
        if details:
            partner.update_details(
                now,
                name=changes.name if "name" in details else None,
                kind=changes.kind if "kind" in details else None,
                country=changes.country if "country" in details else None,
                ruc=changes.ruc if "ruc" in details else None,
                clear_ruc="ruc" in details and changes.ruc is None,
            )
        if changes.fields & _CONTACT_FIELDS:
            partner.update_contact(
                now,
                email=changes.contact_email if "contact_email" in changes.fields else None,
                phone=changes.contact_phone if "contact_phone" in changes.fields else None,
                clear_email="contact_email" in changes.fields and changes.contact_email is None,
                clear_phone="contact_phone" in changes.fields and changes.contact_phone is None,
            )
        # If-Match is weighed once the input is known to be valid: a stale tag does not hide a bad body.
        if expected_version is not None and expected_version != read_version:
            raise PreconditionFailed("the partner changed since it was read")
        if (
            "ruc" in details
            and partner.ruc is not None
            and await uow.partners.ruc_taken(partner.ruc, other_than=partner.id)
        ):
            raise RucTaken("another partner has this RUC", field="ruc")
        await uow.commit()
    return partner


async def set_partner_status(
    principal: Principal,
    partner_id: uuid.UUID,
    *,
    suspend: bool,
    reason: str | None,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    clock: Clock,
) -> InstitutionalPartner:
    """Suspend a partner (its users and API clients are locked out at once) or reactivate it (administrators)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        partner = await uow.partners.get(partner_id)
        if partner is None:
            raise NotFound("partner")
        authorize(principal, "partners.suspend")
        if suspend:
            partner.suspend(reason or "", now)
        else:
            partner.reactivate(now)
        await uow.commit()
    return partner
