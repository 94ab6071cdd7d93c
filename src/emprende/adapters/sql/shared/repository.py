"""What every area's repositories share, and how an area registers them with the unit of work.

An area's repositories are attributes of a mixin class (`AreaRepositories`), declared with `repository(...)`; the
composition root lists the mixins in the bases of the application's unit of work, so `uow.participants` is typed and
the unit of work core names no area. The mixin also carries the area's `SqlArea`: how its entities are mapped and
audited, which unique constraints mean which domain error, and which new rows the unit of work inserts itself.

`tenant` None is the operator (every partner's rows); a partner id restricts every read to that partner's rows,
so another partner's object looks exactly like a missing one."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast, overload

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import registry

from emprende.domain.shared.errors import DomainError


class NewRows:
    """Entities (people, consents, duplicate pairs…) created in a unit of work, inserted when it commits, and plain
    rows that go with them (a person's identifier keys).

    They are written with one `INSERT` per table, parents first, instead of through the ORM: the ORM does not order
    tables that have no relationship between them (a registration needed two flushes to insert the person before
    their consent) and its flush costs several times the CPU of the statements themselves. The unit of work audits
    the entities and writes their events exactly as it does for what the session flushes; a flush does not write
    them."""

    def __init__(self) -> None:
        self.entities: list[object] = []
        self.rows: dict[Table, dict[object, list[dict[str, Any]]]] = {}

    def add(self, entity: object) -> None:
        self.entities.append(entity)

    def holds(self, entity: object) -> bool:
        return any(item is entity for item in self.entities)

    def set_rows(self, table: Table, owner: object, rows: list[dict[str, Any]]) -> None:
        """The plain rows of `table` that belong to `owner` (replacing those set before for it)."""
        self.rows.setdefault(table, {})[owner] = rows

    def rows_of(self, table: Table) -> list[dict[str, Any]]:
        return [row for rows in self.rows.get(table, {}).values() for row in rows]

    def clear(self) -> None:
        self.entities.clear()
        self.rows.clear()


class TenantRepository:
    """A repository: reads through the tenant filter, hands new entities to the unit of work's `NewRows` or its
    session. It never commits."""

    def __init__(self, session: AsyncSession, tenant: uuid.UUID | None, new_rows: NewRows) -> None:
        self._session = session
        self._tenant = tenant
        self._new_rows = new_rows


@dataclass(frozen=True, slots=True)
class NewRowTable:
    """A table the unit of work inserts into itself at commit: the new entities of `entity` (or, without one, the plain
    rows set for the table)."""

    table: Table
    entity: type | None = None


@dataclass(frozen=True, slots=True)
class SqlArea:
    """What an area tells the database adapters' shared kernel about itself."""

    name: str
    map_entities: Callable[[registry], None]
    """Map the area's entities onto its tables (imperatively: the domain classes stay free of SQLAlchemy)."""
    audited: Mapping[type, str]
    """Entity class -> the name the audit trail uses for it."""
    unique_violations: Mapping[str, Callable[[], DomainError]] = field(default_factory=dict)
    """Unique constraint name -> the domain error a concurrent writer's win means (the use case checked first)."""
    new_rows: tuple[NewRowTable, ...] = ()
    """Tables the unit of work inserts into itself at commit, parents first."""


class RepositoryHost(Protocol):
    """The unit of work as its repositories see it."""

    session: AsyncSession
    tenant: uuid.UUID | None
    new_rows: NewRows


class AreaRepositories:
    """Base of an area's repositories on the unit of work: subclasses set `sql_area` and declare `repository(...)`
    attributes."""

    sql_area: ClassVar[SqlArea]


R = TypeVar("R")


class repository(Generic[R]):  # noqa: N801 - used like a function in class bodies, as `property` is
    """A repository attribute of a unit of work, built on first use within each transaction."""

    def __init__(self, build: Callable[[AsyncSession, uuid.UUID | None, NewRows], R]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, host: None, owner: type) -> Self: ...
    @overload
    def __get__(self, host: RepositoryHost, owner: type) -> R: ...
    def __get__(self, host: RepositoryHost | None, owner: type) -> Self | R:
        if host is None:
            return self
        built: dict[str, Any] = host.__dict__.setdefault("_repositories", {})
        if self._name not in built:
            built[self._name] = self._build(host.session, host.tenant, host.new_rows)
        return cast(R, built[self._name])


def areas_of(cls: type) -> tuple[SqlArea, ...]:
    """The areas whose repositories `cls` (a unit of work class) offers, in the order of its bases."""
    found: list[SqlArea] = []
    for base in cls.__mro__:
        area = base.__dict__.get("sql_area")
        if isinstance(area, SqlArea) and area not in found:
            found.append(area)
    return tuple(found)
