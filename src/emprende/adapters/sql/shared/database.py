"""Engine construction for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

WRITE_OPTION = "emprende_write"


def create_engine(url: str, *, pool_size: int = 32, sqlite_busy_timeout_ms: int = 5000) -> AsyncEngine:
    """An async engine tuned for the backend: SQLite gets WAL, busy timeout, foreign keys and BEGIN IMMEDIATE."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            connect_args={"timeout": sqlite_busy_timeout_ms / 1000},
            # WAL lets every reader run beside the one writer: size the pool like PostgreSQL's.
            pool_size=pool_size,
            max_overflow=pool_size // 2,
        )
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size // 2,
        pool_pre_ping=False,
        pool_recycle=1800,
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
    )


def create_generic_plan_engine(engine: AsyncEngine, *, pool_size: int) -> AsyncEngine | None:
    """A second, small pool on the same PostgreSQL database whose sessions run prepared statements on their cached
    generic plan (`plan_cache_mode = force_generic_plan`) instead of planning them afresh for every execution. Only
    for reads whose best plan does not depend on their parameters' values (an ordered index range that stops after a
    page): planning a page afresh costs more than running it. None for other databases."""
    if engine.dialect.name != "postgresql":
        return None
    return create_async_engine(
        engine.url,
        pool_size=pool_size,
        max_overflow=0,
        pool_pre_ping=False,
        pool_recycle=1800,
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
        connect_args={"server_settings": {"plan_cache_mode": "force_generic_plan"}},
    )


def _json_text(value: Any) -> str:
    """JSON for the driver: orjson (several times faster than the standard library both ways), as text. Keys that are
    not plain `str` (column names are a `str` subclass) are written as strings, as the standard library does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the driver so that BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front, so two writers never deadlock upgrading a read lock.
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def write_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same pool, marked so that transactions on it begin as writers."""
    return engine.execution_options(**{WRITE_OPTION: True})
