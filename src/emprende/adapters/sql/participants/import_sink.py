"""Batch persistence for bulk imports: one query per batch for each lookup (`import_lookups`), one bulk write per table
and batch.

New people, their consents, identifier keys, duplicate pairs, audit rows and outbox events go in with one bulk write per
table and batch, never one ORM unit of work per row: `COPY` on PostgreSQL (through the unit of work's own asyncpg
connection, so inside its transaction), a driver-level executemany on SQLite. Values go through the columns' own
SQLAlchemy bind processing, so they are stored as the ORM stores them; two shortcuts give the same stored values for
less work: JSON text made by orjson on PostgreSQL (JSONB parses it), and SQLite's timestamp text formatted directly.
New people are plain records (`NewParticipant`, `NewConsent`), not mapped entities: the ORM never tracks them. On
PostgreSQL the server takes one table's COPY while the next table's rows are made. Updated people are ORM-loaded and
rectified, so the unit of work audits their changes as usual. Everything happens inside one `SqlAlchemyUnitOfWork`
transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from types import NoneType, TracebackType
from typing import Any, Protocol, Self

import orjson
from sqlalchemy import (
    JSON,
    Dialect,
    Table,
    TypeDecorator,
    delete,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.participants.import_lookups import AsyncpgConnection, BatchLookups, chunks
from emprende.adapters.sql.shared import schema
from emprende.adapters.sql.shared.types import UTCDateTime, as_utc
from emprende.adapters.sql.shared.unit_of_work import SqlAlchemyUnitOfWork, translate_integrity_error
from emprende.domain.audit.trail import REDACTED, AuditAction
from emprende.domain.participants.consent import NewConsent
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.participant import DuplicateParticipant, NewParticipant, Participant, identifier_keys
from emprende.domain.shared.events import DomainEvent
from emprende.domain.shared.ids import new_id
from emprende.services.imports.ports import RegistrySketches
from emprende.services.shared.context import current_request_id
from emprende.services.shared.principal import Scope

_YIELD_EVERY = 250  # rows made between two turns of the event loop while a COPY is under way
_UNAUDITED = frozenset({"version", "updated_at"})
_PARTICIPANT_COLUMNS = tuple(str(column.key) for column in participant_tables.participants.c)  # plain str: JSON keys
_AUDITED_PUBLIC = tuple(
    name for name in _PARTICIPANT_COLUMNS if name not in _UNAUDITED and name not in Participant.sensitive_fields
)
_AUDITED_SENSITIVE = tuple(name for name in _PARTICIPANT_COLUMNS if name in Participant.sensitive_fields)
_public_values = attrgetter(*_AUDITED_PUBLIC)
_sensitive_values = attrgetter(*_AUDITED_SENSITIVE)
_REDACTED_CHANGE = {"before": None, "after": REDACTED}  # only ever serialised
_IDENTIFIER_KEYS = ("pk_participant_identifiers", "uq_participant_identifiers_key")


class _Encode(Protocol):
    def __call__(self, value: Any, /) -> Any: ...


def _identifier_taken(error: Exception) -> bool:
    """A unique violation on the identifier keys, as asyncpg reports it (COPY runs below SQLAlchemy)."""
    return getattr(error, "sqlstate", None) == "23505" and getattr(error, "constraint_name", None) in _IDENTIFIER_KEYS


@dataclass(frozen=True, slots=True)
class _TableWriter:
    """How one table's rows go to the driver: column names, one value converter per column, the insert statement."""

    table: str
    columns: tuple[str, ...]
    encoders: tuple[tuple[int, _Encode], ...]  # (position, converter) of the columns that need one
    statement: str  # SQLite's INSERT with positional parameters (PostgreSQL uses COPY)
    attributes: Callable[[Any], tuple[Any, ...]]  # an object's attributes named like the columns, in column order

    def record(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return self._encoded([values[name] for name in self.columns])

    def record_of(self, item: object) -> tuple[Any, ...]:
        return self._encoded(list(self.attributes(item)))

    def _encoded(self, row: list[Any]) -> tuple[Any, ...]:
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
        value = as_utc(value)
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
    known[table.name] = writer = _TableWriter(table.name, columns, encoders, statement, attrgetter(*columns))
    return writer


class SqlImportSink:
    """An `ImportSink` over one unit of work (a read-only one for dry runs)."""

    overlaps_validation = False

    def __init__(self, uow: SqlAlchemyUnitOfWork, scope: Scope) -> None:
        self._uow = uow
        self._tenant = scope.tenant
        self._actor = scope.actor
        self._pg: AsyncpgConnection | None = None

    async def __aenter__(self) -> Self:
        await self._uow.__aenter__()
        session = self._uow.session
        self._dialect: Dialect = session.get_bind().dialect
        if self._dialect.name == "postgresql":
            # The tables grow faster than autovacuum analyses them during an import: with stale statistics the
            # planner scans a whole table for a batch's lookups. Every lookup here has an index. (This statement also
            # begins the transaction, which the driver-level statements below then share.)
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            # A partner's block lookup evaluates who it may see for each of a batch's people: the planner prices that
            # far above what the index-only scan and its hashed shares cost, and JIT-compiled it (seconds a batch).
            await session.execute(text("SET LOCAL jit = off"))
            connection = await (await session.connection()).get_raw_connection()
            driver: AsyncpgConnection | None = connection.driver_connection
            if driver is None or not driver.is_in_transaction():
                raise RuntimeError("the import sink needs the unit of work's asyncpg connection inside its transaction")
            self._pg = driver
            # asyncpg does its I/O on the event loop: the importer can validate the next rows while a batch is written.
            self.overlaps_validation = True
        self._lookups = BatchLookups(session, self._pg, self._tenant)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._pg = None
        await self._uow.__aexit__(exc_type, exc, tb)

    async def holders(self, keys: Sequence[str]) -> dict[str, tuple[uuid.UUID, uuid.UUID]]:
        return await self._lookups.holders(keys)

    async def sketches(self, birth_dates: Sequence[date], phones: Sequence[str]) -> RegistrySketches:
        return await self._lookups.sketches(birth_dates, phones)

    async def load(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Participant]:
        c = participant_tables.participants.c
        loaded: dict[uuid.UUID, Participant] = {}
        for chunk in chunks(list(participant_ids)):
            statement = select(Participant).where(c.id.in_(chunk), c.merged_into_id.is_(None))
            if self._tenant is not None:
                statement = statement.where(c.owner_partner_id == self._tenant)
            for participant in (await self._uow.session.execute(statement)).scalars():
                loaded[participant.id] = participant
        return loaded

    async def write(
        self,
        created: Sequence[tuple[NewParticipant, NewConsent]],
        updated: Sequence[Participant],
        duplicates: Sequence[DuplicateCandidate] | Awaitable[Sequence[DuplicateCandidate]],
    ) -> None:
        session = self._uow.session
        people = [person for person, _ in created]
        consents = [consent for _, consent in created]
        everyone: list[NewParticipant | Participant] = [*people, *updated]
        keys = [{"key": key, "participant_id": p.id} for p in everyone for key in identifier_keys(p)]
        try:
            if updated:
                await session.flush()  # the rectified records, audited by the unit of work
                ids = participant_tables.participant_identifiers
                stale = [p.id for p in updated]
                await session.execute(delete(ids).where(ids.c.participant_id.in_(stale)))
            await self._insert_in_turn(self._inserts(people, consents, keys, duplicates))
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

    async def _inserts(
        self,
        people: list[NewParticipant],
        consents: list[NewConsent],
        keys: list[dict[str, Any]],
        duplicates: Sequence[DuplicateCandidate] | Awaitable[Sequence[DuplicateCandidate]],
    ) -> AsyncGenerator[tuple[_TableWriter, Iterator[tuple[Any, ...]]]]:
        """Each table's rows as the driver takes them, made as they are read; the duplicate pairs last, awaited when
        they are still being worked out."""
        if people:
            yield self._records_of(participant_tables.participants, people)
            yield self._records_of(participant_tables.consents, consents)
            yield self._records(schema.audit_events, self._audits(people))
            events = [
                *((person.updated_at, person.registered_event()) for person in people),
                *((consent.recorded_at, consent.given_event()) for consent in consents),
            ]
            yield self._records(schema.outbox, (_outbox(at, event) for at, event in events))
        yield self._records(participant_tables.participant_identifiers, keys)
        pairs = duplicates if isinstance(duplicates, Sequence) else await duplicates
        # Mapped entities are read through `vars`: every column is in their state.
        yield self._records(participant_tables.duplicate_candidates, map(vars, pairs))

    def _records(
        self, table: Table, rows: Iterable[Mapping[str, Any]]
    ) -> tuple[_TableWriter, Iterator[tuple[Any, ...]]]:
        writer = _writer(table, self._dialect)
        return writer, map(writer.record, rows)

    def _records_of(self, table: Table, items: Iterable[object]) -> tuple[_TableWriter, Iterator[tuple[Any, ...]]]:
        """Rows of records that carry every column as an attribute of the same name."""
        writer = _writer(table, self._dialect)
        return writer, map(writer.record_of, items)

    async def _insert_in_turn(self, inserts: AsyncGenerator[tuple[_TableWriter, Iterator[tuple[Any, ...]]]]) -> None:
        """One bulk insert per table, in order. On PostgreSQL the server takes a table's COPY while the next table's
        rows are made: making them gives the event loop a turn every few hundred rows, so that the COPY goes on."""
        in_flight: asyncio.Task[str] | None = None
        try:
            async with contextlib.aclosing(inserts) as tables_rows:
                async for writer, rows in tables_rows:
                    records: list[tuple[Any, ...]] = []
                    for record in rows:
                        records.append(record)
                        if in_flight is not None and len(records) % _YIELD_EVERY == 0:
                            await asyncio.sleep(0)
                    if in_flight is not None:
                        previous, in_flight = in_flight, None
                        await previous
                    if self._pg is not None and records:
                        copy = self._pg.copy_records_to_table(writer.table, records=records, columns=writer.columns)
                        in_flight = asyncio.create_task(copy)
                    elif records:
                        await (await self._uow.session.connection()).exec_driver_sql(writer.statement, records)
            if in_flight is not None:
                previous, in_flight = in_flight, None
                await previous
        finally:
            if in_flight is not None:  # making rows failed: stop the COPY under way (the transaction is lost anyway)
                in_flight.cancel()
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await in_flight

    async def commit(self) -> None:
        await self._uow.commit()

    def _audits(self, people: Iterable[NewParticipant]) -> Iterator[dict[str, Any]]:
        """What the unit of work would record for each new participant: every value set, sensitive ones redacted."""
        # The people of a batch share many values (owner, clock reading, enumeration members): a column's value that
        # is the very object the previous person had there reuses its rendering (changes are only ever serialised).
        previous: list[tuple[Any, dict[str, Any]]] = [(None, {})] * len(_AUDITED_PUBLIC)
        actor_type, actor_id = self._actor.type.value, self._actor.id
        for participant in people:
            changes: dict[str, dict[str, Any]] = {}
            for index, value in enumerate(_public_values(participant)):
                if value is None:
                    continue
                seen, change = previous[index]
                if value is not seen:
                    change = {"before": None, "after": _json(value)}
                    previous[index] = (value, change)
                changes[_AUDITED_PUBLIC[index]] = change
            changes.update(
                (name, _REDACTED_CHANGE)
                for name, value in zip(_AUDITED_SENSITIVE, _sensitive_values(participant), strict=True)
                if value is not None
            )
            yield {
                "id": new_id(),
                "occurred_at": participant.registered_at,
                "actor_type": actor_type,
                "actor_id": actor_id,
                "action": AuditAction.CREATE.value,
                "entity_type": "participant",
                "entity_id": str(participant.id),
                "changes": changes,
                "request_id": current_request_id.get(),
            }


_Convert = Callable[[Any], Any]
_JSON_CONVERT: dict[type, _Convert | None] = {str: None, int: None, uuid.UUID: str, datetime: datetime.isoformat}


def _json(value: Any) -> Any:
    """`to_json_value`, rendered the same, with one lookup by type (it runs for every value of every imported row)."""
    kind = type(value)
    try:
        convert = _JSON_CONVERT[kind]
    except KeyError:
        convert = _JSON_CONVERT.setdefault(kind, _converter(kind))
    return value if convert is None else convert(value)


def _converter(kind: type) -> _Convert | None:
    """How `to_json_value` renders a value of this type (None: as it is); each of its branches tests the type only."""
    if issubclass(kind, Enum):  # to_json_value keeps a str or int enumeration member, which renders as its value
        return attrgetter("value")
    if issubclass(kind, bool | int | float | str | NoneType):
        return None
    if issubclass(kind, uuid.UUID | Decimal):
        return str
    if issubclass(kind, datetime | date):
        return kind.isoformat
    if issubclass(kind, list | tuple | set | frozenset):
        return _json_list
    if issubclass(kind, dict):
        return _json_dict
    return str


def _json_list(values: Iterable[Any]) -> list[Any]:
    return [_json(value) for value in values]


def _json_dict(values: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(key): _json(value) for key, value in values.items()}


def _outbox(occurred_at: datetime, event: DomainEvent) -> dict[str, Any]:
    return {
        "id": new_id(),
        "occurred_at": occurred_at,
        "event_type": event.name,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "payload": _json_dict(event.payload),
        "request_id": current_request_id.get(),
        "published_at": None,
    }
