"""Date-times from callers: the one type every date-time a request carries (body, query, form) is read as."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
"""No date-time a request carries lies before this instant (UTC)..."""
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""...nor at or after this one: anything outside is a typing error, refused (422) rather than clamped."""

RANGE_MESSAGE = "must lie between 1900-01-01 and 2199-12-31 (UTC)"
DATETIME_RANGE = "From 1900-01-01 to 2199-12-31 (UTC)."
"""For the OpenAPI descriptions of date-time inputs."""
_ISO_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_text(value: object) -> object:
    """Text in ISO 8601's shape only: pydantic would otherwise read numbers (and digit strings) as Unix time."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_SHAPE.match(value)):
        return value
    raise PydanticCustomError("datetime_parsing", "must be an ISO 8601 date and time, e.g. 2026-03-01T09:30:00-05:00")


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC. Refuses a value without a UTC offset (it names no instant) and one outside
    [EARLIEST, LATEST), which includes the extremes of `datetime` whose UTC equivalent does not exist (year 1 at
    +14:00, year 9999 at -14:00). The messages never repeat the value."""
    if value.utcoffset() is None:
        raise PydanticCustomError("timezone_required", "include a UTC offset")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError("datetime_out_of_range", RANGE_MESSAGE) from None
    if not EARLIEST <= moment < LATEST:
        raise PydanticCustomError("datetime_out_of_range", RANGE_MESSAGE)
    return moment


AwareDateTime = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(to_utc)]
"""An ISO 8601 date-time with a UTC offset, between 1900 and 2199, read as the same instant in UTC."""
