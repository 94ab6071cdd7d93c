"""Application use cases: apply to a call with a business idea (the idea is copied as it stands), withdraw, read.

An application is seen by the partner supporting the idea and by the call's funder (and administrators); a person
applies and follows their own through the portal (`portal.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from emprende.domain.calls.application import (
    ALREADY_APPLIED,
    IDEA_NOT_SUBMITTED,
    AlreadyApplied,
    Application,
    IdeaNotSubmitted,
    check_request,
)
from emprende.domain.calls.call import CallStateConflict, CallStatus, SeedCapitalCall
from emprende.domain.ideas.idea import BusinessIdea, IdeaStatus
from emprende.domain.participants.consent import ConsentPurpose, require_active
from emprende.domain.shared.errors import InvalidInput, NotFound
from emprende.domain.training.eligibility import NotEligible, evaluate, facts_needed
from emprende.services.calls.calls import visible_call
from emprende.services.calls.permissions import authorize
from emprende.services.calls.ports import ApplicationRow, CallsQueries, CallsUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal
from emprende.services.training.enrollments import person_facts

UNKNOWN_IDEA = "no such business idea of the applicant's"
WITHDRAWN_TOO_LATE = "an application is withdrawn before the call's review closes"


async def submit_application(
    uow: CallsUnitOfWork, call: SeedCapitalCall, idea: BusinessIdea, now: datetime, by: uuid.UUID | None
) -> Application:
    """The application of a submitted idea to an open call, if its owner may apply: one application per person,
    their `seed_capital` consent in force, every eligibility rule met (409 naming the rule otherwise), and a request
    within the call's floor, ceiling and fundable categories."""
    call.check_accepting(now)
    if idea.status is not IdeaStatus.SUBMITTED:
        raise IdeaNotSubmitted(IDEA_NOT_SUBMITTED, status=idea.status.value)
    participant = await uow.participants.get(idea.participant_id)
    if participant is None or participant.merged_into_id is not None or participant.is_erased:
        raise NotFound("participant")
    if await uow.applications.of_participant(call.id, participant.id) is not None:
        raise AlreadyApplied(ALREADY_APPLIED)
    require_active(await uow.consents.for_participant(participant.id), ConsentPurpose.SEED_CAPITAL)
    rules = call.terms.eligibility_rules
    failures = evaluate(rules, await person_facts(uow, participant, facts_needed(rules)), now.date())
    if failures:
        raise NotEligible.from_failures(failures)
    snapshot = idea.snapshot()
    requested = check_request(call.terms, snapshot)
    application = Application(
        call_id=call.id,
        owner_partner_id=idea.supporting_partner_id,
        participant_id=participant.id,
        snapshot=snapshot,
        requested=requested,
        rules=rules,
        now=now,
        by=by,
    )
    uow.applications.add(application)
    return application


async def apply(
    principal: Principal,
    call_id: uuid.UUID,
    idea_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> Application:
    """Apply to a call with the submitted idea of a person the partner supports."""
    authorize(principal, "applications.write")
    now = clock.now()
    async with uow_factory(principal) as uow:
        call = await visible_call(uow, principal, call_id)
        idea = await uow.business_ideas.get(idea_id)
        if idea is None:
            raise InvalidInput(UNKNOWN_IDEA, field="idea_id", code="unknown_idea")
        application = await submit_application(uow, call, idea, now, principal.id)
        await uow.commit()
    return application


def sees_application(principal: Principal, application: Application, call: SeedCapitalCall) -> bool:
    """The partner supporting the idea, the call's funder, and administrators."""
    return principal.is_admin or (
        principal.partner_id is not None
        and principal.partner_id in (application.owner_partner_id, call.owner_partner_id)
    )


async def visible_application(
    uow: CallsUnitOfWork, principal: Principal, application_id: uuid.UUID
) -> tuple[Application, SeedCapitalCall]:
    application = await uow.applications.get(application_id)
    call = None if application is None else await uow.seed_capital_calls.get(application.call_id)
    if application is None or call is None or not sees_application(principal, application, call):
        raise NotFound("application")
    return application, call


async def get_application(
    principal: Principal, application_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[CallsUnitOfWork]
) -> Application:
    """An application with the idea as submitted and the eligibility rules it met."""
    async with uow_factory(principal, read_only=True) as uow:
        application, _call = await visible_application(uow, principal, application_id)
    authorize(principal, "applications.read")  # once found: another partner's is as missing as one that is not
    return application


def withdraw_application(application: Application, call: SeedCapitalCall, now: datetime) -> None:
    if call.status not in (CallStatus.OPEN, CallStatus.IN_REVIEW):
        raise CallStateConflict(WITHDRAWN_TOO_LATE)
    application.withdraw(now)


async def withdraw(
    principal: Principal,
    application_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    clock: Clock,
) -> Application:
    """Withdraw an application the partner supports, before the call's review closes."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        application, call = await visible_application(uow, principal, application_id)
        authorize(principal, "applications.write")
        if principal.partner_id is not None and principal.partner_id != application.owner_partner_id:
            raise NotFound("application")  # the funder sees it, but only its supporter withdraws it
        withdraw_application(application, call, now)
        await uow.commit()
    return application


async def list_applications(
    principal: Principal,
    call_id: uuid.UUID,
    status: str | None,
    after: uuid.UUID | None,
    limit: int,
    *,
    uow_factory: UnitOfWorkFactory[CallsUnitOfWork],
    queries: CallsQueries,
) -> Sequence[ApplicationRow]:
    """A call's applications: all of them for its funder, those it supports for any other partner."""
    authorize(principal, "applications.read")
    async with uow_factory(principal, read_only=True) as uow:
        call = await visible_call(uow, principal, call_id)
    funder = principal.is_admin or principal.partner_id == call.owner_partner_id
    return await queries.list_applications(call.id, None if funder else principal.partner_id, status, after, limit)
