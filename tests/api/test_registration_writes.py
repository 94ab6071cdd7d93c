"""What a registration writes, and in how many statements: one read per check, one INSERT per table, the audit trail
and the outbox exactly as for any other change, and nothing at all when it fails."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.shared import schema
from emprende.bootstrap import Container
from emprende.domain.audit.trail import REDACTED
from emprende.domain.identity.user import Language, Role
from emprende.domain.participants.consent import Consent, ConsentMethod, ConsentPurpose
from emprende.domain.participants.identifiers import identity_document
from emprende.domain.participants.participant import (
    DuplicateParticipant,
    Participant,
    ParticipantDetails,
    PopulationGroup,
    Sex,
)
from emprende.services.participants.registry import (
    GivenConsent,
    RegisterParticipant,
    Registration,
    register_participant,
)
from emprende.services.shared.context import current_request_id
from emprende.services.shared.principal import Principal, PrincipalKind
from tests.conftest import PARTICIPANT_TABLES, World, snapshot

_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(\w+)")
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


def label(statement: str) -> str:
    """`VERB table,table`: what a statement does and the tables it touches."""
    return f"{statement.split()[0]} {','.join(sorted(set(_TABLE.findall(statement))))}"


@contextmanager
def statements(container: Container) -> Iterator[list[str]]:
    """The `label` of each SQL statement the engine runs inside the block (transaction control left out): those run
    through SQLAlchemy and, on PostgreSQL, those the unit of work runs on the asyncpg connection itself."""
    seen: list[str] = []
    through_sqlalchemy: list[str] = []
    drivers: list[Any] = []

    def note(statement: str) -> None:
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            seen.append(label(statement))

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        through_sqlalchemy.append(statement)
        note(statement)

    def logged(query: Any) -> None:
        if not through_sqlalchemy or query.query != through_sqlalchemy[-1]:  # SQLAlchemy's executemany logs too
            note(query.query)

    def attach(dbapi_connection: Any, *_args: object) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        if hasattr(driver, "add_query_logger") and driver not in drivers:
            driver.add_query_logger(logged)
            drivers.append(driver)

    engine = container.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "checkout", attach)
    try:
        yield seen
    finally:
        event.remove(engine, "checkout", attach)
        event.remove(engine, "before_cursor_execute", record)
        for driver in drivers:
            driver.remove_query_logger(logged)


def _manager(world: World) -> Principal:
    return Principal(
        kind=PrincipalKind.USER, id=world.a.manager.id, role=Role.PARTNER_MANAGER, partner_id=world.a.partner_id
    )


def _details(**changes: Any) -> ParticipantDetails:
    values: dict[str, Any] = {
        "given_names": "María José",
        "family_names": "Pérez Gómez",
        "birth_date": date(1990, 5, 17),
        "sex": Sex.FEMALE,
        "population_group": PopulationGroup.MIGRANT,
        "nationality": "VEN",
        "gender_identity": "mujer",
        "documents": (identity_document("passport", "AB123456", "VEN"),),
        "household_size": 4,
        "province_code": "17",
        "canton_code": "1701",
        "phone": "0991234567",
        "email": "mj@example.org",
    }
    values.update(changes)
    return ParticipantDetails(**values)


async def _register(
    container: Container,
    world: World,
    *,
    principal: Principal | None = None,
    owner: uuid.UUID | None = None,
    **changes: Any,
) -> Registration:
    now = container.clock.now()
    return await register_participant(
        RegisterParticipant(
            details=_details(**changes),
            registration_consent=GivenConsent("2026-01", Language.ES, ConsentMethod.IN_PERSON, now),
            owner_partner_id=owner,
        ),
        principal or _manager(world),
        uow_factory=container.uow,
        clock=container.clock,
    )


async def _grant_registering(container: Container, world: World, partner_id: uuid.UUID) -> None:
    """An agreement in force that lets the partner refer people (partner B of the world only evaluates)."""
    from emprende.domain.partners.agreement import AgreementRole
    from emprende.services.partners.agreements import CreateAgreement, create_agreement

    today = container.clock.now().date()
    await create_agreement(
        Principal(kind=PrincipalKind.USER, id=world.admin.id, role=Role.ADMIN),
        partner_id,
        CreateAgreement(
            code="CONV-REFERIR-1",
            title="Convenio de referencia",
            roles=frozenset({AgreementRole.REFERRAL}),
            start_date=today - timedelta(days=1),
            end_date=today + timedelta(days=30),
            data_sharing=False,
            activate=True,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )


async def _rows(container: Container, table: Any, *where: Any) -> list[Any]:
    async with container.engine.connect() as connection:
        return list(await connection.execute(select(table).where(*where)))


async def test_a_registration_reads_once_per_check_and_inserts_once_per_table(
    container: Container, world: World
) -> None:
    with statements(container) as seen:
        first = await _register(container, world)
    assert seen == [
        "SELECT cooperation_agreements,partners",  # the partner with its agreements
        # Exact duplicates (and whether the caller may see them) with the block of probable ones.
        "SELECT consents,participant_identifiers,participants",
        "INSERT participants",
        "INSERT participant_identifiers",
        "INSERT consents",
        "INSERT audit_events",
        "INSERT outbox",
    ]
    assert first.probable_duplicates == []

    # A probable duplicate adds its pair; without documents there is nothing to look up or index.
    with statements(container) as seen:
        second = await _register(container, world, given_names="MARIA", family_names="perez", documents=(), phone=None)
    assert second.probable_duplicates == [first.participant.id]
    assert seen == [
        "SELECT cooperation_agreements,partners",
        "SELECT consents,participants",  # the block, with whether the caller may see each of them
        "INSERT participants",
        "INSERT consents",
        "INSERT duplicate_candidates",
        "INSERT audit_events",
        "INSERT outbox",
    ]


async def test_an_exact_duplicate_is_refused_after_one_read_and_named_only_to_who_may_see_it(
    container: Container, world: World
) -> None:
    first = await _register(container, world)
    await _grant_registering(container, world, world.b.partner_id)
    before = await snapshot(container.engine, *PARTICIPANT_TABLES)

    with statements(container) as seen, pytest.raises(DuplicateParticipant) as refused:
        await _register(container, world, given_names="Otra")
    assert refused.value.existing_id == first.participant.id  # the caller's own partner registered it
    assert seen == ["SELECT cooperation_agreements,partners", "SELECT consents,participant_identifiers,participants"]

    # Another partner is refused as well, but not told which record holds the document.
    b = Principal(
        kind=PrincipalKind.USER, id=world.b.manager.id, role=Role.PARTNER_MANAGER, partner_id=world.b.partner_id
    )
    with pytest.raises(DuplicateParticipant) as refused:
        await _register(container, world, principal=b, given_names="Otra")
    assert refused.value.existing_id is None

    # The operator sees every partner's people.
    admin = Principal(kind=PrincipalKind.USER, id=world.admin.id, role=Role.ADMIN)
    with pytest.raises(DuplicateParticipant) as refused:
        await _register(container, world, principal=admin, owner=world.b.partner_id, given_names="Otra")
    assert refused.value.existing_id == first.participant.id
    assert await snapshot(container.engine, *PARTICIPANT_TABLES) == before


async def test_a_registration_is_audited_and_announced_like_any_change(container: Container, world: World) -> None:
    token = current_request_id.set("registro-0001")
    try:
        first = await _register(container, world)
        second = await _register(container, world, given_names="MARIA", family_names="perez", documents=())
    finally:
        current_request_id.reset(token)
    person = second.participant
    [pair_id] = [
        row.id
        for row in await _rows(
            container,
            participant_tables.duplicate_candidates,
            participant_tables.duplicate_candidates.c.participant_id == person.id,
        )
    ]
    [consent_id] = [
        row.id
        for row in await _rows(
            container, participant_tables.consents, participant_tables.consents.c.participant_id == person.id
        )
    ]

    audits = await _rows(container, schema.audit_events, schema.audit_events.c.request_id == "registro-0001")
    by_entity = {(row.entity_type, row.entity_id): row for row in audits}
    assert len(audits) == len(by_entity) == 5  # two people, their consents and the pair
    for row in audits:
        assert (row.action, row.actor_type, row.actor_id) == ("create", "user", world.a.manager.id)

    changes = by_entity["participant", str(person.id)].changes
    # Every value set, bookkeeping left out, and nothing erasure removes (or any sensitive value) in clear.
    unset = {"version", "updated_at", "erased_at", "merged_into_id", "migratory_status", "disability"}
    unset |= {"has_disability", "dependants", "education_level"}
    assert set(changes) == {column.key for column in participant_tables.participants.c} - unset
    assert all(change["before"] is None for change in changes.values())
    for name in Participant.sensitive_fields & set(changes):
        assert changes[name]["after"] == REDACTED, name
    assert changes["documents"] == {"before": None, "after": REDACTED}  # an empty list is a value too
    assert changes["population_group"] == {"before": None, "after": "migrant"}
    assert changes["owner_partner_id"] == {"before": None, "after": str(world.a.partner_id)}
    assert changes["household_size"] == {"before": None, "after": 4}
    assert changes["registered_at"] == {"before": None, "after": person.registered_at.isoformat()}
    for secret in ("María", "maria jose", "0991234567", "AB123456", "1990-05-17"):
        assert secret not in str(changes)

    consent = by_entity["consent", str(consent_id)].changes
    assert consent["purpose"] == {"before": None, "after": "registration"}
    assert consent["participant_id"] == {"before": None, "after": str(person.id)}
    assert "withdrawn_at" not in consent
    pair = by_entity["duplicate_candidate", str(pair_id)].changes
    assert pair["other_id"] == {"before": None, "after": str(first.participant.id)}
    assert pair["reasons"]["before"] is None
    assert sorted(pair["reasons"]["after"]) == ["same_phone", "similar_name_and_birth_date"]
    assert pair["status"] == {"before": None, "after": "open"}

    events = await _rows(container, schema.outbox, schema.outbox.c.request_id == "registro-0001")
    announced = sorted((row.event_type, row.aggregate_id, row.occurred_at) for row in events)
    assert [(name, aggregate) for name, aggregate, _ in announced] == [
        ("consent.given", first.participant.id),
        ("consent.given", person.id),
        ("participant.registered", first.participant.id),
        ("participant.registered", person.id),
    ]
    [registered] = [
        row for row in events if row.event_type == "participant.registered" and row.aggregate_id == person.id
    ]
    assert registered.payload == {"owner_partner_id": str(world.a.partner_id), "population_group": "migrant"}
    assert registered.published_at is None
    [given] = [row for row in events if row.event_type == "consent.given" and row.aggregate_id == person.id]
    assert given.payload == {"purpose": "registration", "id": str(consent_id)}


async def test_racing_registrations_of_one_document_conflict_cleanly(container: Container, world: World) -> None:
    """Both may pass the exact-duplicate check before either commits: the loser gets the domain's conflict, not a raw
    database error, and leaves nothing behind (no person, key, consent, audit row or event)."""

    async def attempt(name: str) -> Registration:
        current_request_id.set(f"carrera-{name}")  # each task runs in its own copy of the context
        return await _register(container, world, given_names=name)

    outcomes = await asyncio.gather(attempt("Ana"), attempt("Lucía"), return_exceptions=True)
    winners = [outcome for outcome in outcomes if isinstance(outcome, Registration)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, DuplicateParticipant)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    winner = winners[0].participant
    loser = "Lucía" if winner.given_names == "Ana" else "Ana"

    people = await _rows(
        container, participant_tables.participants, participant_tables.participants.c.given_names.in_(["Ana", "Lucía"])
    )
    assert [row.id for row in people] == [winner.id]
    keys = await _rows(
        container,
        participant_tables.participant_identifiers,
        participant_tables.participant_identifiers.c.key.like("%AB123456%"),
    )
    assert [row.participant_id for row in keys] == [winner.id]
    assert (
        len(
            await _rows(
                container, participant_tables.consents, participant_tables.consents.c.participant_id == winner.id
            )
        )
        == 1
    )
    for table in (schema.audit_events, schema.outbox):
        assert len(await _rows(container, table, table.c.request_id == f"carrera-{winner.given_names}")) == 2
        assert await _rows(container, table, table.c.request_id == f"carrera-{loser}") == []


@pytest.mark.parametrize("fail", [False, True], ids=["no commit", "exception"])
async def test_an_uncommitted_registration_writes_nothing(container: Container, world: World, fail: bool) -> None:
    now = container.clock.now()
    person = Participant(owner_partner_id=world.a.partner_id, details=_details(), now=now, registered_by=None)
    consent = Consent(
        participant_id=person.id,
        purpose=ConsentPurpose.REGISTRATION,
        notice_version="2026-01",
        language=Language.ES,
        method=ConsentMethod.DIGITAL,
        given_at=now,
        now=now,
    )
    with pytest.raises(RuntimeError) if fail else nullcontext():
        async with container.uow(_manager(world)) as uow:
            uow.participants.add(person)
            await uow.participants.save_identifiers(person)
            uow.consents.add(consent)
            await uow.session.flush()  # new people wait for the commit; a flush does not write them
            if fail:
                raise RuntimeError("boom")
    assert (
        await _rows(container, participant_tables.participants, participant_tables.participants.c.id == person.id) == []
    )
    ids = participant_tables.participant_identifiers.c
    assert await _rows(container, participant_tables.participant_identifiers, ids.participant_id == person.id) == []
    assert (
        await _rows(container, participant_tables.consents, participant_tables.consents.c.participant_id == person.id)
        == []
    )
    assert await _rows(container, schema.audit_events, _about(person)) == []
    assert await _rows(container, schema.outbox, schema.outbox.c.aggregate_id == person.id) == []

    # Nothing was left pending either: a later unit of work writes this person once, with one audit row.
    async with container.uow(_manager(world)) as uow:
        uow.participants.add(person)
        await uow.participants.save_identifiers(person)
        await uow.commit()
    assert (
        len(await _rows(container, participant_tables.participants, participant_tables.participants.c.id == person.id))
        == 1
    )
    assert len(await _rows(container, participant_tables.participant_identifiers, ids.participant_id == person.id)) == 1
    assert len(await _rows(container, schema.audit_events, _about(person))) == 1


def _about(person: Participant) -> Any:
    return schema.audit_events.c.entity_id == str(person.id)


def test_statement_labels() -> None:
    """The helper's own reading of SQL (so that the lists above mean what they say)."""
    assert label("SELECT p.id \nFROM participants AS p WHERE p.birth_date = $1") == "SELECT participants"
    union = "SELECT a.x FROM (SELECT x FROM participants) AS a UNION ALL SELECT y FROM participant_identifiers"
    assert label(union) == "SELECT participant_identifiers,participants"
    assert label("INSERT INTO outbox (id) VALUES ($1)") == "INSERT outbox"
    assert label("SELECT 1 FROM partners LEFT OUTER JOIN agreements ON x") == "SELECT agreements,partners"
