"""The SQLAlchemy unit of work: one transaction per use case, audit trail and outbox written with the change."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from types import TracebackType
from typing import Any, ClassVar, Self

from asyncpg.exceptions import UniqueViolationError
from sqlalchemy import Dialect, Insert, Table, event, insert, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapper, Session, UOWTransaction
from sqlalchemy.orm.exc import StaleDataError

from emprende.adapters.sql.shared import schema
from emprende.adapters.sql.shared.repository import NewRows, NewRowTable, SqlArea, areas_of
from emprende.domain.audit.trail import REDACTED, Actor, AuditAction
from emprende.domain.shared.errors import DomainError, PreconditionFailed
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id
from emprende.services.shared.context import current_request_id
from emprende.services.shared.ports import Clock
from emprende.services.shared.principal import Scope

# Bookkeeping columns whose change tells an auditor nothing.
_UNAUDITED_FIELDS = frozenset({"version", "updated_at", "last_used_at"})
_PENDING_KEY = "emprende_audit"
_EVENTS_KEY = "emprende_events"
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)$")


_UNIQUE_VIOLATIONS: dict[str, Callable[[], DomainError]] = {}
"""Unique constraint name -> the domain error it means, from every area a unit of work class offers."""
_AUDITED_NAMES: dict[type, str] = {}
"""Entity class -> the name the audit trail uses for it, from every area a unit of work class offers."""


def translate_integrity_error(error: IntegrityError | UniqueViolationError) -> DomainError | None:
    """Map a violated constraint, by its conventional name, to the domain error its area registered for it (a
    concurrent writer won a race the use case had checked for); None when it is a plain bug."""
    if isinstance(error, UniqueViolationError):  # raised by the driver itself (`_Inserts`)
        name: object = error.constraint_name or ""
    else:
        name = getattr(getattr(error.orig, "__cause__", None), "constraint_name", None)  # asyncpg
        if name is None and (match := _SQLITE_UNIQUE.search(str(error.orig).strip())):
            name = f"uq_{match.group(1)}_{match.group(2)}"  # SQLite names columns, not constraints
    make = _UNIQUE_VIOLATIONS.get(name) if isinstance(name, str) else None
    return None if make is None else make()


def to_json_value(value: Any) -> Any:
    """A JSON-friendly rendering of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    return str(value)


_BindProcessor = Callable[[Any], Any]
_Changes = dict[str, dict[str, Any]]
"""An audit row's `changes`: field name -> {"before": …, "after": …}, sensitive values redacted."""


@dataclass(frozen=True, slots=True)
class _Change:
    action: AuditAction
    entity_type: str
    entity_id: str
    changes: _Changes


class AuditingSession(Session):
    """A session that notes, before each flush, what each audited entity is about to change."""


@dataclass(frozen=True, slots=True)
class _AuditedColumns:
    """What the audit trail records of one entity class, worked out once per class."""

    entity_type: str
    names: tuple[str, ...]
    """Mapped column attributes, bookkeeping ones left out."""
    sensitive: frozenset[str]


_AUDITED_COLUMNS: dict[type, _AuditedColumns | None] = {}


def _audited_columns(cls: type) -> _AuditedColumns | None:
    if cls in _AUDITED_COLUMNS:
        return _AUDITED_COLUMNS[cls]
    audited = None
    entity_type = _AUDITED_NAMES.get(cls)
    if entity_type is not None:
        mapper: Mapper[Any] = inspect(cls)
        names = tuple(attr.key for attr in mapper.column_attrs if attr.key not in _UNAUDITED_FIELDS)
        audited = _AuditedColumns(entity_type, names, frozenset(getattr(cls, "sensitive_fields", frozenset())))
    _AUDITED_COLUMNS[cls] = audited
    return audited


def _created(obj: object, audited: _AuditedColumns) -> _Changes:
    """Every value a new entity is created with; sensitive ones redacted."""
    state = vars(obj)  # every mapped attribute is set by the entities' constructors: read past the instrumentation
    changes: _Changes = {}
    for name in audited.names:
        value = state[name] if name in state else getattr(obj, name, None)
        if value is not None:
            changes[name] = {"before": None, "after": REDACTED if name in audited.sensitive else to_json_value(value)}
    return changes


def _updated(obj: object, audited: _AuditedColumns) -> _Changes:
    """The values an entity's flush changes, before and after; sensitive ones redacted."""
    attrs = inspect(obj).attrs
    changes: _Changes = {}
    for name in audited.names:
        history = attrs[name].history
        if history.added or history.deleted:
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                if name in audited.sensitive:
                    changes[name] = {
                        "before": None if before is None else REDACTED,
                        "after": None if after is None else REDACTED,
                    }
                else:
                    changes[name] = {"before": to_json_value(before), "after": to_json_value(after)}
    return changes


@event.listens_for(AuditingSession, "before_flush")
def _collect_changes(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    pending: list[_Change] = session.info.setdefault(_PENDING_KEY, [])
    # Events leave their aggregates here: once flushed, an aggregate nothing else refers to may leave the session's
    # (weak) identity map before the commit writes the outbox.
    events: list[DomainEvent] = session.info.setdefault(_EVENTS_KEY, [])
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Aggregate):
            events += obj.pull_events()
    for action, objects in (
        (AuditAction.CREATE, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, session.deleted),
    ):
        for obj in objects:
            audited = _audited_columns(type(obj))
            if audited is None:
                continue
            if action is AuditAction.UPDATE and not session.is_modified(obj, include_collections=False):
                continue
            if action is AuditAction.CREATE:
                changes = _created(obj, audited)
            elif action is AuditAction.UPDATE:
                changes = _updated(obj, audited)
                if not changes:
                    continue
            else:
                changes = {}
            pending.append(_Change(action, audited.entity_type, str(getattr(obj, "id", "")), changes))


@cache
def _columns(table: Table) -> tuple[str, ...]:
    return tuple(column.key for column in table.c)


@cache
def _core_insert(table: Table) -> Insert:
    return insert(table)


@cache
def _driver_insert(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[tuple[str, _BindProcessor | None], ...]]:
    """The INSERT of these columns as the driver runs it, and the bind processor of each of its parameters
    (SQLAlchemy's own: enums to their values, JSON to text, timestamps to UTC…), compiled once per dialect."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    binds = tuple(
        (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in compiled.positiontup or ()
    )
    return compiled.string, binds


class _Inserts:
    """Whole-row INSERTs of what the unit of work writes itself: new people, their identifier keys, consents and
    duplicate pairs, the audit trail and the outbox.

    On PostgreSQL, once the transaction has begun, they run on the asyncpg connection of the session itself: compiled
    once, with SQLAlchemy's bind processors, but without the per-statement compilation lookup, cache key, cursor and
    result objects that make up most of the CPU a small INSERT costs through Core. Elsewhere, or to begin the
    transaction, they run through Core."""

    def __init__(self, connection: AsyncConnection, driver: Any) -> None:
        self._connection = connection
        self._driver = driver

    @classmethod
    async def open(cls, session: AsyncSession) -> _Inserts:
        connection = await session.connection()
        driver = None
        if connection.dialect.driver == "asyncpg":
            driver = (await connection.get_raw_connection()).driver_connection
        return cls(connection, driver)

    async def __call__(self, table: Table, rows: list[dict[str, Any]]) -> None:
        driver = self._driver
        if driver is None or not driver.is_in_transaction():
            await self._connection.execute(_core_insert(table), rows)
            return
        sql, binds = _driver_insert(table, tuple(rows[0]), self._connection.dialect)  # rows of a batch share keys
        arguments = [[row[name] if process is None else process(row[name]) for name, process in binds] for row in rows]
        if len(arguments) == 1:
            await driver.execute(sql, *arguments[0])
        else:
            await driver.executemany(sql, arguments)


def _row(entity: object, columns: tuple[str, ...]) -> dict[str, Any]:
    state = vars(entity)  # as in `_created`
    return {name: state[name] if name in state else getattr(entity, name, None) for name in columns}


def build_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, sync_session_class=AuditingSession)


class SqlAlchemyUnitOfWork:
    """Rolls back unless `commit()` is called; a commit writes the audit trail and outbox in the same transaction.

    This is the core: it offers no repository. The application's unit of work is a subclass that lists, among its
    bases, the repositories of every area (`AreaRepositories` mixins); defining it registers those areas' audited
    entities, unique constraints and new-row tables."""

    _new_row_tables: ClassVar[tuple[NewRowTable, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        areas = cls.areas()
        cls._new_row_tables = tuple(table for area in areas for table in area.new_rows)
        for area in areas:
            _UNIQUE_VIOLATIONS.update(area.unique_violations)
            _AUDITED_NAMES.update(area.audited)

    @classmethod
    def areas(cls) -> tuple[SqlArea, ...]:
        """The areas whose repositories this unit of work offers."""
        return areas_of(cls)

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        scope: Scope,
        *,
        read_only: bool = False,
    ) -> None:
        self._session_factory = session_factory
        self._read_only = read_only
        self._clock = clock
        self.tenant = scope.tenant
        self._actor = scope.actor

    def act_as(self, actor: Actor) -> None:
        self._actor = actor

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        self.new_rows = NewRows()
        self.__dict__.pop("_repositories", None)  # built again, on first use, for this session
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Detach first: a rollback would expire what the use case loaded and is about to return.
        self.session.expunge_all()
        await self.rollback()
        await self.session.close()

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        created = list(self.new_rows.entities)
        inserts = None
        try:
            # Constraint violations surface here, before anything is recorded.
            await self.session.flush()
            if created:
                inserts = await _Inserts.open(self.session)
                await self._insert_new_rows(inserts)
        except (IntegrityError, UniqueViolationError) as error:
            # Two writers raced past the use case's own check: answer as the check would have.
            translated = translate_integrity_error(error)
            if translated is None:
                raise
            raise translated from error
        except StaleDataError as error:
            raise PreconditionFailed("the object changed concurrently; read it again and retry") from error
        await self._write_audit_and_outbox(created, inserts)
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
        self.session.info.pop(_PENDING_KEY, None)
        self.session.info.pop(_EVENTS_KEY, None)
        self.new_rows.clear()

    async def _insert_new_rows(self, inserts: _Inserts) -> None:
        """Insert what the repositories were handed as new (`NewRows`): one statement per table, parents first."""
        new_rows = self.new_rows
        for new_table in self._new_row_tables:
            table, cls = new_table.table, new_table.entity
            if cls is None:
                rows = new_rows.rows_of(table)
            else:
                columns = _columns(table)
                rows = [_row(entity, columns) for entity in new_rows.entities if type(entity) is cls]
            if rows:
                await inserts(table, rows)
        new_rows.clear()

    async def _write_audit_and_outbox(self, created: list[object], inserts: _Inserts | None) -> None:
        now = self._clock.now()
        request_id = current_request_id.get()
        changes: list[_Change] = self.session.info.pop(_PENDING_KEY, [])
        events: list[DomainEvent] = self.session.info.pop(_EVENTS_KEY, [])
        for obj in [*self.session.identity_map.values(), *created]:
            if isinstance(obj, Aggregate):
                events += obj.pull_events()
        events.sort(key=lambda event: event.sequence)  # the order they were recorded in
        for entity in created:
            audited = _audited_columns(type(entity))
            if audited is not None:
                changes.append(
                    _Change(
                        AuditAction.CREATE,
                        audited.entity_type,
                        str(getattr(entity, "id", "")),
                        _created(entity, audited),
                    )
                )
        audit_rows = [
            {
                "id": new_id(),
                "occurred_at": now,
                "actor_type": self._actor.type.value,
                "actor_id": self._actor.id,
                "action": change.action.value,
                "entity_type": change.entity_type,
                "entity_id": change.entity_id,
                "changes": change.changes,
                "request_id": request_id,
            }
            for change in changes
        ]
        outbox_rows = [
            {
                "id": new_id(),
                "occurred_at": now,
                "event_type": domain_event.name,
                "aggregate_type": domain_event.aggregate_type,
                "aggregate_id": domain_event.aggregate_id,
                "payload": to_json_value(domain_event.payload),
                "request_id": request_id,
            }
            for domain_event in events
        ]
        if not audit_rows and not outbox_rows:
            return
        if inserts is None:
            inserts = await _Inserts.open(self.session)
        if audit_rows:
            await inserts(schema.audit_events, audit_rows)
        if outbox_rows:
            await inserts(schema.outbox, outbox_rows)
