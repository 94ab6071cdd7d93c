"""ETag and If-Match / If-None-Match: a resource's version is its entity tag."""

from __future__ import annotations

import pytest

from emprende.api.etag import NO_VERSION, etag, matches_if_none_match, parse_if_match


def test_etag_is_a_quoted_version() -> None:
    assert etag(1) == '"v1"'
    assert etag(42) == '"v42"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("*", None),
        (" * ", None),
        ('"v1"', 1),
        ('W/"v7"', 7),
        (' "v3" ', 3),
        ('"v3", W/"v3"', 3),
        ('"v123456789012345678"', 123456789012345678),
    ],
)
def test_parse_if_match(header: str | None, expected: int | None) -> None:
    assert parse_if_match(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        "",
        "v1",
        '"1"',
        '"v"',
        '"vx"',
        '"v1',
        'v1"',
        '"v-1"',
        '"v1.0"',
        '"v1", "v2"',
        "W/v1",
        'w/"v1"',
        '"v1234567890123456789"',
        ",,,",
        "\x00",
    ],
)
def test_unusable_if_match_names_a_version_nothing_has(header: str) -> None:
    """The use case refuses the write (412) once the request is known to be valid, as for a stale tag."""
    assert parse_if_match(header) == NO_VERSION < 1


@pytest.mark.parametrize(
    ("header", "version", "expected"),
    [
        (None, 1, False),
        ("", 1, False),
        ('"v1"', 1, True),
        ('W/"v1"', 1, True),
        ('"v2"', 1, False),
        ('"v0", "v1"', 1, True),
        ("*", 5, True),
        ("garbage", 1, False),
        ('"v1"', 11, False),
    ],
)
def test_if_none_match(header: str | None, version: int, expected: bool) -> None:
    assert matches_if_none_match(header, version) is expected
