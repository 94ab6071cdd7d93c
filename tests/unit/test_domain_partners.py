"""Institutional partners and the value rules behind them: RUC, country, phone, e-mail, suspension."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.ec import ruc as ec_ruc

from emprende.domain.participants.contact import (
    normalize_contact_email,
    normalize_country,
    normalize_phone,
    normalize_ruc,
)
from emprende.domain.partners.partner import InstitutionalPartner, PartnerKind, PartnerStatus
from emprende.domain.shared.errors import InvalidInput

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
VALID_RUC = "1790011674001"


def partner(**overrides: object) -> InstitutionalPartner:
    values: dict[str, object] = {
        "name": "Universidad Técnica del Norte",
        "kind": PartnerKind.ACADEMIA,
        "country": "ECU",
    }
    values.update(overrides)
    return InstitutionalPartner(now=NOW, **values)


# --- RUC ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ruc", ["1790011674001", "1760109670001", "0960209370001", "1360029910001"])
def test_a_valid_ruc_is_accepted(ruc: str) -> None:
    assert normalize_ruc(ruc) == ruc
    assert partner(ruc=ruc).ruc == ruc


@pytest.mark.parametrize(
    "ruc",
    ["1790011675001", "1790011674000", "1799999999001", "abcdefghijklm", "179001167400", "17900116740011", ""],
)
def test_an_invalid_ruc_is_refused(ruc: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_ruc(ruc)
    assert caught.value.code == "invalid_ruc"
    assert caught.value.field == "ruc"


def test_a_ruc_is_optional_and_blank_means_none() -> None:
    assert partner().ruc is None
    assert partner(ruc="   ").ruc is None


def test_a_ruc_applies_only_to_partners_registered_in_ecuador() -> None:
    with pytest.raises(InvalidInput) as caught:
        partner(country="COL", ruc=VALID_RUC)
    assert caught.value.code == "invalid_ruc"


def test_moving_a_partner_with_a_ruc_abroad_is_refused_unless_the_ruc_is_cleared() -> None:
    subject = partner(ruc=VALID_RUC)
    with pytest.raises(InvalidInput):
        subject.update_details(NOW, country="PER")
    subject = partner(ruc=VALID_RUC)
    subject.update_details(NOW, country="PER", clear_ruc=True)
    assert (subject.country, subject.ruc) == ("PER", None)


def test_an_invalid_ruc_on_update_is_refused() -> None:
    subject = partner()
    with pytest.raises(InvalidInput) as caught:
        subject.update_details(NOW, ruc="1790011675001")
    assert caught.value.code == "invalid_ruc"


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_any_13_digits_are_either_a_valid_ruc_or_refused_with_invalid_ruc(digits: str) -> None:
    if ec_ruc.is_valid(digits):
        assert normalize_ruc(digits) == digits
    else:
        with pytest.raises(InvalidInput, match="RUC"):
            normalize_ruc(digits)


# --- country, phone, e-mail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given_code", "stored"), [("ECU", "ECU"), ("ecu", "ECU"), (" col ", "COL"), ("VEN", "VEN")])
def test_countries_are_iso_3166_alpha_3_upper_cased(given_code: str, stored: str) -> None:
    assert normalize_country(given_code) == stored
    assert partner(country=given_code).country == stored


@pytest.mark.parametrize("code", ["EC", "ECUA", "XXX", "", "123", "QQQ"])
def test_unknown_countries_are_refused(code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        partner(country=code)
    assert caught.value.code == "invalid_country"


@pytest.mark.parametrize(
    ("number", "e164"),
    [
        ("0991234567", "+593991234567"),
        ("+593991234567", "+593991234567"),
        ("+593 2 250 1234", "+59322501234"),
        ("+1 202 555 0123", "+12025550123"),
    ],
)
def test_phones_are_stored_in_e164(number: str, e164: str) -> None:
    assert normalize_phone(number) == e164
    assert partner(contact_phone=number).contact_phone == e164


@pytest.mark.parametrize("number", ["12345", "not a phone", "+593", "099123"])
def test_invalid_phones_are_refused(number: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        partner(contact_phone=number)
    assert caught.value.code == "invalid_phone"
    assert caught.value.field == "contact_phone"


def test_contact_emails_are_normalised_and_checked() -> None:
    assert partner(contact_email="  Convenios@UTN.edu.EC ").contact_email == "convenios@utn.edu.ec"
    assert normalize_contact_email("a@b.org") == "a@b.org"
    with pytest.raises(InvalidInput) as caught:
        partner(contact_email="not-an-email")
    assert (caught.value.code, caught.value.field) == ("invalid_email", "contact_email")


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_name_of_1_to_200_characters_is_required(name: str) -> None:
    with pytest.raises(InvalidInput):
        partner(name=name)


def test_names_are_trimmed_and_inner_spaces_collapsed() -> None:
    assert partner(name="  Universidad   Central  ").name == "Universidad Central"


# --- contact data and status ----------------------------------------------------------------------------------------


def test_contact_data_is_updated_and_cleared() -> None:
    subject = partner(contact_email="a@b.org", contact_phone="0991234567")
    later = NOW + timedelta(hours=1)
    subject.update_contact(later, phone="+12025550123")
    assert (subject.contact_email, subject.contact_phone) == ("a@b.org", "+12025550123")
    subject.update_contact(later, clear_email=True, clear_phone=True)
    assert (subject.contact_email, subject.contact_phone) == (None, None)
    assert subject.updated_at == later


def test_an_invalid_contact_update_changes_nothing() -> None:
    subject = partner(contact_phone="0991234567")
    with pytest.raises(InvalidInput):
        subject.update_contact(NOW, phone="12345")
    assert subject.contact_phone == "+593991234567"


def test_a_new_partner_is_active_and_records_its_creation() -> None:
    subject = partner()
    assert subject.status is PartnerStatus.ACTIVE
    assert subject.is_active
    assert [event.name for event in subject.pull_events()] == ["partner.created"]


def test_suspension_needs_a_reason_and_locks_the_partner() -> None:
    subject = partner()
    subject.pull_events()
    with pytest.raises(InvalidInput):
        subject.suspend("   ", NOW)
    assert subject.is_active
    subject.suspend("  Incumplimiento   del convenio ", NOW)
    assert subject.status is PartnerStatus.SUSPENDED
    assert not subject.is_active
    assert subject.suspension_reason == "Incumplimiento del convenio"
    assert [event.name for event in subject.pull_events()] == ["partner.suspended"]


def test_suspending_twice_keeps_the_first_reason_and_records_once() -> None:
    subject = partner()
    subject.suspend("primera", NOW)
    subject.pull_events()
    subject.suspend("segunda", NOW)
    assert subject.suspension_reason == "primera"
    assert subject.pull_events() == []


def test_reactivation_lifts_the_suspension() -> None:
    subject = partner()
    subject.suspend("auditoría", NOW)
    subject.pull_events()
    subject.reactivate(NOW)
    assert subject.is_active
    assert subject.suspension_reason is None
    assert [event.name for event in subject.pull_events()] == ["partner.reactivated"]
    subject.reactivate(NOW)
    assert subject.pull_events() == []
