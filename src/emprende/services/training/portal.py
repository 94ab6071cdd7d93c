"""The participant portal's training: a person sees their enrolments (queue position, offers, the schedule), accepts
or declines an offered seat and withdraws — their own only, whichever partner runs the cohort."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from emprende.domain.shared.errors import NotFound
from emprende.domain.training.attendance_record import AttendanceRecord
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.enrollment import Enrollment
from emprende.domain.training.session import CohortSession
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal
from emprende.services.training.enrollments import Change, change_seat
from emprende.services.training.permissions import authorize
from emprende.services.training.ports import TrainingUnitOfWork


@dataclass(frozen=True, slots=True)
class MyEnrollment:
    enrollment: Enrollment
    queue_position: int | None
    cohort: Cohort
    sessions: Sequence[CohortSession]
    attendance: Sequence[AttendanceRecord]
    """The person's marks at the cohort's sessions."""


def _own_record(principal: Principal) -> uuid.UUID:
    authorize(principal, "portal.training")
    if principal.participant_id is None:
        raise NotFound("participant")
    return principal.participant_id


async def my_enrollments(
    principal: Principal, *, uow_factory: UnitOfWorkFactory[TrainingUnitOfWork]
) -> Sequence[MyEnrollment]:
    """The signed-in person's enrolments, newest first, each with its cohort, schedule and queue position."""
    participant_id = _own_record(principal)
    # The person's own rows, whichever partner delivers the cohort: read as the system, filtered to them.
    async with uow_factory(SYSTEM, read_only=True) as uow:
        found = []
        for enrollment in await uow.enrollments.for_participant(participant_id):
            cohort = await uow.cohorts.get(enrollment.cohort_id)
            assert cohort is not None  # an enrolment's cohort is never deleted
            found.append(
                MyEnrollment(
                    enrollment,
                    await uow.enrollments.queue_position(enrollment),
                    cohort,
                    await uow.cohort_sessions.for_cohort(cohort.id),
                    await uow.attendance.for_enrollment(enrollment.id),
                )
            )
        return found


async def _own_change(
    principal: Principal,
    enrollment_id: uuid.UUID,
    change: Change,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    participant_id = _own_record(principal)
    async with uow_factory(SYSTEM, read_only=True) as uow:
        mine = {
            enrollment.id: enrollment.cohort_id for enrollment in await uow.enrollments.for_participant(participant_id)
        }
    if enrollment_id not in mine:
        raise NotFound("enrollment")
    return await change_seat(
        SYSTEM,
        mine[enrollment_id],
        enrollment_id,
        change,
        uow_factory=uow_factory,
        clock=clock,
        participant_id=participant_id,
        actor=principal.actor,
    )


async def accept_my_offer(
    principal: Principal,
    enrollment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    """The person takes the seat offered to them, before the offer expires."""
    return await _own_change(
        principal, enrollment_id, lambda e, c, now: e.accept(now), uow_factory=uow_factory, clock=clock
    )


async def decline_my_offer(
    principal: Principal,
    enrollment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    """The person declines the seat offered to them; it goes to the next person waiting."""
    return await _own_change(
        principal, enrollment_id, lambda e, c, now: e.decline(c, now), uow_factory=uow_factory, clock=clock
    )


async def withdraw_myself(
    principal: Principal,
    enrollment_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    """The person leaves the cohort or its queue; a freed seat is offered to the first person waiting."""
    return await _own_change(
        principal, enrollment_id, lambda e, c, now: e.withdraw(c, now), uow_factory=uow_factory, clock=clock
    )
