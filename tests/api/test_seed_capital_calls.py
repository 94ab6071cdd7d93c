"""Seed-capital calls over HTTP: a funding partner opens one with its terms and rubric, drafts stay with their funder,
the rubric is versioned, the course runs in order, and bad input is refused with nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from emprende.bootstrap import Container
from tests.api.calls_support import CALL_TABLES, CALLS, RUBRIC, call_body, grant, open_call
from tests.conftest import World, snapshot


async def test_a_funding_partner_opens_a_call_and_everyone_signed_in_sees_it_once_open(
    client: httpx.AsyncClient, world: World
) -> None:
    await grant(client, world, world.a.partner_id, "funding")
    created = await client.post(CALLS, headers=world.a.manager_headers, json=call_body())
    assert created.status_code == 201, created.text
    call = created.json()
    assert created.headers["location"] == f"{CALLS}/{call['id']}"
    assert created.headers["etag"]
    assert call["status"] == "draft"
    assert call["owner_partner_id"] == str(world.a.partner_id)
    assert (call["budget"], call["ceiling"], call["floor"]) == ("50000.00", "3000.00", "500.00")
    assert call["rubric"]["version"] == 1
    assert call["rubric"]["frozen"] is False
    assert [c["key"] for c in call["rubric"]["criteria"]] == ["viability", "team"]
    assert call["current_phase"] == "ciega"
    assert call["blind"] is True
    assert call["quotas"][0] == {"dimension": "sex", "value": "female", "kind": "min_share_of_awards", "share": "0.5"}
    # A draft is its funder's alone.
    assert (await client.get(f"{CALLS}/{call['id']}", headers=world.b.manager_headers)).status_code == 404
    listed = await client.get(CALLS, headers=world.b.manager_headers)
    assert call["id"] not in [item["id"] for item in listed.json()["items"]]
    opened = await client.post(
        f"{CALLS}/{call['id']}/transitions", headers=world.a.manager_headers, json={"action": "open"}
    )
    assert opened.status_code == 200, opened.text
    seen = await client.get(f"{CALLS}/{call['id']}", headers=world.b.manager_headers)
    assert seen.status_code == 200
    assert seen.json()["status"] == "open"
    listed = await client.get(CALLS, headers=world.b.staff_headers)
    assert [item["id"] for item in listed.json()["items"]] == [call["id"]]
    # Only its funder runs it.
    refused = await client.post(
        f"{CALLS}/{call['id']}/transitions", headers=world.b.manager_headers, json={"action": "cancel"}
    )
    assert refused.status_code == 403


async def test_a_partner_without_a_funding_agreement_opens_no_call(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine, *CALL_TABLES)
    refused = await client.post(CALLS, headers=world.a.manager_headers, json=call_body())
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "agreement_required"
    assert await snapshot(container.engine, *CALL_TABLES) == before


async def test_the_rubric_is_versioned_and_the_terms_change_only_while_a_draft(
    client: httpx.AsyncClient, world: World
) -> None:
    await grant(client, world, world.a.partner_id, "funding")
    created = (await client.post(CALLS, headers=world.a.manager_headers, json=call_body())).json()
    url = f"{CALLS}/{created['id']}"
    etag = (await client.get(url, headers=world.a.manager_headers)).headers["etag"]
    stale = await client.put(
        f"{url}/rubric", headers={**world.a.manager_headers, "If-Match": '"999"'}, json={"criteria": RUBRIC[:1]}
    )
    assert stale.status_code == 412
    revised = await client.put(
        f"{url}/rubric", headers={**world.a.manager_headers, "If-Match": etag}, json={"criteria": RUBRIC[:1]}
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["rubric"]["version"] == 2
    assert len(revised.json()["rubric"]["criteria"]) == 1
    terms = {key: value for key, value in call_body(title="Capital semilla 2027-B").items() if key != "rubric"}
    changed = await client.put(url, headers=world.a.manager_headers, json=terms)
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == "Capital semilla 2027-B"
    await client.post(f"{url}/transitions", headers=world.a.manager_headers, json={"action": "open"})
    late = await client.put(url, headers=world.a.manager_headers, json=terms)
    assert late.status_code == 409
    assert late.json()["code"] == "call_state"
    early = await client.post(f"{url}/transitions", headers=world.a.manager_headers, json={"action": "start_review"})
    assert early.status_code == 409  # applications are still open


BAD_CALLS: list[tuple[str, dict[str, Any], str]] = [
    ("negative budget", {"budget": "-100.00"}, "budget"),
    ("three decimals", {"ceiling": "1000.005"}, "ceiling"),
    ("not a number", {"floor": "quinientos"}, "floor"),
    ("floor above ceiling", {"floor": "3500.00"}, "floor"),
    ("ceiling above budget", {"budget": "2000.00"}, "ceiling"),
    ("unknown category", {"fundable_categories": ["yachts"]}, "fundable_categories.0"),
    ("no category", {"fundable_categories": []}, "fundable_categories"),
    ("window reversed", {"closes_at": "2020-01-01T00:00:00Z"}, "closes_at"),
    ("no offset", {"opens_at": "2027-01-01T00:00:00"}, "opens_at"),
    ("quorum zero", {"quorum": 0}, "quorum"),
    ("unknown rule", {"eligibility_rules": [{"kind": "lucky"}]}, "eligibility_rules.0"),
    (
        "shares over one",
        {
            "quotas": [
                {"dimension": "sex", "value": "female", "kind": "min_share_of_funds", "share": "0.7"},
                {"dimension": "sex", "value": "male", "kind": "min_share_of_funds", "share": "0.4"},
            ]
        },
        "quotas[1].share",
    ),
    (
        "unknown province",
        {"quotas": [{"dimension": "province", "value": "99", "kind": "max_share_of_funds", "share": "0.3"}]},
        "quotas[0].value",
    ),
    ("repeated criterion", {"rubric": [RUBRIC[0], RUBRIC[0]]}, "rubric[1].key"),
    ("descriptor off the scale", {"rubric": [{**RUBRIC[0], "descriptors": {"9": "x"}}]}, "rubric[0].descriptors.9"),
    ("scale reversed", {"rubric": [{**RUBRIC[0], "scale_min": 5, "scale_max": 1}]}, "rubric[0].scale_max"),
    ("unknown field", {"jackpot": True}, "jackpot"),
]


@pytest.mark.parametrize(("change", "field"), [(case[1], case[2]) for case in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
async def test_bad_terms_are_refused_naming_the_field_and_nothing_is_written(
    client: httpx.AsyncClient, container: Container, world: World, change: dict[str, Any], field: str
) -> None:
    await grant(client, world, world.a.partner_id, "funding")
    before = await snapshot(container.engine, *CALL_TABLES)
    refused = await client.post(
        CALLS, headers={**world.a.manager_headers, "Accept-Language": "es"}, json=call_body(**change)
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    fields = [str(error.get("field")) for error in refused.json().get("errors", [])]
    assert any(found.startswith(f"body.{field}") for found in fields), refused.json()
    assert await snapshot(container.engine, *CALL_TABLES) == before


async def test_an_open_call_is_cancelled_but_a_closed_review_stays_closed(
    client: httpx.AsyncClient, world: World
) -> None:
    await grant(client, world, world.a.partner_id, "funding")
    call = await open_call(client, world.a.manager_headers)
    cancelled = await client.post(
        f"{CALLS}/{call['id']}/transitions", headers=world.a.manager_headers, json={"action": "cancel"}
    )
    assert cancelled.json()["status"] == "cancelled"
    again = await client.post(
        f"{CALLS}/{call['id']}/transitions", headers=world.a.manager_headers, json={"action": "open"}
    )
    assert again.status_code == 409
