"""The participant portal's business ideas: a person drafts, reads, revises, submits and withdraws their own ideas —
whichever partner supports them; anyone else's idea is answered like a missing one.

An idea a person drafts here is supported by the partner that registered them. The team they name is checked as that
partner sees the registry (the person's own sign-in sees what their registering partner sees)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from emprende.domain.ideas.idea import BusinessIdea, IdeaChanges, IdeaContent
from emprende.domain.shared.errors import NotFound
from emprende.services.ideas.ideas import check_version
from emprende.services.ideas.people import check_team, live_owner
from emprende.services.ideas.permissions import authorize
from emprende.services.ideas.ports import IdeaFilters, IdeaQueries, IdeaRow, IdeasUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal


def _own_record(principal: Principal) -> uuid.UUID:
    authorize(principal, "portal.ideas")
    if principal.participant_id is None:
        raise NotFound("participant")
    return principal.participant_id


async def _own_idea(uow: IdeasUnitOfWork, participant_id: uuid.UUID, idea_id: uuid.UUID, *, lock: bool) -> BusinessIdea:
    ideas = uow.business_ideas
    idea = await (ideas.get_for_update(idea_id) if lock else ideas.get(idea_id))
    if idea is None or idea.participant_id != participant_id:
        raise NotFound("business idea")
    return idea


async def create_my_idea(
    principal: Principal, content: IdeaContent, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork], clock: Clock
) -> BusinessIdea:
    """The signed-in person drafts an idea of their own, supported by the partner that registered them."""
    participant_id = _own_record(principal)
    now = clock.now()
    async with uow_factory(principal) as uow:
        owner = await live_owner(uow, participant_id)
        idea = BusinessIdea(
            participant_id=owner.id,
            supporting_partner_id=owner.owner_partner_id,
            content=content,
            now=now,
            by=principal.id,
        )
        await check_team(uow, idea.team)
        uow.business_ideas.add(idea)
        uow.idea_versions.add(idea.record_version(now, principal.id))
        await uow.commit()
    return idea


async def my_ideas(
    principal: Principal, filters: IdeaFilters, *, after: uuid.UUID | None, limit: int, queries: IdeaQueries
) -> Sequence[IdeaRow]:
    """The signed-in person's own ideas, oldest first, whichever partner supports them."""
    participant_id = _own_record(principal)
    return await queries.list_ideas(None, replace(filters, participant_id=participant_id), after, limit)


async def my_idea(
    principal: Principal, idea_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork]
) -> BusinessIdea:
    """One of the signed-in person's own ideas."""
    participant_id = _own_record(principal)
    # The person's own rows, whichever partner supports them: read as the system, held to them.
    async with uow_factory(SYSTEM, read_only=True) as uow:
        return await _own_idea(uow, participant_id, idea_id, lock=False)


async def revise_my_idea(
    principal: Principal,
    idea_id: uuid.UUID,
    changes: IdeaChanges,
    *,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory[IdeasUnitOfWork],
    clock: Clock,
) -> BusinessIdea:
    """The person changes the parts sent of their own idea, as its next version."""
    participant_id = _own_record(principal)
    now = clock.now()
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        idea = await _own_idea(uow, participant_id, idea_id, lock=True)
        read_version = idea.version
        recorded = idea.revise(changes, now, principal.id)
        check_version(read_version, expected_version)
        if recorded is not None:
            if changes.team is not None:
                async with uow_factory(principal, read_only=True) as seen:  # the team as the person's partner sees it
                    await check_team(seen, idea.team)
            uow.idea_versions.add(recorded)
            await uow.commit()
    return idea


async def submit_my_idea(
    principal: Principal, idea_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork], clock: Clock
) -> BusinessIdea:
    """The person submits their own complete draft."""
    participant_id = _own_record(principal)
    now = clock.now()
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        idea = await _own_idea(uow, participant_id, idea_id, lock=True)
        idea.submit(now)
        await uow.commit()
    return idea


async def withdraw_my_idea(
    principal: Principal, idea_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork], clock: Clock
) -> BusinessIdea:
    """The person withdraws their own idea, for good."""
    participant_id = _own_record(principal)
    now = clock.now()
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        idea = await _own_idea(uow, participant_id, idea_id, lock=True)
        idea.withdraw(now)
        await uow.commit()
    return idea
