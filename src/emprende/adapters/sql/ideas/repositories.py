"""Repositories of the ideas area. Ideas go through the tenant filter (the supporting partner); their versions are
reached through the idea. They never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from emprende.adapters.sql.ideas import tables
from emprende.adapters.sql.ideas.mapping import IDEAS
from emprende.adapters.sql.shared.repository import AreaRepositories, TenantRepository, repository
from emprende.domain.ideas.idea import BusinessIdea, IdeaVersion

_ideas = tables.business_ideas.c
_versions = tables.business_idea_versions.c


class SqlBusinessIdeaRepository(TenantRepository):
    def add(self, idea: BusinessIdea) -> None:
        self._session.add(idea)

    def _visible(self, idea: BusinessIdea | None) -> BusinessIdea | None:
        if idea is None or self._tenant not in (None, idea.supporting_partner_id):
            return None
        return idea

    async def get(self, idea_id: uuid.UUID) -> BusinessIdea | None:
        return self._visible(await self._session.get(BusinessIdea, idea_id))

    async def get_for_update(self, idea_id: uuid.UUID) -> BusinessIdea | None:
        # PostgreSQL: a row lock until the transaction ends. SQLite: writers already hold the database (BEGIN
        # IMMEDIATE), and the dialect leaves FOR UPDATE out.
        statement = (
            select(BusinessIdea).where(_ideas.id == idea_id).with_for_update().execution_options(populate_existing=True)
        )
        return self._visible((await self._session.execute(statement)).scalar_one_or_none())


class SqlIdeaVersionRepository(TenantRepository):
    def add(self, version: IdeaVersion) -> None:
        # Inserted by the unit of work after the session's flush, so after an idea created in the same transaction.
        self._new_rows.add(version)

    async def get(self, idea_id: uuid.UUID, number: int) -> IdeaVersion | None:
        statement = select(IdeaVersion).where(_versions.idea_id == idea_id, _versions.number == number)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def for_idea(self, idea_id: uuid.UUID) -> Sequence[IdeaVersion]:
        statement = select(IdeaVersion).where(_versions.idea_id == idea_id).order_by(_versions.number)
        return list((await self._session.execute(statement)).scalars())


class SqlIdeasRepositories(AreaRepositories):
    """The ideas area's repositories on the unit of work."""

    sql_area = IDEAS
    business_ideas = repository(SqlBusinessIdeaRepository)
    idea_versions = repository(SqlIdeaVersionRepository)
