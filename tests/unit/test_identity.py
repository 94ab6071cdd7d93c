"""Identity documents (cédula and others) and identifiers in other systems."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.ec import ci as ec_ci

from emprende.domain.participants.identifiers import (
    DocumentType,
    ExternalIdentifier,
    IdentityDocument,
    document_key,
    external_identifier,
    identity_document,
)
from emprende.domain.shared.errors import InvalidInput

VALID_CEDULA = "1710034065"


def check_digit(first_nine: str) -> str:
    """The modulo-10 check digit of a cédula (weights 2, 1, 2, …; products above 9 lose 9)."""
    total = 0
    for index, char in enumerate(first_nine):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


def cedula(province: int, third: int, rest: str) -> str:
    first_nine = f"{province:02d}{third}{rest}"
    return first_nine + check_digit(first_nine)


cedulas = st.builds(
    cedula,
    st.integers(min_value=1, max_value=24),
    st.integers(min_value=0, max_value=5),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
)


def expect_invalid(field: str, code: str, *args: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        identity_document(*args)
    assert caught.value.field == field
    assert caught.value.code == code


# --- cédula --------------------------------------------------------------------------------------------------------


def test_known_valid_cedula() -> None:
    doc = identity_document("cedula", VALID_CEDULA, None)
    assert doc == IdentityDocument(type=DocumentType.CEDULA, number=VALID_CEDULA, issuing_country="ECU")
    assert check_digit(VALID_CEDULA[:9]) == VALID_CEDULA[9]


@given(cedulas)
def test_generated_cedulas_are_valid_and_agree_with_stdnum(number: str) -> None:
    assert ec_ci.is_valid(number)
    assert identity_document(DocumentType.CEDULA, number, None).number == number


@given(cedulas, st.integers(min_value=1, max_value=9))
def test_a_wrong_check_digit_is_refused(number: str, shift: int) -> None:
    wrong = number[:9] + str((int(number[9]) + shift) % 10)
    expect_invalid("number", "invalid_cedula", "cedula", wrong, None)


@pytest.mark.parametrize(
    "number",
    [
        "1710034064",  # check digit
        "171003406",  # too short
        "17100340655",  # too long
        "9910034065",  # province
        "1790034065",  # third digit above 6
        "171003406A",  # not all digits
        "0000000000",  # province 00
    ],
)
def test_invalid_cedulas(number: str) -> None:
    expect_invalid("number", "invalid_cedula", "cedula", number, None)


@pytest.mark.parametrize("raw", [" 1710034065 ", "171003406-5", "1710.034.065", "17 1003 4065", "\t171-003-4065\n"])
def test_cedula_separators_and_spaces_are_removed(raw: str) -> None:
    assert identity_document("cedula", raw, None).number == VALID_CEDULA


@pytest.mark.parametrize("country", ["ECU", "ecu", " Ecu "])
def test_cedula_accepts_ecuador_as_issuer(country: str) -> None:
    assert identity_document("cedula", VALID_CEDULA, country).issuing_country == "ECU"


@pytest.mark.parametrize("country", ["COL", "VEN", "PER"])
def test_cedula_issued_elsewhere_is_refused(country: str) -> None:
    expect_invalid("issuing_country", "invalid_country", "cedula", VALID_CEDULA, country)


@pytest.mark.parametrize("country", ["EC", "XXX", "", "ECUA"])
def test_cedula_with_an_unknown_country_is_refused(country: str) -> None:
    expect_invalid("issuing_country", "invalid_country", "cedula", VALID_CEDULA, country)


# --- other documents -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["passport", "refugee_id", "foreign_id", "other"])
def test_other_documents_need_an_issuing_country(kind: str) -> None:
    expect_invalid("issuing_country", "invalid_country", kind, "AB123456", None)


@pytest.mark.parametrize("country", ["XX", "ZZZ", " ", "Venezuela"])
def test_other_documents_refuse_unknown_countries(country: str) -> None:
    expect_invalid("issuing_country", "invalid_country", "passport", "AB123456", country)


def test_passport_is_normalised() -> None:
    doc = identity_document("passport", " ab-12.34 56 ", "ven")
    assert doc == IdentityDocument(type=DocumentType.PASSPORT, number="AB123456", issuing_country="VEN")


def test_other_documents_skip_the_cedula_check() -> None:
    # A number that would be a bad cédula is a fine Ecuadorian "other" document.
    doc = identity_document(DocumentType.OTHER, "1710034064", "ECU")
    assert doc.number == "1710034064"
    assert doc.issuing_country == "ECU"


@pytest.mark.parametrize(
    "number",
    [
        "",
        "   ",
        "-.-",
        "A" * 31,
        "AB/123",
        "AB_123",
        "ÑA123",
        "\u017f123",  # long s folds to "S" when upper-cased: must not slip in
        "١٢٣",  # Arabic-Indic digits
        "AB\x00123",
    ],
)
def test_invalid_document_numbers(number: str) -> None:
    expect_invalid("number", "invalid_document", "passport", number, "COL")


def test_document_number_bounds() -> None:
    assert identity_document("passport", "A", "COL").number == "A"
    assert identity_document("passport", "a" * 30, "COL").number == "A" * 30
    # Separators do not count towards the bound.
    assert identity_document("passport", "-".join("A" * 30), "COL").number == "A" * 30


def test_invalid_document_number_is_reported_before_the_cedula_check() -> None:
    expect_invalid("number", "invalid_document", "cedula", "17100/34065", None)


@pytest.mark.parametrize("kind", ["CEDULA", "dni", "", "passport ", None, 3])
def test_unknown_document_types_are_refused(kind: object) -> None:
    expect_invalid("type", "invalid_document", kind, VALID_CEDULA, "ECU")


def test_document_number_is_kept_out_of_repr() -> None:
    doc = identity_document("cedula", VALID_CEDULA, None)
    assert VALID_CEDULA not in repr(doc)


def test_documents_are_immutable() -> None:
    doc = identity_document("cedula", VALID_CEDULA, None)
    with pytest.raises(AttributeError):
        doc.number = "x"


# --- document key --------------------------------------------------------------------------------------------------


def test_document_key_format() -> None:
    assert document_key(identity_document("cedula", VALID_CEDULA, None)) == f"cedula:ECU:{VALID_CEDULA}"
    assert document_key(identity_document("passport", "ab 123", "col")) == "passport:COL:AB123"


def test_document_key_is_stable_across_spellings() -> None:
    spellings = [
        ("cedula", "171-003-4065", None),
        (DocumentType.CEDULA, " 1710034065", "ecu"),
        ("cedula", VALID_CEDULA, "ECU"),
    ]
    assert len({document_key(identity_document(*spelling)) for spelling in spellings}) == 1


def test_document_key_separates_type_and_country() -> None:
    keys = {
        document_key(identity_document("passport", "AB123", "COL")),
        document_key(identity_document("passport", "AB123", "VEN")),
        document_key(identity_document("refugee_id", "AB123", "COL")),
        document_key(identity_document("foreign_id", "AB123", "COL")),
    }
    assert len(keys) == 4


@given(
    st.sampled_from([t for t in DocumentType if t is not DocumentType.CEDULA]),
    st.text(alphabet="abcXYZ0189 -.", max_size=40),
    st.sampled_from(["COL", "ven", " per ", "ECU"]),
)
def test_normalisation_is_idempotent(kind: DocumentType, number: str, country: str) -> None:
    compact = "".join(char for char in number if char not in " -.")
    if not 1 <= len(compact) <= 30:
        with pytest.raises(InvalidInput, match="document number"):
            identity_document(kind, number, country)
        return
    doc = identity_document(kind, number, country)
    assert doc.number == compact.upper()
    again = identity_document(doc.type, doc.number, doc.issuing_country)
    assert again == doc
    assert document_key(again) == document_key(doc)
    assert document_key(doc).count(":") == 2


# --- external identifiers ------------------------------------------------------------------------------------------


def test_external_identifier_is_normalised() -> None:
    assert external_identifier("  UNHCR.Progres ", "  123-ABC-456  ") == ExternalIdentifier(
        system="unhcr.progres", value="123-ABC-456"
    )
    assert external_identifier("sigob", "Expediente 12/2025 ñ").value == "Expediente 12/2025 ñ"


def test_external_identifier_bounds() -> None:
    assert external_identifier("a", "x") == ExternalIdentifier(system="a", value="x")
    assert external_identifier("a" * 64, "x" * 128).system == "a" * 64
    assert external_identifier("my_sys-1.v2", "x" * 128).value == "x" * 128


@pytest.mark.parametrize("system", ["", "   ", "a" * 65, "sigob/x", "un hcr", "sígob", "sys:1", "\u212a", "a\nb"])
def test_invalid_external_systems(system: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        external_identifier(system, "123")
    assert caught.value.field == "system"
    assert caught.value.code == "invalid_external_identifier"


@pytest.mark.parametrize("value", ["", "   ", "x" * 129, "12\x003", "12\n3", "12\t3", "a\x7fb", "a\u200bb"])
def test_invalid_external_values(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        external_identifier("sigob", value)
    assert caught.value.field == "value"
    assert caught.value.code == "invalid_external_identifier"


def test_external_value_is_kept_out_of_repr() -> None:
    assert "SECRET-123" not in repr(external_identifier("unhcr.progres", "SECRET-123"))
