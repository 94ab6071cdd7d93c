"""Date-times from callers: every one needs a UTC offset and lies between 1900 and 2199 (the extremes of `datetime`
with an offset, whose UTC equivalent does not exist, included); a consent is not given before 2000 nor in the future.
Refusals are a problem+json 422 that does not repeat the value, and nothing is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from emprende.bootstrap import Container
from emprende.domain.participants.consent import CONSENT_CLOCK_SKEW
from tests.api.test_imports import HEADER, csv_bytes, upload
from tests.api.test_imports import person as import_row
from tests.conftest import PARTICIPANT_TABLES, PARTICIPANTS, World, person, snapshot

EXTREMES = {
    "year-9999-west": "9999-12-31T23:59:59-14:00",
    "year-1-east": "0001-01-01T00:00:00+14:00",
    "year-9999-utc": "9999-12-31T23:59:59.999999Z",
    "year-1-utc": "0001-01-01T00:00:00Z",
    "before-1900": "1899-12-31T23:59:59Z",
    "year-2200": "2200-01-01T00:00:00Z",
}
FILTERS = {
    "participants": (PARTICIPANTS, ("registered_from", "registered_to")),
    "audit-events": ("/api/v1/audit-events", ("occurred_from", "occurred_to")),
}


def assert_refused(response: httpx.Response, field: str, code: str, value: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"field": field, "code": code} in [
        {"field": error["field"], "code": error["code"]} for error in response.json()["errors"]
    ], response.text
    assert value not in response.text


@pytest.mark.parametrize("value", EXTREMES.values(), ids=EXTREMES.keys())
@pytest.mark.parametrize("route", FILTERS)
async def test_filter_bounds_out_of_range_are_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str], route: str, value: str
) -> None:
    path, names = FILTERS[route]
    for name in names:
        response = await client.get(path, params={name: value}, headers=admin_headers)
        assert_refused(response, f"query.{name}", "datetime_out_of_range", value)


@pytest.mark.parametrize("route", FILTERS)
async def test_filter_bounds_at_the_edges_of_the_range_are_read_in_utc(
    client: httpx.AsyncClient, admin_headers: dict[str, str], route: str
) -> None:
    path, (lower, upper) = FILTERS[route]
    wide = {lower: "1900-01-01T00:00:00+00:00", upper: "2199-12-31T23:59:59-00:00"}
    assert (await client.get(path, params=wide, headers=admin_headers)).status_code == 200
    # 1899-12-31T20:00 at -05:00 is 1900-01-01T01:00 in UTC: inside the range.
    east = {lower: "1899-12-31T20:00:00-05:00"}
    assert (await client.get(path, params=east, headers=admin_headers)).status_code == 200


@pytest.mark.parametrize("route", FILTERS)
async def test_filter_bounds_need_an_offset_and_a_date_time(
    client: httpx.AsyncClient, admin_headers: dict[str, str], route: str
) -> None:
    path, (name, _) = FILTERS[route]
    naive = await client.get(path, params={name: "2026-01-01T00:00:00"}, headers=admin_headers)
    assert_refused(naive, f"query.{name}", "timezone_required", "2026-01-01T00:00:00")
    for text in ("1767225600", "2026-01-01", "yesterday"):
        response = await client.get(path, params={name: text}, headers=admin_headers)
        assert_refused(response, f"query.{name}", "datetime_parsing", text)


async def test_a_date_time_refusal_speaks_spanish(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    value = EXTREMES["year-9999-west"]
    headers = {**admin_headers, "Accept-Language": "es"}
    response = await client.get(PARTICIPANTS, params={"registered_to": value}, headers=headers)
    assert_refused(response, "query.registered_to", "datetime_out_of_range", value)
    assert response.json()["errors"][0]["message"] == "Debe estar entre 1900-01-01 y 2199-12-31 (UTC)."


def _consent(given_at: str) -> dict[str, Any]:
    return {"purpose": "training", "notice_version": "2026-01", "method": "in_person", "given_at": given_at}


CONSENT_DATES = {
    **EXTREMES,
    "before-2000": "1999-12-31T23:59:59Z",
    "east-of-2000": "2000-01-01T04:59:59+05:00",  # 1999-12-31T23:59:59 in UTC
    "next-year": (datetime.now(UTC) + timedelta(days=365)).isoformat(),
}
_DOMAIN_RULE = {"before-2000", "east-of-2000", "next-year"}


@pytest.mark.parametrize("name", CONSENT_DATES)
async def test_a_consent_is_not_given_before_2000_nor_in_the_future(
    client: httpx.AsyncClient, container: Container, world: World, name: str
) -> None:
    value = CONSENT_DATES[name]
    code = "invalid_consent_date" if name in _DOMAIN_RULE else "datetime_out_of_range"
    headers = world.a.manager_headers
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    recorded = await client.post(
        f"{PARTICIPANTS}/{world.a.participant_id}/consents", json=_consent(value), headers=headers
    )
    assert_refused(recorded, "body.given_at", code, value)
    consent = {"notice_version": "2026-01", "method": "in_person", "given_at": value}
    registered = await client.post(PARTICIPANTS, json=person(registration_consent=consent), headers=headers)
    assert_refused(registered, "body.registration_consent.given_at", code, value)
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_a_consent_given_a_moment_ahead_of_the_clock_is_recorded(client: httpx.AsyncClient, world: World) -> None:
    """The recording device's clock may run a little fast."""
    ahead = (datetime.now(UTC) + CONSENT_CLOCK_SKEW / 2).isoformat()
    since_2000 = "2000-01-01T00:00:00Z"
    for given_at in (ahead, since_2000):
        response = await client.post(
            f"{PARTICIPANTS}/{world.a.participant_id}/consents",
            json=_consent(given_at),
            headers=world.a.manager_headers,
        )
        assert response.status_code == 201, response.text
        assert datetime.fromisoformat(response.json()["given_at"]) == datetime.fromisoformat(given_at)
    consent = {"notice_version": "2026-01", "method": "in_person", "given_at": ahead}
    body = person(registration_consent=consent, documents=[], external_ids=[])
    assert (await client.post(PARTICIPANTS, json=body, headers=world.a.manager_headers)).status_code == 201


@pytest.mark.parametrize("value", EXTREMES.values(), ids=EXTREMES.keys())
async def test_an_api_client_expiry_out_of_range_is_refused(
    client: httpx.AsyncClient, container: Container, world: World, value: str
) -> None:
    before = await snapshot(container.engine)
    response = await client.post(
        "/api/v1/api-clients",
        json={
            "name": "Sistema",
            "scopes": ["partners:read"],
            "partner_id": str(world.a.partner_id),
            "expires_at": value,
        },
        headers=world.admin_headers,
    )
    assert_refused(response, "body.expires_at", "datetime_out_of_range", value)
    assert await snapshot(container.engine) == before


async def test_an_import_row_with_a_consent_date_out_of_range_is_rejected_with_a_field_error(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    dates = [EXTREMES["year-1-east"], EXTREMES["year-9999-west"], "1999-12-31T23:59:59Z", "2000-06-01T10:00:00-05:00"]
    rows = [import_row(n, consent_given_at=value) for n, value in enumerate(dates, start=1)]
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await upload(client, world.a.manager_headers, csv_bytes(rows, [*HEADER, "consent_given_at"]))
    assert response.status_code == 200, response.text
    report = response.json()["rows"]
    assert [row["outcome"] for row in report] == ["rejected", "rejected", "rejected", "created"]
    for row in report[:3]:
        assert [(error["field"], error["code"]) for error in row["errors"]] == [
            ("consent_given_at", "invalid_consent_date")
        ]
    for value in dates[:3]:
        assert value not in response.text
    after = await snapshot(container.engine, *PARTICIPANT_TABLES)
    assert len(after["participants"]) == len(before["participants"]) + 1
