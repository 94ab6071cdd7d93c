"""The committee's use cases on the in-memory fakes, over random committees: a conflicted evaluator — declared or
detected — never sees nor scores the application, and the ranking counts exactly the submitted reviews of evaluators
not recused."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emprende.domain.calls.application import Application, check_request
from emprende.domain.calls.assignment import Assignment
from emprende.domain.calls.call import SeedCapitalCall
from emprende.domain.calls.committee import CallEvaluator
from emprende.domain.calls.conflicts import ConflictRelation
from emprende.domain.calls.review import CriterionScore
from emprende.domain.identity.user import Role
from emprende.domain.shared.errors import Conflict
from emprende.services.calls import ranking, reviews
from emprende.services.shared.principal import Principal, PrincipalKind
from tests.unit.calls_support import CRITERIA, NOW, snapshot, terms
from tests.unit.fakes import FakeClock, FakeUnitOfWorkFactory
from tests.unit.fakes.calls import FakeCallsQueries

SUPPORTER = uuid.UUID(int=7)
OTHER_PARTNER = uuid.UUID(int=8)
FULL = {"viability": CriterionScore(4, "Bien"), "team": CriterionScore(6, "Regular")}

# What each evaluator does: nothing, declares no conflict (and maybe submits), declares a conflict; and whether they
# work for the partner supporting the applicant (a conflict the records show).
choices = st.tuples(st.sampled_from(["nothing", "clear", "clear_and_submit", "conflict"]), st.booleans())


def run(coroutine: Any) -> Any:
    return asyncio.new_event_loop().run_until_complete(coroutine)


def evaluator(number: int, same_partner: bool) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        id=uuid.UUID(int=100 + number),
        role=Role.EVALUATOR,
        partner_id=SUPPORTER if same_partner else OTHER_PARTNER,
    )


def world(committee: int) -> tuple[FakeUnitOfWorkFactory, SeedCapitalCall, Application, list[Assignment]]:
    factory = FakeUnitOfWorkFactory()
    window = replace(terms(), opens_at=NOW - timedelta(days=30), closes_at=NOW - timedelta(days=1), quorum=2)
    call = SeedCapitalCall(owner_partner_id=None, terms=window, criteria=CRITERIA, now=NOW - timedelta(days=30))
    call.open(NOW - timedelta(days=30))
    call.start_review(NOW)
    idea = snapshot()
    application = Application(
        call_id=call.id,
        owner_partner_id=SUPPORTER,
        participant_id=uuid.UUID(int=55),
        snapshot=idea,
        requested=check_request(call.terms, idea),
        rules=(),
        now=NOW - timedelta(days=10),
        by=None,
    )
    db = factory.db
    db.seed_capital_calls[call.id] = call
    db.applications[application.id] = application
    assignments = []
    for number in range(committee):
        user = uuid.UUID(int=100 + number)
        db.call_evaluators[(call.id, user)] = CallEvaluator(
            call_id=call.id, user_id=user, partner_id=None, now=NOW, by=None
        )
        assignment = Assignment(
            call_id=call.id,
            application_id=application.id,
            evaluator_id=user,
            participant_id=application.participant_id,
            now=NOW,
        )
        db.review_assignments[assignment.id] = assignment
        assignments.append(assignment)
    return factory, call, application, assignments


@settings(max_examples=60, deadline=None)
@given(st.lists(choices, min_size=1, max_size=5))
def test_a_conflicted_evaluator_never_sees_nor_scores_and_only_independent_reviews_count(
    plan: list[tuple[str, bool]],
) -> None:
    factory, call, _application, assignments = world(len(plan))
    clock = FakeClock(NOW)
    counted = 0
    for number, ((action, same_partner), assignment) in enumerate(zip(plan, assignments, strict=True)):
        principal = evaluator(number, same_partner)
        if action != "nothing":
            relation = ConflictRelation.FAMILY if action == "conflict" else None
            run(reviews.declare(principal, assignment.id, relation, None, uow_factory=factory, clock=clock))
        may_score = action.startswith("clear") and not same_partner
        if may_score:
            seen = run(reviews.assigned_application(principal, assignment.id, uow_factory=factory))
            assert seen.blind
            run(reviews.save_review(principal, assignment.id, FULL, uow_factory=factory, clock=clock))
            if action == "clear_and_submit":
                run(reviews.submit_review(principal, assignment.id, uow_factory=factory, clock=clock))
                counted += 1
        else:
            with pytest.raises(Conflict):
                run(reviews.assigned_application(principal, assignment.id, uow_factory=factory))
            with pytest.raises(Conflict):
                run(reviews.save_review(principal, assignment.id, FULL, uow_factory=factory, clock=clock))
    # The committee's view counts the submitted reviews of evaluators not recused, and the recusals.
    admin = Principal(kind=PrincipalKind.USER, id=uuid.uuid4(), role=Role.ADMIN)
    found = run(ranking.ranking(admin, call.id, uow_factory=factory, queries=FakeCallsQueries(factory.db)))
    [item] = found.items
    assert item.figures.reviews == counted
    recused = sum(1 for action, same in plan if action == "conflict" or (action != "nothing" and same))
    assert item.figures.recusals == recused
    assert item.figures.below_quorum == (counted < 2)
