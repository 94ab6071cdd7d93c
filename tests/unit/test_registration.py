"""A registration's records made and checked together: the person and their registration consent (pure domain)."""

from __future__ import annotations

import uuid
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import Consent, ConsentMethod, ConsentPurpose, NewConsent, new_consent
from emprende.domain.participants.participant import (
    NewParticipant,
    Participant,
    ParticipantDetails,
    PopulationGroup,
    Sex,
    new_participant,
)
from emprende.domain.participants.registration import ConsentTerms, RegistrationRefused, new_registration
from emprende.domain.shared.errors import InvalidInput, InvalidInputs

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
OWNER = uuid.UUID(int=7)
STAFF = uuid.UUID(int=3)
DETAILS = ParticipantDetails(
    given_names="  María   José ",
    family_names="Pérez  Gómez",
    birth_date=date(1990, 5, 17),
    sex=Sex.FEMALE,
    population_group=PopulationGroup.MIGRANT,
    nationality="ven",
    phone="099 123 4567",
)
TERMS = ConsentTerms(notice_version=" 2026-01 ", language=Language.EN, method=ConsentMethod.DIGITAL, given_at=NOW)
BAD_DETAILS = replace(DETAILS, given_names=" ", phone="12")
BAD_TERMS = replace(TERMS, notice_version="v" * 41, given_at=NOW + timedelta(days=1))


def register(details: ParticipantDetails = DETAILS, terms: ConsentTerms = TERMS) -> object:
    return new_registration(owner_partner_id=OWNER, details=details, consent=terms, now=NOW, registered_by=STAFF)


def refusal(details: ParticipantDetails, terms: ConsentTerms) -> RegistrationRefused:
    with pytest.raises(RegistrationRefused) as raised:
        register(details, terms)
    return raised.value


def test_a_registration_holds_the_person_and_a_registration_consent_naming_them() -> None:
    registration = new_registration(
        owner_partner_id=OWNER, details=DETAILS, consent=TERMS, now=NOW, registered_by=STAFF
    )
    person = new_participant(owner_partner_id=OWNER, details=DETAILS, now=NOW, registered_by=STAFF)
    names = {item.name for item in fields(NewParticipant)} - {"id"}
    assert {name: getattr(registration.participant, name) for name in names} == {
        name: getattr(person, name) for name in names
    }
    consent = registration.consent
    given = new_consent(
        participant_id=registration.participant.id,
        purpose=ConsentPurpose.REGISTRATION,
        notice_version=TERMS.notice_version,
        language=TERMS.language,
        method=TERMS.method,
        given_at=TERMS.given_at,
        now=NOW,
        recorded_by=STAFF,
    )
    names = {item.name for item in fields(NewConsent)} - {"id"}
    assert {name: getattr(consent, name) for name in names} == {name: getattr(given, name) for name in names}
    assert (consent.participant_id, consent.purpose, consent.notice_version, consent.recorded_by) == (
        registration.participant.id,
        ConsentPurpose.REGISTRATION,
        "2026-01",
        STAFF,
    )


def test_the_entities_hold_the_records_and_record_their_events() -> None:
    registration = new_registration(
        owner_partner_id=OWNER, details=DETAILS, consent=TERMS, now=NOW, registered_by=STAFF
    )
    person = Participant(new=registration.participant)
    consent = Consent(new=registration.consent)
    for entity, record in ((person, registration.participant), (consent, registration.consent)):
        assert {item.name: getattr(entity, item.name) for item in fields(record)} == {
            item.name: getattr(record, item.name) for item in fields(record)
        }
    assert person.pending_events() == [registration.participant.registered_event()]
    assert consent.pending_events() == [registration.consent.given_event()]


def test_broken_details_are_reported_as_the_person_s_own() -> None:
    refused = refusal(BAD_DETAILS, TERMS)
    assert refused.consent is None
    assert isinstance(refused.participant, InvalidInputs)
    assert [(issue.field, issue.code) for issue in refused.participant.issues] == [
        ("given_names", "invalid_input"),
        ("phone", "invalid_phone"),
    ]
    with pytest.raises(InvalidInput) as alone:  # what the person's record alone says of the same details
        new_participant(owner_partner_id=OWNER, details=BAD_DETAILS, now=NOW, registered_by=STAFF)
    assert [(i.field, i.code, str(i)) for i in refused.participant.issues] == [
        (i.field, i.code, str(i)) for i in alone.value.issues
    ]


def test_a_broken_consent_is_reported_as_the_consent_s_own() -> None:
    refused = refusal(DETAILS, BAD_TERMS)
    assert refused.participant is None
    assert refused.consent is not None
    assert [(issue.field, issue.code) for issue in refused.consent.issues] == [
        ("notice_version", "invalid_input"),
        ("given_at", "invalid_consent_date"),
    ]


def test_a_single_broken_rule_is_kept_as_the_single_error_it_was() -> None:
    refused = refusal(replace(DETAILS, phone="12"), replace(TERMS, given_at=NOW + timedelta(days=1)))
    assert refused.participant is not None
    assert not isinstance(refused.participant, InvalidInputs)
    assert (refused.participant.field, refused.participant.code) == ("phone", "invalid_phone")
    assert refused.consent is not None
    assert not isinstance(refused.consent, InvalidInputs)
    assert (refused.consent.field, refused.consent.code) == ("given_at", "invalid_consent_date")


def test_the_consent_is_checked_even_when_the_details_are_at_fault() -> None:
    refused = refusal(BAD_DETAILS, BAD_TERMS)
    assert refused.participant is not None
    assert refused.consent is not None
    # Read as a whole, it is the first broken rule, and it lists the person's issues, then the consent's.
    assert (refused.field, refused.code) == ("given_names", "invalid_input")
    assert [issue.field for issue in refused.issues] == ["given_names", "phone", "notice_version", "given_at"]


def test_a_naive_consent_time_is_refused_under_its_own_field() -> None:
    refused = refusal(DETAILS, replace(TERMS, given_at=datetime(2026, 3, 15, 12, 0)))
    assert refused.participant is None
    assert refused.consent is not None
    assert (refused.consent.field, refused.consent.code) == ("given_at", "timezone_required")
