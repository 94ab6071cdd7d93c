"""The committee: who evaluates a call, and which evaluator reviews which application.

Assignment spreads the call's applications over its evaluators up to the quorum — the least loaded first, never one
with a conflict the records show, never twice the same — and is run again by a recusal, to top its application up."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from emprende.domain.calls.application import Application
from emprende.domain.calls.assignment import Assignment, plan
from emprende.domain.calls.call import CallStateConflict, CallStatus, SeedCapitalCall
from emprende.domain.calls.committee import ALREADY_ON_COMMITTEE, AlreadyOnCommittee, CallEvaluator
from emprende.domain.calls.conflicts import ApplicantFacts, EvaluatorFacts, detect
from emprende.domain.identity.user import Role
from emprende.domain.partners.agreement import AgreementRole, may_act
from emprende.domain.shared.errors import InvalidInput, PermissionDenied
from emprende.services.calls.calls import run_call, runs, visible_call
from emprende.services.calls.permissions import authorize
from emprende.services.calls.ports import CallsUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal

NOT_AN_EVALUATOR = "not an active evaluator of a partner with an evaluation agreement, nor an expert of the programme"
COMMITTEE_CLOSED = "the committee of a call that is {status} no longer changes"


@dataclass(frozen=True, slots=True)
class AssignmentRun:
    created: int
    """New assignments."""
    short: int
    """Applications still below the quorum: not enough evaluators free of conflict."""


def _check_changeable(call: SeedCapitalCall) -> None:
    if call.status not in (CallStatus.DRAFT, CallStatus.OPEN, CallStatus.IN_REVIEW):
        raise CallStateConflict(COMMITTEE_CLOSED, status=call.status.value)


async def add_evaluator(
    principal: Principal,
    call_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> CallEvaluator:
    """Put an evaluator on the call's committee: a user with the evaluator role, of a partner holding an `evaluation`
    agreement in force, or of the programme's operator."""
    now = clock.now()
    # Evaluators belong to other partners than the funder: they are looked up across tenants, and a user who does
    # not qualify is refused in the same words whether they exist or not.
    async with uow_factory(SYSTEM, read_only=True) as lookup:
        user = await lookup.users.get(user_id)
        qualified = user is not None and user.is_active and user.role is Role.EVALUATOR
        if qualified and user is not None and user.partner_id is not None:
            found = await lookup.partners.get_with_agreements(user.partner_id)
            qualified = found is not None and may_act(
                found[0].is_active, found[1], AgreementRole.EVALUATION, now.date()
            )
    if not qualified or user is None:
        raise InvalidInput(NOT_AN_EVALUATOR, field="user_id", code="not_an_evaluator")
    async with uow_factory(principal) as uow:
        call = await run_call(uow, principal, call_id, now.date())
        _check_changeable(call)
        if await uow.call_evaluators.get(call.id, user.id) is not None:
            raise AlreadyOnCommittee(ALREADY_ON_COMMITTEE)
        evaluator = CallEvaluator(
            call_id=call.id, user_id=user.id, partner_id=user.partner_id, now=now, by=principal.id
        )
        uow.call_evaluators.add(evaluator)
        await uow.commit()
    return evaluator


async def list_evaluators(
    principal: Principal, call_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[CallsUnitOfWork]
) -> Sequence[CallEvaluator]:
    """The call's committee."""
    authorize(principal, "committee.read")
    async with uow_factory(principal, read_only=True) as uow:
        call = await visible_call(uow, principal, call_id)
        if not (principal.is_admin or principal.partner_id == call.owner_partner_id):
            raise PermissionDenied("only the call's funder sees its committee")
        return await uow.call_evaluators.for_call(call.id)


async def applicant_facts(uow: CallsUnitOfWork, applications: Sequence[Application]) -> dict[uuid.UUID, ApplicantFacts]:
    """What the records say about each application's applicant, for conflict detection."""
    people = sorted({application.participant_id for application in applications})
    facilitators = await uow.cohort_sessions.facilitators_of(people)
    related = await uow.review_assignments.related_evaluators(people)
    return {
        application.id: ApplicantFacts(
            participant_id=application.participant_id,
            supporting_partner_id=application.owner_partner_id,
            facilitators=facilitators.get(application.participant_id, frozenset()),
            related_evaluators=related.get(application.participant_id, frozenset()),
        )
        for application in applications
    }


async def top_up(
    uow: CallsUnitOfWork, call: SeedCapitalCall, applications: Sequence[Application], now: datetime
) -> AssignmentRun:
    """Assign evaluators to these applications until each reaches the quorum (or no evaluator free of conflict is
    left). The call is locked by the caller, so two runs never assign the same pair."""
    evaluators = await uow.call_evaluators.for_call(call.id)
    existing = await uow.review_assignments.for_call(call.id)
    facts = await applicant_facts(uow, applications)
    load: dict[uuid.UUID, int] = {}
    for assignment in existing:
        if not assignment.recused:
            load[assignment.evaluator_id] = load.get(assignment.evaluator_id, 0) + 1
    needs: dict[uuid.UUID, int] = {}
    excluded: dict[uuid.UUID, frozenset[uuid.UUID]] = {}
    for application in applications:
        mine = [assignment for assignment in existing if assignment.application_id == application.id]
        needs[application.id] = call.terms.quorum - sum(1 for assignment in mine if not assignment.recused)
        conflicted = {
            evaluator.user_id
            for evaluator in evaluators
            if detect(EvaluatorFacts(evaluator.user_id, evaluator.partner_id), facts[application.id])
        }
        excluded[application.id] = frozenset(conflicted | {assignment.evaluator_id for assignment in mine})
    pairs = plan(needs, [evaluator.user_id for evaluator in evaluators], load, excluded)
    by_id = {application.id: application for application in applications}
    for application_id, evaluator_id in pairs:
        uow.review_assignments.add(
            Assignment(
                call_id=call.id,
                application_id=application_id,
                evaluator_id=evaluator_id,
                participant_id=by_id[application_id].participant_id,
                now=now,
            )
        )
    given: dict[uuid.UUID, int] = {}
    for application_id, _ in pairs:
        given[application_id] = given.get(application_id, 0) + 1
    short = sum(1 for application_id, wanted in needs.items() if given.get(application_id, 0) < wanted)
    return AssignmentRun(created=len(pairs), short=short)


async def assign_reviews(
    principal: Principal,
    call_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> AssignmentRun:
    """Spread the call's applications over its committee up to the quorum; run again, it tops up what recusals or
    new applications left short, and changes nothing else."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        call = await run_call(uow, principal, call_id, now.date())
        if call.status not in (CallStatus.OPEN, CallStatus.IN_REVIEW):
            raise CallStateConflict(COMMITTEE_CLOSED, status=call.status.value)
        run = await top_up(uow, call, await uow.applications.for_call(call.id), now)
        await uow.commit()
    return run


__all__ = ["AssignmentRun", "add_evaluator", "assign_reviews", "list_evaluators", "runs", "top_up"]
