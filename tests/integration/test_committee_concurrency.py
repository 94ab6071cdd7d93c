"""The committee under concurrent requests, on SQLite and PostgreSQL: one application per person whatever arrives at
once, and recusals at the same moment never hand an application twice to the same stand-in evaluator."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.calls import tables
from emprende.bootstrap import Container
from tests.api.calls_support import ASSIGNMENTS, CALLS, add_evaluator, applicant, apply, evaluators, grant, open_call
from tests.conftest import World


async def test_applications_sent_at_once_for_one_person_make_one(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    await grant(client, world, world.a.partner_id, "funding")
    call = await open_call(client, world.a.manager_headers)
    _, idea = await applicant(client, world.a.staff_headers)
    responses = await asyncio.gather(*(apply(client, world.a.staff_headers, call["id"], idea["id"]) for _ in range(12)))
    assert Counter(response.status_code for response in responses) == {201: 1, 409: 11}, [r.text for r in responses]
    assert {response.json()["code"] for response in responses if response.status_code == 409} == {"already_applied"}
    async with engine.connect() as connection:
        count = await connection.scalar(
            select(func.count())
            .select_from(tables.applications)
            .where(tables.applications.c.call_id == uuid.UUID(call["id"]))
        )
    assert count == 1


async def test_recusals_at_once_are_each_replaced_by_a_different_evaluator(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    """Two evaluators of one application recuse at the same moment; two stand-ins remain. Each recusal takes the
    call's lock, so the second sees the first's replacement: the application ends with two live assignments, to two
    different evaluators, never one assigned twice."""
    await grant(client, world, world.a.partner_id, "funding")
    call = await open_call(client, world.a.manager_headers)
    _, idea = await applicant(client, world.a.staff_headers)
    application = (await apply(client, world.a.staff_headers, call["id"], idea["id"])).json()["id"]
    panel = await evaluators(client, container, world, world.b.partner_id, 4)
    for account, _ in panel:
        await add_evaluator(client, world.a.manager_headers, call["id"], account.id)
    await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    assigned = []
    for _, headers in panel:
        items = (await client.get("/api/v1/me/review-assignments", headers=headers)).json()["items"]
        assigned += [(headers, item["id"]) for item in items]
    assert len(assigned) == 2
    declared = await asyncio.gather(
        *(
            client.post(
                f"{ASSIGNMENTS}/{assignment}/declaration",
                headers=headers,
                json={"conflict": True, "relation": "friendship"},
            )
            for headers, assignment in assigned
        )
    )
    assert {response.status_code for response in declared} == {200}, [r.text for r in declared]
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(tables.review_assignments.c.evaluator_id, tables.review_assignments.c.declaration).where(
                    tables.review_assignments.c.application_id == uuid.UUID(application)
                )
            )
        ).all()
    assert Counter(row.declaration for row in rows) == {"conflict": 2, "pending": 2}
    assert len({row.evaluator_id for row in rows}) == 4


async def test_the_database_refuses_an_evaluator_assigned_twice_to_one_application(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    await grant(client, world, world.a.partner_id, "funding")
    call = await open_call(client, world.a.manager_headers, quorum=1)
    _, idea = await applicant(client, world.a.staff_headers)
    await apply(client, world.a.staff_headers, call["id"], idea["id"])
    [(account, _)] = await evaluators(client, container, world, world.b.partner_id, 1)
    await add_evaluator(client, world.a.manager_headers, call["id"], account.id)
    await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    async with engine.connect() as connection:
        row = (await connection.execute(select(tables.review_assignments))).mappings().one()
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(tables.review_assignments.insert().values({**row, "id": uuid.uuid4()}))
