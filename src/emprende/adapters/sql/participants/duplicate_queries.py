"""Read queries of the probable-duplicate review queue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.participants.queries import stored_value
from emprende.adapters.sql.participants.visibility import visible_to
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.services.participants.ports import (
    DuplicateCandidateRow,
    DuplicateSide,
)


class SqlDuplicateQueries:
    """Pairs side by side; a partner sees a pair only when it may see both records."""

    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_candidates(
        self, tenant: uuid.UUID | None, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[DuplicateCandidateRow]:
        d = participant_tables.duplicate_candidates
        first = participant_tables.participants.alias("first")
        second = participant_tables.participants.alias("second")
        columns = (
            "id",
            "owner_partner_id",
            "given_names",
            "family_names",
            "birth_date",
            "nationality",
            "registered_at",
        )
        statement = (
            select(
                d.c.id,
                d.c.status,
                d.c.reasons,
                d.c.similarity,
                d.c.created_at,
                *(first.c[name].label(f"a_{name}") for name in columns),
                *(second.c[name].label(f"b_{name}") for name in columns),
            )
            .join(first, first.c.id == d.c.participant_id)
            .join(second, second.c.id == d.c.other_id)
            .where(first.c.merged_into_id.is_(None), second.c.merged_into_id.is_(None))
            .order_by(d.c.id)
            .limit(limit)
        )
        if status is not None:
            statement = statement.where(d.c.status == status)
        if after is not None:
            statement = statement.where(d.c.id > after)
        if tenant is not None:  # both records, or the pair is not there for this tenant at all
            statement = statement.where(visible_to(tenant, first), visible_to(tenant, second))
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            DuplicateCandidateRow(
                id=row.id,
                status=str(stored_value(row.status)),
                reasons=sorted(row.reasons),
                similarity=row.similarity,
                created_at=row.created_at,
                participant=DuplicateSide(*(getattr(row, f"a_{name}") for name in columns)),
                other=DuplicateSide(*(getattr(row, f"b_{name}") for name in columns)),
            )
            for row in rows
        ]
