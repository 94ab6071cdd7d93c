"""In-memory fakes of the ideas area: business ideas (through the tenant filter: the supporting partner, as the SQL
repository does), their versions, and the list of ideas over the same tables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from emprende.domain.ideas.idea import BusinessIdea, IdeaVersion
from emprende.services.ideas.ports import IdeaFilters, IdeaRow
from tests.unit.fakes.shared import FakeAreaRepositories, fake_repository


@dataclass
class IdeasTables:
    business_ideas: dict[uuid.UUID, BusinessIdea] = field(default_factory=dict)
    idea_versions: dict[uuid.UUID, IdeaVersion] = field(default_factory=dict)


class FakeBusinessIdeaRepository:
    def __init__(self, tables: IdeasTables, tenant: uuid.UUID | None) -> None:
        self._tables = tables
        self._tenant = tenant

    def add(self, idea: BusinessIdea) -> None:
        self._tables.business_ideas[idea.id] = idea

    async def get(self, idea_id: uuid.UUID) -> BusinessIdea | None:
        idea = self._tables.business_ideas.get(idea_id)
        return idea if idea is not None and self._tenant in (None, idea.supporting_partner_id) else None

    async def get_for_update(self, idea_id: uuid.UUID) -> BusinessIdea | None:
        return await self.get(idea_id)


class FakeIdeaVersionRepository:
    def __init__(self, tables: IdeasTables) -> None:
        self._tables = tables

    def add(self, version: IdeaVersion) -> None:
        taken = {(v.idea_id, v.number) for v in self._tables.idea_versions.values()}
        assert (version.idea_id, version.number) not in taken, "one row per idea and number, as the database holds"
        self._tables.idea_versions[version.id] = version

    async def get(self, idea_id: uuid.UUID, number: int) -> IdeaVersion | None:
        found = (v for v in self._tables.idea_versions.values() if (v.idea_id, v.number) == (idea_id, number))
        return next(found, None)

    async def for_idea(self, idea_id: uuid.UUID) -> Sequence[IdeaVersion]:
        return sorted((v for v in self._tables.idea_versions.values() if v.idea_id == idea_id), key=lambda v: v.number)


class FakeIdeaQueries:
    def __init__(self, tables: IdeasTables) -> None:
        self._tables = tables

    async def list_ideas(
        self, tenant: uuid.UUID | None, filters: IdeaFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[IdeaRow]:
        rows = [
            IdeaRow(
                id=idea.id,
                participant_id=idea.participant_id,
                supporting_partner_id=idea.supporting_partner_id,
                name=idea.name,
                sector=idea.sector,
                stage=idea.stage.value,
                status=idea.status.value,
                province_code=idea.province_code,
                canton_code=idea.canton_code,
                parish_code=idea.parish_code,
                requested_amount=idea.requested_amount,
                version=idea.version,
                created_at=idea.created_at,
                updated_at=idea.updated_at,
                submitted_at=idea.submitted_at,
            )
            for idea in sorted(self._tables.business_ideas.values(), key=lambda idea: idea.id)
            if tenant in (None, idea.supporting_partner_id)
            and (after is None or idea.id > after)
            and filters.participant_id in (None, idea.participant_id)
            and filters.status in (None, idea.status.value)
            and filters.sector in (None, idea.sector)
            and filters.stage in (None, idea.stage.value)
        ]
        return rows[:limit]


class FakeIdeasRepositories(FakeAreaRepositories):
    tables = ("business_ideas", "idea_versions")
    aggregates = ("business_ideas",)
    self_versioned = ("business_ideas",)
    business_ideas = fake_repository(lambda uow: FakeBusinessIdeaRepository(uow._db, uow.tenant))
    idea_versions = fake_repository(lambda uow: FakeIdeaVersionRepository(uow._db))
