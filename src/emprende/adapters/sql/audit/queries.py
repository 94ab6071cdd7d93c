"""Read queries of the audit area: the trail, newest first."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, select

from emprende.adapters.sql.shared import schema
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.services.audit.ports import AuditFilters, AuditRow

_audit = schema.audit_events


class SqlAuditQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_events(self, filters: AuditFilters, after: uuid.UUID | None, limit: int) -> Sequence[AuditRow]:
        statement: Select[tuple[object, ...]] = select(_audit).order_by(_audit.c.id.desc()).limit(limit)
        if filters.entity_type is not None:
            statement = statement.where(_audit.c.entity_type == filters.entity_type)
        if filters.entity_id is not None:
            statement = statement.where(_audit.c.entity_id == filters.entity_id)
        if filters.actor_id is not None:
            statement = statement.where(_audit.c.actor_id == filters.actor_id)
        if filters.occurred_from is not None:
            statement = statement.where(_audit.c.occurred_at >= filters.occurred_from)
        if filters.occurred_to is not None:
            statement = statement.where(_audit.c.occurred_at < filters.occurred_to)
        if after is not None:
            statement = statement.where(_audit.c.id < after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            AuditRow(
                id=row.id,
                occurred_at=row.occurred_at,
                actor_type=row.actor_type,
                actor_id=row.actor_id,
                action=row.action,
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                changes=row.changes,
                request_id=row.request_id,
            )
            for row in rows
        ]
