"""The embedded SQLite database: WAL, busy timeout, foreign keys, and writers that queue instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.shared import migrations
from emprende.adapters.sql.shared.database import create_engine, write_engine
from emprende.bootstrap import Container, build_container
from emprende.bootstrap.identity import IdentityWiring
from emprende.domain.identity.user import Role, User
from emprende.services.identity.ports import UserFilters
from emprende.services.shared.principal import SYSTEM
from tests.conftest import make_settings


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'emprende.db'}", sqlite_busy_timeout_ms=5000)
    await migrations.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_container(sqlite_engine: AsyncEngine, tmp_path: Path) -> Container:
    return build_container(make_settings(str(sqlite_engine.url), tmp_path), engine=sqlite_engine)


@pytest.fixture
def statements(sqlite_engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement sent to the driver, in order."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.strip())

    event.listen(sqlite_engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(sqlite_engine.sync_engine, "before_cursor_execute", record)


def _user(email: str) -> User:
    return User(
        email=email,
        full_name="Wilson Cedeño",
        password_hash="not-a-hash",
        role=Role.ADMIN,
        now=datetime.now(UTC),
    )


async def _pragma(engine: AsyncEngine, name: str) -> object:
    async with engine.connect() as connection:
        return (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()


async def test_the_database_file_and_its_directory_are_created(tmp_path: Path, sqlite_engine: AsyncEngine) -> None:
    assert (tmp_path / "data" / "emprende.db").is_file()


async def test_pragmas(sqlite_engine: AsyncEngine) -> None:
    assert await _pragma(sqlite_engine, "journal_mode") == "wal"
    assert await _pragma(sqlite_engine, "foreign_keys") == 1
    assert await _pragma(sqlite_engine, "busy_timeout") == 5000
    assert await _pragma(sqlite_engine, "synchronous") == 1  # NORMAL: safe with WAL, much faster


async def test_busy_timeout_follows_the_setting(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}", sqlite_busy_timeout_ms=1234)
    try:
        assert await _pragma(engine, "busy_timeout") == 1234
    finally:
        await engine.dispose()


async def test_foreign_keys_are_enforced(sqlite_engine: AsyncEngine) -> None:
    from sqlalchemy.exc import IntegrityError

    async with sqlite_engine.connect() as connection:
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            await connection.execute(
                text(
                    "INSERT INTO login_sessions (id, user_id, current_token_id, created_at, expires_at) "
                    "VALUES (x'00', x'01', x'02', '2026-01-01 00:00:00', '2026-01-02 00:00:00')"
                )
            )


async def test_writers_begin_immediate_and_readers_do_not(sqlite_engine: AsyncEngine, statements: list[str]) -> None:
    async with write_engine(sqlite_engine).begin() as connection:
        await connection.execute(text("SELECT 1"))
    assert statements[0] == "BEGIN IMMEDIATE"

    statements.clear()
    async with sqlite_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    assert statements[0] == "BEGIN"


async def test_the_unit_of_work_writes_in_immediate_transactions(
    sqlite_container: Container, statements: list[str]
) -> None:
    async with sqlite_container.uow(SYSTEM) as uow:
        uow.users.add(_user("diana@emprende.test"))
        await uow.commit()
    assert statements[0] == "BEGIN IMMEDIATE"
    assert [statement for statement in statements if statement.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]


async def test_concurrent_writers_queue_instead_of_failing(
    sqlite_container: Container, sqlite_engine: AsyncEngine
) -> None:
    """Two units of work that read then write at the same time: with a plain BEGIN one of them would get
    "database is locked" when upgrading its read lock; with BEGIN IMMEDIATE the second waits for the first."""
    second_is_waiting = asyncio.Event()
    begins = 0

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal begins
        if statement.startswith("BEGIN"):
            begins += 1
            if begins == 2:
                second_is_waiting.set()

    event.listen(sqlite_engine.sync_engine, "before_cursor_execute", watch)
    try:

        async def register(email: str, hold: asyncio.Event | None = None) -> None:
            async with sqlite_container.uow(SYSTEM) as uow:
                if await uow.users.get_by_email(email) is None:
                    if hold is not None:
                        await hold.wait()  # keep the write lock until the other writer is queued behind it
                    uow.users.add(_user(email))
                await uow.commit()

        first = asyncio.create_task(register("primera@emprende.test", hold=second_is_waiting))
        second = asyncio.create_task(register("segunda@emprende.test"))
        await asyncio.wait_for(asyncio.gather(first, second), timeout=30)
    finally:
        event.remove(sqlite_engine.sync_engine, "before_cursor_execute", watch)

    async with sqlite_container.uow(SYSTEM) as uow:
        assert await uow.users.count() == 2


async def test_many_concurrent_writers_all_succeed(sqlite_container: Container) -> None:
    async def register(index: int) -> None:
        async with sqlite_container.uow(SYSTEM) as uow:
            if await uow.users.get_by_email(f"persona{index}@emprende.test") is None:
                uow.users.add(_user(f"persona{index}@emprende.test"))
            await uow.commit()

    await asyncio.wait_for(asyncio.gather(*(register(i) for i in range(8))), timeout=30)
    async with sqlite_container.uow(SYSTEM) as uow:
        assert await uow.users.count() == 8


async def test_reads_do_not_wait_for_a_writer(sqlite_container: Container, tmp_path: Path) -> None:
    """While a writer holds the write lock, readers (WAL) answer at once and see the last committed state."""
    impatient = create_engine(str(sqlite_container.engine.url), sqlite_busy_timeout_ms=0)
    try:
        async with sqlite_container.uow(SYSTEM) as uow:
            uow.users.add(_user("pendiente@emprende.test"))
            await uow.session.flush()  # holds the write lock with an uncommitted row

            async with impatient.connect() as connection:
                count = (await connection.execute(text("SELECT count(*) FROM users"))).scalar_one()
            assert count == 0
            rows = await sqlite_container.area(IdentityWiring).users.list_users(None, UserFilters(), None, 10)
            assert list(rows) == []
            await uow.commit()
        async with impatient.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM users"))).scalar_one() == 1
    finally:
        await impatient.dispose()
