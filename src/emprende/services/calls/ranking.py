"""The committee's view of a call: every application still in the call, ranked by the call's method, with its
figures (mean, median, spread, z-score), reviews given against the quorum, recusals and flags."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from emprende.domain.calls.aggregation import Figures, figures, rank
from emprende.domain.calls.call import CallStatus, SeedCapitalCall
from emprende.domain.shared.errors import PermissionDenied
from emprende.services.calls.calls import visible_call
from emprende.services.calls.permissions import authorize
from emprende.services.calls.ports import CallsQueries, CallsUnitOfWork
from emprende.services.shared.ports import UnitOfWorkFactory
from emprende.services.shared.principal import Principal


@dataclass(frozen=True, slots=True)
class RankedApplication:
    figures: Figures
    idea_name: str
    requested: Decimal


@dataclass(frozen=True, slots=True)
class Ranking:
    call: SeedCapitalCall
    items: Sequence[RankedApplication]
    frozen: bool
    """The review closed: these figures no longer change."""


async def ranking(
    principal: Principal,
    call_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    queries: CallsQueries,
) -> Ranking:
    """The ranked list of the call's applications, for its funder's office and administrators."""
    authorize(principal, "committee.read")
    async with uow_factory(principal, read_only=True) as uow:
        call = await visible_call(uow, principal, call_id)
    if not (principal.is_admin or principal.partner_id == call.owner_partner_id):
        raise PermissionDenied("only the call's funder sees its ranking")
    inputs = await queries.ranking_inputs(call.id)
    found = figures(
        inputs.entries,
        inputs.totals,
        quorum=call.terms.quorum,
        threshold=float(call.terms.disagreement_threshold),
    )
    ranked = rank(inputs.entries, found, call.terms.ranking_method)
    items = [
        RankedApplication(item, inputs.names[item.application_id], inputs.requested[item.application_id])
        for item in ranked
    ]
    return Ranking(call, items, frozen=call.status is CallStatus.REVIEW_CLOSED)
