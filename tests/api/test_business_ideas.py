"""Business ideas over HTTP: a partner's staff draft an idea for a person they may see, revise it in versions with
If-Match, submit and withdraw it; amounts are exact two-decimal strings and the requested amount is derived; bad input
is refused with nothing written; another partner's idea or person is answered like a missing one."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.ideas_support import (
    CANVAS,
    IDEA_TABLES,
    IDEAS,
    PLAN,
    SECTORS,
    create_idea,
    idea_body,
    submitted_idea,
)
from tests.conftest import World, register, snapshot


async def test_staff_draft_an_idea_whose_requested_amount_follows_from_its_plan(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        IDEAS, headers={**world.a.staff_headers, "Accept-Language": "es"}, json=idea_body(world.a.participant_id)
    )
    assert response.status_code == 201, response.text
    idea = response.json()
    assert response.headers["location"] == f"{IDEAS}/{idea['id']}"
    assert response.headers["etag"] == '"v1"'
    assert response.headers["content-language"] == "es"
    assert (idea["status"], idea["version"], idea["supporting_partner_id"]) == ("draft", 1, str(world.a.partner_id))
    assert (idea["sector"], idea["section"]) == ("10", "C")
    assert idea["sector_title"] == "Elaboración de productos alimenticios"
    assert idea["section_title"] == "Industrias manufactureras"
    assert [line["total"] for line in idea["investment_plan"]] == ["1250.00", "650.00"]
    assert idea["investment_plan"][1]["own_contribution"] == "0.00"
    assert idea["investment_plan"][1]["quantity"] == "20.00"
    assert (idea["total_amount"], idea["own_contribution"], idea["requested_amount"]) == (
        "1900.00",
        "250.00",
        "1650.00",
    )
    assert idea["requested_by_category"] == {"equipment": "1000.00", "raw_materials": "650.00"}
    assert idea["canvas"] == CANVAS
    assert idea["place"] == {"province_code": "13", "canton_code": "1308", "parish_code": None}

    read = await client.get(f"{IDEAS}/{idea['id']}", headers={**world.a.manager_headers, "Accept-Language": "en"})
    assert read.status_code == 200
    assert read.headers["etag"] == '"v1"'
    assert read.json()["sector_title"] == "Manufacture of food products"
    listed = await client.get(IDEAS, headers=world.a.staff_headers)
    assert [(item["id"], item["requested_amount"]) for item in listed.json()["items"]] == [(idea["id"], "1650.00")]


async def test_amounts_sent_as_json_numbers_are_exact_and_rounded_half_up_per_line(
    client: httpx.AsyncClient, world: World
) -> None:
    plan = [
        {"description": "Bolsas", "category": "inventory", "quantity": 3, "unit_cost": 0.35, "own_contribution": 0.05}
    ]
    idea = await create_idea(client, world.a.staff_headers, world.a.participant_id, investment_plan=plan)
    assert idea["investment_plan"][0]["total"] == "1.05"
    assert idea["requested_amount"] == "1.00"
    half = [{"description": "Clavos", "category": "tools", "quantity": "0.5", "unit_cost": "0.01"}]
    rounded = await create_idea(client, world.a.staff_headers, world.a.participant_id, investment_plan=half)
    assert rounded["total_amount"] == "0.01"


async def test_revisions_are_versions_read_back_as_they_were(client: httpx.AsyncClient, world: World) -> None:
    idea = await create_idea(client, world.a.staff_headers, world.a.participant_id)
    url = f"{IDEAS}/{idea['id']}"
    stale = await client.patch(url, headers={**world.a.staff_headers, "If-Match": '"v9"'}, json={"name": "Otra"})
    assert stale.status_code == 412
    revised = await client.patch(
        url,
        headers={**world.a.staff_headers, "If-Match": '"v1"'},
        json={"canvas": {"channels": "Solo reparto a domicilio"}, "stage": "early_operation"},
    )
    assert revised.status_code == 200, revised.text
    assert revised.headers["etag"] == '"v2"'
    body = revised.json()
    assert (body["version"], body["stage"], body["canvas"]["channels"]) == (
        2,
        "early_operation",
        "Solo reparto a domicilio",
    )
    assert body["canvas"]["customer_segments"] == CANVAS["customer_segments"]  # the other blocks stay
    replanned = await client.patch(
        url, headers={**world.a.staff_headers, "If-Match": '"v2"'}, json={"investment_plan": [PLAN[0]]}
    )
    assert (replanned.json()["version"], replanned.json()["requested_amount"]) == (3, "1000.00")
    same = await client.patch(url, headers=world.a.staff_headers, json={"stage": "early_operation"})
    assert same.json()["version"] == 3  # nothing changed: no new version

    versions = await client.get(f"{url}/versions", headers=world.a.staff_headers)
    assert [version["number"] for version in versions.json()] == [1, 2, 3]
    assert versions.json()[0]["recorded_by"] == str(world.a.staff.id)
    first = await client.get(f"{url}/versions/1", headers=world.a.staff_headers)
    assert first.status_code == 200
    content = first.json()["content"]
    assert (content["version"], content["stage"], content["requested"]) == (1, "idea", "1650.00")
    assert content["canvas"]["channels"] == CANVAS["channels"]
    assert set(content) == {
        "id",
        "version",
        "name",
        "sector",
        "section",
        "stage",
        "canvas",
        "team",
        "province_code",
        "canton_code",
        "parish_code",
        "investment_plan",
        "total",
        "own_contribution",
        "requested",
    }
    assert (await client.get(f"{url}/versions/4", headers=world.a.staff_headers)).status_code == 404


async def test_submission_needs_a_complete_idea_and_a_withdrawn_idea_is_not_edited(
    client: httpx.AsyncClient, world: World
) -> None:
    canvas = {**CANVAS, "channels": "", "cost_structure": "  "}
    draft = await create_idea(client, world.a.staff_headers, world.a.participant_id, canvas=canvas, investment_plan=[])
    url = f"{IDEAS}/{draft['id']}"
    for language, title in (("en", "Idea incomplete"), ("es", "Idea incompleta")):
        refused = await client.post(f"{url}/submission", headers={**world.a.staff_headers, "Accept-Language": language})
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert (problem["code"], problem["title"]) == ("idea_incomplete", title)
        assert [error["field"] for error in problem["errors"]] == [
            "canvas.channels",
            "canvas.cost_structure",
            "investment_plan",
        ]
    await client.patch(url, headers=world.a.staff_headers, json={"canvas": CANVAS, "investment_plan": PLAN})
    submitted = await client.post(f"{url}/submission", headers=world.a.staff_headers)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] is not None
    again = await client.post(f"{url}/submission", headers=world.a.staff_headers)
    assert (again.status_code, again.json()["code"]) == (409, "idea_state")
    # A submitted idea is still revised, in a new version, and stays submitted.
    revised = await client.patch(url, headers=world.a.staff_headers, json={"name": "Panadería y pastelería"})
    assert (revised.json()["status"], revised.json()["version"]) == ("submitted", 3)

    withdrawn = await client.post(f"{url}/withdrawal", headers=world.a.staff_headers)
    assert withdrawn.json()["status"] == "withdrawn"
    for attempt in (
        client.patch(url, headers=world.a.staff_headers, json={"name": "Otra"}),
        client.post(f"{url}/submission", headers=world.a.staff_headers),
        client.post(f"{url}/withdrawal", headers=world.a.staff_headers),
    ):
        response = await attempt
        assert (response.status_code, response.json()["code"]) == (409, "idea_withdrawn")


async def test_the_team_is_people_the_partner_may_see(client: httpx.AsyncClient, world: World) -> None:
    partner = await register(client, world.a.staff_headers, documents=[], phone=None, email=None)
    refused = await client.post(
        IDEAS,
        headers=world.a.staff_headers,
        json=idea_body(world.a.participant_id, team=[partner["id"], str(world.b.participant_id)]),
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "unknown_team_member"
    assert [error["field"] for error in refused.json()["errors"]] == ["body.team[1]"]
    owner_too = await client.post(
        IDEAS, headers=world.a.staff_headers, json=idea_body(world.a.participant_id, team=[str(world.a.participant_id)])
    )
    assert owner_too.status_code == 422
    assert owner_too.json()["errors"][0]["field"] == "body.team[0]"
    idea = await create_idea(client, world.a.staff_headers, world.a.participant_id, team=[partner["id"]])
    assert idea["team"] == [partner["id"]]


async def test_another_partners_idea_or_person_is_answered_like_a_missing_one(
    client: httpx.AsyncClient, world: World
) -> None:
    idea = await create_idea(client, world.a.staff_headers, world.a.participant_id)
    hidden = await client.get(f"{IDEAS}/{idea['id']}", headers=world.b.staff_headers)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    foreign = await client.post(IDEAS, headers=world.b.staff_headers, json=idea_body(world.a.participant_id))
    assert foreign.status_code == 404
    assert (await client.get(IDEAS, headers=world.b.staff_headers)).json()["items"] == []
    # The administrator sees every partner's ideas, and creates one supported by the person's registering partner.
    admin_idea = await create_idea(client, world.admin_headers, world.b.participant_id)
    assert admin_idea["supporting_partner_id"] == str(world.b.partner_id)
    listed = await client.get(
        IDEAS, headers=world.admin_headers, params={"participant_id": str(world.b.participant_id)}
    )
    assert [item["id"] for item in listed.json()["items"]] == [admin_idea["id"]]


async def test_lists_filter_and_page(client: httpx.AsyncClient, world: World) -> None:
    first = await submitted_idea(client, world.a.staff_headers, world.a.participant_id)
    second = await create_idea(client, world.a.staff_headers, world.a.participant_id, sector="47", stage="running")
    headers = world.a.staff_headers
    assert [
        i["id"] for i in (await client.get(IDEAS, headers=headers, params={"status": "submitted"})).json()["items"]
    ] == [first["id"]]
    assert [i["id"] for i in (await client.get(IDEAS, headers=headers, params={"sector": "47"})).json()["items"]] == [
        second["id"]
    ]
    assert [
        i["id"] for i in (await client.get(IDEAS, headers=headers, params={"stage": "running"})).json()["items"]
    ] == [second["id"]]
    page = await client.get(IDEAS, headers=headers, params={"limit": 1})
    assert [item["id"] for item in page.json()["items"]] == [first["id"]]
    rest = await client.get(IDEAS, headers=headers, params={"limit": 1, "cursor": page.json()["next_cursor"]})
    assert [item["id"] for item in rest.json()["items"]] == [second["id"]]
    assert "next_cursor" not in rest.json()
    other_query = await client.get(
        IDEAS, headers=headers, params={"cursor": page.json()["next_cursor"], "sector": "10"}
    )
    assert other_query.status_code == 400


async def test_the_sectors_are_listed_in_both_languages(client: httpx.AsyncClient, world: World) -> None:
    spanish = await client.get(SECTORS, headers={**world.b.staff_headers, "Accept-Language": "es"})
    assert spanish.status_code == 200
    assert spanish.headers["content-language"] == "es"
    sections = spanish.json()["sections"]
    assert [section["code"] for section in sections] == [chr(code) for code in range(ord("A"), ord("U") + 1)]
    assert sum(len(section["divisions"]) for section in sections) == 88
    retail = next(section for section in sections if section["code"] == "G")
    assert {"code": "47", "title": "Comercio al por menor, excepto el de vehículos automotores y motocicletas"} in (
        retail["divisions"]
    )
    english = await client.get(SECTORS, headers=world.b.staff_headers)
    assert english.json()["sections"][0]["title"] == "Agriculture, forestry and fishing"
    assert (await client.get(SECTORS)).status_code == 401


def _line(**changes: Any) -> list[dict[str, Any]]:
    return [{**PLAN[0], **changes}]


BAD_BODIES: dict[str, tuple[dict[str, Any], str]] = {
    "unknown sector": ({"sector": "04"}, "body.sector"),
    "not a sector code": ({"sector": "4711"}, "body.sector"),
    "unknown category": ({"investment_plan": _line(category="jewellery")}, "body.investment_plan.0.category"),
    "negative amount": ({"investment_plan": _line(unit_cost="-1.00")}, "body.investment_plan.0.unit_cost"),
    "three decimals": ({"investment_plan": _line(unit_cost="10.005")}, "body.investment_plan.0.unit_cost"),
    "not a number": ({"investment_plan": _line(unit_cost="mil")}, "body.investment_plan.0.unit_cost"),
    "no quantity": ({"investment_plan": _line(quantity="0")}, "body.investment_plan.0.quantity"),
    "contribution above total": (
        {"investment_plan": _line(own_contribution="1250.01")},
        "body.investment_plan[0].own_contribution",
    ),
    "requested amount sent": ({"requested_amount": "9999.00"}, "body.requested_amount"),
    "unknown field": ({"budget": 3}, "body.budget"),
    "long name": ({"name": "x" * 201}, "body.name"),
    "long canvas block": ({"canvas": {**CANVAS, "channels": "x" * 2001}}, "body.canvas.channels"),
    "unknown canvas block": ({"canvas": {"mission": "Ser la mejor"}}, "body.canvas.mission"),
    "too many lines": ({"investment_plan": PLAN * 26}, "body.investment_plan"),
    "too big a team": ({"team": [f"01900000-0000-7000-8000-{n:012d}" for n in range(11)]}, "body.team"),
    "canton elsewhere": ({"place": {"province_code": "17", "canton_code": "1308"}}, "body.place.canton_code"),
    "unknown parish": (
        {"place": {"province_code": "13", "canton_code": "1308", "parish_code": "130899"}},
        "body.place.parish_code",
    ),
}


@pytest.mark.parametrize("case", list(BAD_BODIES), ids=[name.replace(" ", "-") for name in BAD_BODIES])
async def test_bad_input_is_refused_naming_the_field_with_nothing_written(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine, case: str
) -> None:
    changes, field = BAD_BODIES[case]
    before = await snapshot(engine, *IDEA_TABLES)
    for language in ("en", "es"):
        response = await client.post(
            IDEAS,
            headers={**world.a.staff_headers, "Accept-Language": language},
            json=idea_body(world.a.participant_id, **changes),
        )
        assert response.status_code == 422, response.text
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [error["field"] for error in problem["errors"]], problem
        assert response.headers["content-language"] == language
    assert await snapshot(engine, *IDEA_TABLES) == before


async def test_a_revision_with_bad_input_changes_nothing(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    idea = await create_idea(client, world.a.staff_headers, world.a.participant_id)
    url = f"{IDEAS}/{idea['id']}"
    before = await snapshot(engine, *IDEA_TABLES)
    for body in (
        {},
        {"name": None},
        {"sector": "00"},
        {"investment_plan": _line(own_contribution="5000")},
        {"requested_amount": "1.00"},
    ):
        response = await client.patch(url, headers={**world.a.staff_headers, "If-Match": '"v1"'}, json=body)
        assert response.status_code == 422, (body, response.text)
    # A bad body is reported before a stale If-Match.
    stale_and_bad = await client.patch(
        url, headers={**world.a.staff_headers, "If-Match": '"v7"'}, json={"sector": "00"}
    )
    assert stale_and_bad.status_code == 422
    assert await snapshot(engine, *IDEA_TABLES) == before
