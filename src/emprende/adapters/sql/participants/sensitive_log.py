"""The audit of sensitive reads: who saw whose documents, contacts or migratory status, and when."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.participants.queries import SENSITIVE_COLUMNS
from emprende.adapters.sql.shared import schema
from emprende.adapters.sql.shared.database import write_engine
from emprende.domain.audit.trail import AuditAction
from emprende.domain.shared.ids import new_id
from emprende.services.shared.context import current_request_id
from emprende.services.shared.ports import Clock
from emprende.services.shared.principal import Principal


class SqlSensitiveReadLog:
    """Writes one audit event per participant whose sensitive data a principal read."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = write_engine(engine)
        self._clock = clock

    async def record(self, principal: Principal, participant_ids: Sequence[uuid.UUID]) -> None:
        if not participant_ids:
            return
        now = self._clock.now()
        actor = principal.actor
        request_id = current_request_id.get()
        fields = {name: {"before": None, "after": "[read]"} for name in SENSITIVE_COLUMNS}
        rows = [
            {
                "id": new_id(),
                "occurred_at": now,
                "actor_type": actor.type.value,
                "actor_id": actor.id,
                "action": AuditAction.READ_SENSITIVE.value,
                "entity_type": "participant",
                "entity_id": str(participant_id),
                "changes": fields,
                "request_id": request_id,
            }
            for participant_id in participant_ids
        ]
        async with self._engine.begin() as connection:
            await connection.execute(insert(schema.audit_events), rows)
