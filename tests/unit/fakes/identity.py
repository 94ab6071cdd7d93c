"""In-memory fakes of the identity area: accounts, login sessions, password hashing, tokens, who is acting."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import User
from emprende.domain.shared.errors import AuthenticationFailed
from emprende.services.identity.ports import (
    AccessClaims,
    ClientRecord,
    IssuedToken,
    PrincipalRecord,
    RefreshClaims,
    UserFilters,
    UserRow,
)
from tests.unit.fakes.shared import FakeAreaRepositories, FakeClock, fake_repository

if TYPE_CHECKING:
    from tests.unit.fakes import FakeDatabase


class FakeUserRepository:
    def __init__(self, users: dict[uuid.UUID, User], tenant: uuid.UUID | None = None) -> None:
        self._users = users
        self._tenant = tenant

    def _visible(self, user: User | None) -> User | None:
        return user if user is not None and self._tenant in (None, user.partner_id) else None

    def add(self, user: User) -> None:
        self._users[user.id] = user

    async def get(self, user_id: uuid.UUID) -> User | None:
        return self._visible(self._users.get(user_id))

    async def get_by_email(self, email: str) -> User | None:
        return self._visible(next((user for user in self._users.values() if user.email == email), None))

    async def email_taken(self, email: str) -> bool:
        return any(user.email == email for user in self._users.values())

    async def linked_to(self, participant_id: uuid.UUID) -> User | None:
        return next((user for user in self._users.values() if user.participant_id == participant_id), None)

    async def count(self) -> int:
        return sum(1 for user in self._users.values() if self._visible(user) is not None)


class FakeLoginSessionRepository:
    def __init__(self, sessions: dict[uuid.UUID, LoginSession]) -> None:
        self._sessions = sessions

    def add(self, session: LoginSession) -> None:
        self._sessions[session.id] = session

    async def get(self, session_id: uuid.UUID) -> LoginSession | None:
        return self._sessions.get(session_id)

    async def active_for_user(self, user_id: uuid.UUID) -> list[LoginSession]:
        return [item for item in self._sessions.values() if item.user_id == user_id and not item.is_revoked]


class FakePasswordHasher:
    """Fast and transparent: records every call, so tests can compare the work done for each case."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def hash(self, password: str) -> str:
        self.calls.append("hash")
        return f"fake-hash:{password}"

    async def verify(self, password: str, password_hash: str) -> bool:
        self.calls.append("verify")
        _scheme, _, hashed = password_hash.partition(":")
        return hashed == password

    async def verify_unknown(self, password: str) -> None:
        self.calls.append("verify_unknown")

    def needs_rehash(self, password_hash: str) -> bool:
        """Only `fake-hash:` is current; any other scheme (say `old-hash:`) verifies but asks to be rehashed."""
        return not password_hash.startswith("fake-hash:")


@dataclass(frozen=True)
class _Issued:
    typ: str
    subject: uuid.UUID
    session_id: uuid.UUID
    token_id: uuid.UUID
    expires_at: datetime
    scopes: frozenset[str] = frozenset()
    is_client: bool = False


class FakeTokenService:
    """Opaque numbered tokens; decoding checks the type and the expiry against the fake clock."""

    def __init__(self, clock: FakeClock, access_lifetime: timedelta = timedelta(minutes=15)) -> None:
        self._clock = clock
        self._access_lifetime = access_lifetime
        self._issued: dict[str, _Issued] = {}

    def _issue(self, issued: _Issued) -> IssuedToken:
        token = f"{issued.typ}-{len(self._issued) + 1}"
        self._issued[token] = issued
        return IssuedToken(token, issued.expires_at)

    def issue_access(self, *, subject: uuid.UUID, session_id: uuid.UUID, now: datetime) -> IssuedToken:
        return self._issue(_Issued("access", subject, session_id, uuid.uuid4(), now + self._access_lifetime))

    def issue_client_access(self, *, client_id: uuid.UUID, scopes: frozenset[str], now: datetime) -> IssuedToken:
        return self._issue(
            _Issued("access", client_id, uuid.UUID(int=0), uuid.uuid4(), now + self._access_lifetime, scopes, True)
        )

    def issue_refresh(
        self,
        *,
        subject: uuid.UUID,
        session_id: uuid.UUID,
        token_id: uuid.UUID,
        now: datetime,
        expires_at: datetime,
    ) -> IssuedToken:
        return self._issue(_Issued("refresh", subject, session_id, token_id, expires_at))

    def _decode(self, token: str, typ: str) -> _Issued:
        issued = self._issued.get(token)
        if issued is None or issued.typ != typ:
            raise AuthenticationFailed("invalid token", code="invalid_token")
        if self._clock.now() >= issued.expires_at:
            raise AuthenticationFailed("token expired", code="token_expired")
        return issued

    def decode_access(self, token: str) -> AccessClaims:
        issued = self._decode(token, "access")
        if issued.is_client:
            return AccessClaims(issued.subject, None, issued.expires_at, is_client=True, scopes=issued.scopes)
        return AccessClaims(issued.subject, issued.session_id, issued.expires_at)

    def decode_refresh(self, token: str) -> RefreshClaims:
        issued = self._decode(token, "refresh")
        return RefreshClaims(issued.subject, issued.session_id, issued.token_id)

    def subject_of(self, token: str) -> str | None:
        try:
            return str(self.decode_access(token).subject)
        except AuthenticationFailed:
            return None


class FakePrincipalLookup:
    """Reads the committed state, as the real lookup reads the database."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None:
        user = self._db.users.get(user_id)
        if user is None:
            return None
        session = self._db.sessions.get(session_id) if session_id is not None else None
        revoked = session_id is not None and (session is None or session.user_id != user_id or session.is_revoked)
        partner = self._db.partners.get(user.partner_id) if user.partner_id else None
        return PrincipalRecord(
            user.id,
            user.role,
            user.is_active,
            session_revoked=revoked,
            partner_id=user.partner_id,
            partner_active=user.partner_id is None or (partner is not None and partner.is_active),
            password_reset_required=user.password_reset_required,
            session_expires_at=session.expires_at if session is not None else None,
        )

    async def find_client(self, client_id: uuid.UUID, now: datetime) -> ClientRecord | None:
        client = self._db.clients.get(client_id)
        if client is None:
            return None
        partner = self._db.partners.get(client.partner_id)
        return ClientRecord(
            client.id,
            client.partner_id,
            client.scopes,
            client.is_usable(now),
            partner is not None and partner.is_active,
        )


class FakeUserQueries:
    """The read side over the fake database's committed users."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    @staticmethod
    def _row(user: User) -> UserRow:
        return UserRow(
            id=user.id,
            partner_id=user.partner_id,
            email=user.email,
            full_name=user.full_name,
            role=user.role,
            is_active=user.is_active,
            preferred_language=user.preferred_language.value,
            password_reset_required=user.password_reset_required,
            created_at=user.created_at,
            updated_at=user.updated_at,
            version=user.version,
        )

    async def get_user(self, tenant: uuid.UUID | None, user_id: uuid.UUID) -> UserRow | None:
        user = self._db.users.get(user_id)
        if user is None or tenant not in (None, user.partner_id):
            return None
        return self._row(user)

    async def list_users(
        self, tenant: uuid.UUID | None, filters: UserFilters, after: uuid.UUID | None, limit: int
    ) -> list[UserRow]:
        users = sorted(self._db.users.values(), key=lambda user: user.id)
        return [
            self._row(user)
            for user in users
            if tenant in (None, user.partner_id) and (after is None or user.id > after)
        ][:limit]


@dataclass
class IdentityTables:
    users: dict[uuid.UUID, User] = field(default_factory=dict)
    sessions: dict[uuid.UUID, LoginSession] = field(default_factory=dict)


class FakeIdentityRepositories(FakeAreaRepositories):
    tables = ("users", "sessions")
    aggregates = ("users",)
    users = fake_repository(lambda uow: FakeUserRepository(uow._db.users, uow.tenant))
    sessions = fake_repository(lambda uow: FakeLoginSessionRepository(uow._db.sessions))
