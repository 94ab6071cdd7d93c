"""Phones: the short way for Ecuadorian numbers gives exactly what phonenumbers' general parser gives."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from emprende.domain.participants.contact import normalize_phone
from emprende.domain.shared.errors import InvalidInput


def by_the_parser(value: str, region: str) -> str | None:
    """What normalize_phone answered before its short way: phonenumbers' parse, validity and E.164 format."""
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalized(value: str, region: str) -> str | None:
    try:
        return normalize_phone(value, region=region)
    except InvalidInput:
        return None


_DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=13)


@settings(max_examples=3000)
@given(
    prefix=st.sampled_from(["+593", "0", "+5930", "", " +593", "+593 ", "+1", "+57", "+5939"]),
    digits=_DIGITS,
    region=st.sampled_from(["EC", "CO", "US"]),
)
@example(prefix="+593", digits="991234567", region="EC")  # a mobile
@example(prefix="0", digits="991234567", region="EC")  # the same, as dialled in Ecuador
@example(prefix="+593", digits="22345678", region="EC")  # a Quito landline
@example(prefix="0", digits="991234567", region="CO")  # not Ecuadorian when read in Colombia
@example(prefix="+593", digits="٩٩١٢٣٤٥٦٧", region="EC")  # digits of another script
def test_the_short_way_answers_as_the_parser(prefix: str, digits: str, region: str) -> None:
    value = prefix + digits
    assert normalized(value, region) == by_the_parser(value, region)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("+593991234567", "+593991234567"), ("0991234567", "+593991234567"), (" 02 234 5678 ", "+59322345678")],
)
def test_ecuadorian_numbers(value: str, expected: str) -> None:
    assert normalize_phone(value) == expected


@pytest.mark.parametrize("value", ["+59399123456", "0091234567", "+593", "12", "+593 99 123 45 67 89"])
def test_invalid_numbers_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_phone(value)
