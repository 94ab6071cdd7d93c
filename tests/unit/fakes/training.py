"""In-memory fakes of the training area: modules and their versions, cohorts, sessions, enrolments.

Cohorts and enrolments go through the tenant filter (the delivering partner) as the SQL repositories do; `lock`
returns the cohort (one process, one event loop: nothing runs between awaits that the use case did not await)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from emprende.domain.training.attendance_record import AttendanceRecord
from emprende.domain.training.certificate import Certificate, CertificateStatus
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.enrollment import ACTIVE, CONCLUDABLE, Enrollment, EnrollmentStatus
from emprende.domain.training.module import ModuleVersion, TrainingModule, VersionStatus
from emprende.domain.training.session import CohortSession
from emprende.services.training.ports import CompletedTraining, best_attendance
from tests.unit.fakes.shared import FakeAreaRepositories, fake_repository


@dataclass
class TrainingTables:
    training_modules: dict[uuid.UUID, TrainingModule] = field(default_factory=dict)
    module_versions: dict[uuid.UUID, ModuleVersion] = field(default_factory=dict)
    cohorts: dict[uuid.UUID, Cohort] = field(default_factory=dict)
    cohort_sessions: dict[uuid.UUID, CohortSession] = field(default_factory=dict)
    enrollments: dict[uuid.UUID, Enrollment] = field(default_factory=dict)
    attendance: dict[uuid.UUID, AttendanceRecord] = field(default_factory=dict)
    certificates: dict[uuid.UUID, Certificate] = field(default_factory=dict)


class FakeModuleRepository:
    def __init__(self, tables: TrainingTables) -> None:
        self._tables = tables

    def add(self, module: TrainingModule) -> None:
        self._tables.training_modules[module.id] = module

    def add_version(self, version: ModuleVersion) -> None:
        self._tables.module_versions[version.id] = version

    async def get(self, module_id: uuid.UUID) -> TrainingModule | None:
        return self._tables.training_modules.get(module_id)

    async def version(self, module_id: uuid.UUID, number: int) -> ModuleVersion | None:
        return next(
            (v for v in self._tables.module_versions.values() if v.module_id == module_id and v.number == number),
            None,
        )

    async def versions(self, module_id: uuid.UUID) -> list[ModuleVersion]:
        return sorted(
            (v for v in self._tables.module_versions.values() if v.module_id == module_id), key=lambda v: v.number
        )

    async def published(self, items: Sequence[tuple[uuid.UUID, int]]) -> list[ModuleVersion]:
        wanted = set(items)
        return [
            v
            for v in self._tables.module_versions.values()
            if (v.module_id, v.number) in wanted and v.status is VersionStatus.PUBLISHED
        ]


class FakeCohortRepository:
    def __init__(self, tables: TrainingTables, tenant: uuid.UUID | None) -> None:
        self._tables = tables
        self._tenant = tenant

    def add(self, cohort: Cohort) -> None:
        self._tables.cohorts[cohort.id] = cohort

    async def get(self, cohort_id: uuid.UUID) -> Cohort | None:
        cohort = self._tables.cohorts.get(cohort_id)
        return cohort if cohort is not None and self._tenant in (None, cohort.partner_id) else None

    async def lock(self, cohort_id: uuid.UUID) -> Cohort | None:
        return await self.get(cohort_id)


class FakeSessionRepository:
    def __init__(self, tables: TrainingTables) -> None:
        self._tables = tables

    def add(self, session: CohortSession) -> None:
        self._tables.cohort_sessions[session.id] = session

    async def get(self, cohort_id: uuid.UUID, session_id: uuid.UUID) -> CohortSession | None:
        found = self._tables.cohort_sessions.get(session_id)
        return found if found is not None and found.cohort_id == cohort_id else None

    async def for_cohort(self, cohort_id: uuid.UUID) -> list[CohortSession]:
        return sorted(
            (s for s in self._tables.cohort_sessions.values() if s.cohort_id == cohort_id),
            key=lambda s: (s.on, s.starts_at, s.id),
        )

    async def remove(self, session: CohortSession) -> None:
        self._tables.cohort_sessions.pop(session.id, None)

    async def facilitators_of(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        found: dict[uuid.UUID, set[uuid.UUID]] = {}
        for enrollment in self._tables.enrollments.values():
            if enrollment.participant_id in participant_ids:
                for session in self._tables.cohort_sessions.values():
                    if session.cohort_id == enrollment.cohort_id and session.facilitator_id is not None:
                        found.setdefault(enrollment.participant_id, set()).add(session.facilitator_id)
        return {person: frozenset(users) for person, users in found.items()}


class FakeEnrollmentRepository:
    def __init__(self, tables: TrainingTables, tenant: uuid.UUID | None) -> None:
        self._tables = tables
        self._tenant = tenant

    def _of(self, cohort_id: uuid.UUID) -> list[Enrollment]:
        return [e for e in self._tables.enrollments.values() if e.cohort_id == cohort_id]

    def add(self, enrollment: Enrollment) -> None:
        if any(e.participant_id == enrollment.participant_id for e in self._of(enrollment.cohort_id)):
            raise AssertionError("the unique constraint (cohort, participant) would refuse this row")
        self._tables.enrollments[enrollment.id] = enrollment

    async def get(self, cohort_id: uuid.UUID, enrollment_id: uuid.UUID) -> Enrollment | None:
        found = self._tables.enrollments.get(enrollment_id)
        if found is None or found.cohort_id != cohort_id or self._tenant not in (None, found.partner_id):
            return None
        return found

    async def of_participant(self, cohort_id: uuid.UUID, participant_id: uuid.UUID) -> Enrollment | None:
        return next((e for e in self._of(cohort_id) if e.participant_id == participant_id), None)

    async def first_waiting(self, cohort_id: uuid.UUID, count: int) -> list[Enrollment]:
        waiting = [e for e in self._of(cohort_id) if e.status is EnrollmentStatus.WAITLISTED]
        return sorted(waiting, key=lambda e: e.queue_number or 0)[:count]

    async def seated_ever(self, cohort_id: uuid.UUID) -> list[Enrollment]:
        statuses = {*CONCLUDABLE, EnrollmentStatus.DROPPED}
        return sorted((e for e in self._of(cohort_id) if e.status in statuses), key=lambda e: e.participant_id)

    async def concludable(self, cohort_id: uuid.UUID) -> list[Enrollment]:
        return sorted((e for e in self._of(cohort_id) if e.status in CONCLUDABLE), key=lambda e: e.participant_id)

    async def lapsed_offers(self, cohort_id: uuid.UUID, now: datetime) -> list[Enrollment]:
        lapsed = [e for e in self._of(cohort_id) if e.offer_lapsed(now)]
        return sorted(lapsed, key=lambda e: (e.offer_expires_at or now, e.queue_number or 0))

    async def active(self, cohort_id: uuid.UUID) -> list[Enrollment]:
        return sorted((e for e in self._of(cohort_id) if e.status in ACTIVE), key=lambda e: e.id)

    async def queue_position(self, enrollment: Enrollment) -> int | None:
        if enrollment.status is not EnrollmentStatus.WAITLISTED or enrollment.queue_number is None:
            return None
        mine = enrollment.queue_number
        return sum(
            1
            for e in self._of(enrollment.cohort_id)
            if e.status is EnrollmentStatus.WAITLISTED and (e.queue_number or 0) <= mine
        )

    async def for_participant(self, participant_id: uuid.UUID) -> list[Enrollment]:
        return sorted(
            (
                e
                for e in self._tables.enrollments.values()
                if e.participant_id == participant_id and self._tenant in (None, e.partner_id)
            ),
            key=lambda e: e.id,
            reverse=True,
        )

    async def completed_by(self, participant_id: uuid.UUID) -> CompletedTraining:
        completed = [
            e
            for e in self._tables.enrollments.values()
            if e.participant_id == participant_id and e.status is EnrollmentStatus.COMPLETED
        ]
        cohorts = frozenset(e.cohort_id for e in completed)
        modules = frozenset(
            item.module_id for cohort_id in cohorts for item in self._tables.cohorts[cohort_id].curriculum
        )
        return CompletedTraining(cohorts, modules, best_attendance(e.completion for e in completed))


class FakeAttendanceRepository:
    def __init__(self, tables: TrainingTables) -> None:
        self._tables = tables

    def add(self, record: AttendanceRecord) -> None:
        self._tables.attendance[record.id] = record

    def _where(self, keep: Callable[[AttendanceRecord], bool]) -> list[AttendanceRecord]:
        return sorted((r for r in self._tables.attendance.values() if keep(r)), key=lambda r: r.participant_id)

    async def for_session(self, session_id: uuid.UUID) -> list[AttendanceRecord]:
        return self._where(lambda r: r.session_id == session_id)

    async def for_cohort(self, cohort_id: uuid.UUID) -> list[AttendanceRecord]:
        return self._where(lambda r: r.cohort_id == cohort_id)

    async def for_enrollment(self, enrollment_id: uuid.UUID) -> list[AttendanceRecord]:
        return self._where(lambda r: r.enrollment_id == enrollment_id)


class FakeCertificateRepository:
    def __init__(self, tables: TrainingTables, tenant: uuid.UUID | None) -> None:
        self._tables = tables
        self._tenant = tenant

    def _visible(self) -> list[Certificate]:
        return [c for c in self._tables.certificates.values() if self._tenant in (None, c.partner_id)]

    def add(self, certificate: Certificate) -> None:
        self._tables.certificates[certificate.id] = certificate

    async def get(self, certificate_id: uuid.UUID) -> Certificate | None:
        return next((c for c in self._visible() if c.id == certificate_id), None)

    async def for_cohort(self, cohort_id: uuid.UUID) -> list[Certificate]:
        return sorted((c for c in self._visible() if c.cohort_id == cohort_id), key=lambda c: c.id)

    async def for_participant(self, participant_id: uuid.UUID) -> list[Certificate]:
        mine = (c for c in self._visible() if c.participant_id == participant_id)
        return sorted(mine, key=lambda c: c.id, reverse=True)

    async def next_status_index(self) -> int:
        return max((c.status_index for c in self._tables.certificates.values()), default=-1) + 1

    async def flagged(self, status: CertificateStatus) -> list[int]:
        return [c.status_index for c in self._tables.certificates.values() if c.status is status]


class FakeTrainingRepositories(FakeAreaRepositories):
    tables = (
        "training_modules",
        "module_versions",
        "cohorts",
        "cohort_sessions",
        "enrollments",
        "attendance",
        "certificates",
    )
    aggregates = tables
    modules = fake_repository(lambda uow: FakeModuleRepository(uow._db))
    cohorts = fake_repository(lambda uow: FakeCohortRepository(uow._db, uow.tenant))
    cohort_sessions = fake_repository(lambda uow: FakeSessionRepository(uow._db))
    enrollments = fake_repository(lambda uow: FakeEnrollmentRepository(uow._db, uow.tenant))
    attendance = fake_repository(lambda uow: FakeAttendanceRepository(uow._db))
    certificates = fake_repository(lambda uow: FakeCertificateRepository(uow._db, uow.tenant))
