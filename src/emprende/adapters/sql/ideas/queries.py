"""Read queries of the ideas area: the ideas a partner supports, filtered, in pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from emprende.adapters.sql.ideas import tables
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.services.ideas.ports import IdeaFilters, IdeaRow

_ideas = tables.business_ideas.c


class SqlIdeaQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_ideas(
        self, tenant: uuid.UUID | None, filters: IdeaFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[IdeaRow]:
        c = _ideas
        statement = (
            select(
                c.id,
                c.participant_id,
                c.owner_partner_id,
                c.name,
                c.sector,
                c.stage,
                c.status,
                c.province_code,
                c.canton_code,
                c.parish_code,
                c.requested_amount,
                c.version,
                c.created_at,
                c.updated_at,
                c.submitted_at,
            )
            .order_by(c.id)
            .limit(limit)
        )
        if tenant is not None:
            statement = statement.where(c.owner_partner_id == tenant)
        for column, value in (
            (c.participant_id, filters.participant_id),
            (c.status, filters.status),
            (c.sector, filters.sector),
            (c.stage, filters.stage),
        ):
            if value is not None:
                statement = statement.where(column == value)
        if after is not None:
            statement = statement.where(c.id > after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            IdeaRow(
                id=row.id,
                participant_id=row.participant_id,
                supporting_partner_id=row.owner_partner_id,
                name=row.name,
                sector=row.sector,
                stage=str(getattr(row.stage, "value", row.stage)),
                status=str(getattr(row.status, "value", row.status)),
                province_code=row.province_code,
                canton_code=row.canton_code,
                parish_code=row.parish_code,
                requested_amount=row.requested_amount,
                version=row.version,
                created_at=row.created_at,
                updated_at=row.updated_at,
                submitted_at=row.submitted_at,
            )
            for row in rows
        ]
