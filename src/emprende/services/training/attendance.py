"""Attendance: a facilitator sends a session's register — many people in one request. Sending the same register again
changes nothing; a changed mark is a correction, kept in the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from emprende.domain.shared.errors import NotFound
from emprende.domain.shared.events import DomainEvent
from emprende.domain.training.attendance import AttendanceMark, check_batch
from emprende.domain.training.attendance_record import AttendanceRecord
from emprende.domain.training.cohort import CohortStateConflict, CohortStatus
from emprende.domain.training.session import CohortSession
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal
from emprende.services.training.cohorts import visible_cohort
from emprende.services.training.permissions import authorize
from emprende.services.training.ports import TrainingUnitOfWork

TAKING_ATTENDANCE = frozenset({CohortStatus.RUNNING, CohortStatus.FINISHED})


@dataclass(frozen=True, slots=True)
class Register:
    """A session's marks after a batch: how many were new, corrected or already as sent."""

    session: CohortSession
    records: Sequence[AttendanceRecord]
    recorded: int = 0
    corrected: int = 0
    unchanged: int = 0


async def record_attendance(
    principal: Principal,
    cohort_id: uuid.UUID,
    session_id: uuid.UUID,
    marks: Sequence[AttendanceMark],
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Register:
    """Record a session's register: a mark for each person enrolled (present, absent, excused, late). A person
    marked before keeps one mark, corrected when it differs."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(uow, cohort_id)
        session = await uow.cohort_sessions.get(cohort.id, session_id)
        if session is None:
            raise NotFound("session")
        authorize(principal, "attendance.write")
        if cohort.status not in TAKING_ATTENDANCE:
            raise CohortStateConflict(
                "attendance is taken once the cohort runs (this one is {status})", status=cohort.status.value
            )
        seated = {e.participant_id: e for e in await uow.enrollments.seated_ever(cohort.id)}
        checked = check_batch(marks, enrolled=frozenset(seated))
        held = {record.participant_id: record for record in await uow.attendance.for_session(session.id)}
        recorded = corrected = 0
        for mark in checked:
            existing = held.get(mark.participant_id)
            if existing is None:
                record = AttendanceRecord(
                    session_id=session.id,
                    cohort_id=cohort.id,
                    enrollment_id=seated[mark.participant_id].id,
                    mark=mark,
                    by=principal.id,
                    now=now,
                )
                uow.attendance.add(record)
                held[mark.participant_id] = record
                recorded += 1
            elif existing.correct(mark, principal.id, now):
                corrected += 1
        if recorded or corrected:
            session.record(
                DomainEvent(
                    "cohort_session.attendance_recorded",
                    "cohort_session",
                    session.id,
                    {"cohort_id": str(cohort.id), "recorded": recorded, "corrected": corrected},
                )
            )
            await uow.commit()
    records = sorted(held.values(), key=lambda record: record.participant_id)
    return Register(session, records, recorded, corrected, len(checked) - recorded - corrected)


async def session_attendance(
    principal: Principal,
    cohort_id: uuid.UUID,
    session_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
) -> Register:
    """A session's register as recorded."""
    async with uow_factory(principal, read_only=True) as uow:
        cohort = await visible_cohort(uow, cohort_id)
        session = await uow.cohort_sessions.get(cohort.id, session_id)
        if session is None:
            raise NotFound("session")
        authorize(principal, "attendance.read")
        return Register(session, await uow.attendance.for_session(session.id))
