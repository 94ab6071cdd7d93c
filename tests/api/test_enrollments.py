"""Enrolment through the API: seats, a first-come-first-served queue, offers that go to the first person waiting,
consent and eligibility checked, cancellation telling everyone — on both databases."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.shared.schema import outbox
from emprende.bootstrap import Container
from emprende.domain.participants.participant import PopulationGroup
from tests.api.training_support import (
    COHORTS,
    TRAINING_TABLES,
    cohort_body,
    enroll,
    grant_authoring,
    lapse_offers,
    open_cohort,
    published_module,
    seed_trainees,
)
from tests.conftest import World, snapshot


async def _cohort(client: httpx.AsyncClient, world: World, **changes: Any) -> dict[str, Any]:
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    return await open_cohort(client, world.a.manager_headers, module_id, **changes)


async def _events(engine: AsyncEngine, prefix: str) -> list[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(outbox.c.event_type).where(outbox.c.event_type.like(f"{prefix}%")).order_by(outbox.c.id)
        )
        return [row.event_type for row in rows]


async def test_full_cohort_waitlists_in_order_and_a_freed_seat_is_offered_to_the_first(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    cohort = await _cohort(client, world, capacity=2)
    url = f"{COHORTS}/{cohort['id']}/enrollments"
    people = await seed_trainees(container, world.a.partner_id, 5)
    headers = world.a.staff_headers
    answers = [(await enroll(client, headers, cohort["id"], person)).json() for person in people[:4]]
    assert [(a["status"], a["queue_position"]) for a in answers] == [
        ("enrolled", None),
        ("enrolled", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    read = await client.get(f"{COHORTS}/{cohort['id']}", headers=headers)
    assert (read.json()["seats_taken"], read.json()["free_seats"]) == (2, 0)

    # One enrolment per person per cohort.
    twice = await enroll(client, headers, cohort["id"], people[0])
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_enrolled"

    withdrawn = await client.post(f"{url}/{answers[0]['id']}/withdrawal", headers=headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    first = (await client.get(f"{url}/{answers[2]['id']}", headers=headers)).json()
    assert first["status"] == "offered"
    assert first["offer_expires_at"] is not None
    second = (await client.get(f"{url}/{answers[3]['id']}", headers=headers)).json()
    assert (second["status"], second["queue_position"]) == ("waitlisted", 1)

    # Declining passes the seat to the next person waiting; accepting takes it.
    declined = await client.post(f"{url}/{answers[2]['id']}/offer-decline", headers=headers)
    assert declined.json()["end_reason"] == "offer_declined"
    accepted = await client.post(f"{url}/{answers[3]['id']}/offer-acceptance", headers=headers)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "enrolled"

    # Re-enrolling after a withdrawal goes to the back of the queue.
    late = await enroll(client, headers, cohort["id"], people[4])
    back = await enroll(client, headers, cohort["id"], people[0])
    assert (late.json()["queue_position"], back.json()["queue_position"]) == (1, 2)
    assert back.json()["id"] == answers[0]["id"]

    listed = await client.get(url, headers=headers)
    statuses = [(item["participant_id"], item["status"], item["queue_position"]) for item in listed.json()["items"]]
    assert statuses[:2] == [(str(people[4]), "waitlisted", 1), (str(people[0]), "waitlisted", 2)]
    assert await _events(engine, "enrollment.") == [
        "enrollment.enrolled",
        "enrollment.enrolled",
        "enrollment.waitlisted",
        "enrollment.waitlisted",
        "enrollment.withdrawn",
        "enrollment.offered",
        "enrollment.offer_declined",
        "enrollment.offered",
        "enrollment.enrolled",
        "enrollment.waitlisted",
        "enrollment.waitlisted",
    ]


async def test_raising_capacity_offers_the_new_seats_in_queue_order(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    cohort = await _cohort(client, world, capacity=1)
    people = await seed_trainees(container, world.a.partner_id, 4)
    answers = [(await enroll(client, world.a.staff_headers, cohort["id"], p)).json() for p in people]
    body = {key: value for key, value in cohort.items() if key in _PLAN}
    raised = await client.put(
        f"{COHORTS}/{cohort['id']}", headers=world.a.manager_headers, json={**body, "capacity": 3}
    )
    assert raised.status_code == 200, raised.text
    assert raised.json()["seats_taken"] == 3
    url = f"{COHORTS}/{cohort['id']}/enrollments"
    states = [(await client.get(f"{url}/{a['id']}", headers=world.a.staff_headers)).json()["status"] for a in answers]
    assert states == ["enrolled", "offered", "offered", "waitlisted"]
    lowered = await client.put(
        f"{COHORTS}/{cohort['id']}", headers=world.a.manager_headers, json={**body, "capacity": 2}
    )
    assert lowered.status_code == 409
    assert lowered.json()["code"] == "capacity_below_seats"


_PLAN = {
    "name",
    "curriculum",
    "modality",
    "province_code",
    "canton_code",
    "address",
    "start_date",
    "end_date",
    "capacity",
    "enrolment_opens_on",
    "enrolment_closes_on",
    "offer_hours",
    "eligibility_rules",
    "completion_criteria",
}


async def test_enrolment_needs_a_training_consent_and_eligibility(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    cohort = await _cohort(
        client,
        world,
        eligibility_rules=[
            {"kind": "population_groups", "groups": ["refugee_or_asylum_seeker", "host_community"]},
            {"kind": "age_range", "min_age": 18, "max_age": 29},
        ],
    )
    no_consent = (await seed_trainees(container, world.a.partner_id, 1, training_consent=False))[0]
    outsider = (await seed_trainees(container, world.a.partner_id, 1, birth_date=date(1970, 1, 1)))[0]
    eligible = (
        await seed_trainees(
            container,
            world.a.partner_id,
            1,
            population_group=PopulationGroup.HOST_COMMUNITY,
            birth_date=date(2001, 1, 1),
        )
    )[0]
    before = await snapshot(engine, *TRAINING_TABLES)
    refused = await enroll(client, world.a.staff_headers, cohort["id"], no_consent)
    assert refused.status_code == 409
    assert refused.json()["code"] == "consent_required"
    for language in ("en", "es"):
        failed = await client.post(
            f"{COHORTS}/{cohort['id']}/enrollments",
            headers={**world.a.staff_headers, "Accept-Language": language},
            json={"participant_id": str(outsider)},
        )
        assert failed.status_code == 409
        assert failed.json()["code"] == "not_eligible"
        failures = failed.json()["errors"]
        assert [item["field"] for item in failures] == ["eligibility_rules[0]", "eligibility_rules[1]"]
        assert [item["code"] for item in failures] == ["population_groups", "age_range"]
    assert await snapshot(engine, *TRAINING_TABLES) == before
    ok = await enroll(client, world.a.staff_headers, cohort["id"], eligible)
    assert ok.status_code == 201
    assert ok.json()["status"] == "enrolled"


async def test_cancelling_a_cohort_withdraws_everyone_and_closes_enrolment(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    cohort = await _cohort(client, world, capacity=1)
    people = await seed_trainees(container, world.a.partner_id, 3)
    for person in people[:2]:
        await enroll(client, world.a.staff_headers, cohort["id"], person)
    cancelled = await client.post(
        f"{COHORTS}/{cohort['id']}/transitions", headers=world.a.manager_headers, json={"to": "cancelled"}
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    listed = (await client.get(f"{COHORTS}/{cohort['id']}/enrollments", headers=world.a.staff_headers)).json()
    assert {(item["status"], item["end_reason"]) for item in listed["items"]} == {("withdrawn", "cohort_cancelled")}
    late = await enroll(client, world.a.staff_headers, cohort["id"], people[2])
    assert late.status_code == 409
    assert late.json()["code"] == "cohort_cancelled"
    assert "cohort.cancelled" in await _events(engine, "cohort.")
    assert (await _events(engine, "enrollment.withdrawn")) == ["enrollment.withdrawn"] * 2


async def test_another_partner_neither_sees_nor_enrols_into_a_cohort(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    cohort = await _cohort(client, world)
    theirs = (await seed_trainees(container, world.b.partner_id, 1))[0]
    ours = (await seed_trainees(container, world.a.partner_id, 1))[0]
    assert (await client.get(f"{COHORTS}/{cohort['id']}", headers=world.b.staff_headers)).status_code == 404
    assert (await enroll(client, world.b.manager_headers, cohort["id"], ours)).status_code == 404
    # A partner enrols only people it may see.
    unseen = await enroll(client, world.a.staff_headers, cohort["id"], theirs)
    assert unseen.status_code == 404
    listed = await client.get(COHORTS, headers=world.b.manager_headers)
    assert listed.json()["items"] == []


async def test_an_offer_left_to_expire_passes_to_the_next_person_waiting(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    cohort = await _cohort(client, world, capacity=1)
    people = await seed_trainees(container, world.a.partner_id, 3)
    answers = [(await enroll(client, world.a.staff_headers, cohort["id"], p)).json() for p in people]
    url = f"{COHORTS}/{cohort['id']}/enrollments"
    await client.post(f"{url}/{answers[0]['id']}/withdrawal", headers=world.a.staff_headers)
    await lapse_offers(container, cohort["id"])
    late = await client.post(f"{url}/{answers[1]['id']}/offer-acceptance", headers=world.a.staff_headers)
    assert late.status_code == 409, "an offer whose time ran out cannot be taken"
    expired = await client.post(f"{COHORTS}/{cohort['id']}/offer-expiry", headers=world.a.staff_headers)
    assert expired.status_code == 200, expired.text
    assert [(e["participant_id"], e["status"]) for e in expired.json()] == [
        (str(people[1]), "withdrawn"),
        (str(people[2]), "offered"),
    ]
    assert expired.json()[0]["end_reason"] == "offer_expired"
    again = await client.post(f"{COHORTS}/{cohort['id']}/offer-expiry", headers=world.a.staff_headers)
    assert again.json() == []


async def test_enrolment_runs_only_while_the_cohort_takes_it(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    draft = await client.post(COHORTS, headers=world.a.manager_headers, json=cohort_body(module_id))
    person = (await seed_trainees(container, world.a.partner_id, 1))[0]
    closed = await enroll(client, world.a.staff_headers, draft.json()["id"], person)
    assert closed.status_code == 409
    assert closed.json()["code"] == "enrolment_closed"
    later = date.today() + timedelta(days=5)
    future = await open_cohort(
        client, world.a.manager_headers, module_id, enrolment_opens_on=later.isoformat(), name="Cohorte futura"
    )
    early = await enroll(client, world.a.staff_headers, future["id"], person)
    assert early.status_code == 409
    assert early.json()["code"] == "enrolment_closed"
    unknown = await enroll(client, world.a.staff_headers, str(uuid.uuid4()), person)
    assert unknown.status_code == 404
