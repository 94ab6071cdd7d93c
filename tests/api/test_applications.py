"""Applying to a call: the idea is copied as it stands, one application per person, the eligibility rule that fails
is named, and every bad application is refused with nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from emprende.bootstrap import Container
from tests.api.calls_support import APPLICATIONS, CALL_TABLES, CALLS, applicant, apply, close_window, grant, open_call
from tests.api.ideas_support import IDEAS, create_idea, portal_sign_in
from tests.conftest import World, snapshot


@pytest.fixture
async def funded(client: httpx.AsyncClient, world: World) -> World:
    await grant(client, world, world.a.partner_id, "funding")
    return world


async def test_an_application_keeps_the_idea_as_submitted(client: httpx.AsyncClient, funded: World) -> None:
    world = funded
    call = await open_call(client, world.a.manager_headers)
    _, idea = await applicant(client, world.a.staff_headers)
    applied = await apply(client, world.a.staff_headers, call["id"], idea["id"])
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert applied.headers["location"] == f"{APPLICATIONS}/{application['id']}"
    assert application["requested_amount"] == "1650.00"
    assert application["idea"]["name"] == "Panadería La Esperanza"
    assert application["idea_version"] == idea["version"]
    revised = await client.patch(
        f"{IDEAS}/{idea['id']}", headers={**world.a.staff_headers}, json={"name": "Panadería y pastelería"}
    )
    assert revised.status_code == 200, revised.text
    read = await client.get(f"{APPLICATIONS}/{application['id']}", headers=world.a.manager_headers)
    assert read.json()["idea"]["name"] == "Panadería La Esperanza"
    listed = await client.get(f"{CALLS}/{call['id']}/applications", headers=world.a.manager_headers)
    assert [item["idea_name"] for item in listed.json()["items"]] == ["Panadería La Esperanza"]
    # Another partner sees the call but none of its applications, and not this one.
    other = await client.get(f"{CALLS}/{call['id']}/applications", headers=world.b.manager_headers)
    assert other.status_code in (200, 403)
    if other.status_code == 200:
        assert other.json()["items"] == []
    assert (await client.get(f"{APPLICATIONS}/{application['id']}", headers=world.b.manager_headers)).status_code == 404


async def test_eligibility_is_checked_and_every_rule_failed_is_named(client: httpx.AsyncClient, funded: World) -> None:
    world = funded
    rules = [
        {"kind": "completed_training"},
        {"kind": "min_attendance", "percent": 80},
        {"kind": "population_groups", "groups": ["migrant", "refugee_or_asylum_seeker"]},
    ]
    call = await open_call(client, world.a.manager_headers, eligibility_rules=rules)
    _, idea = await applicant(client, world.a.staff_headers)
    refused = await apply(client, {**world.a.staff_headers, "Accept-Language": "es"}, call["id"], idea["id"])
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "not_eligible"
    assert [(error["field"], error["code"]) for error in body["errors"]] == [
        ("eligibility_rules[0]", "completed_training"),
        ("eligibility_rules[1]", "min_attendance"),
    ]
    assert "debe haber completado una cohorte" in body["errors"][0]["message"]


async def test_an_admitted_application_records_the_rules_it_met(client: httpx.AsyncClient, funded: World) -> None:
    world = funded
    call = await open_call(
        client, world.a.manager_headers, eligibility_rules=[{"kind": "population_groups", "groups": ["migrant"]}]
    )
    _, idea = await applicant(client, world.a.staff_headers)
    applied = await apply(client, world.a.staff_headers, call["id"], idea["id"])
    assert applied.status_code == 201, applied.text
    assert applied.json()["admissibility"] == [{"index": 0, "kind": "population_groups", "groups": ["migrant"]}]


async def _refused(
    client: httpx.AsyncClient, container: Container, send: Any, status: int, code: str
) -> dict[str, Any]:
    before = await snapshot(container.engine, *CALL_TABLES)
    response = await send()
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.text
    assert await snapshot(container.engine, *CALL_TABLES) == before
    body: dict[str, Any] = response.json()
    return body


async def test_bad_applications_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, container: Container, funded: World
) -> None:
    world = funded
    staff = world.a.staff_headers
    call = await open_call(client, world.a.manager_headers)
    _, idea = await applicant(client, staff)
    assert (await apply(client, staff, call["id"], idea["id"])).status_code == 201
    await _refused(client, container, lambda: apply(client, staff, call["id"], idea["id"]), 409, "already_applied")
    _, unconsented = await applicant(client, staff, consent=False)
    await _refused(
        client, container, lambda: apply(client, staff, call["id"], unconsented["id"]), 409, "consent_required"
    )
    person, _ = await applicant(client, staff)
    draft = await create_idea(client, staff, person, name="Idea en borrador")
    await _refused(client, container, lambda: apply(client, staff, call["id"], draft["id"]), 409, "idea_not_submitted")
    _, big = await applicant(client, staff)
    await client.patch(
        f"{IDEAS}/{big['id']}",
        headers=staff,
        json={
            "investment_plan": [
                {"description": "Camioneta", "category": "vehicles", "quantity": "1", "unit_cost": "9000.00"}
            ]
        },
    )
    body = await _refused(
        client, container, lambda: apply(client, staff, call["id"], big["id"]), 422, "category_not_fundable"
    )
    assert [error["code"] for error in body["errors"]] == ["category_not_fundable", "over_ceiling"]
    await _refused(
        client,
        container,
        lambda: apply(client, staff, call["id"], "01900000-0000-7000-8000-000000000000"),
        422,
        "unknown_idea",
    )
    # Another partner's staff cannot apply with an idea they do not support: to them it does not exist.
    _, theirs = await applicant(client, staff)
    await _refused(
        client,
        container,
        lambda: apply(client, world.b.staff_headers, call["id"], theirs["id"]),
        422,
        "unknown_idea",
    )
    await close_window(container, call["id"])
    await _refused(
        client, container, lambda: apply(client, staff, call["id"], theirs["id"]), 409, "application_window_closed"
    )


async def test_a_person_applies_with_their_own_idea_only(
    client: httpx.AsyncClient, container: Container, funded: World
) -> None:
    world = funded
    call = await open_call(client, world.a.manager_headers)
    mine, my_idea = await applicant(client, world.a.staff_headers)
    _, their_idea = await applicant(client, world.a.staff_headers)
    portal = await portal_sign_in(client, world.a.staff_headers, mine, "propia@alfa.example.org")
    refused = await _refused(
        client,
        container,
        lambda: client.post(
            "/api/v1/me/applications", headers=portal, json={"call_id": call["id"], "idea_id": their_idea["id"]}
        ),
        422,
        "unknown_idea",
    )
    assert refused["status"] == 422
    applied = await client.post(
        "/api/v1/me/applications", headers=portal, json={"call_id": call["id"], "idea_id": my_idea["id"]}
    )
    assert applied.status_code == 201, applied.text
    listed = await client.get("/api/v1/me/applications", headers=portal)
    assert [item["id"] for item in listed.json()] == [applied.json()["id"]]
    withdrawn = await client.post(f"/api/v1/me/applications/{applied.json()['id']}/withdrawal", headers=portal)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    again = await client.post(f"/api/v1/me/applications/{applied.json()['id']}/withdrawal", headers=portal)
    assert again.status_code == 409
