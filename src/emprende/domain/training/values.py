"""Readers for the training area's rules stored as JSON-shaped data (eligibility rules, completion criteria): each
checks one value's type and bounds and raises an InvalidInput naming the value's field path, never the value."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TypeGuard, TypeVar

from emprende.domain.shared.errors import InvalidInput, RuleChecks, issues_of

T = TypeVar("T")

NOT_AN_OBJECT = "must be an object"
UNKNOWN_KEY = "not a known key"
MISSING_KEY = "a required key is missing"
WHOLE_NUMBER = "must be a whole number from {lower} to {upper}"
NOT_A_UUID = "must be a UUID"
NOT_A_DATE = "must be a date written YYYY-MM-DD"
NOT_A_BOOLEAN = "must be true or false"
NOT_A_LIST = "must be a list of at most {limit} values"
EMPTY_LIST = "must list at least one value"

TEMPLATES: tuple[str, ...] = (
    NOT_AN_OBJECT,
    UNKNOWN_KEY,
    MISSING_KEY,
    WHOLE_NUMBER,
    NOT_A_UUID,
    NOT_A_DATE,
    NOT_A_BOOLEAN,
    NOT_A_LIST,
    EMPTY_LIST,
)
"""Every message template this module raises."""

# A key is named in a field path only when it reads as a key; anything else would echo what was submitted.
_KEY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_UUID_TEXT = 45  # "urn:uuid:" and a hyphenated UUID


def key_path(path: str, key: object) -> str:
    """`path.key` for a key that reads as one; the path itself for a key that does not (it is never echoed)."""
    return f"{path}.{key}" if isinstance(key, str) and _KEY_NAME.fullmatch(key) else path


def is_list(value: object) -> TypeGuard[Sequence[object]]:
    """Whether a value is a JSON array (a list or tuple), not a string nor an object."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def check_keys(
    data: Mapping[object, object], path: str, checks: RuleChecks, *, required: Iterable[str], optional: Iterable[str]
) -> None:
    """Report each unknown key and each missing required key of an object at `path`."""
    required = tuple(required)
    known = {*required, *optional}
    checks.issues.extend(InvalidInput(UNKNOWN_KEY, field=key_path(path, key)) for key in data if key not in known)
    checks.issues.extend(InvalidInput(MISSING_KEY, field=f"{path}.{key}") for key in required if key not in data)


def object_at(value: object, path: str) -> Mapping[object, object]:
    """The value as an object (a mapping), or an InvalidInput at `path`."""
    if not isinstance(value, Mapping):
        raise InvalidInput(NOT_AN_OBJECT, field=path)
    return value


def whole_number(value: object, path: str, *, lower: int, upper: int) -> int:
    """An integer within [lower, upper]; booleans and fractions are refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not lower <= value <= upper:
        raise InvalidInput(WHOLE_NUMBER, field=path, lower=lower, upper=upper)
    return value


def optional_whole_number(value: object, path: str, *, lower: int, upper: int) -> int | None:
    """None, or an integer within [lower, upper]."""
    return None if value is None else whole_number(value, path, lower=lower, upper=upper)


def a_uuid(value: object, path: str) -> uuid.UUID:
    """A UUID, given as one or as its text."""
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and len(value) <= _MAX_UUID_TEXT:
        try:
            return uuid.UUID(value.strip())
        except ValueError:
            pass
    raise InvalidInput(NOT_A_UUID, field=path)


def a_date(value: object, path: str) -> date:
    """A calendar date, given as one or as ISO 8601 text `YYYY-MM-DD`."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(NOT_A_DATE, field=path)


def a_boolean(value: object, path: str) -> bool:
    """true or false (not 0, 1 or text)."""
    if not isinstance(value, bool):
        raise InvalidInput(NOT_A_BOOLEAN, field=path)
    return value


def distinct_values(
    value: object, path: str, read: Callable[[object, str], T], *, limit: int, at_least_one: bool = True
) -> tuple[T, ...]:
    """A list's values read one by one, in order and without repeats; raises an InvalidInput (or InvalidInputs) naming
    the list, or each bad value as `path[i]`."""
    if not is_list(value) or len(value) > limit:
        raise InvalidInput(NOT_A_LIST, field=path, limit=limit)
    if at_least_one and not value:
        raise InvalidInput(EMPTY_LIST, field=path)
    checks = RuleChecks()
    found: dict[T, None] = {}
    for index, element in enumerate(value):
        try:
            found.setdefault(read(element, f"{path}[{index}]"))
        except InvalidInput as error:
            checks.issues.extend(issues_of(error))
    checks.raise_broken()
    return tuple(found)
