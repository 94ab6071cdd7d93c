"""Participant registry use cases with in-memory fakes: registration, consents, duplicate review, data-subject rights.

Two partners, A and B, each with an agreement in force that lets them register people; nobody sees the other's
people unless a sharing consent in force names them.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest

from emprende.domain.identity.user import Language, Role
from emprende.domain.participants.consent import ConsentAlreadyWithdrawn, ConsentMethod, ConsentPurpose
from emprende.domain.participants.duplicate import CandidateAlreadyReviewed, CandidateStatus, DuplicateCandidate
from emprende.domain.participants.identifiers import identity_document
from emprende.domain.participants.participant import (
    DuplicateParticipant,
    OwnersDiffer,
    Participant,
    ParticipantDetails,
    ParticipantErased,
    PopulationGroup,
    Sex,
)
from emprende.domain.partners.agreement import AgreementRequired, AgreementRole, CooperationAgreement
from emprende.domain.partners.partner import InstitutionalPartner, PartnerKind
from emprende.domain.shared.errors import InvalidInput, NotFound, PermissionDenied
from emprende.services.participants.consents import RecordConsent, list_consents, record_consent, withdraw_consent
from emprende.services.participants.duplicates import list_duplicate_candidates, resolve_duplicate
from emprende.services.participants.portal import my_consents, my_record, withdraw_my_consent
from emprende.services.participants.registry import (
    GivenConsent,
    RegisterParticipant,
    Registration,
    get_participant,
    rectify_participant,
    register_participant,
)
from emprende.services.participants.rights import ParticipantExport, erase_participant, export_participant
from emprende.services.shared.principal import Principal, PrincipalKind
from tests.unit.fakes import START, FakeClock, FakeDatabase, FakeUnitOfWorkFactory
from tests.unit.fakes.participants import (
    FakeAuditQueries,
    FakeDuplicateQueries,
    FakeParticipantQueries,
    FakeSensitiveReadLog,
)

PASSPORT = identity_document("passport", "AB123456", "VEN")
MARIA = ParticipantDetails(
    given_names="María José",
    family_names="Pérez Gómez",
    birth_date=date(1990, 5, 17),
    sex=Sex.FEMALE,
    population_group=PopulationGroup.MIGRANT,
    nationality="VEN",
    documents=(PASSPORT,),
    phone="+593991234567",
)
# Another document, same name and birth date: a probable duplicate of María, not an exact one.
MARIA_AGAIN = replace(MARIA, documents=(identity_document("passport", "ZX987654", "VEN"),), phone=None)
ROSA = replace(MARIA, given_names="Rosa", family_names="Mendoza", birth_date=date(1985, 1, 2), documents=(), phone=None)
ROSA_WITH_MARIAS_PASSPORT = replace(ROSA, documents=(PASSPORT,))
CONSENT = GivenConsent(
    notice_version="2025-01", language=Language.ES, method=ConsentMethod.IN_PERSON, given_at=START - timedelta(hours=1)
)


def staff(partner: InstitutionalPartner | None, role: Role = Role.PARTNER_STAFF) -> Principal:
    return Principal(
        kind=PrincipalKind.USER, id=uuid.uuid4(), role=role, partner_id=partner.id if partner is not None else None
    )


def add_partner(db: FakeDatabase, name: str, *, registers: bool = True) -> InstitutionalPartner:
    """A committed partner; with an active referral agreement in force when it `registers` people."""
    partner = InstitutionalPartner(name=name, kind=PartnerKind.NGO, country="ECU", now=START)
    partner.pull_events()
    db.partners[partner.id] = partner
    if registers:
        agreement = CooperationAgreement(
            partner_id=partner.id,
            code=f"CONV-{name[-1]}",
            title="Convenio de derivación",
            roles=[AgreementRole.REFERRAL],
            start_date=START.date() - timedelta(days=30),
            end_date=START.date() + timedelta(days=365),
            data_sharing=False,
            now=START,
        )
        agreement.activate(START)
        agreement.pull_events()
        db.agreements[agreement.id] = agreement
    return partner


class Registry:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.clock = FakeClock()
        self.a = add_partner(self.db, "Socio A")
        self.b = add_partner(self.db, "Socio B")
        self.admin = staff(None, Role.ADMIN)
        self.staff_a = staff(self.a)
        self.manager_a = staff(self.a, Role.PARTNER_MANAGER)
        self.staff_b = staff(self.b)
        self.manager_b = staff(self.b, Role.PARTNER_MANAGER)
        self.queries = FakeParticipantQueries(self.db)
        self.reads = FakeSensitiveReadLog(self.db, self.clock)

    @property
    def db(self) -> FakeDatabase:
        return self.uow.db

    async def register(
        self, details: ParticipantDetails = MARIA, by: Principal | None = None, owner: uuid.UUID | None = None
    ) -> Registration:
        cmd = RegisterParticipant(details=details, registration_consent=CONSENT, owner_partner_id=owner)
        return await register_participant(cmd, by or self.staff_a, uow_factory=self.uow, clock=self.clock)

    async def share(self, participant: Participant, with_partner: InstitutionalPartner) -> uuid.UUID:
        cmd = RecordConsent(
            ConsentPurpose.SHARING, "2025-01", Language.ES, ConsentMethod.IN_PERSON, None, with_partner.id
        )
        consent = await record_consent(self.staff_a, participant.id, cmd, uow_factory=self.uow, clock=self.clock)
        return consent.id

    async def withdraw(self, participant: Participant, consent_id: uuid.UUID, by: Principal | None = None) -> None:
        await withdraw_consent(by or self.staff_a, participant.id, consent_id, uow_factory=self.uow, clock=self.clock)

    async def sees(self, who: Principal, participant: Participant) -> bool:
        try:
            await get_participant(who, participant.id, queries=self.queries, sensitive_log=self.reads)
        except NotFound:
            return False
        return True

    async def resolve(
        self, candidate: DuplicateCandidate, by: Principal, *, merge: bool = False, survivor: uuid.UUID | None = None
    ) -> uuid.UUID:
        return await resolve_duplicate(
            by, candidate.id, merge=merge, survivor_id=survivor, uow_factory=self.uow, clock=self.clock
        )

    async def export(self, participant: Participant, by: Principal | None = None) -> ParticipantExport:
        return await export_participant(
            by or self.manager_a,
            participant.id,
            uow_factory=self.uow,
            audit=FakeAuditQueries(self.db),
            clock=self.clock,
        )


@pytest.fixture
def registry() -> Registry:
    return Registry()


# --- registration ---------------------------------------------------------------------------------------------------


async def test_registration_keeps_the_person_with_their_registration_consent(registry: Registry) -> None:
    registration = await registry.register()

    person = registration.participant
    assert registry.db.participants == {person.id: person}
    assert (person.owner_partner_id, person.registered_by) == (registry.a.id, registry.staff_a.id)
    [consent] = registry.db.consents.values()
    assert (consent.participant_id, consent.purpose, consent.is_active) == (
        person.id,
        ConsentPurpose.REGISTRATION,
        True,
    )
    assert consent.given_at == CONSENT.given_at
    assert registry.db.identifiers == {next(iter(registry.db.identifiers)): person.id}
    assert {event.name for event in registry.db.events} >= {"participant.registered", "consent.given"}
    assert registration.probable_duplicates == []
    assert await registry.sees(registry.staff_a, person)
    assert not await registry.sees(registry.staff_b, person)


async def test_a_registration_consent_from_the_future_is_refused_under_its_own_field(registry: Registry) -> None:
    cmd = RegisterParticipant(details=MARIA, registration_consent=replace(CONSENT, given_at=START + timedelta(days=1)))

    with pytest.raises(InvalidInput) as caught:
        await register_participant(cmd, registry.staff_a, uow_factory=registry.uow, clock=registry.clock)

    assert caught.value.field == "registration_consent.given_at"
    assert registry.db.participants == {}
    assert registry.db.consents == {}


async def test_a_partner_without_an_agreement_in_force_registers_nobody(registry: Registry) -> None:
    idle = add_partner(registry.db, "Socio C", registers=False)

    with pytest.raises(AgreementRequired):
        await registry.register(by=staff(idle))

    assert registry.db.participants == {}
    assert registry.db.commits == []


async def test_a_suspended_partner_registers_nobody(registry: Registry) -> None:
    registry.a.suspend("auditoría", START)

    with pytest.raises(AgreementRequired):
        await registry.register()

    assert registry.db.participants == {}


async def test_a_partner_registers_for_itself_only(registry: Registry) -> None:
    with pytest.raises(InvalidInput) as caught:
        await registry.register(owner=registry.b.id)

    assert (caught.value.field, caught.value.code) == ("owner_partner_id", "owner_not_allowed")
    assert registry.db.participants == {}
    # Naming its own partner is the same as naming none.
    assert (await registry.register(owner=registry.a.id)).participant.owner_partner_id == registry.a.id


async def test_an_administrator_names_the_registering_partner(registry: Registry) -> None:
    with pytest.raises(InvalidInput) as caught:
        await registry.register(by=registry.admin)
    assert caught.value.code == "partner_required"

    registration = await registry.register(by=registry.admin, owner=registry.b.id)

    assert registration.participant.owner_partner_id == registry.b.id
    assert await registry.sees(registry.staff_b, registration.participant)
    assert not await registry.sees(registry.staff_a, registration.participant)


async def test_an_evaluator_may_not_register_people(registry: Registry) -> None:
    with pytest.raises(PermissionDenied):
        await registry.register(by=staff(registry.a, Role.EVALUATOR))

    assert registry.db.participants == {}


async def test_an_exact_duplicate_is_refused_and_named_to_the_partner_that_sees_it(registry: Registry) -> None:
    first = (await registry.register()).participant

    with pytest.raises(DuplicateParticipant) as caught:
        await registry.register(ROSA_WITH_MARIAS_PASSPORT)

    assert caught.value.existing_id == first.id
    assert list(registry.db.participants) == [first.id]
    assert len(registry.db.consents) == 1


async def test_an_exact_duplicate_held_by_another_partner_is_refused_without_naming_it(registry: Registry) -> None:
    first = (await registry.register()).participant

    with pytest.raises(DuplicateParticipant) as caught:
        await registry.register(ROSA_WITH_MARIAS_PASSPORT, by=registry.staff_b)

    assert caught.value.existing_id is None
    assert list(registry.db.participants) == [first.id]

    await registry.share(first, registry.b)  # once shared with B, B may be told who holds the document
    with pytest.raises(DuplicateParticipant) as caught:
        await registry.register(ROSA_WITH_MARIAS_PASSPORT, by=registry.staff_b)
    assert caught.value.existing_id == first.id


async def test_a_probable_duplicate_is_queued_and_named_only_to_who_sees_the_other_record(registry: Registry) -> None:
    first = (await registry.register()).participant

    own = await registry.register(MARIA_AGAIN)
    foreign = await registry.register(replace(MARIA_AGAIN, documents=()), by=registry.staff_b)

    assert own.probable_duplicates == [first.id]
    assert foreign.probable_duplicates == []  # B may not even learn that a lookalike exists
    pairs = {(c.participant_id, c.other_id) for c in registry.db.duplicates.values()}
    assert (own.participant.id, first.id) in pairs
    assert (foreign.participant.id, first.id) in pairs  # queued all the same, for a reviewer who sees both
    assert all(c.status is CandidateStatus.OPEN for c in registry.db.duplicates.values())


async def test_a_different_person_is_not_queued_as_a_duplicate(registry: Registry) -> None:
    await registry.register()

    registration = await registry.register(ROSA)

    assert registration.probable_duplicates == []
    assert registry.db.duplicates == {}


# --- consents -------------------------------------------------------------------------------------------------------


async def test_withdrawing_a_consent_takes_effect_at_once_and_only_once(registry: Registry) -> None:
    person = (await registry.register()).participant
    [consent] = registry.db.consents.values()
    registry.clock.advance(days=3)

    await registry.withdraw(person, consent.id)

    listed = await list_consents(registry.staff_a, person.id, uow_factory=registry.uow)
    assert [(c.id, c.withdrawn_at) for c in listed] == [(consent.id, registry.clock.now())]
    registry.clock.advance(days=1)
    with pytest.raises(ConsentAlreadyWithdrawn):
        await registry.withdraw(person, consent.id)
    assert consent.withdrawn_at == registry.clock.now() - timedelta(days=1)


async def test_a_consent_of_another_person_is_not_found(registry: Registry) -> None:
    maria = (await registry.register()).participant
    rosa = (await registry.register(ROSA)).participant
    rosas = next(c for c in registry.db.consents.values() if c.participant_id == rosa.id)

    with pytest.raises(NotFound):
        await registry.withdraw(maria, rosas.id)

    assert rosas.is_active


async def test_withdrawing_a_sharing_consent_hides_the_person_from_the_recipient(registry: Registry) -> None:
    person = (await registry.register()).participant
    sharing = await registry.share(person, registry.b)
    assert await registry.sees(registry.staff_b, person)

    await registry.withdraw(person, sharing)

    assert not await registry.sees(registry.staff_b, person)
    assert await registry.sees(registry.staff_a, person)


async def test_the_recipient_of_a_sharing_consent_manages_no_consents(registry: Registry) -> None:
    person = (await registry.register()).participant
    sharing = await registry.share(person, registry.b)

    with pytest.raises(PermissionDenied):
        await registry.withdraw(person, sharing, by=registry.staff_b)

    assert registry.db.consents[sharing].is_active


async def test_a_sharing_consent_names_an_existing_partner_other_than_the_owner(registry: Registry) -> None:
    person = (await registry.register()).participant
    for recipient, code in ((uuid.uuid4(), "unknown_partner"), (registry.a.id, "invalid_input")):
        cmd = RecordConsent(ConsentPurpose.SHARING, "2025-01", Language.ES, ConsentMethod.DIGITAL, None, recipient)
        with pytest.raises(InvalidInput) as caught:
            await record_consent(registry.staff_a, person.id, cmd, uow_factory=registry.uow, clock=registry.clock)
        assert (caught.value.field, caught.value.code) == ("recipient_partner_id", code)
    assert len(registry.db.consents) == 1


# --- duplicate review -----------------------------------------------------------------------------------------------


async def queued_pair(
    registry: Registry, by: Principal | None = None
) -> tuple[Participant, Participant, DuplicateCandidate]:
    first = (await registry.register()).participant
    second = (await registry.register(MARIA_AGAIN, by=by)).participant
    [candidate] = registry.db.duplicates.values()
    return first, second, candidate


async def test_a_pair_marked_distinct_leaves_both_records(registry: Registry) -> None:
    first, second, candidate = await queued_pair(registry)

    await registry.resolve(candidate, registry.manager_a)

    assert candidate.status is CandidateStatus.DISTINCT
    assert candidate.reviewed_by == registry.manager_a.id
    assert await registry.sees(registry.staff_a, first)
    assert await registry.sees(registry.staff_a, second)
    with pytest.raises(CandidateAlreadyReviewed):
        await registry.resolve(candidate, registry.manager_a, merge=True, survivor=first.id)
    assert (first.merged_into_id, second.merged_into_id) == (None, None)


async def test_merging_moves_documents_and_consents_to_the_survivor(registry: Registry) -> None:
    first, second, candidate = await queued_pair(registry)

    remaining = await registry.resolve(candidate, registry.manager_a, merge=True, survivor=first.id)

    assert remaining == first.id
    assert candidate.status is CandidateStatus.MERGED
    assert second.merged_into_id == first.id
    assert set(first.documents) == {*MARIA.documents, *MARIA_AGAIN.documents}
    assert set(registry.db.identifiers.values()) == {first.id}
    assert {c.participant_id for c in registry.db.consents.values()} == {first.id}
    assert not await registry.sees(registry.staff_a, second)
    listed = await list_duplicate_candidates(
        registry.manager_a, "open", after=None, limit=10, queries=FakeDuplicateQueries(registry.db)
    )
    assert listed == []


async def test_a_pair_the_reviewer_cannot_see_is_not_found(registry: Registry) -> None:
    _first, _second, candidate = await queued_pair(registry)

    with pytest.raises(NotFound):
        await registry.resolve(candidate, registry.manager_b)

    assert candidate.status is CandidateStatus.OPEN
    listed = await list_duplicate_candidates(
        registry.manager_b, None, after=None, limit=10, queries=FakeDuplicateQueries(registry.db)
    )
    assert listed == []


async def test_records_of_different_partners_are_not_merged(registry: Registry) -> None:
    first, second, candidate = await queued_pair(registry, by=registry.staff_b)

    with pytest.raises(OwnersDiffer):
        await registry.resolve(candidate, registry.admin, merge=True, survivor=first.id)

    assert candidate.status is CandidateStatus.OPEN
    assert second.merged_into_id is None
    assert second.documents == list(MARIA_AGAIN.documents)
    assert set(registry.db.identifiers.values()) == {first.id, second.id}
    await registry.resolve(candidate, registry.admin)  # an administrator may still tell them apart
    assert registry.db.duplicates[candidate.id].status is CandidateStatus.DISTINCT


async def test_the_survivor_must_be_one_of_the_pair(registry: Registry) -> None:
    _first, second, candidate = await queued_pair(registry)

    with pytest.raises(InvalidInput) as caught:
        await registry.resolve(candidate, registry.manager_a, merge=True, survivor=uuid.uuid4())

    assert caught.value.field == "survivor_id"
    assert candidate.status is CandidateStatus.OPEN
    assert second.merged_into_id is None


async def test_partner_staff_do_not_review_duplicates(registry: Registry) -> None:
    _first, _second, candidate = await queued_pair(registry)

    with pytest.raises(PermissionDenied):
        await registry.resolve(candidate, registry.staff_a)

    assert candidate.status is CandidateStatus.OPEN


# --- data-subject rights --------------------------------------------------------------------------------------------


async def test_an_export_holds_the_record_its_consents_and_who_read_it(registry: Registry) -> None:
    person = (await registry.register()).participant
    await registry.share(person, registry.b)
    registry.clock.advance(minutes=5)
    await get_participant(registry.staff_b, person.id, queries=registry.queries, sensitive_log=registry.reads)

    export = await registry.export(person)

    assert export.participant.id == person.id
    assert export.participant.documents == [PASSPORT]
    assert [c.purpose for c in export.consents] == [ConsentPurpose.REGISTRATION, ConsentPurpose.SHARING]
    assert [(row.actor_id, row.occurred_at) for row in export.sensitive_reads] == [
        (registry.staff_b.id, START + timedelta(minutes=5))
    ]
    assert export.exported_at == registry.clock.now()


async def test_only_a_manager_of_the_owning_partner_exports(registry: Registry) -> None:
    person = (await registry.register()).participant
    await registry.share(person, registry.b)

    with pytest.raises(PermissionDenied):
        await registry.export(person, by=registry.staff_a)
    with pytest.raises(PermissionDenied):
        await registry.export(person, by=registry.manager_b)  # sees the person, does not hold the record


async def test_erasure_anonymises_for_good_and_keeps_the_facts_for_statistics(registry: Registry) -> None:
    person = (await registry.register()).participant
    await registry.share(person, registry.b)

    await erase_participant(registry.manager_a, person.id, uow_factory=registry.uow, clock=registry.clock)

    assert (person.given_names, person.family_names, person.birth_date) == ("—", "—", None)
    assert (person.documents, person.phone) == ([], None)
    assert (person.birth_year, person.population_group, person.nationality) == (1990, PopulationGroup.MIGRANT, "VEN")
    assert registry.db.identifiers == {}
    assert all(not c.is_active for c in registry.db.consents.values())
    assert not await registry.sees(registry.staff_b, person)  # the sharing consent ended with the erasure
    # The document is free again: the same person may be registered anew, as a new record.
    again = (await registry.register()).participant
    assert again.id != person.id
    with pytest.raises(ParticipantErased):
        await rectify_participant(
            registry.staff_a,
            person.id,
            {"given_names": "María"},
            expected_version=None,
            uow_factory=registry.uow,
            clock=registry.clock,
        )
    assert person.given_names == "—"


async def test_an_erased_person_gives_no_new_consents(registry: Registry) -> None:
    person = (await registry.register()).participant
    await erase_participant(registry.manager_a, person.id, uow_factory=registry.uow, clock=registry.clock)
    before = dict(registry.db.consents)

    cmd = RecordConsent(ConsentPurpose.TRAINING, "2025-01", Language.ES, ConsentMethod.IN_PERSON)
    with pytest.raises(InvalidInput) as caught:
        await record_consent(registry.staff_a, person.id, cmd, uow_factory=registry.uow, clock=registry.clock)

    assert caught.value.code == "participant_erased"
    assert registry.db.consents == before


async def test_reading_an_erased_record_is_not_logged_as_a_sensitive_read(registry: Registry) -> None:
    person = (await registry.register()).participant
    await erase_participant(registry.manager_a, person.id, uow_factory=registry.uow, clock=registry.clock)

    row = await get_participant(registry.manager_a, person.id, queries=registry.queries, sensitive_log=registry.reads)

    assert row.erased_at is not None
    assert row.documents == []
    assert registry.reads.reads_of(person.id) == []


# --- the participant portal -----------------------------------------------------------------------------------------


def portal_principal(person: Participant) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        id=uuid.uuid4(),
        role=Role.PARTICIPANT,
        partner_id=person.owner_partner_id,
        participant_id=person.id,
    )


async def test_a_participant_withdraws_their_own_consent_and_no_one_elses(registry: Registry) -> None:
    maria = (await registry.register()).participant
    rosa = (await registry.register(ROSA)).participant
    sharing = await registry.share(maria, registry.b)
    rosas = next(c for c in registry.db.consents.values() if c.participant_id == rosa.id)
    me = portal_principal(maria)

    with pytest.raises(NotFound):
        await withdraw_my_consent(me, rosas.id, uow_factory=registry.uow, clock=registry.clock)
    await withdraw_my_consent(me, sharing, uow_factory=registry.uow, clock=registry.clock)

    assert rosas.is_active
    assert [c.is_active for c in await my_consents(me, uow_factory=registry.uow)] == [True, False]
    assert not await registry.sees(registry.staff_b, maria)


async def test_a_participant_reads_their_own_record_and_the_read_is_logged(registry: Registry) -> None:
    maria = (await registry.register()).participant

    row = await my_record(portal_principal(maria), queries=registry.queries, sensitive_log=registry.reads)

    assert (row.id, row.documents, row.phone) == (maria.id, [PASSPORT], MARIA.phone)
    assert len(registry.reads.reads_of(maria.id)) == 1
    await erase_participant(registry.manager_a, maria.id, uow_factory=registry.uow, clock=registry.clock)
    with pytest.raises(NotFound):
        await my_record(portal_principal(maria), queries=registry.queries, sensitive_log=registry.reads)
