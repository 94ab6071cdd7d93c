"""The participant portal's applications: a person applies with their own submitted idea, follows their
applications, withdraws one, and — once the call's review has closed — sees how it was scored: each criterion's
scores and comments (never who gave them), the figures that ranked it, and the eligibility rules that admitted it
(LOPDP Art. 20)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from emprende.domain.calls.aggregation import Figures, figures, rank
from emprende.domain.calls.application import Application
from emprende.domain.calls.call import CallStatus, SeedCapitalCall
from emprende.domain.calls.review import Review, ReviewStatus
from emprende.domain.shared.errors import InvalidInput, NotFound
from emprende.services.calls.applications import UNKNOWN_IDEA, submit_application, withdraw_application
from emprende.services.calls.permissions import authorize
from emprende.services.calls.ports import CallsQueries, CallsUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal


@dataclass(frozen=True, slots=True)
class MyApplication:
    application: Application
    call: SeedCapitalCall


@dataclass(frozen=True, slots=True)
class Explanation:
    """How an application was judged, as its applicant may see it."""

    application: Application
    call: SeedCapitalCall
    reviews: Sequence[Review]
    """The submitted reviews that counted, in a fixed order that says nothing of who gave them."""
    figures: Figures | None
    """The application's figures and rank, once the review closed."""
    ranked: int


def _own_record(principal: Principal) -> uuid.UUID:
    authorize(principal, "portal.applications")
    if principal.participant_id is None:
        raise NotFound("participant")
    return principal.participant_id


async def apply_myself(
    principal: Principal,
    call_id: uuid.UUID,
    idea_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> Application:
    """The signed-in person applies to an open call with their own submitted idea."""
    participant_id = _own_record(principal)
    now = clock.now()
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        call = await uow.seed_capital_calls.get(call_id)
        if call is None or call.status is CallStatus.DRAFT:
            raise NotFound("seed-capital call")
        idea = await uow.business_ideas.get(idea_id)
        if idea is None or idea.participant_id != participant_id:
            raise InvalidInput(UNKNOWN_IDEA, field="idea_id", code="unknown_idea")
        application = await submit_application(uow, call, idea, now, principal.id)
        await uow.commit()
    return application


async def my_applications(
    principal: Principal, *, uow_factory: UnitOfWorkFactory[CallsUnitOfWork]
) -> Sequence[MyApplication]:
    """The signed-in person's applications, newest first, each with its call."""
    participant_id = _own_record(principal)
    async with uow_factory(SYSTEM, read_only=True) as uow:
        found = []
        for application in await uow.applications.for_participant(participant_id):
            call = await uow.seed_capital_calls.get(application.call_id)
            assert call is not None
            found.append(MyApplication(application, call))
        return found


async def _mine(uow: CallsUnitOfWork, participant_id: uuid.UUID, application_id: uuid.UUID) -> MyApplication:
    application = await uow.applications.get(application_id)
    if application is None or application.participant_id != participant_id:
        raise NotFound("application")
    call = await uow.seed_capital_calls.get(application.call_id)
    assert call is not None
    return MyApplication(application, call)


async def explain_my_application(
    principal: Principal,
    application_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    queries: CallsQueries,
) -> Explanation:
    """One of the person's applications and how it was judged: the rules that admitted it and, once the review
    closed, the scores and comments per criterion and the figures that ranked it."""
    participant_id = _own_record(principal)
    async with uow_factory(SYSTEM, read_only=True) as uow:
        mine = await _mine(uow, participant_id, application_id)
        if mine.call.status is not CallStatus.REVIEW_CLOSED:
            return Explanation(mine.application, mine.call, (), None, 0)
        recused = {
            assignment.evaluator_id
            for assignment in await uow.review_assignments.for_application(application_id)
            if assignment.recused
        }
        reviews = sorted(
            (
                review
                for review in await uow.reviews.for_application(application_id)
                if review.status is ReviewStatus.SUBMITTED and review.evaluator_id not in recused
            ),
            key=lambda review: review.id,
        )
    inputs = await queries.ranking_inputs(mine.call.id)
    found = figures(
        inputs.entries,
        inputs.totals,
        quorum=mine.call.terms.quorum,
        threshold=float(mine.call.terms.disagreement_threshold),
    )
    ranked = rank(inputs.entries, found, mine.call.terms.ranking_method)
    own = next((item for item in ranked if item.application_id == application_id), None)
    return Explanation(mine.application, mine.call, reviews, own, len(ranked))


async def withdraw_my_application(
    principal: Principal,
    application_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> Application:
    """The person withdraws their application, before the call's review closes."""
    participant_id = _own_record(principal)
    now = clock.now()
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        mine = await _mine(uow, participant_id, application_id)
        withdraw_application(mine.application, mine.call, now)
        await uow.commit()
    return mine.application
