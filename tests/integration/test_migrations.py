"""Alembic migrations on both databases: up, down, up again, one revision at a time, and no drift from the tables."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.shared import migrations
from emprende.adapters.sql.shared.database import create_engine
from emprende.bootstrap import metadata
from tests.conftest import _create_postgres_database, _drop_postgres_database

pytestmark = pytest.mark.migrations

MODEL_TABLES = set(metadata.tables)


@pytest.fixture
async def fresh_engine(backend: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a brand-new, empty database of its own (migration tests are destructive)."""
    if backend == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}")
        try:
            yield engine
        finally:
            await engine.dispose()
        return
    name = f"emprende_migrations_{uuid.uuid4().hex[:12]}"
    engine = create_engine(await _create_postgres_database(name), pool_size=2)
    try:
        yield engine
    finally:
        await engine.dispose()
        await _drop_postgres_database(name)


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrations.alembic_config("sqlite://"))


def _revisions_oldest_first() -> list[str]:
    return [script.revision for script in reversed(list(_script().walk_revisions()))]


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def _indexes(engine: AsyncEngine) -> dict[str, set[str]]:
    def read(sync: object) -> dict[str, set[str]]:
        inspector = inspect(sync)
        return {
            table: {str(index["name"]) for index in inspector.get_indexes(table)}
            for table in inspector.get_table_names()
        }

    async with engine.connect() as connection:
        return await connection.run_sync(read)


def test_single_head() -> None:
    heads = _script().get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: merge them with `alembic merge`"


def test_every_revision_has_a_real_downgrade() -> None:
    for script in _script().walk_revisions():
        source = Path(str(script.path)).read_text(encoding="utf-8")
        downgrade = source.split("def downgrade()", 1)[1]
        assert "pass" not in downgrade.split("\n", 2)[1], f"{script.revision} has an empty downgrade"


async def test_upgrade_downgrade_upgrade(fresh_engine: AsyncEngine) -> None:
    head = _script().get_current_head()
    assert await migrations.current(fresh_engine) == ""
    assert await _tables(fresh_engine) == set()

    await migrations.upgrade(fresh_engine)
    assert await _tables(fresh_engine) == MODEL_TABLES | {"alembic_version"}
    assert (await migrations.current(fresh_engine)).startswith(str(head))
    first_indexes = await _indexes(fresh_engine)

    await migrations.downgrade(fresh_engine, "base")
    assert await _tables(fresh_engine) == {"alembic_version"}
    assert await migrations.current(fresh_engine) == ""

    await migrations.upgrade(fresh_engine)
    assert await _tables(fresh_engine) == MODEL_TABLES | {"alembic_version"}
    assert await _indexes(fresh_engine) == first_indexes
    assert await migrations.drift(fresh_engine) == []


async def test_stairway(fresh_engine: AsyncEngine) -> None:
    """Each revision upgrades, downgrades to its parent and upgrades again: downgrades really undo."""
    for script in (_script().get_revision(rev) for rev in _revisions_oldest_first()):
        assert script is not None
        await migrations.upgrade(fresh_engine, script.revision)
        before = await _indexes(fresh_engine)
        await migrations.downgrade(fresh_engine, str(script.down_revision or "base"))
        await migrations.upgrade(fresh_engine, script.revision)
        assert await _indexes(fresh_engine) == before, f"{script.revision} does not round-trip"
        assert (await migrations.current(fresh_engine)).startswith(script.revision)


async def test_models_match_migrations(fresh_engine: AsyncEngine) -> None:
    await migrations.upgrade(fresh_engine)
    differences = await migrations.drift(fresh_engine)
    assert differences == [], f"tables.py and the migrations disagree; add a revision:\n{differences}"
