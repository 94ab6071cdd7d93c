""""""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Integer, Select, bindparam, exists, func, select, tuple_, union_all
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.sql import operators

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.participants.visibility import visible_to
from emprende.adapters.sql.shared.reads import PreparedRead, ReadConnections
from emprende.domain.participants.matching import search_key
from emprende.services.participants.ports import (
    ParticipantFilters,
    ParticipantRow,
    ParticipantSort,
)

_p = participant_tables.participants


_ids = participant_tables.participant_identifiers


_s = participant_tables.participant_shares


_PUBLIC = (
    _p.c.id,
    _p.c.owner_partner_id,
    _p.c.given_names,
    _p.c.family_names,
    _p.c.birth_date,
    _p.c.birth_year,
    _p.c.sex,
    _p.c.population_group,
    _p.c.nationality,
    _p.c.household_size,
    _p.c.dependants,
    _p.c.education_level,
    _p.c.province_code,
    _p.c.canton_code,
    _p.c.preferred_language,
    _p.c.external_ids,
    _p.c.registered_at,
    _p.c.updated_at,
    _p.c.erased_at,
    _p.c.version,
    _p.c.name_key,
)


_SENSITIVE = (
    _p.c.gender_identity,
    _p.c.migratory_status,
    _p.c.documents,
    _p.c.disability,
    _p.c.has_disability,
    _p.c.phone,
    _p.c.email,
)


SENSITIVE_COLUMNS = tuple(column.key for column in _SENSITIVE)


def stored_value(value: object) -> str | None:
    """An enum column's value as text: PostgreSQL reads give the text already, SQLite reads the member."""
    if value is None or type(value) is str:
        return value
    return str(getattr(value, "value", value))


# `_row` reads values by position: the read's columns, in order, are the row's fields, less its two of its own.
if [str(column.key) for column in (*_PUBLIC[:-1], *_SENSITIVE)] != [
    field.name for field in fields(ParticipantRow) if field.name not in ("sensitive", "sort_value")
] or _PUBLIC[-1] is not _p.c.name_key:
    raise RuntimeError("the participant read's columns and ParticipantRow's fields are out of step")


def _row(row: Sequence[Any], sensitive: bool, sort: ParticipantSort = ParticipantSort.REGISTERED_AT) -> ParticipantRow:
    """A participant from a read's values, by position: `_PUBLIC`, then `_SENSITIVE` when selected."""
    if sensitive:
        sensitive_values = {
            "gender_identity": row[21],
            "migratory_status": stored_value(row[22]),
            "documents": row[23],
            "disability": row[24],
            "has_disability": row[25],
            "phone": row[26],
            "email": row[27],
        }
    else:
        sensitive_values = {}
    return ParticipantRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        str(stored_value(row[6])),
        str(stored_value(row[7])),
        row[8],
        row[9],
        row[10],
        stored_value(row[11]),
        row[12],
        row[13],
        str(stored_value(row[14])),
        row[15],
        row[16],
        row[17],
        row[18],
        row[19],
        sensitive,
        row[20] if sort is ParticipantSort.NAME else row[16],
        **sensitive_values,
    )


# Equality filters: (field of ParticipantFilters, column); each present one adds `column = :field`.
_EQUALS = (
    ("population_group", _p.c.population_group),
    ("nationality", _p.c.nationality),
    ("sex", _p.c.sex),
    ("province_code", _p.c.province_code),
    ("canton_code", _p.c.canton_code),
    ("migratory_status", _p.c.migratory_status),
    ("has_disability", _p.c.has_disability),
)


_RANGES = (
    ("born_after", _p.c.birth_date, ">="),
    ("born_before", _p.c.birth_date, "<="),
    ("registered_from", _p.c.registered_at, ">="),
    ("registered_to", _p.c.registered_at, "<"),
)


_NAME_WORDS = 5


_LIKE_ESCAPE = "/"


def _like_contains(word: str) -> str:
    escaped = word.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a list query's SQL depends on (its values are bound parameters): one prepared statement per shape."""

    sort: ParticipantSort
    sensitive: bool
    scoped: bool
    keyset: bool
    equals: tuple[str, ...]
    ranges: tuple[str, ...]
    words: int
    identifier: bool


class SqlParticipantQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads
        # Built once: (sensitive, tenant-scoped) -> statement with bound parameters (participant_id, tenant).
        self._by_id = {
            (flag, scoped): reads.prepare(
                self._select(flag).where(
                    _p.c.id == bindparam("participant_id"), *((visible_to(bindparam("tenant")),) if scoped else ())
                )
            )
            for flag in (False, True)
            for scoped in (False, True)
        }
        self._list = lru_cache(maxsize=256)(self._list_statement)

    @staticmethod
    def _columns(sensitive: bool) -> tuple[Any, ...]:
        return (*_PUBLIC, *_SENSITIVE) if sensitive else _PUBLIC

    @classmethod
    def _select(cls, sensitive: bool) -> Select[Any]:
        return select(*cls._columns(sensitive)).where(_p.c.merged_into_id.is_(None))

    async def get_participant(
        self, tenant: uuid.UUID | None, participant_id: uuid.UUID, *, sensitive: bool
    ) -> ParticipantRow | None:
        prepared = self._by_id[(sensitive, tenant is not None)]
        parameters = {"participant_id": participant_id, "tenant": tenant}
        rows = await self._reads.rows(prepared, parameters)
        return _row(rows[0], sensitive) if rows else None

    async def list_participants(
        self,
        tenant: uuid.UUID | None,
        filters: ParticipantFilters,
        after: Sequence[str] | None,
        limit: int,
        *,
        sensitive: bool,
    ) -> Sequence[ParticipantRow]:
        words = search_key(filters.name).split()[:_NAME_WORDS] if filters.name else []
        parameters: dict[str, Any] = {"tenant": tenant, "limit": limit}
        equals = tuple(name for name, _ in _EQUALS if getattr(filters, name) is not None)
        ranges = tuple(name for name, _, _ in _RANGES if getattr(filters, name) is not None)
        for name in (*equals, *ranges):
            parameters[name] = getattr(filters, name)
        for index, word in enumerate(words):
            parameters[f"word_{index}"] = _like_contains(word)
        if filters.identifier_key is not None:
            parameters["identifier_key"] = filters.identifier_key
        if after is not None:
            parameters["after_key"] = (
                after[0] if filters.sort is ParticipantSort.NAME else datetime.fromisoformat(after[0])
            )
            parameters["after_id"] = uuid.UUID(after[1])
        shape = _Shape(
            sort=filters.sort,
            sensitive=sensitive,
            scoped=tenant is not None,
            keyset=after is not None,
            equals=equals,
            ranges=ranges,
            words=len(words),
            identifier=filters.identifier_key is not None,
        )
        rows = await self._reads.rows(self._list(shape), parameters)
        sort = filters.sort
        return [_row(row, sensitive, sort) for row in rows]

    def _list_statement(self, shape: _Shape) -> PreparedRead:
        conditions: list[Any] = [column == bindparam(name) for name, column in _EQUALS if name in shape.equals]
        for name, column, operator in _RANGES:
            if name in shape.ranges:
                conditions.append(column.operate(_OPERATORS[operator], bindparam(name)))
        # Erased people have an empty key, so no name search ever finds them.
        conditions += [
            _p.c.name_key.like(bindparam(f"word_{index}"), escape=_LIKE_ESCAPE) for index in range(shape.words)
        ]
        if shape.identifier:
            conditions.append(
                exists().where(_ids.c.participant_id == _p.c.id, _ids.c.key == bindparam("identifier_key"))
            )
        by_name = shape.sort is ParticipantSort.NAME
        sort_key = _p.c.name_key if by_name else _p.c.registered_at
        order = (sort_key, _p.c.id)
        limit = bindparam("limit", type_=Integer)
        statement = self._select(shape.sensitive).where(*conditions)
        if shape.keyset:
            statement = statement.where(_after(sort_key, _p.c.id))
        if not shape.scoped:
            return self._reads.prepare(statement.order_by(*order).limit(limit))
        # "Owned OR shared by consent" as one OR defeats the (owner, sort key) indexes: PostgreSQL then reads every row
        # matching the filters and sorts them (≈ 0.4 s at 1M people). Each branch instead takes its first `limit`
        # people in index order — owned ones from `participants`, shared ones through the `participant_shares` read
        # model in the same order — and the page is the first `limit` of the two. The branches are disjoint (the
        # shared one leaves the partner's own people out) and return whole rows: nobody on the page is read twice.
        tenant: BindParameter[Any] = bindparam("tenant")
        owned = statement.where(_p.c.owner_partner_id == tenant).order_by(*order).limit(limit).cte("owned")
        share_key = _s.c.name_key if by_name else _s.c.registered_at
        owned_key = owned.c.name_key if by_name else owned.c.registered_at
        # With a full page of owned people, a shared person sorting after the last of them cannot be on the page: the
        # shared branch stops there instead of reading `limit` people who would all be dropped. (Otherwise it stops at
        # the partner's last share, which bounds nothing.)
        last_owned = select(func.max(owned_key)).having(func.count() >= limit).scalar_subquery()
        last_shared = select(func.max(share_key)).where(_s.c.partner_id == tenant).scalar_subquery()
        shared = (
            select(*self._columns(shape.sensitive))
            .select_from(_s.join(_p, _p.c.id == _s.c.participant_id))
            .where(
                _s.c.partner_id == tenant,
                share_key <= func.coalesce(last_owned, last_shared),
                _p.c.owner_partner_id != tenant,
                _p.c.merged_into_id.is_(None),
                *conditions,
            )
            .order_by(share_key, _s.c.participant_id)
            .limit(limit)
        )
        if shape.keyset:
            shared = shared.where(_after(share_key, _s.c.participant_id))
        # Two sharing consents naming the same partner give two rows of one person, alike in every column: each
        # person once, so that the branch holds `limit` different people. PostgreSQL compares the sort key and id
        # only (DISTINCT ON, in the order its index scan already gives); SQLite, which lacks it, whole rows.
        shared = (
            shared.ext(distinct_on(share_key, _s.c.participant_id)) if self._reads.postgresql else shared.distinct()
        )
        page = union_all(select(owned), select(shared.subquery("shared"))).subquery("page")
        page_key = page.c.name_key if by_name else page.c.registered_at
        return self._reads.prepare(
            select(*page.c).order_by(page_key, page.c.id).limit(limit), generic=_generic_plan_fits(shape)
        )


def _generic_plan_fits(shape: _Shape) -> bool:
    """Whether a page's best plan is the same whatever its values: no filter, or only the population group when sorted
    by registration (`ix_participants_owner_group_registered`), and the owned people are an ordered index range that
    stops after the page (the shared ones are too, bounded by the partner's shares). Any other filter may be rare or
    common, and its plan depends on which: PostgreSQL plans those afresh for every page."""
    if shape.ranges or shape.words or shape.identifier:
        return False
    if not shape.equals:
        return True
    return shape.equals == ("population_group",) and shape.sort is ParticipantSort.REGISTERED_AT


_OPERATORS = {">=": operators.ge, "<=": operators.le, "<": operators.lt}


def _after(sort_key: Any, id_column: Any) -> Any:
    """The keyset condition: strictly after the cursor's (sort key, id), as one row comparison, which an index on
    (…, sort key, id) takes as where its range starts (the equivalent OR is a filter: every row before the cursor
    would be read and dropped, ≈ 1.7 s for a page 100,000 people in)."""
    return tuple_(sort_key, id_column) > tuple_(
        bindparam("after_key", type_=sort_key.type), bindparam("after_id", type_=id_column.type)
    )
