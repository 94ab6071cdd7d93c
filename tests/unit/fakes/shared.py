"""What every area's fakes share: the clock, and the unit of work's core (snapshot, commit, rollback)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, ClassVar, Self

from emprende.domain.audit.trail import Actor
from emprende.services.shared.principal import SYSTEM, Scope

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


def _state(obj: object) -> dict[str, object]:
    return {name: value for name, value in vars(obj).items() if not name.startswith("_")}


class fake_repository:  # noqa: N801 - used like `property` in class bodies
    """A repository of the fake unit of work, built on first use in each transaction from the unit of work."""

    def __init__(self, build: Callable[[Any], object]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, uow: Any, owner: type) -> Any:
        if uow is None:
            return self
        built = uow.__dict__.setdefault("_repositories", {})
        if self._name not in built:
            built[self._name] = self._build(uow)
        return built[self._name]


class FakeAreaRepositories:
    """Base of an area's fake repositories: `tables` names the fake database's dicts of objects the area keeps (their
    objects' state snapshotted and restored on rollback), `aggregates` those holding aggregates (versioned and their
    events kept on commit)."""

    tables: ClassVar[tuple[str, ...]] = ()
    aggregates: ClassVar[tuple[str, ...]] = ()
    indexes: ClassVar[tuple[str, ...]] = ()
    """Dicts of plain values (no objects to snapshot), restored on rollback."""
    self_versioned: ClassVar[tuple[str, ...]] = ()
    """Aggregates that count their own versions (the ORM checks, but does not add to, their `version`)."""


def _gather(cls: type, attribute: str) -> tuple[str, ...]:
    names: list[str] = []
    for base in reversed(cls.__mro__):
        for name in base.__dict__.get(attribute, ()):
            if name not in names:
                names.append(name)
    return tuple(names)


class FakeUnitOfWorkCore:
    """Changes made in the transaction are undone on exit unless committed (objects are shared, state is restored).
    Subclasses list the areas' `FakeAreaRepositories` among their bases, as the application's unit of work does."""

    def __init__(self, db: Any, scope: Scope = SYSTEM) -> None:
        self._db = db
        self.actor = scope.actor
        self.tenant = scope.tenant
        self.committed = False
        self._tables = _gather(type(self), "tables")
        self._aggregates = _gather(type(self), "aggregates")
        self._indexes = _gather(type(self), "indexes")
        self._self_versioned = _gather(type(self), "self_versioned")

    def act_as(self, actor: Actor) -> None:
        self.actor = actor

    def _take_snapshot(self) -> None:
        self._before = {name: dict(getattr(self._db, name)) for name in (*self._tables, *self._indexes)}
        objects = [obj for name in self._tables for obj in getattr(self._db, name).values()]
        self._snapshot = {id(obj): (obj, _state(obj)) for obj in objects}

    async def __aenter__(self) -> Self:
        self._take_snapshot()
        self.__dict__.pop("_repositories", None)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        for name in self._aggregates:
            counted = name not in self._self_versioned
            for obj in getattr(self._db, name).values():
                before = self._snapshot.get(id(obj))
                if counted and before is not None and before[1] != _state(obj) and hasattr(obj, "version"):
                    obj.version += 1  # what the ORM's version counter does on an update
                self._db.events.extend(obj.pull_events())
        self._db.commits.append(self.actor)
        self.committed = True
        self._take_snapshot()

    async def rollback(self) -> None:
        for obj, state in self._snapshot.values():
            for name, value in state.items():
                setattr(obj, name, value)
        for name, before in self._before.items():
            table = getattr(self._db, name)
            table.clear()
            table.update(before)
