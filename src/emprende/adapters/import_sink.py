"""Batch persistence for bulk imports: one query per batch for lookups, Core executemany for inserts.

New people, their consents, identifier keys, duplicate pairs, audit rows and outbox events go in with one `INSERT` per
table and batch (never one ORM unit of work per row). Updated people are ORM-loaded and rectified, so the unit of work
audits their changes as usual. Everything happens inside one `SqlAlchemyUnitOfWork` transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import IntegrityError

from emprende.adapters import tables
from emprende.adapters.unit_of_work import SqlAlchemyUnitOfWork, to_json_value, translate_integrity_error
from emprende.domain.audit import REDACTED, AuditAction
from emprende.domain.duplicates import DuplicateCandidate
from emprende.domain.events import Aggregate, DomainEvent
from emprende.domain.ids import new_id
from emprende.domain.matching import PersonSketch
from emprende.domain.participants import Consent, DuplicateParticipant, Participant, identifier_keys
from emprende.services.context import current_request_id
from emprende.services.principal import Scope

T = TypeVar("T")
_CHUNK = 500  # keys per IN (...) list: well under SQLite's and asyncpg's parameter limits
_UNAUDITED = frozenset({"version", "updated_at"})
_PARTICIPANT_COLUMNS = tuple(column.key for column in tables.participants.c)
_AUDITED_PUBLIC = tuple(
    name for name in _PARTICIPANT_COLUMNS if name not in _UNAUDITED and name not in Participant.sensitive_fields
)
_AUDITED_SENSITIVE = tuple(name for name in _PARTICIPANT_COLUMNS if name in Participant.sensitive_fields)
_CONSENT_COLUMNS = tuple(column.key for column in tables.consents.c)
_CANDIDATE_COLUMNS = tuple(column.key for column in tables.duplicate_candidates.c)


def _chunks(items: Sequence[T]) -> list[Sequence[T]]:
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


class SqlImportSink:
    """An `ImportSink` over one unit of work (a read-only one for dry runs)."""

    def __init__(self, uow: SqlAlchemyUnitOfWork, scope: Scope) -> None:
        self._uow = uow
        self._tenant = scope.tenant
        self._actor = scope.actor

    async def __aenter__(self) -> Self:
        await self._uow.__aenter__()
        session = self._uow.session
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            # The tables grow faster than autovacuum analyses them during an import: with stale statistics the
            # planner scans the whole identifier table for each batch's `key IN (...)`. Every lookup here has an index.
            await session.execute(text("SET LOCAL enable_seqscan = off"))
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._uow.__aexit__(exc_type, exc, tb)

    async def holders(self, keys: Sequence[str]) -> dict[str, tuple[uuid.UUID, uuid.UUID]]:
        # Two primary-key lookups rather than a join: the plan stays an index scan while the tables grow in the import.
        ids, people = tables.participant_identifiers.c, tables.participants.c
        session = self._uow.session
        held: dict[str, uuid.UUID] = {}
        for chunk in _chunks(list(keys)):
            held.update((await session.execute(select(ids.key, ids.participant_id).where(ids.key.in_(chunk)))).all())
        owners: dict[uuid.UUID, uuid.UUID] = {}
        for found in _chunks(sorted(set(held.values()))):
            statement = select(people.id, people.owner_partner_id).where(people.id.in_(found))
            owners.update((await session.execute(statement)).all())
        return {key: (pid, owners[pid]) for key, pid in held.items() if pid in owners}

    async def sketches(
        self, birth_dates: Sequence[date], phones: Sequence[str]
    ) -> list[tuple[uuid.UUID, PersonSketch]]:
        c = tables.participants.c
        found: list[tuple[uuid.UUID, PersonSketch]] = []
        for column, values in ((c.birth_date, birth_dates), (c.phone, phones)):
            for chunk in _chunks(list(values)):
                statement = select(c.id, c.name_key, c.birth_date, c.phone).where(
                    column.in_(chunk), c.erased_at.is_(None), c.merged_into_id.is_(None)
                )
                rows = (await self._uow.session.execute(statement)).all()
                found += [(row.id, PersonSketch(row.name_key, row.birth_date, row.phone)) for row in rows]
        return found

    async def load(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Participant]:
        c = tables.participants.c
        loaded: dict[uuid.UUID, Participant] = {}
        for chunk in _chunks(list(participant_ids)):
            statement = select(Participant).where(c.id.in_(chunk), c.merged_into_id.is_(None))
            if self._tenant is not None:
                statement = statement.where(c.owner_partner_id == self._tenant)
            for participant in (await self._uow.session.execute(statement)).scalars():
                loaded[participant.id] = participant
        return loaded

    async def write(
        self,
        created: Sequence[tuple[Participant, Consent]],
        updated: Sequence[Participant],
        duplicates: Sequence[DuplicateCandidate],
    ) -> None:
        session = self._uow.session
        people = [person for person, _ in created]
        keys = [{"key": key, "participant_id": p.id} for p in [*people, *updated] for key in identifier_keys(p)]
        try:
            if updated:
                await session.flush()  # the rectified records, audited by the unit of work
                ids = tables.participant_identifiers
                stale = [p.id for p in updated]
                await session.execute(delete(ids).where(ids.c.participant_id.in_(stale)))
            if people:
                await session.execute(insert(tables.participants), [_row(p, _PARTICIPANT_COLUMNS) for p in people])
                consents = [consent for _, consent in created]
                await session.execute(insert(tables.consents), [_row(c, _CONSENT_COLUMNS) for c in consents])
                await session.execute(insert(tables.audit_events), [self._audit(p) for p in people])
                aggregates: list[Aggregate] = [*people, *consents]
                events = [_outbox(item, event) for item in aggregates for event in item.pending_events()]
                if events:
                    await session.execute(insert(tables.outbox), events)
            if keys:
                await session.execute(insert(tables.participant_identifiers), keys)
            if duplicates:
                await session.execute(
                    insert(tables.duplicate_candidates), [_row(d, _CANDIDATE_COLUMNS) for d in duplicates]
                )
        except IntegrityError as error:
            translated = translate_integrity_error(error)
            if isinstance(translated, DuplicateParticipant):
                raise translated from error
            raise

    async def commit(self) -> None:
        await self._uow.commit()

    def _audit(self, participant: Participant) -> dict[str, Any]:
        """What the unit of work would record for a new participant: every value set, sensitive ones redacted."""
        state = vars(participant)
        changes: dict[str, dict[str, Any]] = {}
        for name in _AUDITED_PUBLIC:
            value = state.get(name)
            if value is not None:
                changes[name] = {"before": None, "after": _json(value)}
        for name in _AUDITED_SENSITIVE:
            if state.get(name) is not None:
                changes[name] = {"before": None, "after": REDACTED}
        return {
            "id": new_id(),
            "occurred_at": participant.registered_at,
            "actor_type": self._actor.type.value,
            "actor_id": self._actor.id,
            "action": AuditAction.CREATE.value,
            "entity_type": "participant",
            "entity_id": str(participant.id),
            "changes": changes,
            "request_id": current_request_id.get(),
        }


def _json(value: Any) -> Any:
    """`to_json_value` with the common cases first (it runs for every column of every imported person)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float:
        return value
    if isinstance(value, StrEnum):
        return value.value
    if kind is uuid.UUID:
        return str(value)
    if kind is date or kind is datetime:
        return value.isoformat()
    return to_json_value(value)


def _row(entity: object, columns: Sequence[str]) -> dict[str, Any]:
    state = vars(entity)  # every mapped attribute is set by the constructor; read past the instrumentation
    return {name: state[name] if name in state else getattr(entity, name) for name in columns}


def _outbox(entity: Aggregate, event: DomainEvent) -> dict[str, Any]:
    return {
        "id": new_id(),
        "occurred_at": getattr(entity, "updated_at", None) or getattr(entity, "recorded_at", None),
        "event_type": event.name,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "payload": to_json_value(event.payload),
        "request_id": current_request_id.get(),
    }
