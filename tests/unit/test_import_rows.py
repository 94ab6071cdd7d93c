"""One import row checked in one pass: every problem at once, each field once, nothing that depends on a fault."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from emprende.services.imports.rows import FieldIssue, RawRow, RowErrors, check_row

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
OWNER = uuid.UUID(int=7)
GOOD = {
    "given_names": "Ana",
    "family_names": "Quispe",
    "birth_date": "1991-03-04",
    "sex": "female",
    "population_group": "migrant",
    "nationality": "VEN",
    "consent_notice_version": "2026-01",
    "consent_method": "in_person",
}


def problems(values: dict[str, str], errors: tuple[FieldIssue, ...] = ()) -> list[tuple[str, str]]:
    with pytest.raises(RowErrors) as raised:
        check_row(RawRow(1, values, errors), NOW, owner=OWNER, registered_by=None)
    return [(issue.field, issue.code) for issue in raised.value.issues]


def test_a_good_row_passes() -> None:
    checked = check_row(RawRow(1, GOOD), NOW, owner=OWNER, registered_by=None)
    assert checked.participant.nationality == "VEN"
    assert checked.consent.participant_id == checked.participant.id


def test_every_problem_of_a_row_at_once_in_column_order() -> None:
    row = {
        **GOOD,
        "birth_date": "1991-02-30",  # not a date: the cell's text
        "nationality": "XXX",  # a rule of registration
        "document_type": "licence",  # the document's type and number, both unreadable
        "document_number": "#",
        "document_country": "VEN",
        "household_size": "4",
        "dependants": "9",  # dependants must be fewer than the household
        "province_code": "99",
        "canton_code": "9999",
        "phone": "12",
        "email": "nobody",
        "disability_seeing": "blind-ish",
        "disability_walking": "x",
        "external_system": "no spaces allowed",
        "external_value": "P-1",
        "consent_notice_version": "v" * 41,  # a rule of consent
        "consent_given_at": "2030-01-01T00:00:00+00:00",  # consent cannot be in the future
    }
    del row["sex"]
    assert problems(row) == [
        ("birth_date", "invalid_date"),
        ("sex", "missing"),
        ("nationality", "invalid_country"),
        ("document_type", "invalid_document"),
        ("document_number", "invalid_document"),
        ("disability_seeing", "invalid_disability_answer"),
        ("disability_walking", "invalid_disability_answer"),
        ("dependants", "invalid_input"),
        ("province_code", "unknown_place"),
        ("canton_code", "unknown_place"),
        ("phone", "invalid_phone"),
        ("email", "invalid_email"),
        ("external_system", "invalid_external_identifier"),
        ("consent_notice_version", "invalid_input"),
        ("consent_given_at", "invalid_consent_date"),
    ]


def test_stand_ins_for_unreadable_values_add_no_problem_of_their_own() -> None:
    """A missing or unreadable required value is reported once, and the rules then checked on the rest of the row
    say nothing about the value that took its place."""
    row = {"birth_date": "17/04/1990", "sex": "f", "consent_method": "fax", "phone": "12"}
    assert problems(row) == [
        ("given_names", "missing"),
        ("family_names", "missing"),
        ("birth_date", "invalid_date"),
        ("sex", "invalid_choice"),
        ("population_group", "missing"),
        ("nationality", "missing"),
        ("phone", "invalid_phone"),
        ("consent_notice_version", "missing"),
        ("consent_method", "invalid_choice"),
    ]


def test_a_field_is_reported_once() -> None:
    long_name = "n" * 301  # too long for a cell, and for a name: one problem
    assert problems({**GOOD, "given_names": long_name}) == [("given_names", "too_long")]


def test_a_rule_on_two_fields_waits_for_both() -> None:
    # The household size is unreadable: whether the dependants are fewer is not asked.
    assert problems({**GOOD, "household_size": "many", "dependants": "9"}) == [("household_size", "invalid_integer")]
    # A known canton outside an unknown province: the province is at fault, not the canton.
    assert problems({**GOOD, "province_code": "99", "canton_code": "1701"}) == [("province_code", "unknown_place")]
    # A cédula's check digit is checked only once the type is readable.
    cedula = {"document_type": "cedla", "document_number": "1710034066", "document_country": "ECU"}
    assert problems({**GOOD, **cedula}) == [("document_type", "invalid_document")]


def test_problems_found_reading_the_file_come_with_the_rest() -> None:
    """A JSON Lines row with an unknown key still hears about its other fields; an unreadable row has nothing more."""
    unknown = (FieldIssue("shoe_size", "unknown_field", "not a documented column"),)
    assert problems({**GOOD, "phone": "12"}, unknown) == [("phone", "invalid_phone"), ("shoe_size", "unknown_field")]
    wrong_type = (FieldIssue("sex", "invalid_type", "must be a string, a number or null"),)
    without_sex = {name: value for name, value in GOOD.items() if name != "sex"}
    assert problems(without_sex, wrong_type) == [("sex", "invalid_type")]  # not also "missing"
    unreadable = (FieldIssue("row", "wrong_column_count", "expected 8 cells, found 3"),)
    assert problems({}, unreadable) == [("row", "wrong_column_count")]


def test_a_rejected_row_keeps_its_readable_identifiers_for_the_duplicate_check() -> None:
    row = {**GOOD, "phone": "12", "document_type": "passport", "document_number": "a-1", "document_country": "ven"}
    row |= {"external_system": "SIGOB", "external_value": "S-1"}
    with pytest.raises(RowErrors) as raised:
        check_row(RawRow(1, row), NOW, owner=OWNER, registered_by=None)
    assert raised.value.keys == ["passport:VEN:A1", "ext:sigob:S-1"]
    unreadable = {**row, "document_number": "#"}
    with pytest.raises(RowErrors) as raised:
        check_row(RawRow(1, unreadable), NOW, owner=OWNER, registered_by=None)
    assert raised.value.keys == ["ext:sigob:S-1"]
