"""In-memory fakes of the calls area: calls, committees, applications, review assignments, reviews, and the read
side the ranking uses. Like the SQL repositories, they find calls and applications whatever the tenant (the use cases
decide who sees what)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from emprende.domain.calls.aggregation import Entry, ReviewTotal
from emprende.domain.calls.application import Application, ApplicationStatus
from emprende.domain.calls.assignment import Assignment
from emprende.domain.calls.call import CallStatus, SeedCapitalCall
from emprende.domain.calls.committee import CallEvaluator
from emprende.domain.calls.review import Review, ReviewStatus
from emprende.services.calls.ports import ApplicationRow, AssignmentRow, CallRow, RankingInputs
from tests.unit.fakes.shared import FakeAreaRepositories, fake_repository


@dataclass
class CallsTables:
    seed_capital_calls: dict[uuid.UUID, SeedCapitalCall] = field(default_factory=dict)
    call_evaluators: dict[tuple[uuid.UUID, uuid.UUID], CallEvaluator] = field(default_factory=dict)
    applications: dict[uuid.UUID, Application] = field(default_factory=dict)
    review_assignments: dict[uuid.UUID, Assignment] = field(default_factory=dict)
    reviews: dict[uuid.UUID, Review] = field(default_factory=dict)


class FakeCallRepository:
    def __init__(self, tables: CallsTables) -> None:
        self._tables = tables

    def add(self, call: SeedCapitalCall) -> None:
        self._tables.seed_capital_calls[call.id] = call

    async def get(self, call_id: uuid.UUID) -> SeedCapitalCall | None:
        return self._tables.seed_capital_calls.get(call_id)

    async def lock(self, call_id: uuid.UUID) -> SeedCapitalCall | None:
        return self._tables.seed_capital_calls.get(call_id)


class FakeCallEvaluatorRepository:
    def __init__(self, tables: CallsTables) -> None:
        self._tables = tables

    def add(self, evaluator: CallEvaluator) -> None:
        self._tables.call_evaluators[(evaluator.call_id, evaluator.user_id)] = evaluator

    async def for_call(self, call_id: uuid.UUID) -> list[CallEvaluator]:
        return sorted(
            (e for e in self._tables.call_evaluators.values() if e.call_id == call_id), key=lambda e: e.added_at
        )

    async def get(self, call_id: uuid.UUID, user_id: uuid.UUID) -> CallEvaluator | None:
        return self._tables.call_evaluators.get((call_id, user_id))


class FakeApplicationRepository:
    def __init__(self, tables: CallsTables) -> None:
        self._tables = tables

    def add(self, application: Application) -> None:
        self._tables.applications[application.id] = application

    async def get(self, application_id: uuid.UUID) -> Application | None:
        return self._tables.applications.get(application_id)

    async def of_participant(self, call_id: uuid.UUID, participant_id: uuid.UUID) -> Application | None:
        return next(
            (
                a
                for a in self._tables.applications.values()
                if a.call_id == call_id and a.participant_id == participant_id
            ),
            None,
        )

    async def for_call(self, call_id: uuid.UUID) -> list[Application]:
        return sorted(
            (
                a
                for a in self._tables.applications.values()
                if a.call_id == call_id and a.status is ApplicationStatus.SUBMITTED
            ),
            key=lambda a: (a.submitted_at, a.id),
        )

    async def for_participant(self, participant_id: uuid.UUID) -> list[Application]:
        return sorted(
            (a for a in self._tables.applications.values() if a.participant_id == participant_id),
            key=lambda a: (a.submitted_at, a.id),
            reverse=True,
        )


class FakeAssignmentRepository:
    def __init__(self, tables: CallsTables) -> None:
        self._tables = tables

    def add(self, assignment: Assignment) -> None:
        self._tables.review_assignments[assignment.id] = assignment

    async def get(self, assignment_id: uuid.UUID) -> Assignment | None:
        return self._tables.review_assignments.get(assignment_id)

    async def for_call(self, call_id: uuid.UUID) -> list[Assignment]:
        return sorted((a for a in self._tables.review_assignments.values() if a.call_id == call_id), key=lambda a: a.id)

    async def for_application(self, application_id: uuid.UUID) -> list[Assignment]:
        return sorted(
            (a for a in self._tables.review_assignments.values() if a.application_id == application_id),
            key=lambda a: a.id,
        )

    async def related_evaluators(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        found: dict[uuid.UUID, set[uuid.UUID]] = {}
        for a in self._tables.review_assignments.values():
            if a.participant_id in participant_ids and a.recused:
                found.setdefault(a.participant_id, set()).add(a.evaluator_id)
        return {person: frozenset(evaluators) for person, evaluators in found.items()}


class FakeReviewRepository:
    def __init__(self, tables: CallsTables) -> None:
        self._tables = tables

    def add(self, review: Review) -> None:
        self._tables.reviews[review.id] = review

    async def of(self, application_id: uuid.UUID, evaluator_id: uuid.UUID) -> Review | None:
        return next(
            (
                r
                for r in self._tables.reviews.values()
                if r.application_id == application_id and r.evaluator_id == evaluator_id
            ),
            None,
        )

    async def for_application(self, application_id: uuid.UUID) -> list[Review]:
        return sorted(
            (r for r in self._tables.reviews.values() if r.application_id == application_id), key=lambda r: r.id
        )


class FakeCallsQueries:
    """The read side over the same tables."""

    def __init__(self, tables: CallsTables) -> None:
        self._tables = tables

    async def list_calls(
        self, tenant: uuid.UUID | None, include_drafts: bool, status: str | None, after: uuid.UUID | None, limit: int
    ) -> list[CallRow]:
        rows = [
            CallRow(
                c.id,
                c.owner_partner_id,
                c.terms.title,
                c.status.value,
                c.terms.budget,
                c.terms.opens_at,
                c.terms.closes_at,
                c.updated_at,
            )
            for c in sorted(self._tables.seed_capital_calls.values(), key=lambda c: c.id, reverse=True)
            if (c.status is not CallStatus.DRAFT or (include_drafts and tenant in (None, c.owner_partner_id)))
            and (status is None or c.status.value == status)
            and (after is None or c.id < after)
        ]
        return rows[:limit]

    async def list_applications(
        self, call_id: uuid.UUID, supporting: uuid.UUID | None, status: str | None, after: uuid.UUID | None, limit: int
    ) -> list[ApplicationRow]:
        rows = [
            ApplicationRow(
                a.id,
                a.call_id,
                a.participant_id,
                a.owner_partner_id,
                a.idea_id,
                a.idea_name,
                a.requested_amount,
                a.status.value,
                a.submitted_at,
            )
            for a in sorted(self._tables.applications.values(), key=lambda a: a.id)
            if a.call_id == call_id
            and (supporting is None or a.owner_partner_id == supporting)
            and (status is None or a.status.value == status)
            and (after is None or a.id > after)
        ]
        return rows[:limit]

    async def assignments_of(self, evaluator_id: uuid.UUID, after: uuid.UUID | None, limit: int) -> list[AssignmentRow]:
        rows = []
        for a in sorted(self._tables.review_assignments.values(), key=lambda a: a.id, reverse=True):
            if a.evaluator_id != evaluator_id or (after is not None and a.id >= after):
                continue
            review = next(
                (
                    r
                    for r in self._tables.reviews.values()
                    if r.application_id == a.application_id and r.evaluator_id == evaluator_id
                ),
                None,
            )
            rows.append(
                AssignmentRow(
                    a.id,
                    a.call_id,
                    self._tables.seed_capital_calls[a.call_id].terms.title,
                    a.application_id,
                    a.declaration.value,
                    None if review is None else review.status.value,
                    a.assigned_at,
                )
            )
        return rows[:limit]

    async def ranking_inputs(self, call_id: uuid.UUID) -> RankingInputs:
        live = sorted(
            (
                a
                for a in self._tables.applications.values()
                if a.call_id == call_id and a.status is ApplicationStatus.SUBMITTED
            ),
            key=lambda a: (a.submitted_at, a.id),
        )
        recused = {(a.application_id, a.evaluator_id) for a in self._tables.review_assignments.values() if a.recused}
        ids = {a.id for a in live}
        totals = [
            ReviewTotal(r.application_id, r.evaluator_id, float(r.total or 0))
            for r in self._tables.reviews.values()
            if r.application_id in ids
            and r.status is ReviewStatus.SUBMITTED
            and (r.application_id, r.evaluator_id) not in recused
        ]
        return RankingInputs(
            entries=[Entry(a.id, a.submitted_at, sum(1 for (app, _e) in recused if app == a.id)) for a in live],
            totals=totals,
            names={a.id: a.idea_name for a in live},
            requested={a.id: a.requested_amount for a in live},
        )


class FakeCallsRepositories(FakeAreaRepositories):
    tables = ("seed_capital_calls", "call_evaluators", "applications", "review_assignments", "reviews")
    aggregates = ("seed_capital_calls", "applications", "review_assignments", "reviews")
    seed_capital_calls = fake_repository(lambda uow: FakeCallRepository(uow._db))
    call_evaluators = fake_repository(lambda uow: FakeCallEvaluatorRepository(uow._db))
    applications = fake_repository(lambda uow: FakeApplicationRepository(uow._db))
    review_assignments = fake_repository(lambda uow: FakeAssignmentRepository(uow._db))
    reviews = fake_repository(lambda uow: FakeReviewRepository(uow._db))
