"""The duplicate lookups have one definition (`adapters/sql/participants/lookalikes.py`) and three shapes: a single
registration's (one person, exact and probable in one round trip), and the bulk import's a batch at a time (on
PostgreSQL with array parameters, on SQLite with lists of values). Over a registry with erased, merged-away, shared and
other partners' people, every shape names the same holders of the identifier keys, and the same candidates for probable
duplicates with the same answer to "may the tenant see them", for the operator and for two partners. (Which holder a
tenant is told about is each use case's own rule: a registration names holders it may see, an import updates the
people its partner owns.)"""

from __future__ import annotations

import random
import uuid
from datetime import date

import httpx
from sqlalchemy import select

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.bootstrap import Container
from emprende.bootstrap.imports import ImportsWiring
from emprende.domain.identity.user import Role
from emprende.domain.participants.identifiers import ExternalIdentifier
from emprende.domain.participants.participant import external_key
from emprende.domain.shared.ids import new_id
from emprende.services.imports.service import ImportMode
from emprende.services.shared.principal import Principal, PrincipalKind, Scope
from tests.conftest import World, share_with_b
from tests.integration.test_import_batches import row, rows_of, run

_DAYS = [date(1991, 5, day) for day in range(1, 5)]
_PHONES = [f"+5939987654{n:02d}" for n in range(6)]


def _candidates(found: list[tuple[uuid.UUID, bool]]) -> dict[uuid.UUID, bool]:
    seen: dict[uuid.UUID, bool] = {}
    for pid, visible in found:
        assert seen.setdefault(pid, visible) == visible
    return seen


Answer = tuple[set[uuid.UUID], dict[uuid.UUID, bool]]
"""Who holds one of the keys; who may be a probable duplicate, and whether the tenant may see them."""


async def _one_at_a_time(
    container: Container, scope: Scope, keys: list[str], day: date | None, phone: str | None
) -> Answer:
    async with container.uow(scope, read_only=True) as uow:
        found = await uow.participants.lookalikes(keys, day, phone, new_id())
    return {pid for pid, _ in found.holders}, _candidates([(pid, seen) for pid, _, seen in found.sketches])


async def _in_a_batch(
    container: Container, scope: Scope, probes: list[tuple[list[str], date | None, str | None]]
) -> list[Answer]:
    async with container.area(ImportsWiring).sink(scope, dry_run=True) as sink:
        holders = await sink.holders(sorted({key for keys, _, _ in probes for key in keys}))
        sketches = await sink.sketches(
            sorted({day for _, day, _ in probes if day is not None}),
            sorted({phone for _, _, phone in probes if phone is not None}),
        )
    answers: list[Answer] = []
    for keys, day, phone in probes:
        held = {holders[key][0] for key in keys if key in holders}
        blocked: list[tuple[uuid.UUID, bool]] = []
        if day is not None and day in sketches.born_on:
            block = sketches.born_on[day]
            flags = block.visible if block.visible is not None else [True] * len(block.ids)
            blocked += list(zip(block.ids, flags, strict=True))
        blocked += [
            (pid, seen) for pid, sketch, seen in sketches.with_phone if phone is not None and sketch.phone == phone
        ]
        answers.append((held, _candidates(blocked)))
    return answers


async def test_every_shape_of_the_duplicate_lookups_names_the_same_people(
    container: Container, world: World, client: httpx.AsyncClient
) -> None:
    rng = random.Random(20261204)
    seeded_rows = [
        row(
            n,
            birth_date=rng.choice(_DAYS).isoformat(),
            phone=rng.choice(_PHONES) if rng.random() < 0.5 else "",
        )
        for n in range(90)
    ]
    report = await run(container, world, rows_of(seeded_rows), ImportMode.PER_RECORD, 40)
    people = [item.participant_id for item in report.rows]
    assert None not in people
    assert len(people) == 90
    shared = people[:15]
    for person in shared:
        await share_with_b(client, world, person)
    c = participant_tables.participants.c
    merged, erased = people[60:70], people[70:80]
    async with container.engine.begin() as connection:
        await connection.execute(
            participant_tables.participants.update().where(c.id.in_(merged)).values(merged_into_id=people[0])
        )
        await connection.execute(
            participant_tables.participants.update().where(c.id.in_(erased)).values(erased_at=container.clock.now())
        )
        held = set((await connection.execute(select(participant_tables.participant_identifiers.c.key))).scalars())

    probes: list[tuple[list[str], date | None, str | None]] = []
    for n in range(40):
        taken = [external_key(ExternalIdentifier("sigob", f"S-{rng.randrange(90)}"))] if rng.random() < 0.5 else []
        taken += ["no-such-key"] if rng.random() < 0.3 else []
        day = rng.choice([*_DAYS, date(1991, 6, 1)]) if rng.random() < 0.8 else None
        phone = rng.choice([*_PHONES, "+593990000000"]) if rng.random() < 0.6 else None
        if n % 7 == 0:
            day, phone = None, None  # exact duplicates only
        probes.append((taken, day, phone))
    assert any(key in held for keys, _, _ in probes for key in keys)

    scopes: list[Scope] = [
        Principal(kind=PrincipalKind.USER, id=world.admin.id, role=Role.ADMIN),
        Principal(kind=PrincipalKind.USER, id=uuid.uuid4(), role=Role.PARTNER_MANAGER, partner_id=world.a.partner_id),
        Principal(kind=PrincipalKind.USER, id=uuid.uuid4(), role=Role.PARTNER_MANAGER, partner_id=world.b.partner_id),
    ]
    hidden = 0
    holding = 0
    for scope in scopes:
        batch = await _in_a_batch(container, scope, probes)
        for probe, in_batch in zip(probes, batch, strict=True):
            alone = await _one_at_a_time(container, scope, *probe)
            assert alone == in_batch, probe
            holders, candidates = alone
            holding += len(holders)
            assert not set(candidates) & {*merged, *erased}
            hidden += sum(not seen for seen in candidates.values())
            if scope.tenant == world.b.partner_id:
                assert all(seen == (pid in shared) for pid, seen in candidates.items())
        # A batch of one answers as a batch of many.
        for probe in probes[:5]:
            assert (await _in_a_batch(container, scope, [probe]))[0] == (await _one_at_a_time(container, scope, *probe))
    assert hidden > 20  # partner B sees only the shared people: the visibility half of the answer is exercised
    assert holding > 20
