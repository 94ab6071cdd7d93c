"""Accept-Language negotiation: Spanish or English, English by default, never an error."""

from __future__ import annotations

import pytest

from emprende.api.i18n import negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("es", "es"),
        ("ES", "es"),
        ("es-EC", "es"),
        ("es-419", "es"),
        ("en-US", "en"),
        ("en", "en"),
        ("fr", "en"),
        ("fr-CA, es;q=0.5", "es"),
        ("es;q=0.4, en;q=0.8", "en"),
        ("en;q=0.4, es;q=0.8", "es"),
        ("es-EC,es;q=0.9,en;q=0.8", "es"),
        ("en;q=0, es", "es"),
        ("es;q=0", "en"),
        ("*", "en"),
        ("fr, *;q=0.5", "en"),
        ("*;q=0.1, es;q=0.9", "es"),
        ("es;q=1.0", "es"),
        ("es;q=1", "es"),
        ("  es  ;  q=0.7 ", "es"),
    ],
)
def test_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        ";;;,,,",
        "es;q=abc",
        "es;q=2",
        "es;q=-1",
        "es;q=nan",
        "es;q=inf",
        "es;level=1",
        "es;q=",
        "\x00\xff",
        "es" * 10_000,
        ",".join(["fr"] * 5_000),
        "q=0.9",
        "-es",
    ],
)
def test_garbage_falls_back_to_english(header: str) -> None:
    assert negotiate(header) == "en"


def test_malformed_entries_do_not_hide_good_ones() -> None:
    assert negotiate("es;q=abc, es-EC;q=0.5") == "es"
    assert negotiate("xx;q=nan, es") == "es"


def test_only_the_start_of_a_huge_header_is_read() -> None:
    assert negotiate("fr," * 1_000 + "es") == "en"
