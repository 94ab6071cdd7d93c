"""The bulk import's lookups, one query per batch for each: who holds the batch's identifier keys, and the registry's
people who may be its new people's probable duplicates, with whether the importer may see each of them.

On PostgreSQL they run on the import transaction's own asyncpg connection (see `import_sink`), on SQLite on its
session; every lookup has an index.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar, overload

from sqlalchemy import ColumnClause, ColumnElement, Dialect, Select, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from emprende.adapters.sql.participants import lookalikes
from emprende.adapters.sql.participants import tables as participant_tables
from emprende.domain.participants.matching import PersonSketch
from emprende.services.imports.ports import NameBlock, RegistrySketches

T = TypeVar("T")
_CHUNK = 500  # keys per IN (...) list on SQLite: well under its parameter limit


class AsyncpgConnection(Protocol):
    """What the import uses of an asyncpg connection (asyncpg ships no type information)."""

    def is_in_transaction(self) -> bool: ...
    async def fetch(self, query: str, *args: Any) -> list[Sequence[Any]]: ...
    async def copy_records_to_table(
        self, table_name: str, *, records: Iterable[Sequence[Any]], columns: Sequence[str]
    ) -> str: ...


# PostgreSQL lookups (`lookalikes`): one statement per batch whatever its size (an array parameter, not a list of
# parameters), each served by an index. People born on the same day come back as one row: their name keys as an array,
# their ids as one byte string (16 bytes each, in the same order), read into a UUID only for the few whose name passes
# the screen. A batch's days hold some 135,000 people at a million: decoding each id cost as much as the rest of the
# lookup.
_people = lookalikes.people
_PG_KEYS: ColumnClause[Any] = literal_column("$1::varchar[]")
_PG_DAYS: ColumnClause[Any] = literal_column("$1::date[]")
_PG_OWNERS = "SELECT id, owner_partner_id FROM participants WHERE id = ANY($1::uuid[])"
# Whether a partner importing may see each person of the blocks (its tenant the statement's second parameter); the
# operator sees everyone and its statements leave it out. For a day, one character a person, "1" or "0", in the order
# of the day's ids (every aggregate of a group reads its rows in the same order).
_SEEN = lookalikes.seen_by(literal_column("$2::uuid"))


def _pg_holders() -> Select[Any]:
    ids = lookalikes.identifiers
    return select(ids.key, ids.participant_id).where(lookalikes.holding(lookalikes.equal_to(func.any(_PG_KEYS))))


def _pg_born_on(seen: bool) -> Select[Any]:
    columns: list[ColumnElement[Any]] = [
        _people.birth_date,
        func.string_agg(func.uuid_send(_people.id), literal_column("''::bytea")),
        func.array_agg(_people.name_key),
    ]
    if seen:
        columns.append(func.string_agg(case((_SEEN, "1"), else_="0"), literal_column("''")))
    return (
        select(*columns)
        .where(lookalikes.born_on(lookalikes.equal_to(func.any(_PG_DAYS))), lookalikes.LIVE)
        .group_by(_people.birth_date)
    )


# Whether someone sharing a phone is live is read, not filtered on: a condition on `merged_into_id` would make a whole
# scan of the partial birth-date index a candidate plan, which statistics taken before an import filled the table
# make look cheap; once chosen, it was kept for every batch (7 s of a 100,000-row import into an empty registry).
def _pg_with_phone(seen: bool) -> Select[Any]:
    columns = (*lookalikes.SKETCH, lookalikes.LIVE, *((_SEEN,) if seen else ()))
    return select(*columns).where(lookalikes.with_phone(lookalikes.equal_to(func.any(_PG_KEYS))))


@dataclass(frozen=True, slots=True)
class _PgBlocks:
    """The block lookups as asyncpg's SQL text (their `$n` parameters are literal columns, other values literals), by
    whether the importer is a partner (its id the second parameter)."""

    holders: str
    born_on: dict[bool, str]
    with_phone: dict[bool, str]


_pg_blocks: weakref.WeakKeyDictionary[Dialect, _PgBlocks] = weakref.WeakKeyDictionary()


def _blocks_sql(dialect: Dialect) -> _PgBlocks:
    if (found := _pg_blocks.get(dialect)) is not None:
        return found

    def sql(statement: Select[Any]) -> str:
        return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))

    seen = (False, True)
    _pg_blocks[dialect] = found = _PgBlocks(
        sql(_pg_holders()),
        {flag: sql(_pg_born_on(flag)) for flag in seen},
        {flag: sql(_pg_with_phone(flag)) for flag in seen},
    )
    return found


def chunks(items: Sequence[T]) -> list[Sequence[T]]:
    """The items in slices short enough for one SQLite `IN (...)` list."""
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


class _PackedIds(Sequence[uuid.UUID]):
    """Ids packed 16 bytes apiece (PostgreSQL's binary form of a uuid), each made a UUID when it is read."""

    __slots__ = ("_packed",)

    def __init__(self, packed: bytes) -> None:
        if len(packed) % 16:
            raise ValueError("packed ids are 16 bytes each")
        self._packed = packed

    def __len__(self) -> int:
        return len(self._packed) // 16

    @overload
    def __getitem__(self, index: int, /) -> uuid.UUID: ...
    @overload
    def __getitem__(self, index: slice, /) -> Sequence[uuid.UUID]: ...
    def __getitem__(self, index: int | slice, /) -> uuid.UUID | Sequence[uuid.UUID]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError("packed id index out of range")
        return uuid.UUID(bytes=self._packed[16 * position : 16 * position + 16])


class _Flags(Sequence[bool]):
    """One "1" or "0" a person, read as a bool when it is asked for."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __len__(self) -> int:
        return len(self._text)

    @overload
    def __getitem__(self, index: int, /) -> bool: ...
    @overload
    def __getitem__(self, index: slice, /) -> Sequence[bool]: ...
    def __getitem__(self, index: int | slice, /) -> bool | Sequence[bool]:
        if isinstance(index, slice):
            return [flag == "1" for flag in self._text[index]]
        return self._text[index] == "1"


class BatchLookups:
    """One import transaction's lookups: on its asyncpg connection when there is one (PostgreSQL), else its session.
    `tenant` is the importing partner (None: the operator, who sees everyone)."""

    def __init__(self, session: AsyncSession, pg: AsyncpgConnection | None, tenant: uuid.UUID | None) -> None:
        self._session = session
        self._pg = pg
        self._tenant = tenant
        self._dialect = session.get_bind().dialect

    async def holders(self, keys: Sequence[str]) -> dict[str, tuple[uuid.UUID, uuid.UUID]]:
        """Identifier key → (participant id, owner partner id), across all tenants."""
        # Two primary-key lookups rather than a join: the plan stays an index scan while the tables grow in the import.
        held: dict[str, uuid.UUID] = {}
        owners: dict[uuid.UUID, uuid.UUID] = {}
        if self._pg is not None:
            holders = _blocks_sql(self._dialect).holders
            held.update((row[0], row[1]) for row in await self._pg.fetch(holders, list(keys)))
            if held:
                owners.update((row[0], row[1]) for row in await self._pg.fetch(_PG_OWNERS, list(set(held.values()))))
        else:
            ids, people = participant_tables.participant_identifiers.c, participant_tables.participants.c
            session = self._session
            for chunk in chunks(list(keys)):
                statement = select(ids.key, ids.participant_id).where(lookalikes.holding(lookalikes.among(chunk)))
                held.update((row.key, row.participant_id) for row in await session.execute(statement))
            for found in chunks(sorted(set(held.values()))):
                statement = select(people.id, people.owner_partner_id).where(people.id.in_(found))
                owners.update((row.id, row.owner_partner_id) for row in await session.execute(statement))
        return {key: (pid, owners[pid]) for key, pid in held.items() if pid in owners}

    async def sketches(self, birth_dates: Sequence[date], phones: Sequence[str]) -> RegistrySketches:
        """Live people born on any of these days or with any of these phones, and whether the tenant sees each."""
        tenant = self._tenant
        if self._pg is not None:
            lookups, seen = _blocks_sql(self._dialect), (tenant,) if tenant is not None else ()
            born_on = await self._pg.fetch(lookups.born_on[bool(seen)], list(birth_dates), *seen) if birth_dates else []
            with_phone = await self._pg.fetch(lookups.with_phone[bool(seen)], list(phones), *seen) if phones else []
            return RegistrySketches(
                {
                    day: NameBlock(_PackedIds(ids), keys, _Flags(rest[0]) if rest else None)
                    for day, ids, keys, *rest in born_on
                },
                [
                    (pid, PersonSketch(key, day, phone), bool(rest[0]) if rest else True)
                    for pid, key, day, phone, live, *rest in with_phone
                    if live
                ],
            )
        c = lookalikes.people
        visible = lookalikes.seen_by(tenant)
        session = self._session
        days: dict[date, tuple[list[uuid.UUID], list[str], list[bool]]] = {}
        for day_chunk in chunks(list(birth_dates)):
            born = lookalikes.born_on(lookalikes.among(day_chunk))
            statement = select(c.birth_date, c.id, c.name_key, visible).where(born, lookalikes.LIVE)
            for day, pid, key, flag in await session.execute(statement):
                ids, keys, flags = days.setdefault(day, ([], [], []))
                ids.append(pid)
                keys.append(key)
                flags.append(bool(flag))
        sketches: list[tuple[uuid.UUID, PersonSketch, bool]] = []
        for phone_chunk in chunks(list(phones)):
            sharing = lookalikes.with_phone(lookalikes.among(phone_chunk))
            statement = select(*lookalikes.SKETCH, visible).where(sharing, lookalikes.LIVE)
            sketches += [
                (pid, PersonSketch(key, day, phone), bool(flag))
                for pid, key, day, phone, flag in await session.execute(statement)
            ]
        return RegistrySketches(
            {
                day: NameBlock(ids, keys, flags if tenant is not None else None)
                for day, (ids, keys, flags) in days.items()
            },
            sketches,
        )
