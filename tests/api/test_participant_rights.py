"""Data-subject rights: export everything held about a person; erase them irreversibly, keeping aggregates."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.shared import schema
from emprende.bootstrap import Container
from tests.conftest import PARTICIPANT_TABLES, PARTICIPANTS, VALID_CEDULA, World, person, register, snapshot

CEDULA_DOC = [{"type": "cedula", "number": VALID_CEDULA}]
EXTERNAL = [{"system": "unhcr.progres", "value": "ECU-777"}]


async def registered(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    return await register(client, world.a.manager_headers, documents=CEDULA_DOC, external_ids=EXTERNAL)


async def test_export_contains_record_consents_and_sensitive_reads(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await registered(client, world)
    url = f"{PARTICIPANTS}/{created['id']}"
    await client.get(url, headers={**world.a.staff_headers, "X-Request-ID": "staff-read-0001"})
    await client.get(url, headers={**world.a.client_headers, "X-Request-ID": "plain-read-0001"})  # not sensitive
    training = await client.post(
        f"{url}/consents",
        headers=world.a.manager_headers,
        json={"purpose": "training", "notice_version": "2026-02", "method": "digital"},
    )
    assert training.status_code == 201
    await client.post(f"{url}/consents/{training.json()['id']}/withdrawal", headers=world.a.manager_headers)

    response = await client.get(f"{url}/export", headers=world.a.manager_headers)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    export = response.json()
    record = export["participant"]
    assert record["id"] == created["id"]
    assert record["given_names"] == "María José"
    assert record["documents"] == [{"type": "cedula", "number": VALID_CEDULA, "issuing_country": "ECU"}]
    assert record["migratory_status"] == "in_process"
    assert record["phone"] == "+593991234567"
    assert record["email"] == "mj@example.org"
    assert record["gender_identity"] == "mujer"
    assert record["has_disability"] is True
    assert record["external_ids"] == EXTERNAL
    purposes = {c["purpose"]: c for c in export["consents"]}
    assert set(purposes) == {"registration", "training"}
    assert purposes["training"]["active"] is False
    assert purposes["training"]["withdrawn_at"] is not None
    reads = export["sensitive_reads"]
    assert {r["request_id"] for r in reads} == {"staff-read-0001"}
    [read] = reads
    assert read["actor_type"] == "user"
    assert read["actor_id"] == str(world.a.staff.id)
    assert read["read_at"]
    assert export["exported_at"]


async def test_export_is_for_the_owning_partners_managers(client: httpx.AsyncClient, world: World) -> None:
    created = await registered(client, world)
    url = f"{PARTICIPANTS}/{created['id']}/export"
    assert (await client.get(url, headers=world.a.staff_headers)).status_code == 403
    assert (await client.get(url, headers=world.a.client_headers)).status_code == 403
    assert (await client.get(url, headers=world.b.manager_headers)).status_code == 404
    assert (await client.get(url, headers=world.admin_headers)).status_code == 200
    assert (await client.get(f"{PARTICIPANTS}/{uuid.uuid4()}/export", headers=world.a.manager_headers)).status_code == (
        404
    )


async def test_erasure_is_irreversible_and_hides_the_person_from_identifying_searches(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await registered(client, world)
    url = f"{PARTICIPANTS}/{created['id']}"
    headers = world.a.manager_headers
    response = await client.post(f"{url}/erasure", headers=headers)
    assert response.status_code == 200, response.text
    erased = response.json()
    assert erased["erased"] is True
    assert erased["given_names"] != "María José"
    assert "María" not in response.text
    assert erased["birth_date"] is None
    assert erased["age"] is None
    assert erased["external_ids"] == []
    # Aggregates kept.
    assert (erased["population_group"], erased["sex"], erased["nationality"]) == ("migrant", "female", "VEN")

    read = (await client.get(url, headers=headers)).json()
    assert read["erased"] is True
    assert read["documents"] == []
    for key in ("phone", "email", "migratory_status", "gender_identity", "disability"):
        assert read.get(key) is None, key
    async with container.engine.connect() as connection:
        row = (
            await connection.execute(
                select(participant_tables.participants).where(
                    participant_tables.participants.c.id == uuid.UUID(created["id"])
                )
            )
        ).one()
        identifiers = (
            await connection.execute(
                select(participant_tables.participant_identifiers).where(
                    participant_tables.participant_identifiers.c.participant_id == uuid.UUID(created["id"])
                )
            )
        ).all()
    assert row.birth_year == 1990
    assert (row.population_group, row.sex, row.nationality) == ("migrant", "female", "VEN")
    assert row.birth_date is None
    assert row.phone is None
    assert row.email is None
    assert row.name_key == ""
    assert row.erased_at is not None
    assert identifiers == []
    stored = json.dumps([str(value) for value in row])
    for secret in ("María", "Pérez", VALID_CEDULA, "ECU-777", "+593991234567", "mj@example.org", "mujer"):
        assert secret not in stored

    async def found(**params: str) -> list[str]:
        listed = await client.get(PARTICIPANTS, headers=headers, params={"limit": 100, **params})
        assert listed.status_code == 200, listed.text
        return [item["id"] for item in listed.json()["items"]]

    assert created["id"] not in await found(name="maria jose perez")
    assert created["id"] not in await found(name="perez")
    assert await found(document_type="cedula", document_number=VALID_CEDULA) == []
    assert await found(external_system="unhcr.progres", external_value="ECU-777") == []
    assert created["id"] in await found(population_group="migrant")  # still counted

    # Irreversible: no rectification, no new consent; a second erasure changes nothing.
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    patch = await client.patch(url, headers=headers, json={"given_names": "María José"})
    assert patch.status_code == 409
    assert patch.json()["code"] == "participant_erased"
    consent = await client.post(
        f"{url}/consents", headers=headers, json={"purpose": "training", "notice_version": "1", "method": "digital"}
    )
    assert consent.status_code in (409, 422)
    again = await client.post(f"{url}/erasure", headers=headers)
    assert again.status_code == 200
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before

    # The export of an erased person holds nothing identifying.
    export = await client.get(f"{url}/export", headers=headers)
    assert export.status_code == 200
    for secret in ("María", VALID_CEDULA, "ECU-777", "+593991234567"):
        assert secret not in export.text


async def test_erased_person_can_register_again(client: httpx.AsyncClient, world: World) -> None:
    created = await registered(client, world)
    assert (
        await client.post(f"{PARTICIPANTS}/{created['id']}/erasure", headers=world.a.manager_headers)
    ).status_code == 200
    again = await register(client, world.a.manager_headers, documents=CEDULA_DOC, external_ids=EXTERNAL)
    assert again["id"] != created["id"]
    assert again["probable_duplicates"] == []  # an erased record is never a duplicate candidate


async def test_erasure_leaves_no_identifying_values_in_the_audit_trail(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await registered(client, world)
    await client.post(f"{PARTICIPANTS}/{created['id']}/erasure", headers=world.a.manager_headers)
    audit = schema.audit_events
    async with container.engine.connect() as connection:
        rows = (
            await connection.execute(select(audit.c.action, audit.c.changes).where(audit.c.entity_id == created["id"]))
        ).all()
    assert {row.action for row in rows} >= {"create", "update"}
    text = json.dumps([row.changes for row in rows], default=str)
    # The audit trail outlives the erasure, so it never held what erasure removes (the exact birth date included).
    for secret in ("María", "Pérez", VALID_CEDULA, "ECU-777", "+593991234567", "mj@example.org", "1990-05-17"):
        assert secret not in text


async def test_erasure_is_for_the_owning_partners_managers(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await registered(client, world)
    url = f"{PARTICIPANTS}/{created['id']}/erasure"
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    assert (await client.post(url, headers=world.a.staff_headers)).status_code == 403
    assert (await client.post(url, headers=world.a.client_headers)).status_code == 403
    assert (await client.post(url, headers=world.b.manager_headers)).status_code == 404
    # Shared with B: B may see the person but still not erase them.
    consent = await client.post(
        f"{PARTICIPANTS}/{created['id']}/consents",
        headers=world.a.manager_headers,
        json={
            "purpose": "sharing",
            "recipient_partner_id": str(world.b.partner_id),
            "notice_version": "2026-01",
            "method": "digital",
        },
    )
    assert consent.status_code == 201
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    assert (await client.post(url, headers=world.b.manager_headers)).status_code == 403
    assert (
        await client.get(f"{PARTICIPANTS}/{created['id']}/export", headers=world.b.manager_headers)
    ).status_code == 403
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_erasure_does_not_touch_other_people(client: httpx.AsyncClient, world: World) -> None:
    created = await registered(client, world)
    other = await register(
        client, world.a.manager_headers, given_names="María", documents=[], external_ids=[], phone=None
    )
    await client.post(f"{PARTICIPANTS}/{created['id']}/erasure", headers=world.a.manager_headers)
    found = await client.get(PARTICIPANTS, headers=world.a.manager_headers, params={"name": "maria perez"})
    assert [item["id"] for item in found.json()["items"]] == [other["id"]]
    assert person()["given_names"] == "María José"


async def test_erasure_ends_the_persons_consents_and_sharing(client: httpx.AsyncClient, world: World) -> None:
    """After erasure nothing is processed for the person: a partner they had shared with no longer sees the record."""
    shared = await client.post(
        f"/api/v1/participants/{world.a.participant_id}/consents",
        json={
            "purpose": "sharing",
            "recipient_partner_id": str(world.b.partner_id),
            "notice_version": "2026-01",
            "method": "digital",
        },
        headers=world.a.manager_headers,
    )
    assert shared.status_code == 201, shared.text
    url = f"/api/v1/participants/{world.a.participant_id}"
    assert (await client.get(url, headers=world.b.manager_headers)).status_code == 200
    assert (await client.post(f"{url}/erasure", headers=world.a.manager_headers)).status_code == 200
    assert (await client.get(url, headers=world.b.manager_headers)).status_code == 404
    consents = await client.get(f"{url}/consents", headers=world.a.manager_headers)
    assert all(not consent["active"] for consent in consents.json())
