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


async def test_cohorts_finishing_at_once_never_share_a_status_list_place(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    """Each certificate has its own bit in the status lists: two cohorts finishing at the same moment either both
    issue, or one is told to try again (the database refuses a place taken twice) and then issues."""
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    headers = world.a.manager_headers
    cohorts = []
    for number in range(2):
        cohort = await open_cohort(client, headers, module_id, name=f"Cohorte {number}")
        url = f"{COHORTS}/{cohort['id']}"
        body = {"on": cohort["start_date"], "starts_at": "09:00:00", "duration_minutes": 60, "module_id": module_id}
        session = (await client.post(f"{url}/sessions", headers=headers, json=body)).json()["id"]
        people = await seed_trainees(container, world.a.partner_id, 3)
        for person in people:
            await enroll(client, world.a.staff_headers, cohort["id"], person)
        await client.post(f"{url}/transitions", headers=headers, json={"to": "running"})
        marks = {"marks": [{"participant_id": str(p), "status": "present"} for p in people]}
        await client.put(f"{url}/sessions/{session}/attendance", headers=world.a.staff_headers, json=marks)
        cohorts.append(url)
    finished = await asyncio.gather(
        *(client.post(f"{url}/transitions", headers=headers, json={"to": "finished"}) for url in cohorts)
    )
    for url, response in zip(cohorts, finished, strict=True):
        if response.status_code == 409:
            assert response.json()["code"] == "certificate_state"
            retried = await client.post(f"{url}/transitions", headers=headers, json={"to": "finished"})
            assert retried.status_code == 200, retried.text
        else:
            assert response.status_code == 200, response.text
    async with engine.connect() as connection:
        places = (await connection.execute(select(tables.certificates.c.status_index))).scalars().all()
    assert len(places) == 6
    assert len(set(places)) == 6
