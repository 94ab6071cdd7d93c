"""Batch persistence for bulk imports: one query per batch for each lookup, one bulk write per table and batch.

New people, their consents, identifier keys, duplicate pairs, audit rows and outbox events go in with one bulk write per
table and batch, never one ORM unit of work per row: `COPY` on PostgreSQL (through the unit of work's own asyncpg
connection, so inside its transaction), a driver-level executemany on SQLite. Values go through the columns' own
SQLAlchemy bind processing, so they are stored as the ORM stores them; two shortcuts give the same stored values for
less work: JSON text made by orjson on PostgreSQL (JSONB parses it), and SQLite's timestamp text formatted directly.
Updated people are ORM-loaded and rectified, so the unit of work audits their changes as usual. Everything happens
inside one `SqlAlchemyUnitOfWork` transaction.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

import orjson
from sqlalchemy import JSON, Dialect, Table, TypeDecorator, delete, insert, select, text
from sqlalchemy.exc import IntegrityError

from emprende.adapters import tables
from emprende.adapters.types import UTCDateTime
from emprende.adapters.unit_of_work import SqlAlchemyUnitOfWork, to_json_value, translate_integrity_error
from emprende.domain.audit import REDACTED, AuditAction
from emprende.domain.duplicates import DuplicateCandidate
from emprende.domain.events import Aggregate, DomainEvent
from emprende.domain.ids import new_id
from emprende.domain.matching import PersonSketch
from emprende.domain.participants import Consent, DuplicateParticipant, Participant, identifier_keys
from emprende.services.context import current_request_id
from emprende.services.ports import NameBlock, RegistrySketches
from emprende.services.principal import Scope

T = TypeVar("T")
_CHUNK = 500  # keys per IN (...) list on SQLite: well under its parameter limit
_UNAUDITED = frozenset({"version", "updated_at"})
_PARTICIPANT_COLUMNS = tuple(str(column.key) for column in tables.participants.c)  # plain str: JSON keys
_AUDITED_PUBLIC = tuple(
    name for name in _PARTICIPANT_COLUMNS if name not in _UNAUDITED and name not in Participant.sensitive_fields
)
_AUDITED_SENSITIVE = tuple(name for name in _PARTICIPANT_COLUMNS if name in Participant.sensitive_fields)
_REDACTED_CHANGE = {"before": None, "after": REDACTED}  # only ever serialised
_IDENTIFIER_KEYS = ("pk_participant_identifiers", "uq_participant_identifiers_key")

# PostgreSQL lookups: one statement per batch whatever its size (an array parameter, not a list of parameters), each
# served by an index. People born on the same day come back as one row of arrays: far fewer rows to decode.
_PG_HOLDERS = "SELECT key, participant_id FROM participant_identifiers WHERE key = ANY($1::varchar[])"
_PG_OWNERS = "SELECT id, owner_partner_id FROM participants WHERE id = ANY($1::uuid[])"
_PG_BORN_ON = (
    "SELECT birth_date, array_agg(id), array_agg(name_key) FROM participants "
    "WHERE birth_date = ANY($1::date[]) AND erased_at IS NULL AND merged_into_id IS NULL GROUP BY birth_date"
)
_PG_WITH_PHONE = (
    "SELECT id, name_key, birth_date, phone FROM participants "
    "WHERE phone = ANY($1::varchar[]) AND erased_at IS NULL AND merged_into_id IS NULL"
)


def _chunks(items: Sequence[T]) -> list[Sequence[T]]:
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


class _Encode(Protocol):
    def __call__(self, value: Any, /) -> Any: ...


class _Asyncpg(Protocol):
    """What the sink uses of an asyncpg connection (asyncpg ships no type information)."""

    def is_in_transaction(self) -> bool: ...
    async def fetch(self, query: str, *args: Any) -> list[Sequence[Any]]: ...
    async def copy_records_to_table(
        self, table_name: str, *, records: Iterable[Sequence[Any]], columns: Sequence[str]
    ) -> str: ...


def _identifier_taken(error: Exception) -> bool:
    """A unique violation on the identifier keys, as asyncpg reports it (COPY runs below SQLAlchemy)."""
    return getattr(error, "sqlstate", None) == "23505" and getattr(error, "constraint_name", None) in _IDENTIFIER_KEYS


@dataclass(frozen=True, slots=True)
class _TableWriter:
    """How one table's rows go to the driver: column names, one value converter per column, the insert statement."""

    columns: tuple[str, ...]
    encoders: tuple[tuple[int, _Encode], ...]  # (position, converter) of the columns that need one
    statement: str  # SQLite's INSERT with positional parameters (PostgreSQL uses COPY)

    def record(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        row = [values[name] for name in self.columns]
        for position, encode in self.encoders:
            row[position] = encode(row[position])  # None too: a JSON column stores Python None as JSON null
        return tuple(row)


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _sqlite_utc(value: datetime | None) -> str | None:
    """`UTCDateTime` on SQLite as SQLAlchemy writes it ("YYYY-MM-DD HH:MM:SS.ffffff" in UTC), without building a dict
    per value (its processor costs 4 µs, and a person brings seven timestamps)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # the offset, +00:00, left out


def _encoder(column_type: Any, dialect: Dialect) -> _Encode | None:
    """The column type's own bind processing for this dialect, minus the driver-side JSON text on PostgreSQL."""
    impl = column_type.dialect_impl(dialect)
    if dialect.name == "sqlite" and isinstance(column_type, UTCDateTime):
        return _sqlite_utc
    if dialect.name == "postgresql":
        inner = impl.load_dialect_impl(dialect) if isinstance(impl, TypeDecorator) else impl
        if isinstance(inner, JSON):  # JSONB: the text is parsed by the server, so any valid JSON text stores the same
            if isinstance(impl, TypeDecorator):
                convert = impl.process_bind_param
                return lambda value: _json_text(convert(value, dialect))
            return _json_text
    processor: _Encode | None = impl.bind_processor(dialect)
    return processor


_writers: weakref.WeakKeyDictionary[Dialect, dict[str, _TableWriter]] = weakref.WeakKeyDictionary()


def _writer(table: Table, dialect: Dialect) -> _TableWriter:
    known = _writers.setdefault(dialect, {})
    if (found := known.get(table.name)) is not None:
        return found
    columns = tuple(str(column.key) for column in table.c)
    encoders = tuple(
        (position, encode)
        for position, column in enumerate(table.c)
        if (encode := _encoder(column.type, dialect)) is not None
    )
    compiled = insert(table).compile(dialect=dialect)  # every column, positional parameters on SQLite
    if compiled.positiontup is not None and tuple(compiled.positiontup) != columns:
        raise RuntimeError(f"unexpected parameter order in the insert into {table.name}")
    statement = str(compiled)
    known[table.name] = writer = _TableWriter(columns, encoders, statement)
    return writer


class SqlImportSink:
    """An `ImportSink` over one unit of work (a read-only one for dry runs)."""

    overlaps_validation = False

    def __init__(self, uow: SqlAlchemyUnitOfWork, scope: Scope) -> None:
        self._uow = uow
        self._tenant = scope.tenant
        self._actor = scope.actor
        self._pg: _Asyncpg | None = None

    async def __aenter__(self) -> Self:
        await self._uow.__aenter__()
        session = self._uow.session
        self._dialect: Dialect = session.get_bind().dialect
        if self._dialect.name == "postgresql":
            # The tables grow faster than autovacuum analyses them during an import: with stale statistics the
            # planner scans a whole table for a batch's lookups. Every lookup here has an index. (This statement also
            # begins the transaction, which the driver-level statements below then share.)
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            connection = await (await session.connection()).get_raw_connection()
            driver: _Asyncpg | None = connection.driver_connection
            if driver is None or not driver.is_in_transaction():
                raise RuntimeError("the import sink needs the unit of work's asyncpg connection inside its transaction")
            self._pg = driver
            # asyncpg does its I/O on the event loop: the importer can validate the next rows while a batch is written.
            self.overlaps_validation = True
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._pg = None
        await self._uow.__aexit__(exc_type, exc, tb)

    async def holders(self, keys: Sequence[str]) -> dict[str, tuple[uuid.UUID, uuid.UUID]]:
        # Two primary-key lookups rather than a join: the plan stays an index scan while the tables grow in the import.
        held: dict[str, uuid.UUID] = {}
        owners: dict[uuid.UUID, uuid.UUID] = {}
        if self._pg is not None:
            held.update((row[0], row[1]) for row in await self._pg.fetch(_PG_HOLDERS, list(keys)))
            if held:
                owners.update((row[0], row[1]) for row in await self._pg.fetch(_PG_OWNERS, list(set(held.values()))))
        else:
            ids, people = tables.participant_identifiers.c, tables.participants.c
            session = self._uow.session
            for chunk in _chunks(list(keys)):
                statement = select(ids.key, ids.participant_id).where(ids.key.in_(chunk))
                held.update((row.key, row.participant_id) for row in await session.execute(statement))
            for found in _chunks(sorted(set(held.values()))):
                statement = select(people.id, people.owner_partner_id).where(people.id.in_(found))
                owners.update((row.id, row.owner_partner_id) for row in await session.execute(statement))
        return {key: (pid, owners[pid]) for key, pid in held.items() if pid in owners}

    async def sketches(self, birth_dates: Sequence[date], phones: Sequence[str]) -> RegistrySketches:
        if self._pg is not None:
            born_on = await self._pg.fetch(_PG_BORN_ON, list(birth_dates)) if birth_dates else []
            with_phone = await self._pg.fetch(_PG_WITH_PHONE, list(phones)) if phones else []
            return RegistrySketches(
                {day: NameBlock(ids, keys) for day, ids, keys in born_on},
                [(pid, PersonSketch(key, day, phone)) for pid, key, day, phone in with_phone],
            )
        c = tables.participants.c
        live = (c.erased_at.is_(None), c.merged_into_id.is_(None))
        session = self._uow.session
        days: dict[date, tuple[list[uuid.UUID], list[str]]] = {}
        for day_chunk in _chunks(list(birth_dates)):
            statement = select(c.birth_date, c.id, c.name_key).where(c.birth_date.in_(day_chunk), *live)
            for day, pid, key in await session.execute(statement):
                ids, keys = days.setdefault(day, ([], []))
                ids.append(pid)
                keys.append(key)
        sketches: list[tuple[uuid.UUID, PersonSketch]] = []
        for phone_chunk in _chunks(list(phones)):
            statement = select(c.id, c.name_key, c.birth_date, c.phone).where(c.phone.in_(phone_chunk), *live)
            sketches += [
                (row.id, PersonSketch(row.name_key, row.birth_date, row.phone))
                for row in await session.execute(statement)
            ]
        return RegistrySketches({day: NameBlock(*block) for day, block in days.items()}, sketches)

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
        consents = [consent for _, consent in created]
        keys = [{"key": key, "participant_id": p.id} for p in [*people, *updated] for key in identifier_keys(p)]
        try:
            if updated:
                await session.flush()  # the rectified records, audited by the unit of work
                ids = tables.participant_identifiers
                stale = [p.id for p in updated]
                await session.execute(delete(ids).where(ids.c.participant_id.in_(stale)))
            if people:
                await self._insert(tables.participants, map(vars, people))
                await self._insert(tables.consents, map(vars, consents))
                await self._insert(tables.audit_events, map(self._audit, people))
                aggregates: list[Aggregate] = [*people, *consents]
                await self._insert(
                    tables.outbox, (_outbox(item, event) for item in aggregates for event in item.pending_events())
                )
            await self._insert(tables.participant_identifiers, keys)
            await self._insert(tables.duplicate_candidates, map(vars, duplicates))
        except IntegrityError as error:
            translated = translate_integrity_error(error)
            if isinstance(translated, DuplicateParticipant):
                raise translated from error
            raise
        except Exception as error:
            if _identifier_taken(error):
                raise DuplicateParticipant(
                    "an identity document or external identifier is already registered"
                ) from error
            raise

    async def _insert(self, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        """One bulk insert of these rows (mapped entities are read through `vars`: every column is in their state)."""
        writer = _writer(table, self._dialect)
        records = [writer.record(values) for values in rows]
        if not records:
            return
        if self._pg is not None:
            await self._pg.copy_records_to_table(table.name, records=records, columns=writer.columns)
        else:
            await (await self._uow.session.connection()).exec_driver_sql(writer.statement, records)

    async def commit(self) -> None:
        await self._uow.commit()

    def _audit(self, participant: Participant) -> dict[str, Any]:
        """What the unit of work would record for a new participant: every value set, sensitive ones redacted."""
        state = vars(participant)
        changes = {
            name: {"before": None, "after": _json(value)}
            for name in _AUDITED_PUBLIC
            if (value := state.get(name)) is not None
        }
        changes.update((name, _REDACTED_CHANGE) for name in _AUDITED_SENSITIVE if state.get(name) is not None)
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


_AS_IS = frozenset({str, int, bool, float})
_AS_TEXT: dict[type, Callable[[Any], str]] = {uuid.UUID: str, date: date.isoformat, datetime: datetime.isoformat}


def _json(value: Any) -> Any:
    """`to_json_value` with the common cases first (it runs for every column of every imported person)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if (as_text := _AS_TEXT.get(kind)) is not None:
        return as_text(value)
    if isinstance(value, StrEnum):
        return value.value
    return to_json_value(value)


def _outbox(entity: Aggregate, event: DomainEvent) -> dict[str, Any]:
    return {
        "id": new_id(),
        "occurred_at": getattr(entity, "updated_at", None) or getattr(entity, "recorded_at", None),
        "event_type": event.name,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "payload": to_json_value(event.payload),
        "request_id": current_request_id.get(),
        "published_at": None,
    }
