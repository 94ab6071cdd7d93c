"""Duplicates: exact identifier matches are refused, probable ones queued; reviewers mark pairs distinct or merge."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.shared import schema
from emprende.bootstrap import Container
from tests.conftest import (
    PARTICIPANT_TABLES,
    PARTICIPANTS,
    VALID_CEDULA,
    Account,
    PartnerSide,
    World,
    build_side,
    person,
    register,
    share_with_b,
    snapshot,
)

CANDIDATES = "/api/v1/duplicate-candidates"


@pytest.fixture
async def gamma(client: httpx.AsyncClient, container: Container, admin: Account, world: World) -> PartnerSide:
    """A third partner that may register people (a referral agreement)."""
    return await build_side(
        client,
        container,
        admin,
        tag="GAMA",
        name="Cooperativa Gama",
        kind="ngo",
        country="ECU",
        roles=("referral",),
        data_sharing=False,
        scopes=("partners:read",),
    )


async def candidates(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await client.get(CANDIDATES, headers=headers, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# ---------------------------------------------------------------------------------------------------------------------
# Exact duplicates
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"documents": [{"type": "passport", "number": "AB-123456", "issuing_country": "ven"}], "external_ids": []},
        {"documents": [], "external_ids": [{"system": "SIGOB", "value": "X-1"}]},
    ],
)
async def test_exact_duplicate_names_the_existing_record_to_its_owner(
    client: httpx.AsyncClient, container: Container, world: World, change: dict[str, Any]
) -> None:
    first = await register(client, world.a.manager_headers)
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.post(
        PARTICIPANTS,
        headers=world.a.staff_headers,
        json=person(given_names="Otro", family_names="Nombre", birth_date="1970-01-01", phone=None, **change),
    )
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "duplicate_participant"
    assert body["existing_participant_id"] == first["id"]
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_exact_duplicate_hides_a_record_the_caller_may_not_see(
    client: httpx.AsyncClient, container: Container, world: World, gamma: PartnerSide
) -> None:
    first = await register(client, world.a.manager_headers, documents=[{"type": "cedula", "number": VALID_CEDULA}])
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.post(
        PARTICIPANTS, headers=gamma.manager_headers, json=person(documents=[{"type": "cedula", "number": VALID_CEDULA}])
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_participant"
    assert "existing_participant_id" not in body
    assert first["id"] not in response.text
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before

    # Once the person consents to sharing with that partner, it is told which record it is.
    consent = await client.post(
        f"{PARTICIPANTS}/{first['id']}/consents",
        headers=world.a.manager_headers,
        json={
            "purpose": "sharing",
            "recipient_partner_id": str(gamma.partner_id),
            "notice_version": "2026-01",
            "method": "digital",
        },
    )
    assert consent.status_code == 201
    response = await client.post(
        PARTICIPANTS, headers=gamma.manager_headers, json=person(documents=[{"type": "cedula", "number": VALID_CEDULA}])
    )
    assert response.status_code == 409
    assert response.json()["existing_participant_id"] == first["id"]


async def test_exact_duplicate_through_rectification(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    first = await register(client, world.a.manager_headers)
    second = await register(
        client, world.a.manager_headers, given_names="Luis", birth_date="1985-02-02", documents=[], external_ids=[]
    )
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.patch(
        f"{PARTICIPANTS}/{second['id']}",
        headers=world.a.manager_headers,
        json={"external_ids": [{"system": "sigob", "value": "X-1"}]},
    )
    assert response.status_code == 409, response.text
    assert response.json()["existing_participant_id"] == first["id"]
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_same_number_in_another_system_or_country_is_not_a_duplicate(
    client: httpx.AsyncClient, world: World
) -> None:
    await register(client, world.a.manager_headers)
    await register(
        client,
        world.a.manager_headers,
        given_names="Luis",
        birth_date="1985-02-02",
        phone=None,
        documents=[{"type": "passport", "number": "AB123456", "issuing_country": "COL"}],
        external_ids=[{"system": "progres", "value": "X-1"}],
    )


# ---------------------------------------------------------------------------------------------------------------------
# Probable duplicates
# ---------------------------------------------------------------------------------------------------------------------


async def test_probable_duplicates_are_registered_and_queued(client: httpx.AsyncClient, world: World) -> None:
    first = await register(client, world.a.manager_headers)
    similar = await register(
        client,
        world.a.manager_headers,
        given_names="MARIA",
        family_names="perez",
        documents=[],
        external_ids=[],
        phone=None,
    )
    assert similar["probable_duplicates"] == [first["id"]]
    same_phone = await register(
        client,
        world.a.manager_headers,
        given_names="Rosa",
        family_names="Quispe",
        birth_date="1975-09-09",
        documents=[],
        external_ids=[],
    )
    assert same_phone["probable_duplicates"] == [first["id"]]
    different = await register(
        client,
        world.a.manager_headers,
        given_names="Rosa",
        family_names="Quispe",
        birth_date="1976-09-09",
        documents=[],
        external_ids=[],
        phone="+593980000000",
    )
    assert different["probable_duplicates"] == []

    pairs = {item["participant"]["id"]: item for item in await candidates(client, world.a.manager_headers)}
    by_name = pairs[similar["id"]]
    assert by_name["other"]["id"] == first["id"]
    assert by_name["reasons"] == ["similar_name_and_birth_date"]
    assert 88 <= by_name["similarity"] <= 100
    assert by_name["status"] == "open"
    # Side by side: enough to compare, nothing sensitive.
    assert by_name["participant"]["given_names"] == "MARIA"
    assert by_name["other"]["family_names"] == "Pérez Gómez"
    assert by_name["participant"]["birth_date"] == by_name["other"]["birth_date"] == "1990-05-17"
    assert "phone" not in by_name["participant"]
    assert "documents" not in by_name["other"]
    by_phone = pairs[same_phone["id"]]
    assert by_phone["reasons"] == ["same_phone"]
    assert by_phone["other"]["id"] == first["id"]
    assert 0 <= by_phone["similarity"] < 88
    assert different["id"] not in pairs


async def test_candidates_are_filtered_by_tenant(client: httpx.AsyncClient, world: World) -> None:
    a_pairs = await candidates(client, world.a.manager_headers)
    b_pairs = await candidates(client, world.b.manager_headers)
    assert [item["id"] for item in a_pairs] == [str(world.a.candidate_id)]
    assert [item["id"] for item in b_pairs] == [str(world.b.candidate_id)]
    everything = await candidates(client, world.admin_headers)
    assert {item["id"] for item in everything} == {str(world.a.candidate_id), str(world.b.candidate_id)}
    # A pair whose two records are both shared with B becomes visible to it, not before.
    seeded = (await client.get(CANDIDATES, headers=world.a.manager_headers)).json()["items"][0]
    for side in ("participant", "other"):
        await share_with_b(client, world, uuid.UUID(seeded[side]["id"]))
        visible = {item["id"] for item in await candidates(client, world.b.manager_headers)}
        assert (str(world.a.candidate_id) in visible) == (side == "other")


async def test_only_managers_review(client: httpx.AsyncClient, world: World) -> None:
    for headers in (world.a.staff_headers, world.a.client_headers):
        response = await client.get(CANDIDATES, headers=headers)
        assert response.status_code == 403
        response = await client.post(
            f"{CANDIDATES}/{world.a.candidate_id}/resolution", headers=headers, json={"decision": "distinct"}
        )
        assert response.status_code in (403, 404)
    response = await client.get(CANDIDATES)
    assert response.status_code == 401


async def test_candidates_page(client: httpx.AsyncClient, world: World) -> None:
    await register(client, world.a.manager_headers)
    for name in ("Maria", "María J.", "Maria Jose"):
        await register(client, world.a.manager_headers, given_names=name, documents=[], external_ids=[], phone=None)
    everything = await candidates(client, world.a.manager_headers)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(CANDIDATES, headers=world.a.manager_headers, params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert seen == [item["id"] for item in everything]
    assert len(seen) == len(set(seen)) > 2
    bad = await client.get(CANDIDATES, headers=world.a.manager_headers, params={"cursor": cursor or "x.y"})
    assert bad.status_code == 400
    bound = await client.get(
        CANDIDATES,
        headers=world.a.manager_headers,
        params={"limit": 1, "status": "distinct", "cursor": (await client.get(
            CANDIDATES, headers=world.a.manager_headers, params={"limit": 1}
        )).json()["next_cursor"]},
    )  # fmt: skip
    assert bound.status_code == 400


# ---------------------------------------------------------------------------------------------------------------------
# Review: distinct and merge
# ---------------------------------------------------------------------------------------------------------------------


async def test_mark_distinct(client: httpx.AsyncClient, container: Container, world: World) -> None:
    url = f"{CANDIDATES}/{world.a.candidate_id}/resolution"
    response = await client.post(url, headers=world.a.manager_headers, json={"decision": "distinct"})
    assert response.status_code == 200, response.text
    assert response.json() == {"candidate_id": str(world.a.candidate_id)}
    assert await candidates(client, world.a.manager_headers) == []
    [pair] = await candidates(client, world.a.manager_headers, status="distinct")
    assert pair["status"] == "distinct"
    # Both records remain.
    for side in ("participant", "other"):
        got = await client.get(f"{PARTICIPANTS}/{pair[side]['id']}", headers=world.a.manager_headers)
        assert got.status_code == 200
    again = await client.post(
        url, headers=world.a.manager_headers, json={"decision": "merge", "survivor_id": pair["other"]["id"]}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "candidate_reviewed"
    audit = schema.audit_events
    async with container.engine.connect() as connection:
        rows = (
            await connection.execute(
                select(audit).where(audit.c.entity_type == "duplicate_candidate", audit.c.action == "update")
            )
        ).all()
    assert [(row.entity_id, row.actor_id) for row in rows] == [(str(world.a.candidate_id), world.a.manager.id)]


async def test_other_partner_cannot_review(client: httpx.AsyncClient, container: Container, world: World) -> None:
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    for decision in ({"decision": "distinct"}, {"decision": "merge", "survivor_id": str(world.a.participant_id)}):
        response = await client.post(
            f"{CANDIDATES}/{world.a.candidate_id}/resolution", headers=world.b.manager_headers, json=decision
        )
        assert response.status_code == 404
    response = await client.post(
        f"{CANDIDATES}/{uuid.uuid4()}/resolution", headers=world.a.manager_headers, json={"decision": "distinct"}
    )
    assert response.status_code == 404
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "merge"},
        {"decision": "merge", "survivor_id": "STRANGER"},
        {"decision": "keep"},
        {"decision": "distinct", "note": "x"},
        {"decision": "merge", "survivor_id": "not-a-uuid"},
    ],
)
async def test_bad_resolutions(
    client: httpx.AsyncClient, container: Container, world: World, body: dict[str, Any]
) -> None:
    body = {k: str(world.b.participant_id) if v == "STRANGER" else v for k, v in body.items()}
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.post(
        f"{CANDIDATES}/{world.a.candidate_id}/resolution", headers=world.a.manager_headers, json=body
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_merge_moves_consents_and_identifiers(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    headers = world.a.manager_headers
    survivor = await register(
        client, headers, documents=[{"type": "cedula", "number": VALID_CEDULA}], external_ids=[], phone=None
    )
    absorbed = await register(
        client,
        headers,
        given_names="Maria Jose",
        family_names="Perez",
        phone=None,
        documents=[{"type": "passport", "number": "AB123456", "issuing_country": "VEN"}],
        external_ids=[{"system": "sigob", "value": "X-1"}],
    )
    assert absorbed["probable_duplicates"] == [survivor["id"]]
    training = await client.post(
        f"{PARTICIPANTS}/{absorbed['id']}/consents",
        headers=headers,
        json={"purpose": "training", "notice_version": "2026-01", "method": "digital"},
    )
    assert training.status_code == 201
    [pair] = [item for item in await candidates(client, headers) if item["participant"]["id"] == absorbed["id"]]

    response = await client.post(
        f"{CANDIDATES}/{pair['id']}/resolution",
        headers={**headers, "X-Request-ID": "merge-request-1"},
        json={"decision": "merge", "survivor_id": survivor["id"]},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"survivor_id": survivor["id"]}

    kept = (await client.get(f"{PARTICIPANTS}/{survivor['id']}", headers=headers)).json()
    assert kept["given_names"] == "María José"  # the survivor keeps its own data
    assert {(d["type"], d["number"]) for d in kept["documents"]} == {
        ("cedula", VALID_CEDULA),
        ("passport", "AB123456"),
    }
    assert kept["external_ids"] == [{"system": "sigob", "value": "X-1"}]
    consents = (await client.get(f"{PARTICIPANTS}/{survivor['id']}/consents", headers=headers)).json()
    assert {c["participant_id"] for c in consents} == {survivor["id"]}
    assert sorted(c["purpose"] for c in consents) == ["registration", "registration", "training"]
    assert training.json()["id"] in {c["id"] for c in consents}

    # The merged record is a pointer now: gone from reads, lists, searches and the review queue.
    for url in (f"{PARTICIPANTS}/{absorbed['id']}", f"{PARTICIPANTS}/{absorbed['id']}/consents"):
        assert (await client.get(url, headers=headers)).status_code == 404
    patch = await client.patch(f"{PARTICIPANTS}/{absorbed['id']}", headers=headers, json={"dependants": 1})
    assert patch.status_code == 404
    listed = await client.get(PARTICIPANTS, headers=headers, params={"limit": 100})
    assert absorbed["id"] not in {item["id"] for item in listed.json()["items"]}
    lookup = await client.get(
        PARTICIPANTS, headers=headers, params={"document_type": "passport", "document_number": "AB123456",
                                               "document_country": "VEN"}
    )  # fmt: skip
    assert [item["id"] for item in lookup.json()["items"]] == [survivor["id"]]
    lookup = await client.get(
        PARTICIPANTS, headers=headers, params={"external_system": "sigob", "external_value": "X-1"}
    )
    assert [item["id"] for item in lookup.json()["items"]] == [survivor["id"]]
    assert pair["id"] not in {item["id"] for item in await candidates(client, headers)}
    # The moved identifiers still block a new registration, naming the survivor.
    again = await client.post(PARTICIPANTS, headers=headers, json=person(documents=[], phone=None))
    assert again.status_code == 409
    assert again.json()["existing_participant_id"] == survivor["id"]

    async with container.engine.connect() as connection:
        pointer = (
            await connection.execute(
                select(participant_tables.participants).where(
                    participant_tables.participants.c.id == uuid.UUID(absorbed["id"])
                )
            )
        ).one()
        audit = schema.audit_events
        rows = (await connection.execute(select(audit).where(audit.c.request_id == "merge-request-1"))).all()
        outbox = schema.outbox
        events = (
            await connection.execute(select(outbox.c.event_type).where(outbox.c.request_id == "merge-request-1"))
        ).all()
    assert pointer.merged_into_id == uuid.UUID(survivor["id"])
    audited = {(row.entity_type, row.entity_id) for row in rows}
    assert ("participant", survivor["id"]) in audited
    assert ("participant", absorbed["id"]) in audited
    assert ("duplicate_candidate", pair["id"]) in audited
    assert ("consent", training.json()["id"]) in audited
    assert {row.actor_id for row in rows} == {world.a.manager.id}
    assert "AB123456" not in " ".join(str(row.changes) for row in rows)
    assert {"participant.merged", "duplicate.merged"} <= {event for (event,) in events}


async def test_merge_of_another_partners_record_is_refused(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """A pair where one record is only shared with the caller cannot be merged by it."""
    # B registers nothing itself; make a pair of A's record and one of A's shared with B... instead use the
    # administrator to pair a record of A with one of B's seeded records, then let B (who sees both) try to merge.
    from emprende.domain.participants.duplicate import DuplicateCandidate
    from emprende.services.shared.principal import SYSTEM

    async with container.uow(SYSTEM) as uow:
        pair = DuplicateCandidate(
            participant_id=world.b.participant_id,
            other_id=world.a.participant_id,
            reasons=frozenset({"same_phone"}),
            similarity=40,
            now=container.clock.now(),
        )
        uow.duplicates.add(pair)
        await uow.commit()
    await share_with_b(client, world, world.a.participant_id)
    assert pair.id in {uuid.UUID(item["id"]) for item in [*await candidates(client, world.b.manager_headers)]}
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)
    response = await client.post(
        f"{CANDIDATES}/{pair.id}/resolution",
        headers=world.b.manager_headers,
        json={"decision": "merge", "survivor_id": str(world.b.participant_id)},
    )
    assert response.status_code == 403
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before
    # Not even the administrator merges across partners: that would move a person from one partner to another.
    response = await client.post(
        f"{CANDIDATES}/{pair.id}/resolution",
        headers=world.admin_headers,
        json={"decision": "merge", "survivor_id": str(world.b.participant_id)},
    )
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "owners_differ"
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before
    # The pair can still be settled as two different people.
    response = await client.post(
        f"{CANDIDATES}/{pair.id}/resolution", headers=world.admin_headers, json={"decision": "distinct"}
    )
    assert response.status_code == 200, response.text
