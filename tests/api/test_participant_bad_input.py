"""Every kind of bad participant input gets a problem+json 4xx — never a 500 — and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from emprende.bootstrap import Container
from tests.conftest import PARTICIPANT_TABLES, PARTICIPANTS, VALID_CEDULA, World, person, register, snapshot

TODAY = date.today()
LONG = "a" * 101


def _years_ago(years: int, days: int = 0) -> str:
    try:
        day = TODAY.replace(year=TODAY.year - years)
    except ValueError:
        day = TODAY.replace(year=TODAY.year - years, day=28)
    return (day - timedelta(days=days)).isoformat()


def doc(type_: str = "passport", number: str = "AB123", country: str | None = "VEN") -> dict[str, Any]:
    return {"type": type_, "number": number, **({"issuing_country": country} if country is not None else {})}


# Registration bodies that must be refused: (body changes, expected status, expected code or None).
REGISTRATION_CASES: dict[str, tuple[dict[str, Any], int, str | None]] = {
    # Identity documents.
    "cedula-bad-check-digit": ({"documents": [doc("cedula", "1710034066", None)]}, 422, "invalid_cedula"),
    "cedula-too-short": ({"documents": [doc("cedula", "171003406", None)]}, 422, "invalid_cedula"),
    "cedula-bad-province": ({"documents": [doc("cedula", "9910034065", None)]}, 422, "invalid_cedula"),
    "cedula-letters": ({"documents": [doc("cedula", "17100340AB", None)]}, 422, "invalid_cedula"),
    "cedula-foreign": ({"documents": [doc("cedula", VALID_CEDULA, "COL")]}, 422, "invalid_country"),
    "document-type-unknown": ({"documents": [doc("driving_licence")]}, 422, None),
    "document-number-symbols": ({"documents": [doc(number="AB/123")]}, 422, "invalid_document"),
    "document-number-blank": ({"documents": [doc(number="  ")]}, 422, None),
    "document-number-too-long": ({"documents": [doc(number="A" * 31)]}, 422, "invalid_document"),
    "document-number-way-too-long": ({"documents": [doc(number="A" * 41)]}, 422, None),
    "document-country-missing": ({"documents": [doc(country=None)]}, 422, "invalid_country"),
    "document-country-unknown": ({"documents": [doc(country="XYZ")]}, 422, None),
    "document-country-alpha2": ({"documents": [doc(country="VE")]}, 422, None),
    "document-twice": ({"documents": [doc(), doc(number="ab-123")]}, 422, None),
    "documents-too-many": ({"documents": [doc(number=f"N{i}") for i in range(6)]}, 422, None),
    "document-not-object": ({"documents": ["AB123"]}, 422, None),
    "document-unknown-field": ({"documents": [{**doc(), "expires": "2030-01-01"}]}, 422, None),
    # External identifiers.
    "external-system-blank": ({"external_ids": [{"system": " ", "value": "1"}]}, 422, None),
    "external-system-symbols": ({"external_ids": [{"system": "sig ob", "value": "1"}]}, 422, None),
    "external-value-control": ({"external_ids": [{"system": "sigob", "value": "a\nb"}]}, 422, None),
    "external-value-too-long": ({"external_ids": [{"system": "sigob", "value": "v" * 129}]}, 422, None),
    "external-same-system": (
        {"external_ids": [{"system": "sigob", "value": "1"}, {"system": "SIGOB", "value": "2"}]},
        422,
        None,
    ),
    "external-too-many": ({"external_ids": [{"system": f"s{i}", "value": "1"} for i in range(11)]}, 422, None),
    # Countries and places.
    "nationality-unknown": ({"nationality": "XXX"}, 422, None),
    "nationality-alpha2": ({"nationality": "EC"}, 422, None),
    "nationality-number": ({"nationality": 218}, 422, None),
    "province-unknown": ({"province_code": "99", "canton_code": None}, 422, "unknown_place"),
    "canton-unknown": ({"province_code": "17", "canton_code": "1799"}, 422, "unknown_place"),
    "canton-other-province": ({"province_code": "09", "canton_code": "1701"}, 422, "unknown_place"),
    "canton-malformed": ({"canton_code": "17O1"}, 422, None),
    "province-too-long": ({"province_code": "170"}, 422, None),
    # Birth dates.
    # Two days ahead: the body is built when tests are collected, in local time, and the server judges in UTC, possibly
    # after midnight.
    "birth-date-future": ({"birth_date": (TODAY + timedelta(days=2)).isoformat()}, 422, "invalid_birth_date"),
    "birth-date-far-future": ({"birth_date": "2999-01-01"}, 422, "invalid_birth_date"),
    "birth-date-over-120": ({"birth_date": _years_ago(121)}, 422, "invalid_birth_date"),
    "birth-date-year-1": ({"birth_date": "0001-01-01"}, 422, "invalid_birth_date"),
    "birth-date-impossible": ({"birth_date": "1990-02-30"}, 422, None),
    "birth-date-not-a-date": ({"birth_date": "yesterday"}, 422, None),
    "birth-date-datetime": ({"birth_date": "1990-05-17T10:00:00"}, 422, None),
    "birth-date-missing": ({"birth_date": ...}, 422, None),
    # Contacts.
    "phone-letters": ({"phone": "call me maybe"}, 422, None),
    "phone-too-short-number": ({"phone": "099"}, 422, None),
    "phone-invalid-number": ({"phone": "+593 12"}, 422, None),
    "phone-too-long": ({"phone": "+5939912345678901234567890123456789"}, 422, None),
    "phone-number-type": ({"phone": 991234567}, 422, None),
    "email-no-at": ({"email": "mj.example.org"}, 422, None),
    "email-no-domain": ({"email": "mj@"}, 422, None),
    "email-spaces": ({"email": "m j@example.org"}, 422, None),
    "email-too-long": ({"email": "a" * 250 + "@example.org"}, 422, None),
    # Names and free text.
    "given-names-too-long": ({"given_names": LONG}, 422, None),
    "family-names-too-long": ({"family_names": LONG}, 422, None),
    "given-names-blank": ({"given_names": "   "}, 422, None),
    "given-names-empty": ({"given_names": ""}, 422, None),
    "given-names-missing": ({"given_names": ...}, 422, None),
    "given-names-list": ({"given_names": ["Ana"]}, 422, None),
    "gender-identity-too-long": ({"gender_identity": "g" * 61}, 422, None),
    # Enumerations.
    "sex-unknown": ({"sex": "other"}, 422, None),
    "population-group-unknown": ({"population_group": "tourist"}, 422, None),
    "migratory-status-unknown": ({"migratory_status": "illegal"}, 422, None),
    "education-unknown": ({"education_level": "doctorate"}, 422, None),
    "language-unknown": ({"preferred_language": "qu"}, 422, None),
    "disability-answer-unknown": ({"disability": {"seeing": "blind"}}, 422, None),
    "disability-domain-unknown": ({"disability": {"smelling": "no_difficulty"}}, 422, None),
    # Household.
    "household-negative": ({"household_size": -1}, 422, None),
    "household-huge": ({"household_size": 31}, 422, None),
    "dependants-not-fewer": ({"household_size": 2, "dependants": 2}, 422, None),
    "household-text": ({"household_size": "four"}, 422, None),
    # Registration consent.
    "consent-missing": ({"registration_consent": ...}, 422, None),
    "consent-null": ({"registration_consent": None}, 422, None),
    "consent-no-method": ({"registration_consent": {"notice_version": "2026-01"}}, 422, None),
    "consent-method-unknown": (
        {"registration_consent": {"notice_version": "1", "method": "carrier_pigeon"}},
        422,
        None,
    ),
    "consent-blank-version": ({"registration_consent": {"notice_version": " ", "method": "in_person"}}, 422, None),
    "consent-future": (
        {"registration_consent": {"notice_version": "1", "method": "in_person", "given_at": "2999-01-01T00:00:00Z"}},
        422,
        None,
    ),
    "consent-naive-time": (
        {"registration_consent": {"notice_version": "1", "method": "in_person", "given_at": "2026-01-01T00:00:00"}},
        422,
        None,
    ),
    "consent-purpose-field": (
        {"registration_consent": {"notice_version": "1", "method": "in_person", "purpose": "sharing"}},
        422,
        None,
    ),
    # Unknown and server-owned fields.
    "unknown-field": ({"nickname": "Majo"}, 422, None),
    "id-field": ({"id": "01a20a44-be3b-7a79-bc9b-54ac8872abf3"}, 422, None),
    "erased-field": ({"erased_at": "2026-01-01T00:00:00Z"}, 422, None),
    "owner-not-uuid": ({"owner_partner_id": "ALFA"}, 422, None),
}


@pytest.mark.parametrize("name", list(REGISTRATION_CASES))
async def test_bad_registration(client: httpx.AsyncClient, container: Container, world: World, name: str) -> None:
    changes, status, code = REGISTRATION_CASES[name]
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.post(PARTICIPANTS, headers=world.a.manager_headers, json=person(**changes))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    if code is not None:
        assert problem["code"] == code, problem
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_every_broken_rule_of_a_registration_is_listed_at_once(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """A person filling in a form fixes everything in one go: each broken rule is reported, in either language."""
    body = person(nationality="XXX", canton_code="9999", household_size=2, dependants=5, given_names=" ")
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    for language in ("en", "es"):
        headers = {**world.a.manager_headers, "Accept-Language": language}
        response = await client.post(PARTICIPANTS, headers=headers, json=body)
        assert response.status_code == 422, response.text
        fields = {error["field"] for error in response.json()["errors"]}
        assert {"body.nationality", "body.canton_code", "body.dependants", "body.given_names"} <= fields
        messages = [error["message"] for error in response.json()["errors"]]
        assert len(set(messages)) == len(messages)
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_errors_do_not_echo_sensitive_values(client: httpx.AsyncClient, world: World) -> None:
    for body in (
        person(documents=[doc("cedula", "1710034066", None)]),
        person(phone="+593 12 SECRET"),
        person(email="secret-mail@"),
    ):
        response = await client.post(PARTICIPANTS, headers=world.a.manager_headers, json=body)
        assert response.status_code == 422
        for value in ("1710034066", "SECRET", "secret-mail"):
            assert value not in response.text


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"[]",
        b"null",
        b'{"given_names": "\xff"}',
        b"[" * 3000 + b"]" * 3000,
    ],
)
async def test_malformed_bodies(client: httpx.AsyncClient, container: Container, world: World, raw: bytes) -> None:
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.post(
        PARTICIPANTS, headers={**world.a.manager_headers, "Content-Type": "application/json"}, content=raw
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


# Rectifications that must be refused (on a participant registered by the test).
PATCH_CASES: dict[str, tuple[dict[str, Any], int]] = {
    "empty": ({}, 422),
    "null-name": ({"given_names": None}, 422),
    "null-birth-date": ({"birth_date": None}, 422),
    "null-sex": ({"sex": None}, 422),
    "null-nationality": ({"nationality": None}, 422),
    "null-language": ({"preferred_language": None}, 422),
    "name-too-long": ({"family_names": LONG}, 422),
    "name-blank": ({"family_names": "  "}, 422),
    "future-birth": ({"birth_date": (TODAY + timedelta(days=3)).isoformat()}, 422),
    "ancient-birth": ({"birth_date": "1800-01-01"}, 422),
    "bad-cedula": ({"documents": [doc("cedula", "1710034066", None)]}, 422),
    "unknown-country": ({"nationality": "ZZZ"}, 422),
    "unknown-canton": ({"canton_code": "9999"}, 422),
    "canton-outside-province": ({"canton_code": "0901"}, 422),
    "bad-phone": ({"phone": "12"}, 422),
    "bad-email": ({"email": "nobody"}, 422),
    "unknown-enum": ({"population_group": "alien"}, 422),
    "unknown-field": ({"registration_consent": {"notice_version": "1", "method": "digital"}}, 422),
    "dependants-too-many": ({"dependants": 4}, 422),  # household of 4
    "owner-change": ({"owner_partner_id": "01a20a44-be3b-7a79-bc9b-54ac8872abf3"}, 422),
}


@pytest.mark.parametrize("name", list(PATCH_CASES))
async def test_bad_rectification(client: httpx.AsyncClient, container: Container, world: World, name: str) -> None:
    created = await register(client, world.a.manager_headers)
    changes, status = PATCH_CASES[name]
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.patch(
        f"{PARTICIPANTS}/{created['id']}", headers={**world.a.manager_headers, "If-Match": '"v1"'}, json=changes
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


@pytest.mark.parametrize("if_match", ['"v2"', "v1", '"x1"', '"v1", "v2"', 'W/"v9"'])
async def test_bad_if_match(client: httpx.AsyncClient, container: Container, world: World, if_match: str) -> None:
    created = await register(client, world.a.manager_headers)
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.patch(
        f"{PARTICIPANTS}/{created['id']}",
        headers={**world.a.manager_headers, "If-Match": if_match},
        json={"household_size": 5},
    )
    assert response.status_code == 412
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_duplicate_identifiers_in_one_batch_of_requests(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    await register(client, world.a.manager_headers)
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    for changes in (
        {"documents": [doc(number="AB123456")], "external_ids": []},
        {"documents": [], "external_ids": [{"system": "sigob", "value": "X-1"}]},
        {"documents": [doc(number="NEW1")], "external_ids": [{"system": "sigob", "value": "X-1"}]},
    ):
        response = await client.post(PARTICIPANTS, headers=world.a.manager_headers, json=person(**changes))
        assert response.status_code == 409
        assert response.json()["code"] == "duplicate_participant"
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


@pytest.mark.parametrize(
    "path",
    [
        f"{PARTICIPANTS}/not-a-uuid",
        f"{PARTICIPANTS}/not-a-uuid/consents",
        f"{PARTICIPANTS}/00000000-0000-0000-0000-000000000000/export",
    ],
)
async def test_bad_paths(client: httpx.AsyncClient, world: World, path: str) -> None:
    response = await client.get(path, headers=world.a.manager_headers)
    assert response.status_code in (404, 422)
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("method", ["GET", "PATCH", "PUT", "DELETE"])
async def test_the_import_url_is_not_a_participant_id(client: httpx.AsyncClient, world: World, method: str) -> None:
    """`/participants/imports` takes POST only: another method is a 405 naming it, not a participant id to parse."""
    response = await client.request(
        method, f"{PARTICIPANTS}/imports", json={"household_size": 4}, headers=world.a.manager_headers
    )
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "1000"},
        {"name": "x" * 101},
        {"name": "%_%"},
        {"name": "'; DROP TABLE participants; --"},
        {"nationality": "ZZZ"},
        {"province_code": "ZZ"},
        {"min_age": "999"},
        {"registered_from": "2026-13-01T00:00:00Z"},
        {"document_type": "cedula", "document_number": "x" * 41},
        {"external_system": "a b", "external_value": "1"},
    ],
)
async def test_odd_searches_never_fail_with_a_500(
    client: httpx.AsyncClient, world: World, params: dict[str, str]
) -> None:
    response = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params=params)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
    else:
        assert len(response.json()["items"]) <= 100


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"nationality": "\x00\u00a0\U000e47d3"}, "nationality"),
        ({"name": "Mar\x00ía"}, "name"),
        ({"document_type": "cedula", "document_number": "17\x0012"}, "document_number"),
        ({"external_system": "siiu", "external_value": "\x00"}, "external_value"),
        ({"canton_code": "17\x001"}, "canton_code"),
    ],
    ids=["nationality", "name", "document_number", "external_value", "canton_code"],
)
async def test_a_nul_character_in_a_search_is_refused_not_a_server_error(
    client: httpx.AsyncClient, world: World, params: dict[str, str], field: str
) -> None:
    """PostgreSQL cannot compare text holding NUL: such a search is refused as invalid, on both databases alike."""
    response = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == [f"query.{field}"]
