"""Cohorts: planned by a partner holding `training_delivery`, teaching published module versions, with sessions inside
their dates, states that move one way, and eligibility rules that are versioned."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.training_support import (
    COHORTS,
    MODULES,
    TRAINING_TABLES,
    cohort_body,
    grant_authoring,
    module_body,
    published_module,
)
from tests.conftest import World, snapshot


async def _module(client: httpx.AsyncClient, world: World) -> str:
    await grant_authoring(client, world, world.a.partner_id)
    return await published_module(client, world.a.manager_headers)


async def test_a_partner_plans_opens_runs_and_finishes_a_cohort(client: httpx.AsyncClient, world: World) -> None:
    module_id = await _module(client, world)
    headers = world.a.manager_headers
    created = await client.post(COHORTS, headers=headers, json=cohort_body(module_id))
    assert created.status_code == 201, created.text
    cohort = created.json()
    assert (cohort["status"], cohort["partner_id"], cohort["seats_taken"]) == ("draft", str(world.a.partner_id), 0)
    assert created.headers["location"].endswith(cohort["id"])
    url = f"{COHORTS}/{cohort['id']}"

    skipped = await client.post(f"{url}/transitions", headers=headers, json={"to": "running"})
    assert skipped.status_code == 409
    assert skipped.json()["code"] == "cohort_state"
    for step in ("open", "running", "finished"):
        moved = await client.post(f"{url}/transitions", headers=headers, json={"to": step})
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == step
    frozen = await client.post(f"{url}/transitions", headers=headers, json={"to": "cancelled"})
    assert frozen.status_code == 409

    mine = await client.get(COHORTS, headers=world.a.staff_headers)
    assert [item["id"] for item in mine.json()["items"]] == [cohort["id"]]
    finished = await client.get(f"{COHORTS}?status=finished", headers=world.a.staff_headers)
    assert len(finished.json()["items"]) == 1
    assert (await client.get(f"{COHORTS}?status=open", headers=world.a.staff_headers)).json()["items"] == []
    assert (await client.get(url, headers=world.b.staff_headers)).status_code == 404


async def test_a_cohort_teaches_published_versions_only(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    draft = await client.post(MODULES, headers=world.a.manager_headers, json=module_body())
    before = await snapshot(engine, *TRAINING_TABLES)
    refused = await client.post(COHORTS, headers=world.a.manager_headers, json=cohort_body(draft.json()["id"]))
    assert refused.status_code == 422
    assert refused.json()["code"] == "module_not_published"
    assert refused.json()["errors"][0]["field"] == "body.curriculum[0]"
    assert await snapshot(engine, *TRAINING_TABLES) == before


async def test_only_a_partner_holding_training_delivery_runs_cohorts(client: httpx.AsyncClient, world: World) -> None:
    module_id = await _module(client, world)
    refused = await client.post(COHORTS, headers=world.b.manager_headers, json=cohort_body(module_id))
    assert refused.status_code == 403
    assert refused.json()["code"] == "agreement_required"
    # The administrator names the delivering partner.
    unnamed = await client.post(COHORTS, headers=world.admin_headers, json=cohort_body(module_id))
    assert unnamed.status_code == 422
    named = await client.post(
        COHORTS, headers=world.admin_headers, json={**cohort_body(module_id), "partner_id": str(world.a.partner_id)}
    )
    assert named.status_code == 201, named.text


async def test_bad_cohort_input_is_refused_in_both_languages_with_nothing_written(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    module_id = await _module(client, world)
    today = date.today()
    cases: dict[str, dict[str, Any]] = {
        "ends before it starts": cohort_body(module_id, end_date=(today + timedelta(days=1)).isoformat()),
        "virtual with a place": cohort_body(module_id, modality="virtual"),
        "in person without a place": cohort_body(module_id, province_code=None, canton_code=None, address=None),
        "canton outside the province": cohort_body(module_id, canton_code="1701"),
        "window closes before it opens": cohort_body(
            module_id,
            enrolment_opens_on=(today + timedelta(days=5)).isoformat(),
            enrolment_closes_on=(today + timedelta(days=2)).isoformat(),
        ),
        "no seats": cohort_body(module_id, capacity=0),
        "unknown rule": cohort_body(module_id, eligibility_rules=[{"kind": "zodiac_sign", "signs": ["leo"]}]),
        "age range upside down": cohort_body(
            module_id, eligibility_rules=[{"kind": "age_range", "min_age": 40, "max_age": 20}]
        ),
        "attendance over 100": cohort_body(module_id, completion_criteria={"min_attendance_percent": 120}),
        "the same module twice": cohort_body(
            module_id, curriculum=[{"module_id": module_id, "version": 1}, {"module_id": module_id, "version": 1}]
        ),
    }
    before = await snapshot(engine, *TRAINING_TABLES)
    for name, body in cases.items():
        for language in ("en", "es"):
            response = await client.post(
                COHORTS, headers={**world.a.manager_headers, "Accept-Language": language}, json=body
            )
            assert response.status_code == 422, (name, response.text)
            assert response.json()["errors"], name
            assert response.headers["content-language"] == language
    assert await snapshot(engine, *TRAINING_TABLES) == before


async def test_sessions_meet_within_the_cohort_for_its_modules(client: httpx.AsyncClient, world: World) -> None:
    module_id = await _module(client, world)
    other = await published_module(client, world.a.manager_headers)
    headers = world.a.manager_headers
    cohort = (await client.post(COHORTS, headers=headers, json=cohort_body(module_id))).json()
    url = f"{COHORTS}/{cohort['id']}/sessions"
    day = date.fromisoformat(cohort["start_date"])
    session = {"on": day.isoformat(), "starts_at": "09:00:00", "duration_minutes": 180, "module_id": module_id}
    added = await client.post(url, headers=headers, json=session)
    assert added.status_code == 201, added.text
    outside = await client.post(url, headers=headers, json={**session, "on": (day - timedelta(days=1)).isoformat()})
    assert outside.status_code == 422
    assert outside.json()["code"] == "session_outside_cohort"
    foreign = await client.post(url, headers=headers, json={**session, "module_id": other})
    assert foreign.status_code == 422
    stranger = await client.post(url, headers=headers, json={**session, "facilitator_id": str(world.b.staff.id)})
    assert stranger.status_code == 422
    assert stranger.json()["code"] == "unknown_facilitator"
    moved = await client.put(
        f"{url}/{added.json()['id']}",
        headers=headers,
        json={**session, "starts_at": "14:00:00", "facilitator_id": str(world.a.staff.id)},
    )
    assert moved.status_code == 200
    assert moved.json()["starts_at"] == "14:00:00"
    read = await client.get(f"{COHORTS}/{cohort['id']}", headers=world.a.staff_headers)
    assert [(s["starts_at"], s["facilitator_id"]) for s in read.json()["sessions"]] == [
        ("14:00:00", str(world.a.staff.id))
    ]


async def test_eligibility_rules_are_versioned_and_the_plan_fixed_once_open(
    client: httpx.AsyncClient, world: World
) -> None:
    module_id = await _module(client, world)
    headers = world.a.manager_headers
    created = await client.post(COHORTS, headers=headers, json=cohort_body(module_id))
    cohort, etag = created.json(), created.headers["etag"]
    url = f"{COHORTS}/{cohort['id']}"
    rules = [{"kind": "provinces", "provinces": ["13", "17"]}]
    changed = await client.put(
        url, headers={**headers, "If-Match": etag}, json=cohort_body(module_id, eligibility_rules=rules)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["eligibility_version"] == cohort["eligibility_version"] + 1
    assert changed.json()["eligibility_rules"] == rules
    stale = await client.put(url, headers={**headers, "If-Match": etag}, json=cohort_body(module_id))
    assert stale.status_code == 412
    same = await client.put(url, headers=headers, json=cohort_body(module_id, eligibility_rules=rules, capacity=30))
    assert same.json()["eligibility_version"] == changed.json()["eligibility_version"]
    await client.post(f"{url}/transitions", headers=headers, json={"to": "open"})
    virtual = cohort_body(module_id, modality="virtual", province_code=None, canton_code=None, address=None)
    fixed = await client.put(url, headers=headers, json=virtual)
    assert fixed.status_code == 409
    assert fixed.json()["code"] == "cohort_state"
