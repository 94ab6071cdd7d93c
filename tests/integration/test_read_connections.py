"""Hot reads: which pool a prepared read runs on, and which participant pages keep a generic plan."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.participants.queries import SqlParticipantQueries, _Shape
from emprende.adapters.sql.shared.database import create_generic_plan_engine
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.services.participants.ports import ParticipantSort

_PLAN_MODE = select(func.current_setting("plan_cache_mode").label("mode"))


async def test_generic_reads_run_on_the_generic_plan_pool(
    engine: AsyncEngine, generic_engine: AsyncEngine | None
) -> None:
    if engine.dialect.name != "postgresql":
        # SQLite keeps no plans between statements: there is no such pool, and every read runs on the one engine.
        assert generic_engine is None
        assert create_generic_plan_engine(engine, pool_size=1) is None
        return
    assert generic_engine is not None
    reads = ReadConnections(engine, generic_engine)
    assert await reads.first(reads.prepare(_PLAN_MODE, generic=True), {}) == {"mode": "force_generic_plan"}
    assert await reads.first(reads.prepare(_PLAN_MODE), {}) == {"mode": "auto"}


async def test_without_a_generic_pool_every_read_runs_on_the_engine(engine: AsyncEngine) -> None:
    reads = ReadConnections(engine)
    row = await reads.first(reads.prepare(select(func.count().label("n")), generic=True), {})
    assert row == {"n": 1}
    if engine.dialect.name == "postgresql":
        assert await reads.first(reads.prepare(_PLAN_MODE, generic=True), {}) == {"mode": "auto"}


_FIRST_PAGE = _Shape(
    sort=ParticipantSort.REGISTERED_AT,
    sensitive=False,
    scoped=True,
    keyset=False,
    equals=(),
    ranges=(),
    words=0,
    identifier=False,
)


def _shape(**changes: Any) -> _Shape:
    return replace(_FIRST_PAGE, **changes)


@pytest.mark.parametrize(
    ("shape", "generic"),
    [
        (_shape(), True),
        (_shape(sort=ParticipantSort.NAME), True),
        (_shape(keyset=True, sensitive=True), True),
        (_shape(equals=("population_group",)), True),
        (_shape(equals=("population_group",), keyset=True), True),
        # Served by no index in that order: how many rows a group costs depends on the group.
        (_shape(equals=("population_group",), sort=ParticipantSort.NAME), False),
        # Values that may be rare or common: PostgreSQL plans each page for its values.
        (_shape(equals=("nationality",)), False),
        (_shape(equals=("population_group", "sex")), False),
        (_shape(ranges=("born_after",)), False),
        (_shape(words=1), False),
        (_shape(identifier=True), False),
        # Across every partner (no ordered index range per partner to stop in).
        (_shape(scoped=False), False),
    ],
)
async def test_which_pages_keep_a_generic_plan(engine: AsyncEngine, shape: _Shape, generic: bool) -> None:
    queries = SqlParticipantQueries(ReadConnections(engine))
    assert queries._list_statement(shape).generic is generic
