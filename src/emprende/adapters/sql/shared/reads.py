"""Read side: statements built once, selecting exactly the columns they return, on short read-only connections."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Dialect, Select
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from emprende.adapters.sql.shared.types import UTCDateTime

# Values asyncpg already returns as the read side uses them: enums stored as strings stay strings (the read side takes
# a member or its value alike), and timestamps with time zone come back aware, in UTC.
_DRIVER_NATIVE = (SqlEnum, UTCDateTime)


class PreparedRead:
    """A read statement built once, with its bound parameters named. On PostgreSQL it is compiled once to the
    driver's SQL and runs on the asyncpg connection itself (SQLAlchemy's pool, no statement compilation, cache-key
    generation or result wrapping per call); elsewhere it runs through SQLAlchemy Core. Rows come back as dicts of
    column key to value, converted by the same result processors SQLAlchemy would apply. A `generic` read runs on
    the pool whose sessions keep PostgreSQL's generic plan (see `create_generic_plan_engine`)."""

    __slots__ = ("_defaults", "_keys", "_names", "_processors", "generic", "sql", "statement")

    def __init__(self, statement: Select[Any], dialect: Dialect, *, generic: bool = False) -> None:
        self.statement = statement
        self.generic = generic
        self.sql: str | None = None
        self._names: tuple[str, ...] = ()
        self._defaults: dict[str, Any] = {}
        self._keys: tuple[str, ...] = ()
        self._processors: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
        if dialect.name == "postgresql" and dialect.driver == "asyncpg":
            compiled = statement.compile(dialect=dialect)
            self.sql = compiled.string
            self._names = tuple(str(name) for name in compiled.positiontup or ())
            self._defaults = dict(compiled.params)
            columns = list(statement.selected_columns)
            self._keys = tuple(str(column.key) for column in columns)
            processors = []
            for index, column in enumerate(columns):
                if isinstance(column.type, _DRIVER_NATIVE):
                    continue
                processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if processor is not None:
                    processors.append((index, processor))
            self._processors = tuple(processors)

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        defaults = self._defaults
        return [parameters[name] if name in parameters else defaults[name] for name in self._names]

    def as_dict(self, record: Sequence[Any]) -> dict[str, Any]:
        return dict(zip(self._keys, self.values(record), strict=True))

    def values(self, record: Sequence[Any]) -> Sequence[Any]:
        """The row's values in select order, as SQLAlchemy would return them."""
        if not self._processors:
            return record
        values = list(record)
        for index, processor in self._processors:
            values[index] = processor(values[index])
        return values


class ReadConnections:
    """Read-only connections: autocommit on PostgreSQL (no BEGIN/COMMIT round trips). Reads prepared as `generic`
    run on `generic_engine`'s pool when there is one."""

    def __init__(self, engine: AsyncEngine, generic_engine: AsyncEngine | None = None) -> None:
        self._engine = engine
        self._generic_engine = generic_engine or engine
        self.postgresql = engine.dialect.name == "postgresql"

    def prepare(self, statement: Select[Any], *, generic: bool = False) -> PreparedRead:
        """Compile a hot read once for this engine (see `PreparedRead`)."""
        return PreparedRead(statement, self._engine.dialect, generic=generic)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self._engine.connect() as connection:
            if self.postgresql:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    async def first(self, prepared: PreparedRead, parameters: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row of a prepared read, as a dict, or None."""
        if prepared.sql is None:
            async with self.connect() as connection:
                row = (await connection.execute(prepared.statement, parameters)).first()
            return None if row is None else row._asdict()
        async with self._driver_connection(prepared) as driver:
            record = await driver.fetchrow(prepared.sql, *prepared.arguments(parameters))
        return None if record is None else prepared.as_dict(record)

    async def all(self, prepared: PreparedRead, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every row of a prepared read, as dicts."""
        if prepared.sql is None:
            async with self.connect() as connection:
                rows = (await connection.execute(prepared.statement, parameters)).all()
            return [row._asdict() for row in rows]
        async with self._driver_connection(prepared) as driver:
            records = await driver.fetch(prepared.sql, *prepared.arguments(parameters))
        return [prepared.as_dict(record) for record in records]

    async def rows(self, prepared: PreparedRead, parameters: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Every row of a prepared read, as values in select order (no dict per row, for the reads that return many)."""
        if prepared.sql is None:
            async with self.connect() as connection:
                return list((await connection.execute(prepared.statement, parameters)).all())
        async with self._driver_connection(prepared) as driver:
            records = await driver.fetch(prepared.sql, *prepared.arguments(parameters))
        values = prepared.values
        return [values(record) for record in records]

    @asynccontextmanager
    async def _driver_connection(self, prepared: PreparedRead) -> AsyncIterator[Any]:
        # A statement on the driver connection outside any transaction runs in autocommit; the pool's reset on return
        # has no transaction to roll back. A connection the driver found broken is thrown away, not pooled again.
        engine = self._generic_engine if prepared.generic else self._engine
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            try:
                yield driver
            except BaseException:
                if driver.is_closed():
                    await connection.invalidate()
                raise
