"""Read queries of the training area: the module catalogue, a partner's cohorts, a cohort's enrolments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Integer, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import aliased

from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.adapters.sql.training import tables
from emprende.domain.identity.user import Language
from emprende.domain.training.enrollment import EnrollmentStatus
from emprende.domain.training.module import VersionStatus, localized
from emprende.services.training.ports import CohortRow, EnrollmentRow, ModuleRow

_modules = tables.training_modules
_versions = tables.training_module_versions
_cohorts = tables.cohorts
_enrollments = tables.enrollments

AFTER_THE_QUEUE = 2_147_483_647
"""Where people who are not waiting sort, after everyone who is."""


class SqlTrainingQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_modules(
        self, author: uuid.UUID | None, drafts: bool, language: Language, after: uuid.UUID | None, limit: int
    ) -> Sequence[ModuleRow]:
        m, v = _modules.c, _versions.c
        authored: ColumnElement[bool]
        if drafts and author is None:
            authored = literal(True)
        elif drafts:
            # The authors are a JSON array of ids: the id's text appears in it exactly when it is one of them.
            authored = cast(m.author_partner_ids, String).contains(str(author), autoescape=True)
        else:
            authored = literal(False)
        number = case((authored, m.latest_number), else_=m.published_number)
        statement = (
            select(
                m.id,
                m.author_partner_ids,
                v.number,
                v.status,
                v.translations,
                v.hours,
                v.modalities,
                v.published_at,
                m.updated_at,
            )
            .join(_versions, and_(v.module_id == m.id, v.number == number))
            .where(or_(authored, m.published_number.is_not(None)))
            .order_by(m.id)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(m.id > after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        found = []
        for row in rows:
            served, text = localized(row.translations, language)
            found.append(
                ModuleRow(
                    id=row.id,
                    author_partner_ids=sorted(row.author_partner_ids),
                    version=row.number,
                    status=VersionStatus(row.status).value,
                    language=served,
                    title=text.title,
                    summary=text.summary,
                    hours=row.hours,
                    modalities=sorted(item.value for item in row.modalities),
                    available_languages=sorted(item.value for item in row.translations),
                    published_at=row.published_at,
                    updated_at=row.updated_at,
                )
            )
        return found

    async def list_cohorts(
        self, tenant: uuid.UUID | None, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[CohortRow]:
        c = _cohorts.c
        statement = (
            select(
                c.id,
                c.partner_id,
                c.name,
                c.modality,
                c.status,
                c.province_code,
                c.canton_code,
                c.start_date,
                c.end_date,
                c.capacity,
                c.seats_taken,
                c.enrolment_opens_on,
                c.enrolment_closes_on,
                c.updated_at,
            )
            .order_by(c.id)
            .limit(limit)
        )
        if tenant is not None:
            statement = statement.where(c.partner_id == tenant)
        if status is not None:
            statement = statement.where(c.status == status)
        if after is not None:
            statement = statement.where(c.id > after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            CohortRow(
                id=row.id,
                partner_id=row.partner_id,
                name=row.name,
                modality=str(getattr(row.modality, "value", row.modality)),
                status=str(getattr(row.status, "value", row.status)),
                province_code=row.province_code,
                canton_code=row.canton_code,
                start_date=row.start_date,
                end_date=row.end_date,
                capacity=row.capacity,
                seats_taken=row.seats_taken,
                enrolment_opens_on=row.enrolment_opens_on,
                enrolment_closes_on=row.enrolment_closes_on,
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    async def list_enrollments(
        self,
        tenant: uuid.UUID | None,
        cohort_id: uuid.UUID,
        status: str | None,
        after: tuple[int, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[EnrollmentRow]:
        e = _enrollments.c
        waiting = e.status == EnrollmentStatus.WAITLISTED
        sort_key = case((waiting, e.queue_number), else_=literal(AFTER_THE_QUEUE, Integer))
        ahead = aliased(_enrollments)
        position = (
            select(func.count())
            .where(
                ahead.c.cohort_id == e.cohort_id,
                ahead.c.status == EnrollmentStatus.WAITLISTED,
                ahead.c.queue_number <= e.queue_number,
            )
            .correlate(_enrollments)
            .scalar_subquery()
        )
        statement = (
            select(
                e.id,
                e.cohort_id,
                e.participant_id,
                e.status,
                e.queue_number,
                case((waiting, position), else_=None).label("queue_position"),
                sort_key.label("sort_key"),
                e.requested_at,
                e.offer_expires_at,
                e.enrolled_at,
                e.ended_at,
                e.end_reason,
                e.updated_at,
            )
            .where(e.cohort_id == cohort_id)
            .order_by(sort_key, e.id)
            .limit(limit)
        )
        if tenant is not None:
            statement = statement.where(e.partner_id == tenant)
        if status is not None:
            statement = statement.where(e.status == status)
        if after is not None:
            key, last = after
            statement = statement.where(or_(sort_key > key, and_(sort_key == key, e.id > last)))
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            EnrollmentRow(
                id=row.id,
                cohort_id=row.cohort_id,
                participant_id=row.participant_id,
                status=str(getattr(row.status, "value", row.status)),
                queue_number=row.queue_number,
                queue_position=row.queue_position,
                sort_key=row.sort_key,
                requested_at=row.requested_at,
                offer_expires_at=row.offer_expires_at,
                enrolled_at=row.enrolled_at,
                ended_at=row.ended_at,
                end_reason=None if row.end_reason is None else str(getattr(row.end_reason, "value", row.end_reason)),
                updated_at=row.updated_at,
            )
            for row in rows
        ]
