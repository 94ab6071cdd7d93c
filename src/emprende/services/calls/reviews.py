"""The evaluator's work: their assignments, the conflict-of-interest declaration that comes before anything else,
the application as they may see it (only the idea during a blind phase), and their review — drafts, then submission.

A declared or detected conflict recuses the evaluator at once: they never see nor score the application, and a new
evaluator is assigned in their place when one free of conflict is left."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from emprende.domain.calls.application import Application, blind_view
from emprende.domain.calls.assignment import Assignment
from emprende.domain.calls.call import CallStateConflict, CallStatus, SeedCapitalCall
from emprende.domain.calls.conflicts import ConflictRelation, EvaluatorFacts, detect
from emprende.domain.calls.review import CriterionScore, Review
from emprende.domain.shared.errors import Conflict, NotFound
from emprende.services.calls.committee import applicant_facts, top_up
from emprende.services.calls.permissions import authorize
from emprende.services.calls.ports import AssignmentRow, CallsQueries, CallsUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal

DECLARATIONS_CLOSED = "declarations are made while the call is open or in review ({status})"
NOTHING_TO_SUBMIT = "save the review's scores before submitting it"


class ReviewMissing(Conflict):
    code = "review_not_started"


@dataclass(frozen=True, slots=True)
class AssignedApplication:
    """An application as its evaluator sees it: during a blind phase, only the idea."""

    assignment: Assignment
    application: Application
    call: SeedCapitalCall
    blind: bool
    idea: dict[str, Any]
    """The idea as submitted; during a blind phase without who is on its team."""
    applicant_name: str | None
    review: Review | None


@dataclass(frozen=True, slots=True)
class Declared:
    assignment: Assignment
    replaced: bool
    """A recusal that was topped up with another evaluator."""


async def _own_assignment(uow: CallsUnitOfWork, principal: Principal, assignment_id: uuid.UUID) -> Assignment:
    authorize(principal, "reviews.write")
    assignment = await uow.review_assignments.get(assignment_id)
    if assignment is None or assignment.evaluator_id != principal.id:
        raise NotFound("review assignment")
    return assignment


async def my_assignments(
    principal: Principal, after: uuid.UUID | None, limit: int, *, queries: CallsQueries
) -> Sequence[AssignmentRow]:
    """The signed-in evaluator's assignments, newest first."""
    authorize(principal, "reviews.write")
    return await queries.assignments_of(principal.id, after, limit)


async def declare(
    principal: Principal,
    assignment_id: uuid.UUID,
    relation: ConflictRelation | None,
    note: str | None,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> Declared:
    """Declare no conflict (`relation` None) or a conflict with the applicant. A conflict — declared, or found in the
    records — recuses the evaluator, and another is assigned when the application falls below the quorum."""
    now = clock.now()
    # Assignments are the evaluator's own, whatever partner funds the call: read and changed as the system, in the
    # evaluator's name.
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        assignment = await _own_assignment(uow, principal, assignment_id)
        call = await uow.seed_capital_calls.lock(assignment.call_id)
        application = await uow.applications.get(assignment.application_id)
        assert call is not None  # an assignment's call and application stay
        assert application is not None
        if call.status not in (CallStatus.OPEN, CallStatus.IN_REVIEW):
            raise CallStateConflict(DECLARATIONS_CLOSED, status=call.status.value)
        facts = (await applicant_facts(uow, [application]))[application.id]
        detected = detect(EvaluatorFacts(principal.id, principal.partner_id), facts)
        assignment.declare(conflict=relation, note=note, detected=detected, now=now)
        replaced = False
        if assignment.recused and application.active:
            replaced = (await top_up(uow, call, [application], now)).created > 0
        await uow.commit()
    return Declared(assignment, replaced)


async def _cleared(
    uow: CallsUnitOfWork, principal: Principal, assignment_id: uuid.UUID
) -> tuple[Assignment, SeedCapitalCall, Application]:
    assignment = await _own_assignment(uow, principal, assignment_id)
    assignment.require_cleared()
    call = await uow.seed_capital_calls.get(assignment.call_id)
    application = await uow.applications.get(assignment.application_id)
    assert call is not None
    assert application is not None
    return assignment, call, application


async def assigned_application(
    principal: Principal, assignment_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[CallsUnitOfWork]
) -> AssignedApplication:
    """The application to score, once the evaluator declared no conflict: the idea as submitted; outside a blind
    phase also who applied and their partner."""
    async with uow_factory(SYSTEM, read_only=True) as uow:
        assignment, call, application = await _cleared(uow, principal, assignment_id)
        name = None
        if not call.blind:
            participant = await uow.participants.get(application.participant_id)
            if participant is not None and not participant.is_erased:
                name = f"{participant.given_names} {participant.family_names}"
        review = await uow.reviews.of(application.id, principal.id)
        idea = blind_view(application.snapshot) if call.blind else dict(application.snapshot)
        return AssignedApplication(assignment, application, call, call.blind, idea, name, review)


async def save_review(
    principal: Principal,
    assignment_id: uuid.UUID,
    scores: Mapping[str, CriterionScore],
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> Review:
    """Save scores and comments as a draft (the criteria given; the others are kept). The first score given in a call
    freezes its rubric."""
    now = clock.now()
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        _assignment, call, application = await _cleared(uow, principal, assignment_id)
        call.check_reviewing()
        if not call.rubric_frozen:
            locked = await uow.seed_capital_calls.lock(call.id)
            assert locked is not None
            call = locked
            call.check_reviewing()
            call.freeze_rubric(now)
        review = await uow.reviews.of(application.id, principal.id)
        if review is None:
            review = Review(
                call_id=call.id, application_id=application.id, evaluator_id=principal.id, rubric=call.rubric, now=now
            )
            uow.reviews.add(review)
        review.save(call.rubric, scores, now)
        await uow.commit()
    return review


async def submit_review(
    principal: Principal,
    assignment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> Review:
    """Submit the review: every criterion scored with a comment. It counts towards the quorum from then on."""
    now = clock.now()
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        _assignment, call, application = await _cleared(uow, principal, assignment_id)
        call.check_reviewing()
        review = await uow.reviews.of(application.id, principal.id)
        if review is None:
            raise ReviewMissing(NOTHING_TO_SUBMIT)
        review.submit(call.rubric, now)
        await uow.commit()
    return review
