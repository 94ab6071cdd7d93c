"""Participant, Consent, merging and erasure rules, age and identifier keys (pure domain)."""

from __future__ import annotations

import uuid
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import get_type_hints

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import (
    CONSENT_CLOCK_SKEW,
    EARLIEST_CONSENT,
    Consent,
    ConsentAlreadyWithdrawn,
    ConsentMethod,
    ConsentPurpose,
    NewConsent,
    has_active,
    new_consent,
)
from emprende.domain.participants.disability import Difficulty, WashingtonGroupShortSet
from emprende.domain.participants.identifiers import DocumentType, external_identifier, identity_document
from emprende.domain.participants.participant import (
    MAX_AGE,
    EducationLevel,
    MigratoryStatus,
    NewParticipant,
    OwnersDiffer,
    Participant,
    ParticipantDetails,
    ParticipantErased,
    ParticipantValues,
    PopulationGroup,
    Sex,
    age_on,
    check_birth_date,
    identifier_keys,
    new_participant,
    participant_values,
)
from emprende.domain.shared.errors import InvalidInput, InvalidInputs

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
OWNER = uuid.UUID(int=7)
CEDULA = "1710034065"

BASE = ParticipantDetails(
    given_names="  María   José ",
    family_names="Pérez  Gómez",
    birth_date=date(1990, 5, 17),
    sex=Sex.FEMALE,
    population_group=PopulationGroup.MIGRANT,
    nationality="ven",
)


def participant(**changes: object) -> Participant:
    return Participant(owner_partner_id=OWNER, details=replace(BASE, **changes), now=NOW, registered_by=None)


def _consent_values() -> dict[str, object]:
    return {
        "participant_id": uuid.UUID(int=1),
        "purpose": ConsentPurpose.REGISTRATION,
        "notice_version": "2026-01",
        "language": Language.ES,
        "method": ConsentMethod.IN_PERSON,
        "given_at": NOW,
        "now": NOW,
    }


def consent(purpose: ConsentPurpose = ConsentPurpose.REGISTRATION, **changes: object) -> Consent:
    return Consent(**{**_consent_values(), "purpose": purpose, **changes})


# ---------------------------------------------------------------------------------------------------------------------
# Age
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(1990, 5, 17), date(2026, 5, 16), 35),
        (date(1990, 5, 17), date(2026, 5, 17), 36),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2000, 2, 29), date(2028, 2, 29), 28),
        (date(2026, 3, 15), date(2026, 3, 15), 0),
    ],
)
def test_age_on(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age


@given(born=st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 1, 1)), days=st.integers(0, 60_000))
def test_age_is_completed_years(born: date, days: int) -> None:
    day = born + timedelta(days=days)
    age = age_on(born, day)
    assert age >= 0
    # The age-th birthday has passed (or is today) and the next one has not.
    assert (born.year + age, born.month, born.day) <= (day.year, day.month, day.day)
    assert (born.year + age + 1, born.month, born.day) > (day.year, day.month, day.day)


@given(born=st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 1, 1)), a=st.integers(0, 40_000))
def test_age_never_decreases(born: date, a: int) -> None:
    day = born + timedelta(days=a)
    assert age_on(born, day + timedelta(days=1)) >= age_on(born, day)


def test_birth_date_bounds() -> None:
    today = NOW.date()
    assert check_birth_date(today, today) == today
    # 120 completed years is the oldest accepted age: the day before someone's 121st birthday.
    too_old = date(today.year - MAX_AGE - 1, today.month, today.day)
    oldest = too_old + timedelta(days=1)
    assert age_on(oldest, today) == MAX_AGE
    assert check_birth_date(oldest, today) == oldest
    for bad in (today + timedelta(days=1), too_old, date(1, 1, 1)):
        with pytest.raises(InvalidInput) as raised:
            check_birth_date(bad, today)
        assert raised.value.code == "invalid_birth_date"


# ---------------------------------------------------------------------------------------------------------------------
# Participant
# ---------------------------------------------------------------------------------------------------------------------


def test_registration_normalises() -> None:
    person = participant(
        phone="099 123 4567",
        email=" MJ@Example.ORG ",
        gender_identity="  mujer   trans ",
        canton_code="1701",
        disability=WashingtonGroupShortSet(walking=Difficulty.CANNOT_DO_AT_ALL),
    )
    assert (person.given_names, person.family_names) == ("María José", "Pérez Gómez")
    assert person.name_key == "maria jose perez gomez"
    assert person.nationality == "VEN"
    assert person.birth_year == 1990
    assert person.phone == "+593991234567"
    assert person.email is not None
    assert person.email.endswith("@example.org")
    assert person.gender_identity == "mujer trans"
    assert (person.province_code, person.canton_code) == ("17", "1701")  # the province follows from the canton
    assert person.has_disability is True
    assert person.version == 1
    assert [event.name for event in person.pending_events()] == ["participant.registered"]


def test_has_disability_is_derived() -> None:
    assert participant().has_disability is None
    # Below the cut-off in the domains asked but not all six answered: unknown, not "no disability".
    assert participant(disability=WashingtonGroupShortSet(seeing=Difficulty.SOME_DIFFICULTY)).has_disability is None
    all_below = WashingtonGroupShortSet(*[Difficulty.SOME_DIFFICULTY] * 6)
    assert participant(disability=all_below).has_disability is False
    assert participant(disability=WashingtonGroupShortSet(hearing=Difficulty.A_LOT_OF_DIFFICULTY)).has_disability


INVALID_DETAILS: list[dict[str, object]] = [
    {"given_names": "   "},
    {"family_names": "x" * 101},
    {"birth_date": date(2027, 1, 1)},
    {"birth_date": date(1900, 1, 1)},
    {"nationality": "XXX"},
    {"gender_identity": "g" * 61},
    {"household_size": 31},
    {"household_size": -1},
    {"household_size": 3, "dependants": 3},
    {"province_code": "99"},
    {"canton_code": "1799"},
    {"province_code": "09", "canton_code": "1701"},
    {"phone": "12"},
    {"email": "nobody"},
    {"documents": tuple(identity_document("passport", f"N{i}", "VEN") for i in range(6))},
    {"documents": (identity_document("passport", "N1", "VEN"), identity_document("passport", "n-1", "VEN"))},
    {"external_ids": (external_identifier("sigob", "1"), external_identifier("SIGOB", "2"))},
    {"external_ids": tuple(external_identifier(f"s{i}", "1") for i in range(11))},
]


@pytest.mark.parametrize("changes", INVALID_DETAILS)
def test_invalid_details_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        participant(**changes)


def test_every_broken_rule_is_reported_at_once() -> None:
    details = replace(
        BASE,
        given_names=" ",
        nationality="XXX",
        household_size=40,
        dependants=2,
        province_code="99",
        canton_code="9999",
        phone="12",
        email="nobody",
    )
    with pytest.raises(InvalidInputs) as raised:
        new_participant(owner_partner_id=OWNER, details=details, now=NOW, registered_by=None)
    assert [(issue.field, issue.code) for issue in raised.value.issues] == [
        ("given_names", "invalid_input"),
        ("nationality", "invalid_country"),
        ("household_size", "invalid_input"),
        ("province_code", "unknown_place"),
        ("canton_code", "unknown_place"),
        ("phone", "invalid_phone"),
        ("email", "invalid_email"),
    ]
    # It reads as the first broken rule, as a single refusal did: callers that show one problem show the same one.
    assert (raised.value.field, raised.value.code) == ("given_names", "invalid_input")
    # Dependants are compared with the household only when the household size is acceptable on its own.
    assert all(issue.field != "dependants" for issue in raised.value.issues)


def test_a_single_broken_rule_is_refused_as_before() -> None:
    with pytest.raises(InvalidInput) as raised:
        participant(phone="12")
    assert not isinstance(raised.value, InvalidInputs)
    assert (raised.value.field, raised.value.code) == ("phone", "invalid_phone")


def test_a_document_reports_its_type_and_number_together() -> None:
    with pytest.raises(InvalidInputs) as raised:
        identity_document("licence", "#", "VEN")
    assert [issue.field for issue in raised.value.issues] == ["type", "number"]
    with pytest.raises(InvalidInputs) as external:
        external_identifier("no spaces allowed", " ")
    assert [issue.field for issue in external.value.issues] == ["system", "value"]
    with pytest.raises(InvalidInputs) as answers:
        WashingtonGroupShortSet.from_answers({"seeing": "blind-ish", "hearing": "no_difficulty", "walking": "x"})
    assert [issue.field for issue in answers.value.issues] == ["disability.seeing", "disability.walking"]


def test_a_consent_reports_every_broken_rule() -> None:
    with pytest.raises(InvalidInputs) as raised:
        new_consent(
            participant_id=uuid.UUID(int=1),
            purpose=ConsentPurpose.REGISTRATION,
            notice_version="v" * 41,
            language=Language.ES,
            method=ConsentMethod.DIGITAL,
            given_at=NOW + timedelta(days=1),
            now=NOW,
        )
    assert [issue.field for issue in raised.value.issues] == ["notice_version", "given_at"]


FULL = replace(
    BASE,
    gender_identity="  mujer   trans ",
    migratory_status=MigratoryStatus.IN_PROCESS,
    documents=(identity_document("cedula", CEDULA, None), identity_document("passport", "ab 1", "ven")),
    disability=WashingtonGroupShortSet(walking=Difficulty.A_LOT_OF_DIFFICULTY),
    household_size=3,
    dependants=1,
    education_level=EducationLevel.TECHNICAL,
    canton_code="1701",
    phone="099 123 4567",
    email=" MJ@Example.ORG ",
    preferred_language=Language.EN,
    external_ids=(external_identifier("sigob", " S-1 "),),
)


@pytest.mark.parametrize("details", [BASE, FULL])
def test_a_new_participant_record_holds_what_the_entity_holds(details: ParticipantDetails) -> None:
    registered_by = uuid.UUID(int=3)
    record = new_participant(owner_partner_id=OWNER, details=details, now=NOW, registered_by=registered_by)
    person = Participant(owner_partner_id=OWNER, details=details, now=NOW, registered_by=registered_by)
    names = {item.name for item in fields(NewParticipant)}
    assert names == set(get_type_hints(Participant)) - {"sensitive_fields"}  # every column of the entity
    assert {name: getattr(record, name) for name in names - {"id"}} == {
        name: getattr(person, name) for name in names - {"id"}
    }
    assert record.id != person.id
    assert record.details() == person.details()
    event = record.registered_event()
    [recorded] = person.pending_events()
    assert (event.name, event.aggregate_type, event.payload) == (
        recorded.name,
        recorded.aggregate_type,
        recorded.payload,
    )
    assert event.aggregate_id == record.id
    assert participant_values(details, NOW) == ParticipantValues(
        **{item.name: getattr(person, item.name) for item in fields(ParticipantValues)}
    )


@pytest.mark.parametrize("changes", INVALID_DETAILS)
def test_a_new_participant_record_is_refused_as_the_entity_is(changes: dict[str, object]) -> None:
    details = replace(BASE, **changes)
    with pytest.raises(InvalidInput) as entity:
        Participant(owner_partner_id=OWNER, details=details, now=NOW, registered_by=None)
    with pytest.raises(InvalidInput) as record:
        new_participant(owner_partner_id=OWNER, details=details, now=NOW, registered_by=None)
    with pytest.raises(InvalidInput) as values:
        participant_values(details, NOW)
    for raised in (record, values):
        assert (str(raised.value), raised.value.field, raised.value.code) == (
            str(entity.value),
            entity.value.field,
            entity.value.code,
        )


def test_a_refused_rectification_leaves_the_record_as_it_was() -> None:
    person = participant(phone="0991234567")
    before = person.details()
    with pytest.raises(InvalidInput):
        person.rectify(replace(before, family_names="Pérez", email="nobody"), NOW + timedelta(days=1))
    assert person.details() == before
    assert person.updated_at == NOW


def test_rectify_revalidates_and_keeps_identity() -> None:
    person = participant()
    person.rectify(replace(person.details(), family_names="Pérez", household_size=2), NOW + timedelta(days=1))
    assert person.name_key == "maria jose perez"
    assert person.updated_at == NOW + timedelta(days=1)
    assert person.registered_at == NOW
    with pytest.raises(InvalidInput):
        person.rectify(replace(person.details(), dependants=2), NOW)


def test_identifier_keys() -> None:
    person = participant(
        documents=(identity_document("cedula", "171003406-5", None), identity_document("passport", "ab 1", "ven")),
        external_ids=(external_identifier("UNHCR.progres", " ECU-1 "),),
    )
    assert identifier_keys(person) == [f"cedula:ECU:{CEDULA}", "passport:VEN:AB1", "ext:unhcr.progres:ECU-1"]
    assert identifier_keys(participant()) == []


@given(
    number=st.text(alphabet="ABCDEFGHJK0123456789", min_size=1, max_size=20),
    separators=st.lists(st.sampled_from([" ", "-", "."]), max_size=3),
)
def test_document_keys_ignore_case_and_separators(number: str, separators: list[str]) -> None:
    spaced = "".join(separators) + number.lower() + "".join(separators)
    a = participant(documents=(identity_document(DocumentType.PASSPORT, number, "COL"),))
    b = participant(documents=(identity_document(DocumentType.PASSPORT, spaced, "col"),))
    assert identifier_keys(a) == identifier_keys(b)


# ---------------------------------------------------------------------------------------------------------------------
# Merging and erasure
# ---------------------------------------------------------------------------------------------------------------------


def test_absorb_moves_identifiers_and_leaves_a_pointer() -> None:
    survivor = participant(
        documents=(identity_document("cedula", CEDULA, None),),
        external_ids=(external_identifier("sigob", "1"),),
    )
    other = participant(
        given_names="Maria",
        documents=(identity_document("cedula", CEDULA, None), identity_document("passport", "P1", "VEN")),
        external_ids=(external_identifier("sigob", "2"), external_identifier("progres", "9")),
    )
    later = NOW + timedelta(hours=1)
    survivor.absorb(other, later)
    assert identifier_keys(survivor) == [f"cedula:ECU:{CEDULA}", "passport:VEN:P1", "ext:sigob:1", "ext:progres:9"]
    assert survivor.given_names == "María José"  # keeps its own data
    assert other.merged_into_id == survivor.id
    assert identifier_keys(other) == []
    assert survivor.updated_at == other.updated_at == later
    with pytest.raises(InvalidInput):
        survivor.absorb(other, later)  # already a pointer
    with pytest.raises(InvalidInput):
        survivor.absorb(survivor, later)


def test_absorb_respects_the_limits() -> None:
    survivor = participant(documents=tuple(identity_document("passport", f"A{i}", "VEN") for i in range(5)))
    other = participant(documents=(identity_document("passport", "B1", "VEN"),))
    survivor.absorb(other, NOW)
    assert len(survivor.documents) == 5


def test_erase_is_irreversible_and_keeps_aggregates() -> None:
    person = participant(
        phone="0991234567",
        email="mj@example.org",
        gender_identity="mujer",
        documents=(identity_document("cedula", CEDULA, None),),
        external_ids=(external_identifier("sigob", "1"),),
        disability=WashingtonGroupShortSet(walking=Difficulty.A_LOT_OF_DIFFICULTY),
        canton_code="1701",
    )
    later = NOW + timedelta(days=2)
    person.erase(later)
    assert person.is_erased
    assert person.erased_at == later
    assert "María" not in person.given_names
    assert "Pérez" not in person.family_names
    assert person.name_key == ""
    assert person.birth_date is None
    assert person.birth_year == 1990
    assert (person.phone, person.email, person.gender_identity, person.migratory_status, person.disability) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert identifier_keys(person) == []
    assert (person.sex, person.population_group, person.nationality) == (Sex.FEMALE, PopulationGroup.MIGRANT, "VEN")
    person.erase(later + timedelta(days=1))  # idempotent
    assert person.erased_at == later
    with pytest.raises(ParticipantErased):
        person.rectify(BASE, later)
    with pytest.raises(ParticipantErased):
        person.details()
    with pytest.raises(ParticipantErased):
        participant().absorb(person, later)
    with pytest.raises(ParticipantErased):
        person.absorb(participant(), later)


# ---------------------------------------------------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------------------------------------------------


def test_consent_rules() -> None:
    given_consent = consent(notice_version=" 2026-01 ")
    assert given_consent.notice_version == "2026-01"
    assert given_consent.is_active
    assert given_consent.withdrawn_at is None
    sharing = consent(ConsentPurpose.SHARING, recipient_partner_id=uuid.UUID(int=9))
    assert sharing.recipient_partner_id == uuid.UUID(int=9)
    for bad in (
        {"purpose": ConsentPurpose.SHARING},
        {"purpose": ConsentPurpose.TRAINING, "recipient_partner_id": uuid.UUID(int=9)},
        {"notice_version": "  "},
        {"notice_version": "v" * 41},
        {"given_at": NOW + CONSENT_CLOCK_SKEW + timedelta(seconds=1)},
    ):
        with pytest.raises(InvalidInput):
            consent(**bad)


def test_a_new_consent_record_holds_what_the_entity_holds() -> None:
    values: dict[str, object] = {
        "participant_id": uuid.UUID(int=1),
        "purpose": ConsentPurpose.SHARING,
        "notice_version": " 2026-01 ",
        "language": Language.EN,
        "method": ConsentMethod.GUARDIAN,
        "given_at": NOW - timedelta(days=1),
        "now": NOW,
        "recipient_partner_id": uuid.UUID(int=9),
        "recorded_by": uuid.UUID(int=3),
    }
    record = new_consent(**values)
    entity = Consent(**values)
    names = {item.name for item in fields(NewConsent)}
    assert names == set(get_type_hints(Consent))
    assert {name: getattr(record, name) for name in names - {"id"}} == {
        name: getattr(entity, name) for name in names - {"id"}
    }
    event = record.given_event()
    [recorded] = entity.pending_events()
    assert (event.name, event.aggregate_id) == (recorded.name, recorded.aggregate_id)
    assert event.payload == {"purpose": "sharing", "id": str(record.id)}
    assert recorded.payload == {"purpose": "sharing", "id": str(entity.id)}
    for bad in (
        {"purpose": ConsentPurpose.TRAINING},
        {"notice_version": "  "},
        {"given_at": NOW + CONSENT_CLOCK_SKEW + timedelta(seconds=1)},
    ):
        with pytest.raises(InvalidInput) as refused:
            new_consent(**{**values, **bad})
        assert refused.value.field in {"recipient_partner_id", "notice_version", "given_at"}


@pytest.mark.parametrize(
    "given_at",
    [
        EARLIEST_CONSENT,
        NOW,
        NOW + CONSENT_CLOCK_SKEW,  # the recording device's clock a little fast
        datetime(2026, 3, 15, 14, 0, tzinfo=timezone(timedelta(hours=5))),  # 09:00 UTC
    ],
)
def test_a_consent_is_given_between_the_programmes_start_and_now(given_at: datetime) -> None:
    assert consent(given_at=given_at).given_at == given_at


@pytest.mark.parametrize(
    "given_at",
    [
        EARLIEST_CONSENT - timedelta(microseconds=1),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),  # before year 1 in UTC
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))),  # after year 9999 in UTC
        NOW + CONSENT_CLOCK_SKEW + timedelta(microseconds=1),
    ],
)
def test_a_consent_is_not_given_before_the_programme_nor_in_the_future(given_at: datetime) -> None:
    for build in (consent, lambda **change: new_consent(**{**_consent_values(), **change})):
        with pytest.raises(InvalidInput) as refused:
            build(given_at=given_at)
        assert (refused.value.code, refused.value.field) == ("invalid_consent_date", "given_at")


def test_a_consent_without_a_utc_offset_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        consent(given_at=NOW.replace(tzinfo=None))
    assert (refused.value.code, refused.value.field) == ("timezone_required", "given_at")


def test_withdrawal_is_a_new_fact() -> None:
    item = consent(ConsentPurpose.SHARING, recipient_partner_id=uuid.UUID(int=9))
    later = NOW + timedelta(days=1)
    item.withdraw(later)
    assert item.withdrawn_at == later
    assert not item.is_active
    assert item.given_at == NOW
    assert item.notice_version == "2026-01"
    with pytest.raises(ConsentAlreadyWithdrawn):
        item.withdraw(later + timedelta(days=1))
    assert item.withdrawn_at == later


def test_has_active() -> None:
    registration = consent()
    training = consent(ConsentPurpose.TRAINING)
    training.withdraw(NOW)
    assert has_active([registration, training], ConsentPurpose.REGISTRATION)
    assert not has_active([registration, training], ConsentPurpose.TRAINING)
    assert not has_active([], ConsentPurpose.REGISTRATION)


def test_records_of_different_partners_are_not_merged() -> None:
    mine = participant()
    theirs = Participant(owner_partner_id=uuid.UUID(int=8), details=BASE, now=NOW, registered_by=None)
    with pytest.raises(OwnersDiffer):
        mine.absorb(theirs, NOW)
    assert theirs.merged_into_id is None
    assert mine.documents == list(BASE.documents)
