"""Bulk import in batches: what the bulk writers store (COPY on PostgreSQL, executemany on SQLite), duplicate blocking
against a full comparison, batches that see the earlier batches, interruptions and identifier keys taken meanwhile."""

from __future__ import annotations

import csv
import gc
import io
import random
import tracemalloc
import uuid
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, Text, cast, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.shared import schema
from emprende.adapters.sql.shared.unit_of_work import to_json_value
from emprende.bootstrap import Container
from emprende.bootstrap.imports import ImportsWiring, read_rows
from emprende.domain.audit.trail import REDACTED
from emprende.domain.identity.user import Language, Role
from emprende.domain.participants.consent import ConsentMethod, ConsentPurpose, NewConsent, new_consent
from emprende.domain.participants.contact import normalize_phone
from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.identifiers import external_identifier, identity_document
from emprende.domain.participants.matching import PersonSketch, duplicate_reasons, name_key
from emprende.domain.participants.participant import (
    EducationLevel,
    MigratoryStatus,
    NewParticipant,
    Participant,
    ParticipantDetails,
    PopulationGroup,
    Sex,
    new_participant,
)
from emprende.services.imports.ports import ImportSink, ImportSinkFactory, RegistrySketches
from emprende.services.imports.service import (
    ImportMode,
    ImportOutcome,
    ImportParticipants,
    ImportReport,
    RawRow,
    import_participants,
)
from emprende.services.shared.principal import Principal, PrincipalKind, Scope
from tests.conftest import World

HEADER = [
    "given_names",
    "family_names",
    "birth_date",
    "sex",
    "population_group",
    "nationality",
    "document_type",
    "document_number",
    "document_country",
    "phone",
    "external_system",
    "external_value",
    "consent_notice_version",
    "consent_method",
]
CREATED, REJECTED, WOULD_CREATE = ImportOutcome.CREATED, ImportOutcome.REJECTED, ImportOutcome.WOULD_CREATE
GUAYAQUIL = ZoneInfo("America/Guayaquil")


def row(n: int, **changes: str) -> dict[str, str]:
    values = {
        "given_names": f"Importada{n}",
        "family_names": f"Apellido{n}",
        "birth_date": f"19{70 + n % 30:02d}-0{1 + n % 9}-1{n % 9}",
        "sex": "female",
        "population_group": "migrant",
        "nationality": "VEN",
        "document_type": "passport",
        "document_number": f"P{n:07d}",
        "document_country": "VEN",
        "phone": "",
        "external_system": "sigob",
        "external_value": f"S-{n}",
        "consent_notice_version": "2026-01",
        "consent_method": "in_person",
    }
    values.update(changes)
    return values


def rows_of(values: Sequence[dict[str, str]]) -> Iterator[RawRow]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(values)
    return read_rows(io.BytesIO(out.getvalue().encode()), filename="people.csv")


def administrator(world: World) -> Principal:
    return Principal(kind=PrincipalKind.USER, id=world.admin.id, role=Role.ADMIN)


async def run(
    container: Container,
    world: World,
    rows: Iterable[RawRow],
    mode: ImportMode,
    batch_size: int,
    sink_factory: ImportSinkFactory | None = None,
) -> ImportReport:
    return await import_participants(
        ImportParticipants(mode=mode, owner_partner_id=world.a.partner_id, batch_size=batch_size),
        rows,
        administrator(world),
        uow_factory=container.uow,
        sink_factory=sink_factory or container.area(ImportsWiring).sink,
        clock=container.clock,
        ledger=container.area(ImportsWiring).ledger(),
    )


async def stored_as_text(engine: AsyncEngine, rows: dict[Table, list[uuid.UUID]]) -> dict[str, list[tuple[Any, ...]]]:
    """These rows with every column as the database renders it in text: SQL NULL and JSON null stay apart."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as connection:
        for table, ids in rows.items():
            columns = [cast(column, Text) for column in table.c]
            statement = select(*columns).where(table.c.id.in_(ids)).order_by(*columns)
            found[table.name] = [tuple(r) for r in await connection.execute(statement)]
    return found


async def people_ids(engine: AsyncEngine) -> set[uuid.UUID]:
    async with engine.connect() as connection:
        return set(await connection.scalars(select(participant_tables.participants.c.id)))


async def test_bulk_writes_store_what_core_inserts_store(container: Container, world: World) -> None:
    now = container.clock.now()
    owner = world.a.partner_id
    full = new_participant(
        owner_partner_id=owner,
        details=ParticipantDetails(
            given_names="María José",
            family_names="Peña Núñez",
            birth_date=date(1990, 5, 17),
            sex=Sex.FEMALE,
            population_group=PopulationGroup.MIGRANT,
            nationality="VEN",
            gender_identity="mujer",
            migratory_status=MigratoryStatus.IN_PROCESS,
            documents=(identity_document("passport", "AB 123", "VEN"), identity_document("cedula", "1710034065", None)),
            disability=WashingtonGroupShortSet.from_answers({"seeing": "a_lot_of_difficulty"}),
            household_size=4,
            dependants=2,
            education_level=EducationLevel.SECONDARY,
            province_code="17",
            canton_code="1701",
            phone="0991234567",
            email="MJ@example.org",
            preferred_language=Language.EN,
            external_ids=(external_identifier("sigob", "X-1"),),
        ),
        now=now,
        registered_by=world.admin.id,
    )
    bare = new_participant(  # every optional value left out: SQL NULLs, empty lists, and disability as JSON null
        owner_partner_id=owner,
        details=ParticipantDetails(
            given_names="Luis",
            family_names="Mora",
            birth_date=date(1985, 1, 2),
            sex=Sex.MALE,
            population_group=PopulationGroup.RETURNEE,
            nationality="ECU",
        ),
        now=now.replace(microsecond=0),  # timestamps keep their six digits of microseconds
        registered_by=None,
    )
    twin = new_participant(  # after a different person, then sharing most of the previous person's values
        owner_partner_id=owner,
        details=replace(bare.details(), given_names="Luisa", sex=Sex.FEMALE, documents=(), external_ids=()),
        now=now.replace(microsecond=0),
        registered_by=None,
    )
    people = [full, bare, twin]
    consents = [
        new_consent(
            participant_id=person.id,
            purpose=ConsentPurpose.REGISTRATION,
            notice_version="2026-01",
            language=Language.ES,
            method=ConsentMethod.GUARDIAN,
            given_at=given_at,
            now=now,
            recorded_by=world.admin.id,
        )
        for person, given_at in zip(
            people, [now - timedelta(days=3), now.astimezone(GUAYAQUIL), now - timedelta(days=1)], strict=True
        )
    ]
    pair = DuplicateCandidate(
        participant_id=full.id, other_id=bare.id, reasons=frozenset({"same_phone"}), similarity=42.4, now=now
    )
    written: dict[Table, Sequence[Any]] = {
        participant_tables.participants: people,
        participant_tables.consents: consents,
        participant_tables.duplicate_candidates: [pair],
    }
    async with container.engine.begin() as connection:  # what the ORM's unit of work would store
        for table, entities in written.items():
            await connection.execute(insert(table), [{c.key: getattr(e, c.key) for c in table.c} for e in entities])
    ids = {table: [entity.id for entity in entities] for table, entities in written.items()}
    expected = await stored_as_text(container.engine, ids)
    assert [len(found) for found in expected.values()] == [3, 3, 1]
    async with container.engine.begin() as connection:
        for table in reversed(list(written)):
            await connection.execute(delete(table).where(table.c.id.in_(ids[table])))

    async with container.area(ImportsWiring).sink(administrator(world)) as sink:
        await sink.write(list(zip(people, consents, strict=True)), [], [pair])
        await sink.commit()

    assert await stored_as_text(container.engine, ids) == expected
    person_ids = [person.id for person in people]
    async with container.engine.connect() as connection:
        audit = (
            await connection.execute(
                select(schema.audit_events.c.entity_id, schema.audit_events.c.changes).where(
                    schema.audit_events.c.entity_id.in_([str(pid) for pid in person_ids])
                )
            )
        ).all()
        o = schema.outbox.c
        events = (
            await connection.execute(
                select(o.event_type, o.aggregate_id, o.payload).where(o.aggregate_id.in_(person_ids)).order_by(o.id)
            )
        ).all()
        keys = await connection.scalars(select(participant_tables.participant_identifiers.c.key))
        assert set(keys) == {"passport:VEN:AB123", "cedula:ECU:1710034065", "ext:sigob:X-1"}
    # The events the domain records, in order: the people's registrations, then their consents.
    domain_events = [person.registered_event() for person in people] + [c.given_event() for c in consents]
    assert [tuple(event) for event in events] == [
        (event.name, event.aggregate_id, to_json_value(event.payload)) for event in domain_events
    ]
    # Each person's audit row holds what the unit of work records for a new participant.
    assert dict(audit) == {str(person.id): created_changes(person) for person in people}
    changes = dict(audit)
    assert changes[str(full.id)]["preferred_language"] == {"before": None, "after": "en"}
    assert changes[str(full.id)]["email"] == {"before": None, "after": "[redacted]"}
    assert changes[str(full.id)]["external_ids"]["after"] == ["ExternalIdentifier(system='sigob')"]
    assert "email" not in changes[str(bare.id)]


def created_changes(person: NewParticipant) -> dict[str, dict[str, Any]]:
    """The audit `changes` of a new participant as the unit of work renders them: every value set, sensitive ones
    redacted, bookkeeping columns left out."""
    return {
        column.key: {
            "before": None,
            "after": REDACTED if column.key in Participant.sensitive_fields else to_json_value(value),
        }
        for column in participant_tables.participants.c
        if column.key not in {"version", "updated_at"} and (value := getattr(person, column.key)) is not None
    }


@pytest.mark.parametrize("mode", [ImportMode.DRY_RUN, ImportMode.PER_RECORD, ImportMode.ATOMIC])
async def test_probable_duplicates_are_those_a_full_comparison_finds(
    container: Container, world: World, mode: ImportMode
) -> None:
    rng = random.Random(20261123)
    days = [f"1990-01-{day:02d}" for day in range(1, 6)]
    phones = [f"+5939912345{n:02d}" for n in range(8)]
    given = ["Ana", "Ana María", "Anna", "María", "Mario", "Luis", "Luisa", "José Luis"]
    family = ["Pérez", "Peres", "Pérez Gómez", "Gómez", "Quispe", "Quispe Mamani", "Cedeño"]

    def somebody(n: int) -> dict[str, str]:
        return row(
            n,
            given_names=rng.choice(given),
            family_names=rng.choice(family),
            birth_date=rng.choice(days),
            phone=rng.choice(phones) if rng.random() < 0.4 else "",
        )

    seeded = await run(container, world, rows_of([somebody(n) for n in range(300)]), ImportMode.PER_RECORD, 70)
    assert seeded.counts()["created"] == 300
    c = participant_tables.participants.c
    seeded_ids = [item.participant_id for item in seeded.rows]
    merged, erased = seeded_ids[:20], seeded_ids[20:40]  # no longer anyone's duplicate, phone and birth date kept
    async with container.engine.begin() as connection:
        await connection.execute(
            participant_tables.participants.update().where(c.id.in_(merged)).values(merged_into_id=c.id)
        )
        at = container.clock.now()
        await connection.execute(participant_tables.participants.update().where(c.id.in_(erased)).values(erased_at=at))
    async with container.engine.connect() as connection:
        live = (c.merged_into_id.is_(None), c.erased_at.is_(None))
        known = [
            (pid, PersonSketch(key, day, phone))
            for pid, key, day, phone in await connection.execute(
                select(c.id, c.name_key, c.birth_date, c.phone).where(*live)
            )
        ]

    incoming = [somebody(n) for n in range(1000, 1120)]
    before = await people_ids(container.engine)
    report = await run(container, world, rows_of(incoming), mode, 25)
    dry = mode is ImportMode.DRY_RUN

    earlier: list[tuple[uuid.UUID, PersonSketch]] = []
    flagged = 0
    expected_pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for values, item in zip(incoming, report.rows, strict=True):
        assert item.outcome is (WOULD_CREATE if dry else CREATED)
        sketch = PersonSketch(
            name_key(values["given_names"], values["family_names"]),
            date.fromisoformat(values["birth_date"]),
            normalize_phone(values["phone"]) if values["phone"] else None,
        )
        # A dry run creates nobody: the file's own people have no id to list, only registered people are listed.
        expected = {pid for pid, other in [*known, *earlier] if duplicate_reasons(sketch, other)[0]}
        assert set(item.duplicates) == expected
        assert len(item.duplicates) == len(expected)
        assert not expected & {*merged, *erased}
        flagged += len(expected)
        if dry:
            assert item.participant_id is None
            continue
        assert item.participant_id is not None
        expected_pairs |= {(item.participant_id, other) for other in expected}
        earlier.append((item.participant_id, sketch))
    assert flagged > 100  # the data makes the check work: many pairs by name and birth date, and by phone
    assert await people_ids(container.engine) - before == (
        set() if dry else {item.participant_id for item in report.rows}
    )

    pairs = participant_tables.duplicate_candidates.c
    new_people = [item.participant_id for item in report.rows]
    async with container.engine.connect() as connection:
        statement = select(pairs.participant_id, pairs.other_id).where(pairs.participant_id.in_(new_people))
        stored = {(mine, other) for mine, other in await connection.execute(statement)}
    assert stored == (set() if dry else expected_pairs)


async def test_later_batches_see_the_rows_of_earlier_batches(container: Container, world: World) -> None:
    before = await people_ids(container.engine)
    rows = [row(n) for n in range(1, 11)]
    rows.append(row(11, document_number="P0000002"))  # row 2's passport, three batches later
    rows.append(row(12, given_names="Importada3", family_names="Apellido3", birth_date=rows[2]["birth_date"]))
    report = await run(container, world, rows_of(rows), ImportMode.PER_RECORD, 3)
    assert [item.outcome for item in report.rows] == [CREATED] * 10 + [REJECTED, CREATED]
    assert report.rows[10].errors[0].code == "duplicate_participant"
    assert report.rows[11].duplicates == (report.rows[2].participant_id,)
    assert len(await people_ids(container.engine) - before) == 11


@pytest.mark.parametrize("mode", [ImportMode.DRY_RUN, ImportMode.PER_RECORD, ImportMode.ATOMIC])
@pytest.mark.parametrize("batch_size", [2, 10])
async def test_a_file_names_each_person_once(
    container: Container, world: World, mode: ImportMode, batch_size: int
) -> None:
    """A row repeating the external identifier of an earlier row is refused, in the same batch or a later one."""
    rows = [row(1), row(2), row(3, external_value="S-1", given_names="Otra")]
    report = await run(container, world, rows_of(rows), mode, batch_size)
    first = WOULD_CREATE if mode is ImportMode.DRY_RUN else CREATED
    expected = [first, first, REJECTED]
    if mode is ImportMode.ATOMIC:
        expected = [WOULD_CREATE, WOULD_CREATE, REJECTED]  # one row refused: nothing written
    assert [item.outcome for item in report.rows] == expected
    assert report.rows[2].errors[0].code == "duplicate_participant"


@pytest.mark.parametrize("mode", [ImportMode.DRY_RUN, ImportMode.PER_RECORD])
@pytest.mark.parametrize("batch_size", [2, 10])
async def test_a_rejected_row_hears_of_its_duplicate_too_and_claims_nothing(
    container: Container, world: World, mode: ImportMode, batch_size: int
) -> None:
    rows = [
        row(1),
        row(2, phone="12", document_number="P0000001"),  # row 1's passport, and a bad phone
        row(3, phone="12", document_number="P0000099"),
        row(4, document_number="P0000099"),  # row 3 is not imported: its passport is free
    ]
    report = await run(container, world, rows_of(rows), mode, batch_size)
    first = WOULD_CREATE if mode is ImportMode.DRY_RUN else CREATED
    assert [item.outcome for item in report.rows] == [first, REJECTED, REJECTED, first]
    codes = [[(issue.field, issue.code) for issue in item.errors] for item in report.rows]
    assert codes[1] == [("phone", "invalid_phone"), ("documents", "duplicate_participant")]
    assert codes[2] == [("phone", "invalid_phone")]
    assert report.counts()["rejected"] == 2


async def test_an_atomic_import_in_many_batches(container: Container, world: World) -> None:
    before = await people_ids(container.engine)
    rows = [row(n) for n in range(1, 11)]
    rows.append(row(11, given_names="Importada2", family_names="Apellido2", birth_date=rows[1]["birth_date"]))
    report = await run(container, world, rows_of(rows), ImportMode.ATOMIC, 3)
    assert report.committed
    assert [item.outcome for item in report.rows] == [CREATED] * 11
    assert report.rows[10].duplicates == (report.rows[1].participant_id,)  # an earlier batch, not yet committed
    assert len(await people_ids(container.engine) - before) == 11

    again = [row(n) for n in range(21, 30)] + [row(30, nationality="XXX")]  # rejected in the last batch
    report = await run(container, world, rows_of(again), ImportMode.ATOMIC, 3)
    assert not report.committed
    assert [item.outcome for item in report.rows] == [WOULD_CREATE] * 9 + [REJECTED]
    assert all(item.participant_id is None for item in report.rows)
    assert len(await people_ids(container.engine) - before) == 11


async def test_an_interrupted_import_leaves_no_half_written_person(container: Container, world: World) -> None:
    before = await people_ids(container.engine)

    def cut_short() -> Iterator[RawRow]:
        yield from rows_of([row(n) for n in range(1, 9)])
        raise OSError("the upload was cut")

    with pytest.raises(OSError, match="cut"):
        await run(container, world, cut_short(), ImportMode.PER_RECORD, 3)

    people = await people_ids(container.engine) - before
    assert len(people) in (3, 6)  # whole batches (the one in flight, if any, rolled back)
    async with container.engine.connect() as connection:
        with_consent = set(await connection.scalars(select(participant_tables.consents.c.participant_id)))
        ids = participant_tables.participant_identifiers.c
        statement = select(ids.participant_id, func.count()).group_by(ids.participant_id)
        keys = dict((await connection.execute(statement)).all())
        audited = set(await connection.scalars(select(schema.audit_events.c.entity_id)))
        registered = set(await connection.scalars(select(schema.outbox.c.aggregate_id)))
    for person in people:
        assert person in with_consent
        assert keys[person] == 2  # passport and external identifier
        assert str(person) in audited
        assert person in registered


class PassingSink:
    """A sink that hands everything to another; the sinks below change one call each."""

    def __init__(self, inner: ImportSink) -> None:
        self._inner = inner

    @property
    def overlaps_validation(self) -> bool:
        return self._inner.overlaps_validation

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)

    async def holders(self, keys: Sequence[str]) -> dict[str, tuple[uuid.UUID, uuid.UUID]]:
        return await self._inner.holders(keys)

    async def sketches(self, birth_dates: Sequence[date], phones: Sequence[str]) -> RegistrySketches:
        return await self._inner.sketches(birth_dates, phones)

    async def load(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Participant]:
        return await self._inner.load(participant_ids)

    async def write(
        self,
        created: Sequence[tuple[NewParticipant, NewConsent]],
        updated: Sequence[Participant],
        duplicates: Sequence[DuplicateCandidate] | Awaitable[Sequence[DuplicateCandidate]],
    ) -> None:
        await self._inner.write(created, updated, duplicates)

    async def commit(self) -> None:
        await self._inner.commit()


class ForgetfulSink(PassingSink):
    """A sink whose first identifier lookup finds nothing, as if another writer had committed just after it."""

    def __init__(self, inner: ImportSink, forgotten: list[bool]) -> None:
        super().__init__(inner)
        self._forgotten = forgotten

    async def holders(self, keys: Sequence[str]) -> dict[str, tuple[uuid.UUID, uuid.UUID]]:
        if not self._forgotten:
            self._forgotten.append(True)
            return {}
        return await self._inner.holders(keys)


async def test_a_key_taken_after_the_lookup_sends_the_batch_row_by_row(container: Container, world: World) -> None:
    first = await run(container, world, rows_of([row(2, external_value="OTRO-2")]), ImportMode.PER_RECORD, 10)
    assert [item.outcome for item in first.rows] == [CREATED]
    before = await people_ids(container.engine)
    forgotten: list[bool] = []

    def forgetful(scope: Scope, *, dry_run: bool = False) -> ImportSink:
        return ForgetfulSink(container.area(ImportsWiring).sink(scope, dry_run=dry_run), forgotten)

    report = await run(container, world, rows_of([row(1), row(2), row(3)]), ImportMode.PER_RECORD, 10, forgetful)
    assert forgotten  # the batch's lookup missed the key: its write hit the unique constraint
    assert [item.outcome for item in report.rows] == [CREATED, REJECTED, CREATED]
    assert report.rows[1].errors[0].code == "duplicate_participant"
    added = await people_ids(container.engine) - before
    assert added == {report.rows[0].participant_id, report.rows[2].participant_id}


class WatchedSink(PassingSink):
    """A sink that notes how many rows had been read when each batch was written, and can fail one write."""

    def __init__(self, inner: ImportSink, read: list[int], writes: list[int], fail_at: int | None = None) -> None:
        super().__init__(inner)
        self._read = read
        self._writes = writes
        self._fail_at = fail_at

    async def write(
        self,
        created: Sequence[tuple[NewParticipant, NewConsent]],
        updated: Sequence[Participant],
        duplicates: Sequence[DuplicateCandidate] | Awaitable[Sequence[DuplicateCandidate]],
    ) -> None:
        self._writes.append(self._read[0])
        if len(self._writes) == self._fail_at:
            raise RuntimeError("the disk is full")
        await self._inner.write(created, updated, duplicates)


def counted(rows: Iterable[RawRow], read: list[int]) -> Iterator[RawRow]:
    for raw in rows:
        read[0] += 1
        yield raw


async def test_the_file_is_read_at_most_two_batches_ahead(container: Container, world: World) -> None:
    read, writes = [0], []

    def watched(scope: Scope, *, dry_run: bool = False) -> ImportSink:
        return WatchedSink(container.area(ImportsWiring).sink(scope, dry_run=dry_run), read, writes)

    rows = counted(rows_of([row(n) for n in range(1, 31)]), read)
    report = await run(container, world, rows, ImportMode.PER_RECORD, 3, watched)
    assert report.counts()["created"] == 30
    assert len(writes) == 10
    for batch, rows_read in enumerate(writes):
        # This batch's rows, at most one batch waiting, and the one being read.
        assert 3 * (batch + 1) <= rows_read <= 3 * (batch + 3)


async def test_a_failed_write_stops_the_import_with_its_error(container: Container, world: World) -> None:
    before = await people_ids(container.engine)
    read, writes = [0], []

    def failing(scope: Scope, *, dry_run: bool = False) -> ImportSink:
        return WatchedSink(container.area(ImportsWiring).sink(scope, dry_run=dry_run), read, writes, fail_at=3)

    rows = counted(rows_of([row(n) for n in range(1, 31)]), read)
    with pytest.raises(RuntimeError, match="disk is full"):
        await run(container, world, rows, ImportMode.PER_RECORD, 3, failing)
    assert len(writes) == 3  # no batch is handled after the one that failed
    assert read[0] <= 3 * 5
    people = await people_ids(container.engine) - before
    assert len(people) == 6  # the first two batches, committed each on its own
    async with container.engine.connect() as connection:
        with_consent = set(await connection.scalars(select(participant_tables.consents.c.participant_id)))
    assert people <= with_consent


@pytest.mark.parametrize("mode", [ImportMode.DRY_RUN, ImportMode.PER_RECORD])
async def test_an_import_holds_a_few_batches_whatever_the_file(
    container: Container, world: World, mode: ImportMode
) -> None:
    """What the import keeps of handled rows is in its ledger's temporary file: the heap does not grow with the file."""

    async def peak(start: int, count: int) -> int:
        born = [date(1950, 1, 1) + timedelta(days=n * 7 % 20_000) for n in range(start, start + count)]
        values = [row(n, birth_date=day.isoformat()) for n, day in zip(range(start, start + count), born, strict=True)]
        gc.collect()
        tracemalloc.start()
        try:
            report = await run(container, world, rows_of(values), mode, 50)
            _, high = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert report.counts()["total"] == count
        report.close()
        return high

    await peak(10_000, 100)  # caches warm
    small = await peak(20_000, 100)
    large = await peak(30_000, 1_000)
    assert large < small * 1.5 + 256 * 1024, (small, large)
