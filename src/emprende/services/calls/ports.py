"""Ports of the calls area: calls, their committees, applications, review assignments (with declarations), reviews,
and the read side (lists, the ranking's inputs)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from emprende.domain.calls.aggregation import Entry, ReviewTotal
from emprende.domain.calls.application import Application
from emprende.domain.calls.assignment import Assignment
from emprende.domain.calls.call import SeedCapitalCall
from emprende.domain.calls.committee import CallEvaluator
from emprende.domain.calls.review import Review
from emprende.services.ideas.ports import IdeasRepositories
from emprende.services.training.ports import TrainingUnitOfWork


class SeedCapitalCallRepository(Protocol):
    """Every call (who may see which is the use cases' to decide: drafts only their funder)."""

    def add(self, call: SeedCapitalCall) -> None: ...
    async def get(self, call_id: uuid.UUID) -> SeedCapitalCall | None: ...
    async def lock(self, call_id: uuid.UUID) -> SeedCapitalCall | None:
        """The call, locked until the transaction ends (its rubric's freezing, its state changes)."""
        ...


class CallEvaluatorRepository(Protocol):
    def add(self, evaluator: CallEvaluator) -> None: ...
    async def for_call(self, call_id: uuid.UUID) -> Sequence[CallEvaluator]: ...
    async def get(self, call_id: uuid.UUID, user_id: uuid.UUID) -> CallEvaluator | None: ...


class ApplicationRepository(Protocol):
    """Every application (the use cases decide who sees one: the supporting partner, the call's funder)."""

    def add(self, application: Application) -> None: ...
    async def get(self, application_id: uuid.UUID) -> Application | None: ...
    async def of_participant(self, call_id: uuid.UUID, participant_id: uuid.UUID) -> Application | None: ...
    async def for_call(self, call_id: uuid.UUID) -> Sequence[Application]:
        """The call's applications still submitted, oldest first."""
        ...

    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Application]:
        """A person's applications, newest first."""
        ...


class AssignmentRepository(Protocol):
    def add(self, assignment: Assignment) -> None: ...
    async def get(self, assignment_id: uuid.UUID) -> Assignment | None: ...
    async def for_call(self, call_id: uuid.UUID) -> Sequence[Assignment]: ...
    async def for_application(self, application_id: uuid.UUID) -> Sequence[Assignment]: ...
    async def related_evaluators(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        """For each of these people, the evaluators who declared a conflict with them before (in any call)."""
        ...


class ReviewRepository(Protocol):
    def add(self, review: Review) -> None: ...
    async def of(self, application_id: uuid.UUID, evaluator_id: uuid.UUID) -> Review | None: ...
    async def for_application(self, application_id: uuid.UUID) -> Sequence[Review]: ...


@dataclass(frozen=True, slots=True)
class CallRow:
    id: uuid.UUID
    owner_partner_id: uuid.UUID | None
    title: str
    status: str
    budget: Decimal
    opens_at: datetime
    closes_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    id: uuid.UUID
    call_id: uuid.UUID
    participant_id: uuid.UUID
    owner_partner_id: uuid.UUID | None
    idea_id: uuid.UUID
    idea_name: str
    requested_amount: Decimal
    status: str
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    id: uuid.UUID
    call_id: uuid.UUID
    call_title: str
    application_id: uuid.UUID
    declaration: str
    review_status: str | None
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class RankingInputs:
    entries: Sequence[Entry]
    totals: Sequence[ReviewTotal]
    names: dict[uuid.UUID, str]
    """Each application's idea name, as snapshotted."""
    requested: dict[uuid.UUID, Decimal]


class CallsQueries(Protocol):
    async def list_calls(
        self, tenant: uuid.UUID | None, include_drafts: bool, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[CallRow]:
        """Calls newest first: every call but drafts, and the drafts of `tenant` when `include_drafts` (None:
        every draft)."""
        ...

    async def list_applications(
        self, call_id: uuid.UUID, supporting: uuid.UUID | None, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[ApplicationRow]:
        """A call's applications oldest first; only those the partner `supporting` supports, when given."""
        ...

    async def assignments_of(
        self, evaluator_id: uuid.UUID, after: uuid.UUID | None, limit: int
    ) -> Sequence[AssignmentRow]: ...

    async def ranking_inputs(self, call_id: uuid.UUID) -> RankingInputs:
        """The call's submitted applications with their recusals, and the submitted reviews of evaluators not
        recused."""
        ...


class CallsRepositories(Protocol):
    @property
    def seed_capital_calls(self) -> SeedCapitalCallRepository: ...
    @property
    def call_evaluators(self) -> CallEvaluatorRepository: ...
    @property
    def applications(self) -> ApplicationRepository: ...
    @property
    def review_assignments(self) -> AssignmentRepository: ...
    @property
    def reviews(self) -> ReviewRepository: ...


class CallsUnitOfWork(TrainingUnitOfWork, IdeasRepositories, CallsRepositories, Protocol):
    """What the calls area's use cases need: its repositories, the ideas applied with, and what training offers
    (the registry, partners' agreements, accounts, completed cohorts and their facilitators)."""
