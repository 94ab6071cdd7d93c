"""Call use cases: open a call (a draft with its terms and rubric), change its terms or rubric, move it through its
course, read calls. Drafts are seen only by their funder; everyone signed in sees the others."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from emprende.domain.calls.call import CallStatus, SeedCapitalCall
from emprende.domain.calls.rubric import Criterion
from emprende.domain.calls.terms import CallTerms
from emprende.domain.partners.agreement import AgreementRole, require_agreement
from emprende.domain.shared.errors import InvalidInput, NotFound, PermissionDenied, PreconditionFailed
from emprende.services.calls.permissions import authorize, is_allowed
from emprende.services.calls.ports import CallRow, CallsQueries, CallsUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal


class CallAction(StrEnum):
    OPEN = "open"
    START_REVIEW = "start_review"
    NEXT_PHASE = "next_phase"
    CLOSE_REVIEW = "close_review"
    CANCEL = "cancel"


def runs(principal: Principal, call: SeedCapitalCall) -> bool:
    """Administrators and the funder's office run a call and see it while a draft."""
    return is_allowed(principal, "calls.write") and (
        principal.is_admin or principal.partner_id == call.owner_partner_id
    )


async def require_funding(uow: CallsUnitOfWork, partner_id: uuid.UUID, day: date, *, field: str | None = None) -> None:
    """The partner exists, is active and holds `funding` under an agreement in force."""
    found = await uow.partners.get_with_agreements(partner_id)
    if found is None:
        if field is not None:
            raise InvalidInput("no such partner", field=field, code="unknown_partner")
        raise NotFound("partner")
    partner, agreements = found
    require_agreement(partner.is_active, agreements, AgreementRole.FUNDING, day)


async def visible_call(
    uow: CallsUnitOfWork, principal: Principal, call_id: uuid.UUID, *, lock: bool = False
) -> SeedCapitalCall:
    """The call, if the principal may know of it (a draft only to whoever runs it)."""
    call = await (uow.seed_capital_calls.lock(call_id) if lock else uow.seed_capital_calls.get(call_id))
    if call is None or (call.status is CallStatus.DRAFT and not runs(principal, call)):
        raise NotFound("seed-capital call")
    return call


async def run_call(
    uow: CallsUnitOfWork, principal: Principal, call_id: uuid.UUID, day: date, *, lock: bool = True
) -> SeedCapitalCall:
    """The call, for whoever runs it; its funder needs its `funding` agreement in force."""
    authorize(principal, "calls.read")
    call = await visible_call(uow, principal, call_id, lock=lock)
    authorize(principal, "calls.write")
    if not runs(principal, call):
        raise PermissionDenied("only the call's funder runs it")
    if principal.partner_id is not None:
        await require_funding(uow, principal.partner_id, day)
    return call


async def create_call(
    principal: Principal,
    terms: CallTerms,
    criteria: Sequence[Criterion],
    owner_partner_id: uuid.UUID | None,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> SeedCapitalCall:
    """Open a draft call with its terms and first rubric. A partner opens calls in its own name and needs a `funding`
    agreement in force; administrators open them for a funding partner, or in the programme's own name."""
    authorize(principal, "calls.write")
    now = clock.now()
    async with uow_factory(principal) as uow:
        if principal.is_admin:
            owner = owner_partner_id
        elif owner_partner_id not in (None, principal.partner_id):
            raise InvalidInput("a partner opens calls in its own name", field="owner_partner_id")
        else:
            owner = principal.partner_id
        if owner is not None:
            await require_funding(uow, owner, now.date(), field="owner_partner_id" if principal.is_admin else None)
        call = SeedCapitalCall(owner_partner_id=owner, terms=terms, criteria=criteria, now=now)
        uow.seed_capital_calls.add(call)
        await uow.commit()
    return call


async def revise_call(
    principal: Principal,
    call_id: uuid.UUID,
    terms: CallTerms,
    expected_version: int | None,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> SeedCapitalCall:
    """Replace a draft call's terms."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        call = await run_call(uow, principal, call_id, now.date())
        check_version(call, expected_version)
        call.revise(terms, now)
        await uow.commit()
    return call


async def set_rubric(
    principal: Principal,
    call_id: uuid.UUID,
    criteria: Sequence[Criterion],
    expected_version: int | None,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> SeedCapitalCall:
    """A new version of the call's rubric; refused (409 `rubric_frozen`) once the first score was given."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        call = await run_call(uow, principal, call_id, now.date())
        check_version(call, expected_version)
        call.set_rubric(criteria, now)
        await uow.commit()
    return call


async def move_call(
    principal: Principal,
    call_id: uuid.UUID,
    action: CallAction,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> SeedCapitalCall:
    """Open the call, start its review (after applications close), move to its next review phase, close the review
    (scores freeze) or cancel it."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        call = await run_call(uow, principal, call_id, now.date())
        match action:
            case CallAction.OPEN:
                call.open(now)
            case CallAction.START_REVIEW:
                call.start_review(now)
            case CallAction.NEXT_PHASE:
                call.next_phase(now)
            case CallAction.CLOSE_REVIEW:
                call.close_review(now)
            case CallAction.CANCEL:
                call.cancel(now)
        await uow.commit()
    return call


async def get_call(
    principal: Principal, call_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[CallsUnitOfWork]
) -> SeedCapitalCall:
    """A call with its terms and rubric."""
    authorize(principal, "calls.read")
    async with uow_factory(principal, read_only=True) as uow:
        return await visible_call(uow, principal, call_id)


def check_version(call: SeedCapitalCall, expected: int | None) -> None:
    """An If-Match precondition on the call's version."""
    if expected is not None and expected != call.version:
        raise PreconditionFailed("the call changed since you read it; read it again")


async def list_calls(
    principal: Principal, status: str | None, after: uuid.UUID | None, limit: int, *, queries: CallsQueries
) -> Sequence[CallRow]:
    """Calls newest first: every one but drafts, and the drafts of the calls the principal runs."""
    authorize(principal, "calls.read")
    return await queries.list_calls(principal.tenant, is_allowed(principal, "calls.write"), status, after, limit)
