"""Repositories of the training area. Cohorts and enrolments go through the tenant filter (the delivering partner);
modules are read by everyone signed in (the use cases decide who sees drafts). They never commit.

Reads that select by state (`first_waiting`, `lapsed_offers`…) flush first: the session does not flush on its own,
and the seats that moved earlier in the transaction must count."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, tuple_

from emprende.adapters.sql.shared.repository import AreaRepositories, TenantRepository, repository
from emprende.adapters.sql.training import tables
from emprende.adapters.sql.training.mapping import TRAINING
from emprende.domain.training.attendance_record import AttendanceRecord
from emprende.domain.training.certificate import Certificate, CertificateStatus
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.enrollment import ACTIVE, CONCLUDABLE, Enrollment, EnrollmentStatus
from emprende.domain.training.module import ModuleVersion, TrainingModule, VersionStatus
from emprende.domain.training.session import CohortSession
from emprende.services.training.ports import CompletedTraining, best_attendance

_versions = tables.training_module_versions.c
_cohorts = tables.cohorts.c
_sessions = tables.cohort_sessions.c
_enrollments = tables.enrollments.c
_attendance = tables.attendance.c
_certificates = tables.certificates.c


class SqlModuleRepository(TenantRepository):
    def add(self, module: TrainingModule) -> None:
        self._session.add(module)

    def add_version(self, version: ModuleVersion) -> None:
        # Inserted by the unit of work after the session's flush, so after a module created in the same transaction
        # (the session does not order tables that have no relationship between them).
        self._new_rows.add(version)

    async def get(self, module_id: uuid.UUID) -> TrainingModule | None:
        return await self._session.get(TrainingModule, module_id)

    async def version(self, module_id: uuid.UUID, number: int) -> ModuleVersion | None:
        statement = select(ModuleVersion).where(_versions.module_id == module_id, _versions.number == number)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def versions(self, module_id: uuid.UUID) -> Sequence[ModuleVersion]:
        statement = select(ModuleVersion).where(_versions.module_id == module_id).order_by(_versions.number)
        return list((await self._session.execute(statement)).scalars())

    async def published(self, items: Sequence[tuple[uuid.UUID, int]]) -> Sequence[ModuleVersion]:
        if not items:
            return []
        statement = select(ModuleVersion).where(
            tuple_(_versions.module_id, _versions.number).in_(list(items)),
            _versions.status == VersionStatus.PUBLISHED,
        )
        return list((await self._session.execute(statement)).scalars())


class SqlCohortRepository(TenantRepository):
    def add(self, cohort: Cohort) -> None:
        self._session.add(cohort)

    def _visible(self, cohort: Cohort | None) -> Cohort | None:
        if cohort is None or (self._tenant is not None and cohort.partner_id != self._tenant):
            return None
        return cohort

    async def get(self, cohort_id: uuid.UUID) -> Cohort | None:
        return self._visible(await self._session.get(Cohort, cohort_id))

    async def lock(self, cohort_id: uuid.UUID) -> Cohort | None:
        # PostgreSQL: a row lock until the transaction ends. SQLite: writers already hold the database (BEGIN
        # IMMEDIATE), and the dialect leaves FOR UPDATE out.
        statement = (
            select(Cohort).where(_cohorts.id == cohort_id).with_for_update().execution_options(populate_existing=True)
        )
        return self._visible((await self._session.execute(statement)).scalar_one_or_none())


class SqlSessionRepository(TenantRepository):
    def add(self, session: CohortSession) -> None:
        self._session.add(session)

    async def get(self, cohort_id: uuid.UUID, session_id: uuid.UUID) -> CohortSession | None:
        found = await self._session.get(CohortSession, session_id)
        return found if found is not None and found.cohort_id == cohort_id else None

    async def for_cohort(self, cohort_id: uuid.UUID) -> Sequence[CohortSession]:
        statement = (
            select(CohortSession)
            .where(_sessions.cohort_id == cohort_id)
            .order_by(_sessions.on, _sessions.starts_at, _sessions.id)
        )
        return list((await self._session.execute(statement)).scalars())

    async def remove(self, session: CohortSession) -> None:
        await self._session.delete(session)

    async def facilitators_of(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        if not participant_ids:
            return {}
        statement = (
            select(_enrollments.participant_id, _sessions.facilitator_id)
            .join(tables.cohort_sessions, _sessions.cohort_id == _enrollments.cohort_id)
            .where(_enrollments.participant_id.in_(list(participant_ids)), _sessions.facilitator_id.is_not(None))
            .distinct()
        )
        found: dict[uuid.UUID, set[uuid.UUID]] = {}
        for row in await self._session.execute(statement):
            found.setdefault(row.participant_id, set()).add(row.facilitator_id)
        return {person: frozenset(users) for person, users in found.items()}


class SqlEnrollmentRepository(TenantRepository):
    def add(self, enrollment: Enrollment) -> None:
        self._session.add(enrollment)

    async def get(self, cohort_id: uuid.UUID, enrollment_id: uuid.UUID) -> Enrollment | None:
        found = await self._session.get(Enrollment, enrollment_id)
        if found is None or found.cohort_id != cohort_id:
            return None
        if self._tenant is not None and found.partner_id != self._tenant:
            return None
        return found

    async def of_participant(self, cohort_id: uuid.UUID, participant_id: uuid.UUID) -> Enrollment | None:
        await self._session.flush()
        statement = select(Enrollment).where(
            _enrollments.cohort_id == cohort_id, _enrollments.participant_id == participant_id
        )
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def first_waiting(self, cohort_id: uuid.UUID, count: int) -> Sequence[Enrollment]:
        await self._session.flush()
        statement = (
            select(Enrollment)
            .where(_enrollments.cohort_id == cohort_id, _enrollments.status == EnrollmentStatus.WAITLISTED)
            .order_by(_enrollments.queue_number)
            .limit(count)
        )
        return list((await self._session.execute(statement)).scalars())

    async def _with_status(self, cohort_id: uuid.UUID, statuses: Iterable[EnrollmentStatus]) -> Sequence[Enrollment]:
        await self._session.flush()
        statement = (
            select(Enrollment)
            .where(_enrollments.cohort_id == cohort_id, _enrollments.status.in_(sorted(statuses)))
            .order_by(_enrollments.participant_id)
        )
        return list((await self._session.execute(statement)).scalars())

    async def seated_ever(self, cohort_id: uuid.UUID) -> Sequence[Enrollment]:
        return await self._with_status(cohort_id, {*CONCLUDABLE, EnrollmentStatus.DROPPED})

    async def concludable(self, cohort_id: uuid.UUID) -> Sequence[Enrollment]:
        return await self._with_status(cohort_id, CONCLUDABLE)

    async def lapsed_offers(self, cohort_id: uuid.UUID, now: datetime) -> Sequence[Enrollment]:
        await self._session.flush()
        statement = (
            select(Enrollment)
            .where(
                _enrollments.cohort_id == cohort_id,
                _enrollments.status == EnrollmentStatus.OFFERED,
                _enrollments.offer_expires_at <= now,
            )
            .order_by(_enrollments.offer_expires_at, _enrollments.queue_number)
        )
        return list((await self._session.execute(statement)).scalars())

    async def active(self, cohort_id: uuid.UUID) -> Sequence[Enrollment]:
        await self._session.flush()
        statement = (
            select(Enrollment)
            .where(_enrollments.cohort_id == cohort_id, _enrollments.status.in_(sorted(ACTIVE)))
            .order_by(_enrollments.id)
        )
        return list((await self._session.execute(statement)).scalars())

    async def queue_position(self, enrollment: Enrollment) -> int | None:
        if enrollment.status is not EnrollmentStatus.WAITLISTED or enrollment.queue_number is None:
            return None
        await self._session.flush()
        statement = select(func.count()).where(
            _enrollments.cohort_id == enrollment.cohort_id,
            _enrollments.status == EnrollmentStatus.WAITLISTED,
            _enrollments.queue_number <= enrollment.queue_number,
        )
        return int(await self._session.scalar(statement) or 0)

    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Enrollment]:
        statement = (
            select(Enrollment)
            .where(_enrollments.participant_id == participant_id)
            .order_by(_enrollments.id.desc())
            .limit(500)
        )
        if self._tenant is not None:
            statement = statement.where(_enrollments.partner_id == self._tenant)
        return list((await self._session.execute(statement)).scalars())

    async def completed_by(self, participant_id: uuid.UUID) -> CompletedTraining:
        statement = (
            select(_cohorts.id, _cohorts.curriculum, _enrollments.completion)
            .join(tables.enrollments, _enrollments.cohort_id == _cohorts.id)
            .where(_enrollments.participant_id == participant_id, _enrollments.status == EnrollmentStatus.COMPLETED)
        )
        rows = (await self._session.execute(statement)).all()
        return CompletedTraining(
            cohorts=frozenset(row.id for row in rows),
            modules=frozenset(item.module_id for row in rows for item in row.curriculum),
            best_attendance=best_attendance(row.completion for row in rows),
        )


class SqlAttendanceRepository(TenantRepository):
    """Marks are reached through their cohort, which the use case found through the tenant filter."""

    def add(self, record: AttendanceRecord) -> None:
        self._new_rows.add(record)  # a register of hundreds: one INSERT at commit

    async def _where(self, condition: ColumnElement[bool]) -> Sequence[AttendanceRecord]:
        statement = select(AttendanceRecord).where(condition).order_by(_attendance.participant_id)
        return list((await self._session.execute(statement)).scalars())

    async def for_session(self, session_id: uuid.UUID) -> Sequence[AttendanceRecord]:
        return await self._where(_attendance.session_id == session_id)

    async def for_cohort(self, cohort_id: uuid.UUID) -> Sequence[AttendanceRecord]:
        return await self._where(_attendance.cohort_id == cohort_id)

    async def for_enrollment(self, enrollment_id: uuid.UUID) -> Sequence[AttendanceRecord]:
        return await self._where(_attendance.enrollment_id == enrollment_id)


class SqlCertificateRepository(TenantRepository):
    def add(self, certificate: Certificate) -> None:
        self._session.add(certificate)

    async def get(self, certificate_id: uuid.UUID) -> Certificate | None:
        found = await self._session.get(Certificate, certificate_id)
        if found is None or self._tenant not in (None, found.partner_id):
            return None
        return found

    async def for_cohort(self, cohort_id: uuid.UUID) -> Sequence[Certificate]:
        statement = select(Certificate).where(_certificates.cohort_id == cohort_id).order_by(_certificates.id)
        if self._tenant is not None:
            statement = statement.where(_certificates.partner_id == self._tenant)
        return list((await self._session.execute(statement)).scalars())

    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Certificate]:
        statement = (
            select(Certificate)
            .where(_certificates.participant_id == participant_id)
            .order_by(_certificates.id.desc())
            .limit(500)
        )
        if self._tenant is not None:
            statement = statement.where(_certificates.partner_id == self._tenant)
        return list((await self._session.execute(statement)).scalars())

    async def next_status_index(self) -> int:
        await self._session.flush()
        taken = await self._session.scalar(select(func.max(_certificates.status_index)))
        return 0 if taken is None else int(taken) + 1

    async def flagged(self, status: CertificateStatus) -> Sequence[int]:
        statement = select(_certificates.status_index).where(_certificates.status == status)
        return list((await self._session.execute(statement)).scalars())


class SqlTrainingRepositories(AreaRepositories):
    """The training area's repositories on the unit of work."""

    sql_area = TRAINING
    modules = repository(SqlModuleRepository)
    cohorts = repository(SqlCohortRepository)
    cohort_sessions = repository(SqlSessionRepository)
    enrollments = repository(SqlEnrollmentRepository)
    attendance = repository(SqlAttendanceRepository)
    certificates = repository(SqlCertificateRepository)
