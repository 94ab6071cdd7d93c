"""The participant registry through the API: registration with consent, sensitive fields and their audit, search,
rectification with If-Match, and visibility through sharing consents."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from emprende.adapters.sql.shared import schema
from emprende.bootstrap import Container
from emprende.domain.participants.participant import age_on
from emprende.services.shared.principal import Principal, PrincipalKind
from tests.conftest import (
    PARTICIPANT_TABLES,
    PARTICIPANTS,
    VALID_CEDULA,
    World,
    bearer,
    client_token,
    person,
    register,
    snapshot,
)

SENSITIVE_KEYS = {"gender_identity", "migratory_status", "documents", "disability", "has_disability", "phone", "email"}


async def audit_rows(container: Container, action: str) -> list[Any]:
    audit = schema.audit_events
    async with container.engine.connect() as connection:
        result = await connection.execute(select(audit).where(audit.c.action == action).order_by(audit.c.occurred_at))
        return list(result)


async def partner_client(
    client: httpx.AsyncClient, container: Container, world: World, scopes: frozenset[str]
) -> dict[str, str]:
    """Another API client of partner A with exactly these scopes, signed in."""
    from emprende.domain.identity.user import Role
    from emprende.services.partners.api_clients import CreateApiClient, create_api_client

    manager = Principal(
        kind=PrincipalKind.USER, id=world.a.manager.id, role=Role.PARTNER_MANAGER, partner_id=world.a.partner_id
    )
    issued = await create_api_client(
        manager,
        CreateApiClient(name=f"Sistema {'-'.join(sorted(scopes))}", scopes=scopes),
        uow_factory=container.uow,
        auth=container.auth,
    )
    token = await client_token(client, issued.client.id, issued.secret)
    assert token.status_code == 200, token.text
    return bearer(token.json()["access_token"])


# ---------------------------------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------------------------------


async def test_registration_stores_the_normalised_record_and_its_consent(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    response = await client.post(PARTICIPANTS, headers=world.a.manager_headers, json=person())
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"{PARTICIPANTS}/{body['id']}"
    assert body["owner_partner_id"] == str(world.a.partner_id)
    assert body["age"] == age_on(date(1990, 5, 17), container.clock.now().date())
    assert body["documents"] == [{"type": "passport", "number": "AB123456", "issuing_country": "VEN"}]
    assert body["phone"] == "+593991234567"
    assert body["has_disability"] is True
    assert body["disability"]["walking"] == "a_lot_of_difficulty"
    assert body["disability"]["hearing"] is None
    assert (body["province_code"], body["canton_code"]) == ("17", "1701")
    assert body["external_ids"] == [{"system": "sigob", "value": "X-1"}]
    assert body["erased"] is False
    assert body["probable_duplicates"] == []

    consents = await client.get(f"{PARTICIPANTS}/{body['id']}/consents", headers=world.a.manager_headers)
    assert consents.status_code == 200
    [consent] = consents.json()
    assert consent["purpose"] == "registration"
    assert consent["notice_version"] == "2026-01"
    assert consent["method"] == "in_person"
    assert consent["language"] == "es"
    assert consent["withdrawn_at"] is None
    assert consent["active"] is True
    assert consent["recipient_partner_id"] is None


async def test_minimal_registration_needs_no_document(client: httpx.AsyncClient, world: World) -> None:
    body = await register(
        client,
        world.a.staff_headers,
        **dict.fromkeys(
            (
                "gender_identity",
                "migratory_status",
                "documents",
                "disability",
                "household_size",
                "dependants",
                "education_level",
                "province_code",
                "canton_code",
                "phone",
                "email",
                "external_ids",
            ),
            ...,
        ),
    )
    assert body["documents"] == []
    assert body["external_ids"] == []
    # The caller may see sensitive fields: those the person did not give are null, not withheld.
    for name in ("gender_identity", "migratory_status", "disability", "has_disability", "phone", "email"):
        assert body[name] is None


@pytest.mark.parametrize(
    "document",
    [
        {"type": "cedula", "number": "171003406-5"},
        {"type": "cedula", "number": VALID_CEDULA, "issuing_country": "ecu"},
        {"type": "refugee_id", "number": "REF-0001", "issuing_country": "ECU"},
        {"type": "foreign_id", "number": "E 12345", "issuing_country": "COL"},
        {"type": "other", "number": "x9", "issuing_country": "PER"},
    ],
)
async def test_every_document_type_is_accepted(
    client: httpx.AsyncClient, world: World, document: dict[str, str]
) -> None:
    body = await register(client, world.a.manager_headers, documents=[document], external_ids=[], phone=None)
    [stored] = body["documents"]
    assert stored["type"] == document["type"]
    assert stored["number"].isalnum()
    assert stored["number"] == stored["number"].upper()


async def test_several_documents_at_once(client: httpx.AsyncClient, world: World) -> None:
    documents = [
        {"type": "cedula", "number": VALID_CEDULA},
        {"type": "passport", "number": "P1", "issuing_country": "VEN"},
    ]
    body = await register(client, world.a.manager_headers, documents=documents)
    assert [d["type"] for d in body["documents"]] == ["cedula", "passport"]
    assert body["documents"][0]["issuing_country"] == "ECU"


async def test_partner_without_referral_or_training_agreement_cannot_register(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.post(PARTICIPANTS, headers=world.b.manager_headers, json=person())
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "agreement_required"
    # The administrator cannot register on behalf of that partner either.
    response = await client.post(
        PARTICIPANTS, headers=world.admin_headers, json=person(owner_partner_id=str(world.b.partner_id))
    )
    assert response.status_code == 403
    assert response.json()["code"] == "agreement_required"
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_administrator_names_the_registering_partner(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(PARTICIPANTS, headers=world.admin_headers, json=person())
    assert response.status_code == 422
    assert response.json()["code"] == "partner_required"
    body = await register(client, world.admin_headers, owner_partner_id=str(world.a.partner_id))
    assert body["owner_partner_id"] == str(world.a.partner_id)


async def test_partner_registers_for_itself_only(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        PARTICIPANTS, headers=world.a.manager_headers, json=person(owner_partner_id=str(world.b.partner_id))
    )
    assert response.status_code == 422
    assert response.json()["code"] == "owner_not_allowed"


async def test_client_without_write_scope_cannot_register(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(PARTICIPANTS, headers=world.a.client_headers, json=person())
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------------------------------
# Sensitive fields: absent without the right, audited with it
# ---------------------------------------------------------------------------------------------------------------------


async def test_sensitive_fields_absent_without_the_right_and_no_audit(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await register(client, world.a.manager_headers)
    before = await audit_rows(container, "read_sensitive")
    response = await client.get(f"{PARTICIPANTS}/{created['id']}", headers=world.a.client_headers)
    assert response.status_code == 200
    body = response.json()
    assert not SENSITIVE_KEYS & set(body)
    assert body["given_names"] == "María José"
    assert response.headers["Cache-Control"] == "no-store"
    listing = await client.get(PARTICIPANTS, headers=world.a.client_headers)
    assert listing.status_code == 200
    assert listing.json()["items"]
    for item in listing.json()["items"]:
        assert not SENSITIVE_KEYS & set(item)
    assert "+593991234567" not in listing.text
    assert "AB123456" not in listing.text
    assert await audit_rows(container, "read_sensitive") == before


async def test_every_sensitive_read_is_audited_with_the_request_id(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await register(client, world.a.manager_headers)
    headers = {**world.a.staff_headers, "X-Request-ID": "read-one-0001"}
    response = await client.get(f"{PARTICIPANTS}/{created['id']}", headers=headers)
    assert response.status_code == 200
    assert set(response.json()) >= SENSITIVE_KEYS
    [row] = [r for r in await audit_rows(container, "read_sensitive") if r.request_id == "read-one-0001"]
    assert row.entity_type == "participant"
    assert row.entity_id == created["id"]
    assert row.actor_type == "user"
    assert row.actor_id == world.a.staff.id
    assert set(row.changes) == SENSITIVE_KEYS
    assert "+593991234567" not in str(row.changes)

    # A list writes one row per person whose sensitive data it returned.
    headers = {**world.a.manager_headers, "X-Request-ID": "read-list-0001"}
    listing = await client.get(PARTICIPANTS, headers=headers, params={"limit": 100})
    assert listing.status_code == 200
    ids = {item["id"] for item in listing.json()["items"]}
    assert len(ids) == 3  # the two seeded records and the new one
    rows = [r for r in await audit_rows(container, "read_sensitive") if r.request_id == "read-list-0001"]
    assert {r.entity_id for r in rows} == ids
    assert {r.actor_id for r in rows} == {world.a.manager.id}


async def test_client_with_sensitive_scope_sees_and_is_audited(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await register(client, world.a.manager_headers)
    headers = await partner_client(client, container, world, frozenset({"participants:sensitive"}))
    response = await client.get(f"{PARTICIPANTS}/{created['id']}", headers={**headers, "X-Request-ID": "client-0001"})
    assert response.status_code == 200
    assert response.json()["migratory_status"] == "in_process"
    [row] = [r for r in await audit_rows(container, "read_sensitive") if r.request_id == "client-0001"]
    assert row.actor_type == "client"


@pytest.mark.parametrize(
    "params",
    [
        {"migratory_status": "irregular"},
        {"has_disability": "true"},
        {"document_type": "passport", "document_number": "AB123456", "document_country": "VEN"},
    ],
)
async def test_filtering_by_sensitive_fields_needs_the_right(
    client: httpx.AsyncClient, world: World, params: dict[str, str]
) -> None:
    await register(client, world.a.manager_headers)
    refused = await client.get(PARTICIPANTS, headers=world.a.client_headers, params=params)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "AB123456" not in refused.text
    allowed = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params=params)
    assert allowed.status_code == 200


async def test_sensitive_filters_work(client: httpx.AsyncClient, world: World) -> None:
    first = await register(client, world.a.manager_headers)
    second = await register(
        client,
        world.a.manager_headers,
        given_names="Pedro",
        family_names="Zambrano",
        migratory_status="regular",
        disability=None,
        documents=[],
        external_ids=[],
        phone=None,
    )
    headers = world.a.manager_headers

    async def ids(**params: str) -> set[str]:
        response = await client.get(PARTICIPANTS, headers=headers, params=params)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert await ids(migratory_status="in_process") == {first["id"]}
    assert await ids(migratory_status="regular") == {second["id"]}
    assert await ids(has_disability="true") == {first["id"]}


# ---------------------------------------------------------------------------------------------------------------------
# Search, filters, sorting and pagination
# ---------------------------------------------------------------------------------------------------------------------

PEOPLE: list[dict[str, Any]] = [
    {"given_names": "Ana Lucía", "family_names": "Núñez", "sex": "female", "population_group": "migrant",
     "nationality": "VEN", "province_code": "17", "canton_code": "1701", "birth_date": "2000-01-10"},
    {"given_names": "Bruno", "family_names": "Andrade", "sex": "male", "population_group": "host_community",
     "nationality": "ECU", "province_code": "09", "canton_code": "0901", "birth_date": "1980-06-01"},
    {"given_names": "Carla", "family_names": "Ñañez", "sex": "female", "population_group": "refugee_or_asylum_seeker",
     "nationality": "COL", "province_code": "13", "canton_code": "1308", "birth_date": "1995-03-03"},
    {"given_names": "Diego", "family_names": "Benítez", "sex": "male", "population_group": "returnee",
     "nationality": "ECU", "province_code": "17", "canton_code": "1701", "birth_date": "1960-12-31"},
    {"given_names": "Elena", "family_names": "Castro", "sex": "intersex", "population_group": "migrant",
     "nationality": "VEN", "province_code": "09", "canton_code": "0901", "birth_date": "2005-08-08"},
]  # fmt: skip


async def register_people(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    created = []
    for index, fields in enumerate(PEOPLE):
        created.append(
            await register(
                client,
                headers,
                documents=[{"type": "passport", "number": f"PP{index}", "issuing_country": "VEN"}],
                external_ids=[{"system": "sigob", "value": f"S-{index}"}],
                phone=f"+59399000000{index}",
                **fields,
            )
        )
    return created


async def test_filters(client: httpx.AsyncClient, container: Container, world: World) -> None:
    created = await register_people(client, world.a.manager_headers)
    by_name = {person["given_names"]: person["id"] for person in created}
    today = container.clock.now().date()

    async def names(**params: Any) -> set[str]:
        response = await client.get(PARTICIPANTS, headers=world.a.client_headers, params={"limit": 100, **params})
        assert response.status_code == 200, response.text
        found = {item["id"] for item in response.json()["items"]}
        return {name for name, pid in by_name.items() if pid in found} | (
            {"(seeded)"} if found - set(by_name.values()) else set()
        )

    assert await names(population_group="migrant") == {"Ana Lucía", "Elena", "(seeded)"}
    assert await names(nationality="ECU") == {"Bruno", "Diego"}
    assert await names(nationality="col") == {"Carla"}
    assert await names(sex="male") == {"Bruno", "Diego"}
    assert await names(sex="intersex") == {"Elena"}
    assert await names(province_code="17") == {"Ana Lucía", "Diego"}
    assert await names(canton_code="0901") == {"Bruno", "Elena"}
    assert await names(province_code="17", sex="female") == {"Ana Lucía"}
    ages = {name: age_on(date.fromisoformat(p["birth_date"]), today) for name, p in zip(by_name, PEOPLE, strict=True)}
    low, high = ages["Carla"], ages["Bruno"]
    expected = {name for name, age in ages.items() if low <= age <= high}
    if low <= age_on(date(1990, 1, 15), today) <= high:
        expected.add("(seeded)")
    assert await names(min_age=low, max_age=high) == expected
    assert await names(min_age=ages["Diego"]) == {"Diego"}
    assert await names(max_age=ages["Elena"]) == {"Elena"}
    now = container.clock.now()
    hour = timedelta(hours=1)
    assert len(await names(registered_from=(now - hour).isoformat())) == 6
    assert await names(registered_from=(now + hour).isoformat()) == set()
    assert await names(registered_to=(now - hour).isoformat()) == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ana lucia", {"Ana Lucía"}),
        ("ANA LUCÍA NÚÑEZ", {"Ana Lucía"}),
        ("nunez", {"Ana Lucía"}),
        ("ÑAÑEZ", {"Carla"}),
        ("nanez carla", {"Carla"}),
        ("benitez", {"Diego"}),
        ("BENÍTEZ", {"Diego"}),
        ("zzz", set()),
    ],
)
async def test_name_search_ignores_accents_and_case(
    client: httpx.AsyncClient, world: World, query: str, expected: set[str]
) -> None:
    await register_people(client, world.a.manager_headers)
    response = await client.get(PARTICIPANTS, headers=world.a.client_headers, params={"name": query})
    assert response.status_code == 200
    assert {item["given_names"] for item in response.json()["items"]} == expected


async def test_name_search_does_not_reach_other_partners(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(PARTICIPANTS, headers=world.b.manager_headers, params={"name": "Persona ALFA"})
    assert response.status_code == 200
    assert response.json()["items"] == []
    response = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params={"name": "persona alfa"})
    assert len(response.json()["items"]) == 2


@pytest.mark.parametrize("sort", ["registered_at", "name"])
async def test_pagination_walk_with_both_sorts(client: httpx.AsyncClient, world: World, sort: str) -> None:
    await register_people(client, world.a.manager_headers)
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2, "sort": sort}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(PARTICIPANTS, headers=world.a.client_headers, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 2
        seen += page["items"]
        pages += 1
        cursor = page.get("next_cursor")
        if cursor is None:
            break
        assert pages < 10
    assert len(seen) == 7
    assert len({item["id"] for item in seen}) == 7
    assert pages == 4
    everything = await client.get(PARTICIPANTS, headers=world.a.client_headers, params={"limit": 100, "sort": sort})
    assert [item["id"] for item in seen] == [item["id"] for item in everything.json()["items"]]
    if sort == "name":
        from emprende.domain.participants.matching import name_key

        keys = [name_key(item["given_names"], item["family_names"]) for item in seen]
        assert keys == sorted(keys)
        assert seen[0]["given_names"] == "Ana Lucía"
    else:
        moments = [(item["registered_at"], item["id"]) for item in seen]
        assert [m[0] for m in moments] == sorted(m[0] for m in moments)


async def test_cursor_is_bound_to_its_filters_and_sort(client: httpx.AsyncClient, world: World) -> None:
    await register_people(client, world.a.manager_headers)
    first = await client.get(PARTICIPANTS, headers=world.a.client_headers, params={"limit": 1, "sort": "name"})
    cursor = first.json()["next_cursor"]
    for params in ({"sort": "registered_at"}, {"sort": "name", "nationality": "ECU"}):
        response = await client.get(
            PARTICIPANTS, headers=world.a.client_headers, params={"limit": 1, "cursor": cursor, **params}
        )
        assert response.status_code == 400, params
        assert response.headers["content-type"].startswith("application/problem+json")
    # Another partner cannot use the cursor to reach A's people: it only ever pages through its own.
    response = await client.get(
        PARTICIPANTS, headers=world.b.manager_headers, params={"limit": 100, "cursor": cursor, "sort": "name"}
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert {item["owner_partner_id"] for item in response.json()["items"]} <= {str(world.b.partner_id)}


async def test_document_and_external_id_lookup_is_exact(client: httpx.AsyncClient, world: World) -> None:
    created = await register(
        client,
        world.a.manager_headers,
        documents=[{"type": "cedula", "number": VALID_CEDULA}],
        external_ids=[{"system": "unhcr.progres", "value": "ECU-123"}],
    )

    async def found(headers: dict[str, str], **params: str) -> list[str]:
        response = await client.get(PARTICIPANTS, headers=headers, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    manager = world.a.manager_headers
    assert await found(manager, document_type="cedula", document_number="171003406-5") == [created["id"]]
    assert await found(manager, document_type="cedula", document_number=VALID_CEDULA, document_country="ECU") == [
        created["id"]
    ]
    assert await found(manager, document_type="cedula", document_number="1710034073") == []
    assert await found(manager, document_type="passport", document_number=VALID_CEDULA, document_country="ECU") == []
    # External identifiers are not sensitive: any reader may look them up; the system name is case-insensitive.
    client_headers = world.a.client_headers
    assert await found(client_headers, external_system="UNHCR.progres", external_value="ECU-123") == [created["id"]]
    assert await found(client_headers, external_system="unhcr.progres", external_value="ECU-12") == []
    assert await found(client_headers, external_system="sigob", external_value="ECU-123") == []
    # Another partner finds nothing.
    assert await found(world.b.manager_headers, document_type="cedula", document_number=VALID_CEDULA) == []
    assert await found(world.b.manager_headers, external_system="unhcr.progres", external_value="ECU-123") == []


@pytest.mark.parametrize(
    "params",
    [
        {"document_type": "cedula"},
        {"document_number": "123"},
        {"external_system": "sigob"},
        {"external_value": "X-1"},
        {"document_type": "cedula", "document_number": "1234567890"},
        {"document_type": "passport", "document_number": "AB1"},  # no issuing country
        {"document_type": "cedula", "document_number": VALID_CEDULA, "external_system": "s", "external_value": "v"},
        {"min_age": "40", "max_age": "30"},
        {"min_age": "-1"},
        {"sex": "unknown"},
        {"sort": "birth_date"},
        {"registered_from": "2026-01-01T00:00:00"},
        {"limit": "0"},
        {"cursor": "not-a-cursor"},
    ],
)
async def test_bad_search_parameters(client: httpx.AsyncClient, world: World, params: dict[str, str]) -> None:
    response = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params=params)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


# ---------------------------------------------------------------------------------------------------------------------
# Rectification
# ---------------------------------------------------------------------------------------------------------------------


async def test_rectification_with_if_match(client: httpx.AsyncClient, container: Container, world: World) -> None:
    created = await register(client, world.a.manager_headers)
    url = f"{PARTICIPANTS}/{created['id']}"
    read = await client.get(url, headers=world.a.manager_headers)
    assert read.headers["ETag"] == '"v1"'
    changed = await client.patch(
        url,
        headers={**world.a.manager_headers, "If-Match": read.headers["ETag"]},
        json={"family_names": "Pérez", "household_size": 5, "canton_code": "0901", "province_code": "09"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == '"v2"'
    body = changed.json()
    assert body["family_names"] == "Pérez"
    assert (body["household_size"], body["province_code"], body["canton_code"]) == (5, "09", "0901")
    assert body["dependants"] == 2  # untouched
    # The old ETag is stale now: 412 and nothing changes.
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    stale = await client.patch(
        url, headers={**world.a.manager_headers, "If-Match": read.headers["ETag"]}, json={"family_names": "Otra"}
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before
    # The new name is searchable and the old one no longer finds the person.
    found = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params={"name": "maria perez"})
    assert [item["id"] for item in found.json()["items"]] == [created["id"]]
    gone = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params={"name": "gomez"})
    assert gone.json()["items"] == []


async def test_rectification_is_audited_without_sensitive_values(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await register(client, world.a.manager_headers)
    response = await client.patch(
        f"{PARTICIPANTS}/{created['id']}",
        headers=world.a.manager_headers,
        json={"phone": "+593 98 765 4321", "migratory_status": "regular"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["phone"] == "+593987654321"
    rows = [r for r in await audit_rows(container, "update") if r.entity_id == created["id"]]
    assert rows
    text = " ".join(
        str(r.changes) for r in await audit_rows(container, "update") + await audit_rows(container, "create")
    )
    for secret in ("+593987654321", "+593991234567", "AB123456", "mj@example.org", "María"):
        assert secret not in text


async def test_sensitive_changes_need_the_sensitive_right(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await register(client, world.a.manager_headers)
    url = f"{PARTICIPANTS}/{created['id']}"
    writer = await partner_client(client, container, world, frozenset({"participants:write"}))
    ok = await client.patch(url, headers=writer, json={"education_level": "university"})
    assert ok.status_code == 200, ok.text
    assert not SENSITIVE_KEYS & set(ok.json())
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    for change in (
        {"phone": "0987654321"},
        {"email": "other@example.org"},
        {"migratory_status": "regular"},
        {"gender_identity": "otra"},
        {"disability": None},
        {"documents": []},
        {"education_level": "primary", "phone": None},
    ):
        refused = await client.patch(url, headers=writer, json=change)
        assert refused.status_code == 403, change
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before
    # The reader-only client cannot rectify at all.
    refused = await client.patch(url, headers=world.a.client_headers, json={"education_level": "primary"})
    assert refused.status_code == 403


async def test_documents_and_identifiers_are_replaced_whole(client: httpx.AsyncClient, world: World) -> None:
    created = await register(client, world.a.manager_headers)
    url = f"{PARTICIPANTS}/{created['id']}"
    response = await client.patch(
        url,
        headers=world.a.manager_headers,
        json={"documents": [{"type": "cedula", "number": VALID_CEDULA}], "external_ids": []},
    )
    assert response.status_code == 200, response.text
    assert response.json()["documents"] == [{"type": "cedula", "number": VALID_CEDULA, "issuing_country": "ECU"}]
    assert response.json()["external_ids"] == []

    async def lookup(**params: str) -> list[str]:
        found = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params=params)
        return [item["id"] for item in found.json()["items"]]

    assert await lookup(document_type="cedula", document_number=VALID_CEDULA) == [created["id"]]
    assert await lookup(document_type="passport", document_number="AB123456", document_country="VEN") == []
    assert await lookup(external_system="sigob", external_value="X-1") == []
    # The released passport can now be registered for someone else.
    await register(client, world.a.manager_headers, given_names="Otra", birth_date="1970-01-01", phone=None)


async def test_only_the_registering_partner_rectifies(client: httpx.AsyncClient, world: World) -> None:
    url = f"{PARTICIPANTS}/{world.a.participant_id}"
    response = await client.patch(url, headers=world.b.manager_headers, json={"education_level": "primary"})
    assert response.status_code == 404
    await share_with_b(client, world)
    response = await client.patch(url, headers=world.b.manager_headers, json={"education_level": "primary"})
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------------------------------
# Sharing consents
# ---------------------------------------------------------------------------------------------------------------------


async def share_with_b(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    response = await client.post(
        f"{PARTICIPANTS}/{world.a.participant_id}/consents",
        headers=world.a.manager_headers,
        json={
            "purpose": "sharing",
            "recipient_partner_id": str(world.b.partner_id),
            "notice_version": "2026-01",
            "method": "digital",
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_sharing_consent_gives_access_and_withdrawal_removes_it_at_once(
    client: httpx.AsyncClient, world: World
) -> None:
    url = f"{PARTICIPANTS}/{world.a.participant_id}"
    b = world.b.manager_headers

    async def b_sees() -> bool:
        single = await client.get(url, headers=b)
        listed = await client.get(PARTICIPANTS, headers=b, params={"limit": 100})
        in_list = str(world.a.participant_id) in {item["id"] for item in listed.json()["items"]}
        consents = await client.get(f"{url}/consents", headers=b)
        assert single.status_code in (200, 404)
        assert (single.status_code == 200) == in_list == (consents.status_code == 200)
        return in_list

    assert not await b_sees()
    consent = await share_with_b(client, world)
    assert consent["recipient_partner_id"] == str(world.b.partner_id)
    assert consent["active"] is True
    assert await b_sees()
    # Other records of A stay hidden.
    other = await client.get(f"{PARTICIPANTS}/{uuid.uuid4()}", headers=b)
    assert other.status_code == 404

    withdrawn = await client.post(f"{url}/consents/{consent['id']}/withdrawal", headers=world.a.manager_headers)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["active"] is False
    assert withdrawn.json()["withdrawn_at"] is not None
    assert not await b_sees()
    missing = await client.get(url, headers=b)
    assert missing.json()["code"] == "not_found"
    again = await client.post(f"{url}/consents/{consent['id']}/withdrawal", headers=world.a.manager_headers)
    assert again.status_code == 409
    assert again.json()["code"] == "consent_withdrawn"
    # Withdrawal is a new fact: the consent itself still says when it was given.
    consents = (await client.get(f"{url}/consents", headers=world.a.manager_headers)).json()
    sharing = [c for c in consents if c["id"] == consent["id"]]
    assert sharing[0]["given_at"] == consent["given_at"]
    assert sharing[0]["notice_version"] == "2026-01"


async def test_shared_person_is_visible_without_sensitive_to_a_reader(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    await share_with_b(client, world)
    response = await client.get(f"{PARTICIPANTS}/{world.a.participant_id}", headers=world.b.manager_headers)
    assert response.status_code == 200
    assert response.json()["owner_partner_id"] == str(world.a.partner_id)


async def test_consents_cannot_be_edited(client: httpx.AsyncClient, world: World) -> None:
    url = f"{PARTICIPANTS}/{world.a.participant_id}/consents/{world.a.consent_id}"
    for method in ("PATCH", "PUT", "DELETE"):
        response = await client.request(method, url, headers=world.a.manager_headers, json={"notice_version": "x"})
        assert response.status_code in (404, 405), method


async def test_only_the_owner_records_and_withdraws_consents(client: httpx.AsyncClient, world: World) -> None:
    consent = await share_with_b(client, world)
    url = f"{PARTICIPANTS}/{world.a.participant_id}/consents"
    body = {"purpose": "training", "notice_version": "2026-01", "method": "digital"}
    assert (await client.post(url, headers=world.b.manager_headers, json=body)).status_code == 403
    withdrawal = await client.post(f"{url}/{consent['id']}/withdrawal", headers=world.b.manager_headers)
    assert withdrawal.status_code == 403
    # A consent of another participant cannot be withdrawn through this one.
    crossed = await client.post(
        f"{PARTICIPANTS}/{world.a.participant_id}/consents/{world.b.consent_id}/withdrawal",
        headers=world.a.manager_headers,
    )
    assert crossed.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"purpose": "sharing", "notice_version": "2026-01", "method": "digital"},
        {"purpose": "training", "recipient_partner_id": "RECIPIENT", "notice_version": "2026-01", "method": "digital"},
        {"purpose": "sharing", "recipient_partner_id": "UNKNOWN", "notice_version": "2026-01", "method": "digital"},
        {"purpose": "sharing", "recipient_partner_id": "OWNER", "notice_version": "2026-01", "method": "digital"},
        {"purpose": "marketing", "notice_version": "2026-01", "method": "digital"},
        {"purpose": "training", "notice_version": "2026-01", "method": "telepathy"},
        {"purpose": "training", "notice_version": " ", "method": "digital"},
        {"purpose": "training", "notice_version": "2026-01", "method": "digital", "given_at": "2999-01-01T00:00:00Z"},
        {"purpose": "training", "notice_version": "2026-01", "method": "digital", "given_at": "2026-01-01T00:00:00"},
        {"purpose": "training", "notice_version": "2026-01", "method": "digital", "language": "xx"},
        {"purpose": "training", "notice_version": "2026-01", "method": "digital", "withdrawn_at": None},
    ],
)
async def test_bad_consents_are_refused(
    client: httpx.AsyncClient, container: Container, world: World, body: dict[str, Any]
) -> None:
    replacements = {
        "RECIPIENT": str(world.b.partner_id),
        "UNKNOWN": str(uuid.uuid4()),
        "OWNER": str(world.a.partner_id),
    }
    body = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.post(
        f"{PARTICIPANTS}/{world.a.participant_id}/consents", headers=world.a.manager_headers, json=body
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_consent_given_in_the_past_keeps_its_time(client: httpx.AsyncClient, world: World) -> None:
    given = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
    response = await client.post(
        f"{PARTICIPANTS}/{world.a.participant_id}/consents",
        headers=world.a.staff_headers,
        json={"purpose": "training", "notice_version": "2026-01", "method": "guardian", "given_at": given.isoformat()},
    )
    assert response.status_code == 201, response.text
    assert datetime.fromisoformat(response.json()["given_at"]) == given
