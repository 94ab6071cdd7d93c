"""Business ideas as a partner's staff work on them: draft one for a person the partner may see, read and list the
partner's ideas, revise them (If-Match), submit, withdraw, and read their versions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from emprende.domain.ideas.idea import BusinessIdea, IdeaChanges, IdeaContent, IdeaVersion
from emprende.domain.shared.errors import NotFound, PreconditionFailed
from emprende.services.ideas.people import check_team, live_owner
from emprende.services.ideas.permissions import authorize
from emprende.services.ideas.ports import IdeaFilters, IdeaQueries, IdeaRow, IdeasUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal


async def visible_idea(
    uow: IdeasUnitOfWork, idea_id: uuid.UUID, *, allowed: Callable[[], None], lock: bool = False
) -> BusinessIdea:
    """The idea, if the tenant supports it: another partner's idea is as missing as one that does not exist, so
    `allowed` (the permission check) runs only once it is found."""
    ideas = uow.business_ideas
    idea = await (ideas.get_for_update(idea_id) if lock else ideas.get(idea_id))
    if idea is None:
        raise NotFound("business idea")
    allowed()
    return idea


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise PreconditionFailed("the idea changed since you read it; read it again")


async def create_idea(
    principal: Principal,
    participant_id: uuid.UUID,
    content: IdeaContent,
    *,
    uow_factory: UnitOfWorkFactory[IdeasUnitOfWork],
    clock: Clock,
) -> BusinessIdea:
    """Draft an idea for a person the partner may see; the partner supports it (an administrator's: the partner that
    registered the person). Its first version is recorded with it."""
    authorize(principal, "ideas.write")
    now = clock.now()
    async with uow_factory(principal) as uow:
        owner = await live_owner(uow, participant_id)
        idea = BusinessIdea(
            participant_id=owner.id,
            supporting_partner_id=principal.partner_id or owner.owner_partner_id,
            content=content,
            now=now,
            by=principal.id,
        )
        await check_team(uow, idea.team)
        uow.business_ideas.add(idea)
        uow.idea_versions.add(idea.record_version(now, principal.id))
        await uow.commit()
    return idea


async def get_idea(
    principal: Principal, idea_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork]
) -> BusinessIdea:
    """One of the ideas the partner supports."""
    async with uow_factory(principal, read_only=True) as uow:
        return await visible_idea(uow, idea_id, allowed=lambda: authorize(principal, "ideas.read"))


async def list_ideas(
    principal: Principal, filters: IdeaFilters, *, after: uuid.UUID | None, limit: int, queries: IdeaQueries
) -> Sequence[IdeaRow]:
    """The ideas the partner supports (administrators: every partner's), oldest first."""
    authorize(principal, "ideas.read")
    return await queries.list_ideas(principal.tenant, filters, after, limit)


async def revise_idea(
    principal: Principal,
    idea_id: uuid.UUID,
    changes: IdeaChanges,
    *,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory[IdeasUnitOfWork],
    clock: Clock,
) -> BusinessIdea:
    """Change the parts sent, as the idea's next version (a withdrawn idea is not edited)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        idea = await visible_idea(uow, idea_id, allowed=lambda: authorize(principal, "ideas.write"), lock=True)
        read_version = idea.version
        recorded = idea.revise(changes, now, principal.id)
        # If-Match is weighed once the input is known to be valid: a stale tag does not hide a bad body.
        check_version(read_version, expected_version)
        if recorded is not None:
            if changes.team is not None:
                await check_team(uow, idea.team)
            uow.idea_versions.add(recorded)
            await uow.commit()
    return idea


async def submit_idea(
    principal: Principal, idea_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork], clock: Clock
) -> BusinessIdea:
    """Submit a complete draft (422 `idea_incomplete` names each missing part)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        idea = await visible_idea(uow, idea_id, allowed=lambda: authorize(principal, "ideas.write"), lock=True)
        idea.submit(now)
        await uow.commit()
    return idea


async def withdraw_idea(
    principal: Principal, idea_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork], clock: Clock
) -> BusinessIdea:
    """Withdraw a draft or submitted idea, for good."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        idea = await visible_idea(uow, idea_id, allowed=lambda: authorize(principal, "ideas.write"), lock=True)
        idea.withdraw(now)
        await uow.commit()
    return idea


async def list_versions(
    principal: Principal, idea_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork]
) -> Sequence[IdeaVersion]:
    """An idea's versions, oldest first."""
    async with uow_factory(principal, read_only=True) as uow:
        idea = await visible_idea(uow, idea_id, allowed=lambda: authorize(principal, "ideas.read"))
        return await uow.idea_versions.for_idea(idea.id)


async def get_version(
    principal: Principal, idea_id: uuid.UUID, number: int, *, uow_factory: UnitOfWorkFactory[IdeasUnitOfWork]
) -> IdeaVersion:
    """What an idea said at one of its versions."""
    async with uow_factory(principal, read_only=True) as uow:
        idea = await visible_idea(uow, idea_id, allowed=lambda: authorize(principal, "ideas.read"))
        version = await uow.idea_versions.get(idea.id, number)
        if version is None:
            raise NotFound("idea version")
        return version
