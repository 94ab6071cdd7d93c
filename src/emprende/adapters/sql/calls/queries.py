"""Read queries of the calls area: calls, a call's applications, an evaluator's assignments, the ranking's inputs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true

from emprende.adapters.sql.calls import tables
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.domain.calls.aggregation import Entry, ReviewTotal
from emprende.domain.calls.application import ApplicationStatus
from emprende.domain.calls.assignment import Declaration
from emprende.domain.calls.call import CallStatus
from emprende.domain.calls.review import ReviewStatus
from emprende.services.calls.ports import ApplicationRow, AssignmentRow, CallRow, RankingInputs

_calls = tables.seed_capital_calls.c
_applications = tables.applications.c
_assignments = tables.review_assignments.c
_reviews = tables.reviews.c


class SqlCallsQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_calls(
        self, tenant: uuid.UUID | None, include_drafts: bool, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[CallRow]:
        visible: ColumnElement[bool] = _calls.status != CallStatus.DRAFT
        if include_drafts:
            visible = true() if tenant is None else or_(visible, _calls.owner_partner_id == tenant)
        statement = (
            select(_calls.id, _calls.owner_partner_id, _calls.terms, _calls.status, _calls.updated_at)
            .where(visible)
            .order_by(_calls.id.desc())
            .limit(limit)
        )
        if status is not None:
            statement = statement.where(_calls.status == status)
        if after is not None:
            statement = statement.where(_calls.id < after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            CallRow(
                id=row.id,
                owner_partner_id=row.owner_partner_id,
                title=row.terms.title,
                status=CallStatus(row.status).value,
                budget=row.terms.budget,
                opens_at=row.terms.opens_at,
                closes_at=row.terms.closes_at,
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    async def list_applications(
        self, call_id: uuid.UUID, supporting: uuid.UUID | None, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[ApplicationRow]:
        a = _applications
        statement = (
            select(
                a.id,
                a.call_id,
                a.participant_id,
                a.owner_partner_id,
                a.idea_id,
                a.idea_name,
                a.requested_amount,
                a.status,
                a.submitted_at,
            )
            .where(a.call_id == call_id)
            .order_by(a.id)
            .limit(limit)
        )
        if supporting is not None:
            statement = statement.where(a.owner_partner_id == supporting)
        if status is not None:
            statement = statement.where(a.status == status)
        if after is not None:
            statement = statement.where(a.id > after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            ApplicationRow(
                id=row.id,
                call_id=row.call_id,
                participant_id=row.participant_id,
                owner_partner_id=row.owner_partner_id,
                idea_id=row.idea_id,
                idea_name=row.idea_name,
                requested_amount=row.requested_amount,
                status=ApplicationStatus(row.status).value,
                submitted_at=row.submitted_at,
            )
            for row in rows
        ]

    async def assignments_of(
        self, evaluator_id: uuid.UUID, after: uuid.UUID | None, limit: int
    ) -> Sequence[AssignmentRow]:
        statement = (
            select(
                _assignments.id,
                _assignments.call_id,
                _calls.terms,
                _assignments.application_id,
                _assignments.declaration,
                _reviews.status.label("review_status"),
                _assignments.assigned_at,
            )
            .join(tables.seed_capital_calls, _calls.id == _assignments.call_id)
            .outerjoin(
                tables.reviews,
                and_(
                    _reviews.application_id == _assignments.application_id,
                    _reviews.evaluator_id == _assignments.evaluator_id,
                ),
            )
            .where(_assignments.evaluator_id == evaluator_id)
            .order_by(_assignments.id.desc())
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(_assignments.id < after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            AssignmentRow(
                id=row.id,
                call_id=row.call_id,
                call_title=row.terms.title,
                application_id=row.application_id,
                declaration=Declaration(row.declaration).value,
                review_status=None if row.review_status is None else ReviewStatus(row.review_status).value,
                assigned_at=row.assigned_at,
            )
            for row in rows
        ]

    async def ranking_inputs(self, call_id: uuid.UUID) -> RankingInputs:
        applications = (
            select(
                _applications.id, _applications.submitted_at, _applications.idea_name, _applications.requested_amount
            )
            .where(_applications.call_id == call_id, _applications.status == ApplicationStatus.SUBMITTED)
            .order_by(_applications.submitted_at, _applications.id)
        )
        recusals = (
            select(_assignments.application_id, func.count().label("recusals"))
            .where(_assignments.call_id == call_id, _assignments.declaration == Declaration.CONFLICT)
            .group_by(_assignments.application_id)
        )
        recused = exists().where(
            _assignments.application_id == _reviews.application_id,
            _assignments.evaluator_id == _reviews.evaluator_id,
            _assignments.declaration == Declaration.CONFLICT,
        )
        totals = select(_reviews.application_id, _reviews.evaluator_id, _reviews.total).where(
            _reviews.call_id == call_id, _reviews.status == ReviewStatus.SUBMITTED, ~recused
        )
        async with self._reads.connect() as connection:
            rows = (await connection.execute(applications)).all()
            counted = {row.application_id: row.recusals for row in await connection.execute(recusals)}
            reviews = (await connection.execute(totals)).all()
        # Thousands of rows: read as plain tuples, not by column name.
        entries, names, requested = [], {}, {}
        for application_id, submitted_at, idea_name, amount in rows:
            entries.append(Entry(application_id, submitted_at, counted.get(application_id, 0)))
            names[application_id] = idea_name
            requested[application_id] = amount
        return RankingInputs(
            entries=entries,
            totals=[ReviewTotal._make(row) for row in reviews if row[0] in names],
            names=names,
            requested=requested,
        )
