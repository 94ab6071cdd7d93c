"""Timestamps bound to queries: UTC whatever the offset, and never an OverflowError at the edges of `datetime`. Money:
exact on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Dialect
from sqlalchemy.dialects import postgresql, sqlite

from emprende.adapters.sql.shared.types import Money, UTCDateTime

EAST = timezone(timedelta(hours=14))
WEST = timezone(timedelta(hours=-14))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_values_are_bound_in_utc_and_held_at_the_edges(dialect: Dialect) -> None:
    column = UTCDateTime()

    def bound(value: datetime) -> datetime:
        result = column.process_bind_param(value, dialect)
        assert result is not None
        return result.replace(tzinfo=UTC) if result.tzinfo is None else result

    assert bound(datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))) == datetime(
        2026, 3, 1, 14, 30, tzinfo=UTC
    )
    # Year 1 at +14:00 and year 9999 at -14:00 have no UTC equivalent in `datetime`: its first and last instants do.
    assert bound(datetime(1, 1, 1, tzinfo=EAST)) == datetime.min.replace(tzinfo=UTC)
    assert bound(datetime(9999, 12, 31, 23, 59, 59, tzinfo=WEST)) == datetime.max.replace(tzinfo=UTC)
    with pytest.raises(ValueError, match="naive"):
        bound(datetime(2026, 3, 1, 9, 30))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_money_is_stored_exactly_and_read_back_to_the_cent(dialect: Dialect) -> None:
    column = Money()
    for amount in ("0.00", "0.10", "1650.00", "99999999.99", "0.07"):
        stored = column.process_bind_param(Decimal(amount), dialect)
        assert not isinstance(stored, float)
        back = column.process_result_value(stored, dialect)
        assert back is not None
        assert (back, str(back)) == (Decimal(amount), amount)
    # SQLite keeps whole cents: ordered and compared as the amounts are.
    if dialect.name == "sqlite":
        assert column.process_bind_param(Decimal("9.99"), dialect) == 999
    with pytest.raises(ValueError, match="cent"):
        column.process_bind_param(Decimal("0.001"), dialect)
