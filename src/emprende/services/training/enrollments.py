"""Enrolment use cases: enrol a person (a seat, or the back of the queue), withdraw or drop them, answer an offer.

Each takes the cohort's lock first (`uow.cohorts.lock`), so the seats of one cohort change one request at a time, in
arrival order, and sweeps its lapsed offers before anything else."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from emprende.domain.audit.trail import Actor
from emprende.domain.participants.consent import ConsentPurpose, require_active
from emprende.domain.participants.participant import Participant
from emprende.domain.shared.errors import NotFound
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.eligibility import NotEligible, PersonFacts, evaluate, facts_needed
from emprende.domain.training.enrollment import AlreadyEnrolled, Enrollment
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal, Scope
from emprende.services.training.cohorts import visible_cohort
from emprende.services.training.permissions import authorize
from emprende.services.training.ports import CompletedTraining, TrainingUnitOfWork
from emprende.services.training.seats import promote, sweep


async def person_facts(uow: TrainingUnitOfWork, participant: Participant, needed: frozenset[str]) -> PersonFacts:
    """What the eligibility rules ask of a person, loading the costly facts only when a rule needs them."""
    completed = CompletedTraining(frozenset(), frozenset(), None)
    if needed & {"completed_cohorts", "completed_modules", "best_attendance"}:
        completed = await uow.enrollments.completed_by(participant.id)
    return PersonFacts(
        population_group=participant.population_group.value,
        sex=participant.sex.value,
        nationality=participant.nationality,
        birth_date=participant.birth_date,
        birth_year=participant.birth_year,
        province_code=participant.province_code,
        canton_code=participant.canton_code,
        registered_at=participant.registered_at,
        has_disability=participant.has_disability,
        completed_cohorts=completed.cohorts,
        completed_modules=completed.modules,
        best_attendance=completed.best_attendance,
    )


async def _enrollable_participant(uow: TrainingUnitOfWork, participant_id: uuid.UUID) -> Participant:
    """A live person the tenant may see."""
    participant = await uow.participants.get(participant_id)
    if participant is None or participant.merged_into_id is not None or participant.is_erased:
        raise NotFound("participant")
    return participant


async def enroll_participant(
    principal: Principal,
    cohort_id: uuid.UUID,
    participant_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> tuple[Enrollment, int | None]:
    """Enrol a person the caller may see: a free seat, else the back of the queue. Needs their `training` consent,
    an open enrolment window and every eligibility rule met (409 naming the rule otherwise). Returns the enrolment
    and its queue position."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(
            uow, cohort_id, lock=True, allowed=lambda: authorize(principal, "enrollments.write")
        )
        participant = await _enrollable_participant(uow, participant_id)
        await sweep(uow, cohort, now)
        existing = await uow.enrollments.of_participant(cohort.id, participant.id)
        if existing is not None and existing.status.value not in ("withdrawn", "dropped"):
            raise AlreadyEnrolled("this person is already in this cohort ({status})", status=existing.status.value)
        cohort.check_enrolment_open(now.date())
        require_active(await uow.consents.for_participant(participant.id), ConsentPurpose.TRAINING)
        rules = cohort.eligibility_rules
        failures = evaluate(rules, await person_facts(uow, participant, facts_needed(rules)), cohort.start_date)
        if failures:
            raise NotEligible.from_failures(failures)
        if existing is None:
            enrollment = Enrollment(cohort=cohort, participant_id=participant.id, now=now, by=principal.id)
            uow.enrollments.add(enrollment)
        else:
            enrollment = existing
            enrollment.enrol_again(cohort, now)
        await uow.commit()
        position = await uow.enrollments.queue_position(enrollment)
    return enrollment, position


Change = Callable[[Enrollment, Cohort, datetime], None]


async def change_seat(
    scope: Scope,
    cohort_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    change: Change,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
    participant_id: uuid.UUID | None = None,
    actor: Actor | None = None,
    allowed: Callable[[], None] | None = None,
) -> Enrollment:
    """Change one enrolment under the cohort's lock (lapsed offers swept first, freed seats offered after), in one
    transaction. With `participant_id`, only that person's own enrolment (the portal); `allowed` checks the
    permission once the enrolment is found (another partner's is as missing as one that does not exist)."""
    now = clock.now()
    async with uow_factory(scope) as uow:
        if actor is not None:
            uow.act_as(actor)
        cohort = await visible_cohort(uow, cohort_id, lock=True)
        enrollment = await uow.enrollments.get(cohort.id, enrollment_id)
        if enrollment is None or participant_id not in (None, enrollment.participant_id):
            raise NotFound("enrollment")
        if allowed is not None:
            allowed()
        cohort.check_active()
        await sweep(uow, cohort, now)
        change(enrollment, cohort, now)
        await promote(uow, cohort, now)
        await uow.commit()
    return enrollment


async def withdraw(
    principal: Principal,
    cohort_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    """Withdraw a person from the cohort or its queue; a freed seat is offered to the first person waiting."""
    return await change_seat(
        principal,
        cohort_id,
        enrollment_id,
        lambda enrollment, cohort, now: enrollment.withdraw(cohort, now),
        uow_factory=uow_factory,
        clock=clock,
        allowed=lambda: authorize(principal, "enrollments.write"),
    )


async def drop(
    principal: Principal,
    cohort_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    """Record that an enrolled person stopped coming; their seat is offered to the first person waiting."""
    return await change_seat(
        principal,
        cohort_id,
        enrollment_id,
        lambda enrollment, cohort, now: enrollment.drop(cohort, now),
        uow_factory=uow_factory,
        clock=clock,
        allowed=lambda: authorize(principal, "enrollments.write"),
    )


async def accept_offer(
    principal: Principal,
    cohort_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    """Accept an offered seat before it expires."""
    return await change_seat(
        principal,
        cohort_id,
        enrollment_id,
        lambda e, c, now: e.accept(now),
        uow_factory=uow_factory,
        clock=clock,
        allowed=lambda: authorize(principal, "enrollments.write"),
    )


async def decline_offer(
    principal: Principal,
    cohort_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    """Decline an offered seat: the next person waiting is offered it."""
    return await change_seat(
        principal,
        cohort_id,
        enrollment_id,
        lambda e, c, now: e.decline(c, now),
        uow_factory=uow_factory,
        clock=clock,
        allowed=lambda: authorize(principal, "enrollments.write"),
    )


async def expire_offers(
    principal: Principal,
    cohort_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Sequence[Enrollment]:
    """Expire the cohort's lapsed offers now, each promoting the next person waiting (also done by every change)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(
            uow, cohort_id, lock=True, allowed=lambda: authorize(principal, "enrollments.write")
        )
        changed = await sweep(uow, cohort, now)
        await uow.commit()
    return changed


async def get_enrollment(
    principal: Principal,
    cohort_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
) -> tuple[Enrollment, int | None]:
    """One enrolment of the tenant's cohort, with its queue position."""
    async with uow_factory(principal, read_only=True) as uow:
        cohort = await visible_cohort(uow, cohort_id)
        enrollment = await uow.enrollments.get(cohort.id, enrollment_id)
        if enrollment is None:
            raise NotFound("enrollment")
        authorize(principal, "enrollments.read")
        return enrollment, await uow.enrollments.queue_position(enrollment)
