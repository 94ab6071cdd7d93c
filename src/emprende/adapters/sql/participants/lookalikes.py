"""Who may already be in the registry as a person being registered or imported: the one definition of the duplicate
lookups, which the single registration (`repositories`) and the bulk import (`import_lookups`, on PostgreSQL and on
SQLite, a batch at a time) build their statements from.

- Exact duplicates: whoever holds one of the person's identifier keys (documents, external identifiers), whichever
  partner owns them.
- Probable duplicates are looked for among the *live* people (neither erased nor merged away) who share the person's
  birth date or phone (blocking: both indexed, never a scan); the name is compared afterwards, in Python.
- With each of them, whether the acting tenant may see them (`visible_to`; the operator sees everyone): a duplicate
  the tenant may not see is queued for review but never named to it.

Each lookup matches its keys its own way (one value, a PostgreSQL array, a list of values); `Match` says how.
`tests/integration/test_duplicate_lookups.py` holds the three shapes to the same answers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, true

from emprende.adapters.sql.participants import tables
from emprende.adapters.sql.participants.visibility import visible_to

Match = Callable[[ColumnElement[Any]], ColumnElement[bool]]
"""How a lookup matches a key column to its values, e.g. `lambda column: column.in_(values)`."""


def equal_to(value: Any) -> Match:
    """Match one value (a bound parameter, or `func.any(array)`)."""
    return lambda column: column == value


def among(values: Any) -> Match:
    """Match any of a list of values (or an expanding bound parameter)."""
    return lambda column: column.in_(values)


people = tables.participants.c
identifiers = tables.participant_identifiers.c

LIVE: ColumnElement[bool] = and_(people.erased_at.is_(None), people.merged_into_id.is_(None))
"""Who can be someone's probable duplicate: neither erased nor merged into another record."""

SKETCH = (people.id, people.name_key, people.birth_date, people.phone)
"""A candidate as the probable-duplicate screen compares it: id, then `PersonSketch`'s fields in order."""


def holding(match: Match) -> ColumnElement[bool]:
    """Identifier rows (`participant_identifiers`) whose key is one of the person's."""
    return match(identifiers.key)


def born_on(match: Match) -> ColumnElement[bool]:
    """People born on the person's birth date (one of the blocking keys); `LIVE` is the lookup's to apply."""
    return match(people.birth_date)


def with_phone(match: Match) -> ColumnElement[bool]:
    """People with the person's phone (the other blocking key); `LIVE` is the lookup's to apply."""
    return match(people.phone)


def seen_by(tenant: uuid.UUID | ColumnElement[Any] | None) -> ColumnElement[bool]:
    """Whether the tenant (a bound parameter or value; None: the operator) may see a candidate."""
    return true() if tenant is None else visible_to(tenant)
