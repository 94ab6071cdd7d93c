"""Ports of the ideas area: business ideas and their versions, and the list of a partner's ideas."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from emprende.domain.ideas.idea import BusinessIdea, IdeaVersion
from emprende.services.participants.ports import ParticipantRepositories
from emprende.services.shared.ports import UnitOfWork


class BusinessIdeaRepository(Protocol):
    """Ideas the tenant supports (administrators and the system: every partner's)."""

    def add(self, idea: BusinessIdea) -> None: ...
    async def get(self, idea_id: uuid.UUID) -> BusinessIdea | None: ...
    async def get_for_update(self, idea_id: uuid.UUID) -> BusinessIdea | None:
        """The idea, locked until the transaction ends: edits to one idea happen one after another."""
        ...


class IdeaVersionRepository(Protocol):
    """An idea's versions, reached through the idea (which the use case found through the tenant filter)."""

    def add(self, version: IdeaVersion) -> None: ...
    async def get(self, idea_id: uuid.UUID, number: int) -> IdeaVersion | None: ...
    async def for_idea(self, idea_id: uuid.UUID) -> Sequence[IdeaVersion]:
        """Every version of the idea, oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class IdeaFilters:
    participant_id: uuid.UUID | None = None
    status: str | None = None
    sector: str | None = None
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class IdeaRow:
    id: uuid.UUID
    participant_id: uuid.UUID
    supporting_partner_id: uuid.UUID
    name: str
    sector: str
    stage: str
    status: str
    province_code: str
    canton_code: str
    parish_code: str | None
    requested_amount: Decimal
    version: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class IdeaQueries(Protocol):
    async def list_ideas(
        self, tenant: uuid.UUID | None, filters: IdeaFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[IdeaRow]:
        """Ideas the tenant supports (None: every partner's), oldest first."""
        ...


class IdeasRepositories(Protocol):
    """The ideas area's repositories, as every unit of work that reads business ideas offers them."""

    @property
    def business_ideas(self) -> BusinessIdeaRepository: ...
    @property
    def idea_versions(self) -> IdeaVersionRepository: ...


class IdeasUnitOfWork(UnitOfWork, IdeasRepositories, ParticipantRepositories, Protocol):
    """What the ideas area's use cases need: its own repositories and the registry (whose ideas, which team)."""
