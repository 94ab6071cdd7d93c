"""The `participant_shares` read model behind "people shared with my partner": kept exact by triggers through every
change of a sharing consent or of a shared person's sort keys, and paged together with the partner's own people."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.bootstrap import Container
from emprende.domain.participants.participant import Participant, ParticipantDetails, PopulationGroup, Sex
from emprende.services.shared.principal import SYSTEM
from tests.conftest import PARTICIPANTS, World, register, share_with_b, withdraw_sharing

_c = participant_tables.consents
_p = participant_tables.participants
_s = participant_tables.participant_shares


async def assert_read_model_exact(engine: AsyncEngine) -> None:
    """One row per sharing consent in force, carrying its person's current sort keys; nothing else."""
    expected = (
        select(_c.c.id, _c.c.recipient_partner_id, _p.c.id, _p.c.registered_at, _p.c.name_key)
        .join(_p, _p.c.id == _c.c.participant_id)
        .where(and_(_c.c.purpose == "sharing", _c.c.withdrawn_at.is_(None)))
    )
    actual = select(_s.c.consent_id, _s.c.partner_id, _s.c.participant_id, _s.c.registered_at, _s.c.name_key)
    async with engine.connect() as connection:
        want = {tuple(row) for row in (await connection.execute(expected)).all()}
        have = {tuple(row) for row in (await connection.execute(actual)).all()}
    assert have == want


async def every_page(client: httpx.AsyncClient, headers: dict[str, str], **params: object) -> list[dict[str, Any]]:
    """All the people a caller sees, two at a time (so that pages cut through owned and shared people alike)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {"limit": 2, **params} | ({"cursor": cursor} if cursor else {})
        response = await client.get(PARTICIPANTS, headers=headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items


async def assert_b_sees_exactly(client: httpx.AsyncClient, world: World, expected: set[str]) -> None:
    by_time = await every_page(client, world.b.manager_headers)
    by_name = await every_page(client, world.b.manager_headers, sort="name")
    for listed in (by_time, by_name):
        ids = [item["id"] for item in listed]
        assert len(ids) == len(set(ids)), "a person listed twice"
        assert set(ids) == expected
    assert [item["registered_at"] for item in by_time] == sorted(item["registered_at"] for item in by_time)
    names = [f"{item['given_names']} {item['family_names']}" for item in by_name]
    assert len(names) == len(expected)


async def test_the_read_model_follows_every_change_of_sharing_consents(
    client: httpx.AsyncClient, engine: AsyncEngine, world: World
) -> None:
    headers = world.a.manager_headers
    own_b = {item["id"] for item in await every_page(client, world.b.manager_headers)}
    people = [
        await register(
            client,
            headers,
            given_names=given,
            family_names=family,
            birth_date=f"19{80 + index}-0{index + 1}-1{index}",
            documents=[],
            external_ids=[{"system": "shares", "value": f"S-{index}"}],
            phone=f"09912300{index:02d}",
        )
        for index, (given, family) in enumerate(
            [("Zoila", "Andrade"), ("Bruno", "Mendoza"), ("Ana", "Zambrano"), ("Carlos", "Quispe"), ("Luz", "Vera")]
        )
    ]
    ids = [str(p["id"]) for p in people]
    await assert_b_sees_exactly(client, world, own_b)

    consents = {pid: await share_with_b(client, world, pid) for pid in ids[:4]}
    second = await share_with_b(client, world, ids[0])  # two sharing consents naming B for the same person
    await assert_read_model_exact(engine)
    await assert_b_sees_exactly(client, world, own_b | set(ids[:4]))

    # One of two consents withdrawn: the other still shares the person.
    await withdraw_sharing(client, world, ids[0], consents[ids[0]])
    await assert_read_model_exact(engine)
    await assert_b_sees_exactly(client, world, own_b | set(ids[:4]))
    await withdraw_sharing(client, world, ids[0], second)
    await assert_b_sees_exactly(client, world, own_b | set(ids[1:4]))

    # Rectifying a shared person's name moves them in the name order B sees.
    read = await client.get(f"{PARTICIPANTS}/{ids[1]}", headers=headers)
    renamed = await client.patch(
        f"{PARTICIPANTS}/{ids[1]}",
        headers={**headers, "If-Match": read.headers["ETag"]},
        json={"given_names": "Álvaro", "family_names": "Aguirre"},
    )
    assert renamed.status_code == 200, renamed.text
    await assert_read_model_exact(engine)
    by_name = await every_page(client, world.b.manager_headers, sort="name", name="aguirre")
    assert [item["id"] for item in by_name] == [ids[1]]

    # Erasure ends the person's consents: no longer shared, and the read model holds no name of theirs.
    erased = await client.post(f"{PARTICIPANTS}/{ids[2]}/erasure", headers=headers)
    assert erased.status_code == 200, erased.text
    await assert_read_model_exact(engine)
    await assert_b_sees_exactly(client, world, own_b | {ids[1], ids[3]})


async def test_the_read_model_follows_writes_that_bypass_the_application(
    client: httpx.AsyncClient, engine: AsyncEngine, world: World
) -> None:
    """Triggers, not application code, keep it: consents moved to another person (as a merge does), deleted, or
    people deleted, by SQL by hand."""
    headers = world.a.manager_headers
    people = [
        await register(
            client,
            headers,
            given_names=f"Persona {index}",
            documents=[],
            external_ids=[{"system": "bypass", "value": f"B-{index}"}],
            phone=f"09923400{index:02d}",
        )
        for index in range(3)
    ]
    ids = [uuid.UUID(str(p["id"])) for p in people]
    consent = uuid.UUID(await share_with_b(client, world, ids[0]))
    other = uuid.UUID(await share_with_b(client, world, ids[1]))
    async with engine.begin() as connection:
        await connection.execute(update(_c).where(_c.c.id == consent).values(participant_id=ids[2]))
    await assert_read_model_exact(engine)
    async with engine.begin() as connection:
        row = (await connection.execute(select(_s.c.participant_id).where(_s.c.consent_id == consent))).one()
    assert row.participant_id == ids[2]
    async with engine.begin() as connection:
        await connection.execute(delete(_c).where(_c.c.id == other))
    await assert_read_model_exact(engine)
    async with engine.begin() as connection:
        await connection.execute(delete(_c).where(_c.c.participant_id == ids[2]))
        await connection.execute(delete(_p).where(_p.c.id == ids[2]))
    await assert_read_model_exact(engine)


async def test_pages_interleave_owned_and_shared_people_in_order(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """Whatever the page size, paging gives the order one big page gives, however owned and shared people interleave:
    the shared branch of a full page stops at its last owned person, and nobody is lost or repeated at that edge."""
    names = [("Olga", "Ibarra"), ("Abel", "Torres"), ("Nora", "Cedeño"), ("Elsa", "Bravo"), ("Iván", "Loor")]
    for index, (given, family) in enumerate(names):
        # Registration times (and ids) alternate between people A shares with B and B's own people.
        shared = await register(
            client,
            world.a.manager_headers,
            given_names=given,
            family_names=family,
            documents=[],
            external_ids=[{"system": "interleave", "value": f"A-{index}"}],
            phone=f"09912310{index:02d}",
        )
        await share_with_b(client, world, shared["id"])
        details = ParticipantDetails(
            given_names=family,
            family_names=given,
            birth_date=date(1991, 3, 1 + index),
            sex=Sex.MALE,
            population_group=PopulationGroup.MIGRANT if index % 2 else PopulationGroup.RETURNEE,
            nationality="ECU",
        )
        async with container.uow(SYSTEM) as uow:  # B's own people (B's agreement does not let it register)
            uow.participants.add(
                Participant(
                    owner_partner_id=world.b.partner_id, details=details, now=container.clock.now(), registered_by=None
                )
            )
            await uow.commit()
    for params in (
        {},
        {"sort": "name"},
        {"population_group": "migrant"},
        {"population_group": "migrant", "sort": "name"},
    ):
        response = await client.get(PARTICIPANTS, headers=world.b.manager_headers, params={"limit": 100, **params})
        assert response.status_code == 200, response.text
        whole = [item["id"] for item in response.json()["items"]]
        assert len(whole) >= (10 if not params or params == {"sort": "name"} else 5)
        for size in (1, 2, 3):
            paged: list[str] = []
            cursor: str | None = None
            while True:
                query = {"limit": size, **params} | ({"cursor": cursor} if cursor else {})
                page = await client.get(PARTICIPANTS, headers=world.b.manager_headers, params=query)
                assert page.status_code == 200, page.text
                paged += [item["id"] for item in page.json()["items"]]
                if not (cursor := page.json().get("next_cursor")):
                    break
            assert paged == whole, (params, size)
