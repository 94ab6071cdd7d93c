"""The calls area's repositories. Calls and applications are found by id whatever the tenant: who may see one is
decided by the use cases (a call's drafts, an application's supporter and funder). Reads that select by state flush
first: the session does not flush on its own."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select

from emprende.adapters.sql.calls import tables
from emprende.adapters.sql.calls.mapping import CALLS
from emprende.adapters.sql.shared.repository import AreaRepositories, TenantRepository, repository
from emprende.domain.calls.application import Application, ApplicationStatus
from emprende.domain.calls.assignment import Assignment, Declaration
from emprende.domain.calls.call import SeedCapitalCall
from emprende.domain.calls.committee import CallEvaluator
from emprende.domain.calls.review import Review

_calls = tables.seed_capital_calls.c
_evaluators = tables.call_evaluators.c
_applications = tables.applications.c
_assignments = tables.review_assignments.c
_reviews = tables.reviews.c


class SqlCallRepository(TenantRepository):
    def add(self, call: SeedCapitalCall) -> None:
        self._session.add(call)

    async def get(self, call_id: uuid.UUID) -> SeedCapitalCall | None:
        return await self._session.get(SeedCapitalCall, call_id)

    async def lock(self, call_id: uuid.UUID) -> SeedCapitalCall | None:
        # PostgreSQL: a row lock until the transaction ends. SQLite: writers already hold the database.
        statement = (
            select(SeedCapitalCall)
            .where(_calls.id == call_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self._session.execute(statement)).scalar_one_or_none()


class SqlCallEvaluatorRepository(TenantRepository):
    def add(self, evaluator: CallEvaluator) -> None:
        self._session.add(evaluator)

    async def for_call(self, call_id: uuid.UUID) -> Sequence[CallEvaluator]:
        await self._session.flush()
        statement = select(CallEvaluator).where(_evaluators.call_id == call_id).order_by(_evaluators.added_at)
        return list((await self._session.execute(statement)).scalars())

    async def get(self, call_id: uuid.UUID, user_id: uuid.UUID) -> CallEvaluator | None:
        return await self._session.get(CallEvaluator, (call_id, user_id))


class SqlApplicationRepository(TenantRepository):
    def add(self, application: Application) -> None:
        self._session.add(application)

    async def get(self, application_id: uuid.UUID) -> Application | None:
        return await self._session.get(Application, application_id)

    async def of_participant(self, call_id: uuid.UUID, participant_id: uuid.UUID) -> Application | None:
        await self._session.flush()
        statement = select(Application).where(
            _applications.call_id == call_id, _applications.participant_id == participant_id
        )
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def for_call(self, call_id: uuid.UUID) -> Sequence[Application]:
        await self._session.flush()
        statement = (
            select(Application)
            .where(_applications.call_id == call_id, _applications.status == ApplicationStatus.SUBMITTED)
            .order_by(_applications.submitted_at, _applications.id)
        )
        return list((await self._session.execute(statement)).scalars())

    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Application]:
        statement = (
            select(Application)
            .where(_applications.participant_id == participant_id)
            .order_by(_applications.submitted_at.desc(), _applications.id.desc())
        )
        return list((await self._session.execute(statement)).scalars())


class SqlAssignmentRepository(TenantRepository):
    def add(self, assignment: Assignment) -> None:
        self._session.add(assignment)

    async def get(self, assignment_id: uuid.UUID) -> Assignment | None:
        return await self._session.get(Assignment, assignment_id)

    async def _where(self, condition: ColumnElement[bool]) -> Sequence[Assignment]:
        await self._session.flush()
        statement = select(Assignment).where(condition).order_by(_assignments.id)
        return list((await self._session.execute(statement)).scalars())

    async def for_call(self, call_id: uuid.UUID) -> Sequence[Assignment]:
        return await self._where(_assignments.call_id == call_id)

    async def for_application(self, application_id: uuid.UUID) -> Sequence[Assignment]:
        return await self._where(_assignments.application_id == application_id)

    async def related_evaluators(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        if not participant_ids:
            return {}
        await self._session.flush()
        statement = (
            select(_assignments.participant_id, _assignments.evaluator_id)
            .where(
                _assignments.participant_id.in_(list(participant_ids)),
                _assignments.declaration == Declaration.CONFLICT,
            )
            .distinct()
        )
        found: dict[uuid.UUID, set[uuid.UUID]] = {}
        for row in await self._session.execute(statement):
            found.setdefault(row.participant_id, set()).add(row.evaluator_id)
        return {person: frozenset(evaluators) for person, evaluators in found.items()}


class SqlReviewRepository(TenantRepository):
    def add(self, review: Review) -> None:
        self._session.add(review)

    async def of(self, application_id: uuid.UUID, evaluator_id: uuid.UUID) -> Review | None:
        await self._session.flush()
        statement = select(Review).where(
            _reviews.application_id == application_id, _reviews.evaluator_id == evaluator_id
        )
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def for_application(self, application_id: uuid.UUID) -> Sequence[Review]:
        statement = select(Review).where(_reviews.application_id == application_id).order_by(_reviews.id)
        return list((await self._session.execute(statement)).scalars())


class SqlCallsRepositories(AreaRepositories):
    """The calls area's repositories on the unit of work."""

    sql_area = CALLS
    seed_capital_calls = repository(SqlCallRepository)
    call_evaluators = repository(SqlCallEvaluatorRepository)
    applications = repository(SqlApplicationRepository)
    review_assignments = repository(SqlAssignmentRepository)
    reviews = repository(SqlReviewRepository)
