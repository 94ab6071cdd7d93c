"""Who a partner sees, two ways: the list pages through the trigger-fed `participant_shares` read model, while one
person's page, duplicate checks, imports and the review queue ask `visible_to`. Whatever sequence of registrations,
sharing consents, withdrawals, renamings, erasures and merges happened, both name the same people for every partner.

The product's rule for the two special cases, held on both sides: a merged-away record is nobody's to see (its
consents moved to the survivor); an erased person stays visible to the partner that registered them, as the
anonymised record, and to no one else (erasure ends their consents)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.participants.visibility import visible_to
from emprende.adapters.sql.shared import schema
from emprende.bootstrap import Container
from emprende.bootstrap.participants import ParticipantsWiring
from emprende.domain.identity.user import Language, Role
from emprende.domain.participants.consent import ConsentMethod, ConsentPurpose
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.participant import ParticipantDetails, PopulationGroup, Sex
from emprende.domain.partners.agreement import AgreementRole
from emprende.domain.partners.partner import PartnerKind
from emprende.domain.shared.errors import NotFound
from emprende.services.participants.consents import RecordConsent, record_consent, withdraw_consent
from emprende.services.participants.duplicates import resolve_duplicate
from emprende.services.participants.ports import ParticipantFilters, ParticipantSort
from emprende.services.participants.registry import (
    GivenConsent,
    RegisterParticipant,
    get_participant,
    list_participants,
    rectify_participant,
    register_participant,
)
from emprende.services.participants.rights import erase_participant
from emprende.services.partners.agreements import CreateAgreement, create_agreement
from emprende.services.partners.partners import CreatePartner, create_partner
from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind
from tests.conftest import Account

PARTNERS = 3
_p = participant_tables.participants
_c = participant_tables.consents
_s = participant_tables.participant_shares
# What a person leaves behind, children first: emptied before every example, so that each starts with nobody.
_PEOPLE_TABLES = ("participant_shares", "consents", "participant_identifiers", "duplicate_candidates", "participants")
_NAMES = [("Zoila", "Andrade"), ("Ana", "Mendoza"), ("Bruno", "Zambrano"), ("Ana", "Andrade"), ("Luz", "Vera")]


@dataclass(frozen=True)
class Partners:
    ids: list[uuid.UUID]
    managers: list[Principal]


@pytest.fixture
async def partners(container: Container, admin: Account) -> Partners:
    """Three partners that may register people, each acting and reading through its manager."""
    acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
    today = container.clock.now().date()
    ids = []
    for index in range(PARTNERS):
        partner = await create_partner(
            CreatePartner(name=f"Socio {index}", kind=PartnerKind.NGO, country="ECU"),
            acting,
            uow_factory=container.uow,
            clock=container.clock,
        )
        await create_agreement(
            acting,
            partner.id,
            CreateAgreement(
                code=f"CONV-RM-{index}",
                title=f"Convenio de derivación {index}",
                roles=frozenset({AgreementRole.REFERRAL}),
                start_date=today - timedelta(days=1),
                end_date=today + timedelta(days=365),
                data_sharing=True,
                activate=True,
            ),
            uow_factory=container.uow,
            clock=container.clock,
        )
        ids.append(partner.id)
    managers = [
        Principal(kind=PrincipalKind.USER, id=uuid.uuid4(), role=Role.PARTNER_MANAGER, partner_id=partner_id)
        for partner_id in ids
    ]
    return Partners(ids, managers)


# One step: (what, a, b, c), small numbers that pick among the people, consents and partners there are at the time.
_KINDS = ["register", "share", "share", "share", "withdraw", "withdraw", "rename", "erase", "merge", "merge"]
step = st.tuples(st.sampled_from(_KINDS), st.integers(0, 7), st.integers(0, 7), st.integers(0, 7))
# A few people registered first (by partner `a`), so that the steps have someone to act on.
steps = st.tuples(
    st.lists(
        st.tuples(st.just("register"), st.integers(0, 7), st.integers(0, 7), st.integers(0, 7)), min_size=2, max_size=5
    ),
    st.lists(step, min_size=3, max_size=8),
).map(lambda both: both[0] + both[1])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
async def test_every_partner_lists_exactly_whom_the_visibility_rule_lets_it_see(
    container: Container, engine: AsyncEngine, partners: Partners, steps: list[tuple[str, int, int, int]]
) -> None:
    await _forget_everyone(engine)
    for what, a, b, c in steps:
        await _apply(container, engine, partners, what, a, b, c)
        await _assert_lists_follow_the_rule(container, engine, partners, page_size=100)
    await _assert_lists_follow_the_rule(container, engine, partners, page_size=2)
    await _assert_one_person_reads_follow_the_rule(container, engine, partners)


async def _forget_everyone(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for name in _PEOPLE_TABLES:
            await connection.execute(delete(schema.metadata.tables[name]))


async def _apply(
    container: Container, engine: AsyncEngine, partners: Partners, what: str, a: int, b: int, c: int
) -> None:
    """One step of the sequence, through the use cases, as the partner that registered the person."""
    uow, clock = container.uow, container.clock
    async with engine.connect() as connection:
        live = (
            await connection.execute(
                select(_p.c.id, _p.c.owner_partner_id, _p.c.erased_at)
                .where(_p.c.merged_into_id.is_(None))
                .order_by(_p.c.registered_at, _p.c.id)
            )
        ).all()
        in_force = (
            await connection.execute(
                select(_c.c.id, _c.c.participant_id)
                .where(_c.c.purpose == ConsentPurpose.SHARING, _c.c.withdrawn_at.is_(None))
                .order_by(_c.c.given_at, _c.c.id)
            )
        ).all()
    manager_of = dict(zip(partners.ids, partners.managers, strict=True))
    if what == "register" or not live:
        given, family = _NAMES[b % len(_NAMES)]
        details = ParticipantDetails(
            given_names=given,
            family_names=family,
            birth_date=date(1980 + c, 1 + b, 1 + c),
            sex=Sex.FEMALE,
            population_group=PopulationGroup.MIGRANT,
            nationality="VEN",
        )
        consent = GivenConsent("2026-01", Language.ES, ConsentMethod.IN_PERSON, clock.now())
        await register_participant(
            RegisterParticipant(details, consent), partners.managers[a % PARTNERS], uow_factory=uow, clock=clock
        )
        event("register")
        return
    person = live[a % len(live)]
    owner = manager_of[person.owner_partner_id]
    if what == "share":
        recipient = partners.ids[b % PARTNERS]
        if person.erased_at is not None or recipient == person.owner_partner_id:
            event("share skipped")
            return  # refused by the use case, as the other tests show; nothing to compare
        cmd = RecordConsent(
            ConsentPurpose.SHARING, "2026-01", Language.ES, ConsentMethod.DIGITAL, recipient_partner_id=recipient
        )
        await record_consent(owner, person.id, cmd, uow_factory=uow, clock=clock)
        event("share")
    elif what == "withdraw" and in_force:
        consent = in_force[b % len(in_force)]
        async with engine.connect() as connection:
            holder = (
                await connection.execute(select(_p.c.owner_partner_id).where(_p.c.id == consent.participant_id))
            ).scalar_one()
        await withdraw_consent(manager_of[holder], consent.participant_id, consent.id, uow_factory=uow, clock=clock)
        event("withdraw")
    elif what == "rename" and person.erased_at is None:  # moves them in the name order everyone who sees them lists
        given, family = _NAMES[b % len(_NAMES)]
        changes = {"given_names": f"{given} {c}", "family_names": family}
        await rectify_participant(owner, person.id, changes, expected_version=None, uow_factory=uow, clock=clock)
        event("rename")
    elif what == "erase":
        await erase_participant(owner, person.id, uow_factory=uow, clock=clock)
        event("erase")
    elif what == "merge":
        # A probable-duplicate pair of two live, unerased records of one partner; `c` picks which survives.
        kin = [p for p in live if p.owner_partner_id == person.owner_partner_id and p.erased_at is None]
        if person.erased_at is not None or len(kin) < 2:
            return
        other = kin[b % len(kin)]
        if other.id == person.id:
            other = kin[(b + 1) % len(kin)]
        pair_id = await _pair_of(engine, person.id, other.id)
        if pair_id is None:
            pair = DuplicateCandidate(
                participant_id=person.id,
                other_id=other.id,
                reasons=frozenset({"similar_name_and_birth_date"}),
                similarity=90,
                now=clock.now(),
            )
            async with uow(SYSTEM) as unit:
                unit.duplicates.add(pair)
                await unit.commit()
            pair_id = pair.id
        survivor = (person.id, other.id)[c % 2]
        await resolve_duplicate(owner, pair_id, merge=True, survivor_id=survivor, uow_factory=uow, clock=clock)
        event("merge")


async def _pair_of(engine: AsyncEngine, one: uuid.UUID, other: uuid.UUID) -> uuid.UUID | None:
    """The probable-duplicate pair of two records, when registration already queued it (in either order)."""
    d = participant_tables.duplicate_candidates.c
    async with engine.connect() as connection:
        return (
            await connection.execute(
                select(d.id).where(
                    or_(
                        and_(d.participant_id == one, d.other_id == other),
                        and_(d.participant_id == other, d.other_id == one),
                    )
                )
            )
        ).scalar_one_or_none()


async def _by_the_rule(engine: AsyncEngine, partner_id: uuid.UUID) -> set[uuid.UUID]:
    """The definition: live records `visible_to` the partner."""
    async with engine.connect() as connection:
        rows = await connection.execute(select(_p.c.id).where(visible_to(partner_id), _p.c.merged_into_id.is_(None)))
        return {row.id for row in rows}


async def _listed(container: Container, manager: Principal, sort: ParticipantSort, page_size: int) -> list[uuid.UUID]:
    """Everyone the list use case gives the partner, page after page, as the route pages it."""
    listed: list[uuid.UUID] = []
    after: tuple[str, str] | None = None
    while True:
        rows = await list_participants(
            manager,
            ParticipantFilters(sort=sort),
            after=after,
            limit=page_size + 1,
            queries=container.area(ParticipantsWiring).participants,
            sensitive_log=container.area(ParticipantsWiring).sensitive_log,
        )
        listed += [row.id for row in rows[:page_size]]
        if len(rows) <= page_size:
            return listed
        after = rows[page_size - 1].cursor_position


async def _assert_lists_follow_the_rule(
    container: Container, engine: AsyncEngine, partners: Partners, *, page_size: int
) -> None:
    await _assert_read_model_exact(engine)
    for partner_id, manager in zip(partners.ids, partners.managers, strict=True):
        expected = await _by_the_rule(engine, partner_id)
        for sort in ParticipantSort:
            listed = await _listed(container, manager, sort, page_size)
            assert len(listed) == len(set(listed)), f"someone listed twice (sort {sort}, pages of {page_size})"
            assert set(listed) == expected, f"sort {sort}, pages of {page_size}"


async def _assert_read_model_exact(engine: AsyncEngine) -> None:
    """One row per sharing consent in force, carrying its person's current sort keys; nothing else."""
    expected = (
        select(_c.c.id, _c.c.recipient_partner_id, _p.c.id, _p.c.registered_at, _p.c.name_key)
        .join(_p, _p.c.id == _c.c.participant_id)
        .where(and_(_c.c.purpose == ConsentPurpose.SHARING, _c.c.withdrawn_at.is_(None)))
    )
    actual = select(_s.c.consent_id, _s.c.partner_id, _s.c.participant_id, _s.c.registered_at, _s.c.name_key)
    async with engine.connect() as connection:
        want = {tuple(row) for row in (await connection.execute(expected)).all()}
        have = {tuple(row) for row in (await connection.execute(actual)).all()}
    assert have == want


async def _assert_one_person_reads_follow_the_rule(
    container: Container, engine: AsyncEngine, partners: Partners
) -> None:
    """Every record ever registered, merged-away ones included, read one at a time by every partner."""
    async with engine.connect() as connection:
        everyone = [row.id for row in await connection.execute(select(_p.c.id))]
    for partner_id, manager in zip(partners.ids, partners.managers, strict=True):
        expected = await _by_the_rule(engine, partner_id)
        found = set()
        for person_id in everyone:
            try:
                await get_participant(
                    manager,
                    person_id,
                    queries=container.area(ParticipantsWiring).participants,
                    sensitive_log=container.area(ParticipantsWiring).sensitive_log,
                )
            except NotFound:
                continue
            found.add(person_id)
        assert found == expected
