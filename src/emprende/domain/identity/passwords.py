"""Password rules: long enough, not repetitive, and not one of the most common passwords or a simple variant of one.

The common passwords are the 10,000 most frequent in leaked-password corpora (`data/common-passwords.txt`, whose
header names its source and licence), read once, the first time a password is checked. A password is refused as
common when, compared without case, accents' compatibility forms and separators (spaces, `-`, `_`, `.`), it is a
common one; or is one with digits or symbols before or after it (`Password2024!`); or is one repeated
(`passwordpassword`, `qwerty1qwerty1`). Messages never repeat the password.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from emprende.domain.shared.errors import InvalidInput

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
MIN_DISTINCT_CHARACTERS = 4

_DATA_PACKAGE = "emprende.domain.identity.data"
_COMMON_FILE = "common-passwords.txt"
_SEPARATORS = re.compile(r"[\s\-_.]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def _comparable(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, in comparable form (read on first use, then kept)."""
    text = resources.files(_DATA_PACKAGE).joinpath(_COMMON_FILE).read_text(encoding="utf-8")
    return frozenset(_comparable(line) for line in text.splitlines() if line and not line.startswith("#"))


def _repeated_unit(text: str) -> str | None:
    """The shortest piece `text` is made of, repeated at least twice; None when it is not a repetition."""
    if len(text) < 2:
        return None
    period = (text + text).find(text, 1)
    return text[:period] if period < len(text) else None


def _variants(password: str) -> set[str]:
    """The forms compared with the list: the password, its core without leading and trailing digits or symbols, and
    the piece either of them repeats."""
    plain = _comparable(password)
    forms = {plain, _EDGES.sub("", plain)}
    for form in list(forms):
        unit = _repeated_unit(form)
        if unit is not None:
            forms |= {unit, _EDGES.sub("", unit)}
    forms.discard("")
    return forms


def is_common_password(password: str) -> bool:
    """Whether the password is a common one or a trivial variant of one (see the module's notes)."""
    common = common_passwords()
    return any(form in common for form in _variants(password))


def check_password_strength(password: str) -> None:
    """Refuse a password that is too short, too long, too repetitive or too common (`weak_password`)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "the password must have at least {min_length} characters",
            field="password",
            code="weak_password",
            min_length=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            "the password may have at most {max_length} characters",
            field="password",
            code="weak_password",
            max_length=MAX_PASSWORD_LENGTH,
        )
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise InvalidInput("the password is too repetitive", field="password", code="weak_password")
    if is_common_password(password):
        raise InvalidInput(
            "the password is one of the most common passwords, or a simple variant of one",
            field="password",
            code="weak_password",
        )
