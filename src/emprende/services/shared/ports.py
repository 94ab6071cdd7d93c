"""Ports every area uses: the clock, the unit of work, health and idempotency."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar

from emprende.domain.audit.trail import Actor
from emprende.services.shared.principal import Scope


class Clock(Protocol):
    def now(self) -> datetime: ...


class UnitOfWork(Protocol):
    """One business transaction: changes are committed together (with their audit and events) or not at all.

    This is the core every area shares. Each area declares the repositories it brings (`<Area>Repositories` in
    `services/<area>/ports.py`) and the unit of work its use cases need: the core plus its own repositories and those
    of the areas it reads (`<Area>UnitOfWork`). The repositories only see what the scope's tenant may see: a partner's
    principal gets its own partner's objects and nothing else, so a use case cannot forget the tenant filter."""

    def act_as(self, actor: Actor) -> None:
        """Attribute the changes to another actor than the scope's (e.g. the user who just signed in)."""
        ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


UnitOfWorkT_co = TypeVar("UnitOfWorkT_co", bound=UnitOfWork, covariant=True)


class UnitOfWorkFactory(Protocol[UnitOfWorkT_co]):
    """Opens units of work of an area's type, e.g. `UnitOfWorkFactory[ParticipantsUnitOfWork]`."""

    def __call__(self, scope: Scope, *, read_only: bool = False) -> UnitOfWorkT_co:
        """A unit of work for `scope`; a read-only one takes no write lock and refuses to commit."""
        ...


class HealthProbe(Protocol):
    async def database_ok(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    same_request: bool
    """Whether the key was claimed by a request with the same fingerprint."""
    response: StoredResponse | None
    """None while the first request with this key is still being processed, or when `unreadable`."""
    unreadable: bool = False
    """A response is stored but can no longer be read (it was sealed under a secret since replaced)."""


class IdempotencyStore(Protocol):
    async def reserve(
        self, owner: str, key: str, fingerprint: str, now: datetime, expires_at: datetime
    ) -> IdempotencyRecord | None:
        """Claim the key for this request; None if claimed now, else the record already held."""
        ...

    async def complete(self, owner: str, key: str, response: StoredResponse) -> None: ...
    async def release(self, owner: str, key: str) -> None: ...
