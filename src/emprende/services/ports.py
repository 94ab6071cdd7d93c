"""Ports: what the use cases need from the outside world, as typing.Protocols that adapters fill."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from emprende.domain.audit import Actor
from emprende.domain.sessions import LoginSession
from emprende.domain.users import Role, User


class Clock(Protocol):
    def now(self) -> datetime: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    async def get(self, user_id: uuid.UUID) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None: ...
    async def count(self) -> int: ...


class LoginSessionRepository(Protocol):
    def add(self, session: LoginSession) -> None: ...
    async def get(self, session_id: uuid.UUID) -> LoginSession | None: ...


class UnitOfWork(Protocol):
    """One business transaction: changes are committed together (with their audit and events) or not at all."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def sessions(self) -> LoginSessionRepository: ...

    def act_as(self, actor: Actor) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password: str, password_hash: str) -> bool: ...
    async def verify_unknown(self, password: str) -> None:
        """Spend the time of a verification when there is no account, so both cases look alike."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class AccessClaims:
    subject: uuid.UUID
    session_id: uuid.UUID | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    subject: uuid.UUID
    session_id: uuid.UUID
    token_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


class TokenService(Protocol):
    def issue_access(self, *, subject: uuid.UUID, session_id: uuid.UUID, now: datetime) -> IssuedToken: ...
    def issue_refresh(
        self,
        *,
        subject: uuid.UUID,
        session_id: uuid.UUID,
        token_id: uuid.UUID,
        now: datetime,
        expires_at: datetime,
    ) -> IssuedToken: ...
    def decode_access(self, token: str) -> AccessClaims: ...
    def decode_refresh(self, token: str) -> RefreshClaims: ...
    def subject_of(self, token: str) -> str | None:
        """The verified subject of an access token, or None; for keying per-caller state."""
        ...


class LoginRateLimiter(Protocol):
    def check(self, account: str, client: str, now: datetime) -> None:
        """Raise TooManyAttempts when either the account or the client address is over its limit."""
        ...

    def record_failure(self, account: str, client: str, now: datetime) -> None: ...
    def record_attempt(self, client: str, now: datetime) -> None: ...
    def reset_account(self, account: str) -> None: ...


@dataclass(frozen=True, slots=True)
class PrincipalRecord:
    """What authentication needs to know about a token's subject, read in one query."""

    user_id: uuid.UUID
    role: Role
    is_active: bool
    session_revoked: bool
    partner_id: uuid.UUID | None = None


class PrincipalLookup(Protocol):
    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None: ...


@dataclass(frozen=True, slots=True)
class UserRow:
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    is_active: bool
    preferred_language: str
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class UserFilters:
    role: Role | None = None
    is_active: bool | None = None
    email_contains: str | None = None


class UserQueries(Protocol):
    async def list_users(self, filters: UserFilters, after: uuid.UUID | None, limit: int) -> Sequence[UserRow]: ...


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: uuid.UUID
    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str
    changes: Mapping[str, object]
    request_id: str | None


@dataclass(frozen=True, slots=True)
class AuditFilters:
    entity_type: str | None = None
    entity_id: str | None = None
    actor_id: uuid.UUID | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


class AuditQueries(Protocol):
    async def list_events(self, filters: AuditFilters, after: uuid.UUID | None, limit: int) -> Sequence[AuditRow]: ...


class HealthProbe(Protocol):
    async def database_ok(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    fingerprint: str
    response: StoredResponse | None
    """None while the first request with this key is still being processed."""


class IdempotencyStore(Protocol):
    async def reserve(
        self, owner: str, key: str, fingerprint: str, now: datetime, expires_at: datetime
    ) -> IdempotencyRecord | None:
        """Claim the key for this request; None if claimed now, else the record already held."""
        ...

    async def complete(self, owner: str, key: str, response: StoredResponse) -> None: ...
    async def release(self, owner: str, key: str) -> None: ...
