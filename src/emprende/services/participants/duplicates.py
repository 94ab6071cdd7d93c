"""Reviewing probable duplicates: list pairs side by side, mark a pair distinct, or merge it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from emprende.domain.shared.errors import InvalidInput, NotFound, PermissionDenied
from emprende.services.participants.permissions import authorize
from emprende.services.participants.ports import DuplicateCandidateRow, DuplicateQueries, ParticipantsUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal


async def list_duplicate_candidates(
    principal: Principal, status: str | None, *, after: uuid.UUID | None, limit: int, queries: DuplicateQueries
) -> Sequence[DuplicateCandidateRow]:
    """Probable duplicates whose two records the caller may both see, oldest first."""
    authorize(principal, "duplicates.review")
    return await queries.list_candidates(principal.tenant, status, after, limit)


async def resolve_duplicate(
    principal: Principal,
    candidate_id: uuid.UUID,
    *,
    merge: bool,
    survivor_id: uuid.UUID | None,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
    clock: Clock,
) -> uuid.UUID:
    """Mark a pair distinct, or merge it: one record survives; consents and identifiers move to it; the other
    becomes a pointer to the survivor. Returns the id of the record that remains (or the candidate's)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        candidate = await uow.duplicates.get(candidate_id)
        if candidate is None:
            raise NotFound("duplicate_candidate")
        first = await uow.participants.get(candidate.participant_id)
        second = await uow.participants.get(candidate.other_id)
        if first is None or second is None:
            raise NotFound("duplicate_candidate")
        authorize(principal, "duplicates.review")
        if not merge:
            candidate.mark_distinct(principal.id, now)
            await uow.commit()
            return candidate.id
        if survivor_id not in (first.id, second.id):
            raise InvalidInput("the survivor must be one of the pair", field="survivor_id")
        survivor, absorbed = (first, second) if survivor_id == first.id else (second, first)
        if not (await uow.participants.owned_by_tenant(survivor) and await uow.participants.owned_by_tenant(absorbed)):
            raise PermissionDenied("only a partner that registered both records (or an administrator) merges them")
        survivor.absorb(absorbed, now)
        await uow.participants.save_identifiers(absorbed)
        await uow.participants.save_identifiers(survivor)
        for consent in await uow.consents.for_participant(absorbed.id):
            consent.participant_id = survivor.id
        candidate.mark_merged(principal.id, now)
        await uow.commit()
    return survivor.id
