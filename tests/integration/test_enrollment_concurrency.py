"""Seats under concurrent requests, on SQLite and PostgreSQL: 200 people enrolling at once into 30 seats, then 10
withdrawals at once. The cohort's lock orders the requests; the database's own constraints (seats within capacity,
one enrolment per person, one place per queue number) hold whatever the application does."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.training import tables
from emprende.bootstrap import Container
from tests.api.training_support import COHORTS, enroll, grant_authoring, open_cohort, published_module, seed_trainees
from tests.conftest import World


async def test_two_hundred_enrol_at_once_into_thirty_seats_and_ten_withdraw_at_once(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    cohort = await open_cohort(client, world.a.manager_headers, module_id, capacity=30)
    people = await seed_trainees(container, world.a.partner_id, 200)
    headers = world.a.staff_headers

    responses = await asyncio.gather(*(enroll(client, headers, cohort["id"], person) for person in people))
    assert {response.status_code for response in responses} == {201}, [r.text for r in responses if r.is_error][:3]
    answers = [response.json() for response in responses]
    assert Counter(answer["status"] for answer in answers) == {"enrolled": 30, "waitlisted": 170}
    waiting = sorted((a for a in answers if a["status"] == "waitlisted"), key=lambda a: a["queue_number"])
    # The queue has no gap and no number twice: 1..170, each person's position as the request saw it.
    assert [a["queue_number"] for a in waiting] == list(range(1, 171))
    assert [a["queue_position"] for a in waiting] == list(range(1, 171))

    url = f"{COHORTS}/{cohort['id']}/enrollments"
    leaving = [a["id"] for a in answers if a["status"] == "enrolled"][:10]
    withdrawn = await asyncio.gather(*(client.post(f"{url}/{eid}/withdrawal", headers=headers) for eid in leaving))
    assert {response.status_code for response in withdrawn} == {200}

    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(tables.enrollments.c.status, tables.enrollments.c.queue_number).where(
                    tables.enrollments.c.cohort_id == uuid.UUID(cohort["id"])
                )
            )
        ).all()
        seats = await connection.scalar(
            select(tables.cohorts.c.seats_taken).where(tables.cohorts.c.id == uuid.UUID(cohort["id"]))
        )
    offered = sorted(row.queue_number for row in rows if row.status == "offered")
    assert offered == list(range(1, 11)), "the first ten people waiting get the ten freed seats"
    assert Counter(row.status for row in rows) == {"enrolled": 20, "offered": 10, "withdrawn": 10, "waitlisted": 160}
    assert seats == 30


async def test_the_database_refuses_more_seats_than_capacity(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    cohort = await open_cohort(client, world.a.manager_headers, module_id, capacity=3)
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(
                update(tables.cohorts).where(tables.cohorts.c.id == uuid.UUID(cohort["id"])).values(seats_taken=4)
            )
