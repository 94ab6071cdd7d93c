"""Ports of the identity area: accounts, sessions, tokens, password hashing, sign-in limits, reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import Role, User
from emprende.services.partners.ports import PartnerRepositories
from emprende.services.shared.ports import UnitOfWork


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    async def get(self, user_id: uuid.UUID) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None:
        """Within the tenant; the system scope finds anyone (sign-in)."""
        ...

    async def email_taken(self, email: str) -> bool:
        """Across all tenants: e-mails are unique in the whole programme."""
        ...

    async def linked_to(self, participant_id: uuid.UUID) -> User | None:
        """The portal account of a participant, if any."""
        ...

    async def count(self) -> int: ...


class LoginSessionRepository(Protocol):
    def add(self, session: LoginSession) -> None: ...
    async def get(self, session_id: uuid.UUID) -> LoginSession | None: ...
    async def active_for_user(self, user_id: uuid.UUID) -> Sequence[LoginSession]: ...


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
    is_client: bool = False
    scopes: frozenset[str] = frozenset()


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
    def issue_client_access(self, *, client_id: uuid.UUID, scopes: frozenset[str], now: datetime) -> IssuedToken: ...
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
    partner_active: bool = True
    password_reset_required: bool = False
    session_expires_at: datetime | None = None
    participant_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ClientRecord:
    client_id: uuid.UUID
    partner_id: uuid.UUID
    scopes: frozenset[str]
    usable: bool
    partner_active: bool


class PrincipalLookup(Protocol):
    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None: ...
    async def find_client(self, client_id: uuid.UUID, now: datetime) -> ClientRecord | None: ...


@dataclass(frozen=True, slots=True)
class UserRow:
    id: uuid.UUID
    partner_id: uuid.UUID | None
    email: str
    full_name: str
    role: Role
    is_active: bool
    preferred_language: str
    password_reset_required: bool
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class UserFilters:
    partner_id: uuid.UUID | None = None
    role: Role | None = None
    is_active: bool | None = None
    email_contains: str | None = None


class UserQueries(Protocol):
    async def get_user(self, tenant: uuid.UUID | None, user_id: uuid.UUID) -> UserRow | None:
        """One account as the tenant may see it (None: any account)."""
        ...

    async def list_users(
        self, tenant: uuid.UUID | None, filters: UserFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[UserRow]:
        """`tenant` None lists every account (operator); otherwise that partner's accounts only."""
        ...


class IdentityRepositories(Protocol):
    """The identity area's repositories, as every unit of work that reads accounts offers them."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def sessions(self) -> LoginSessionRepository: ...


class IdentityUnitOfWork(UnitOfWork, IdentityRepositories, PartnerRepositories, Protocol):
    """What the identity area's use cases need: accounts and sessions, and the partners accounts belong to."""
