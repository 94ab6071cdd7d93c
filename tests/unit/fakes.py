"""In-memory fakes for the service ports: tiny, no I/O, just enough behaviour to exercise the use cases.

The fake unit of work restores the state it saw at the start of a transaction unless the transaction commits, so a
change a use case makes without committing is lost exactly as it would be with a real database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Self

from emprende.adapters.rate_limit import InMemoryLoginRateLimiter
from emprende.domain.audit.trail import Actor
from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import Role, User
from emprende.domain.partners.agreement import AgreementStatus, CooperationAgreement
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner, PartnerKind
from emprende.domain.shared.errors import AuthenticationFailed
from emprende.domain.shared.events import DomainEvent
from emprende.services.identity.auth import AuthComponents
from emprende.services.identity.ports import (
    AccessClaims,
    ClientRecord,
    IssuedToken,
    PrincipalRecord,
    RefreshClaims,
    UserFilters,
    UserRow,
)
from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind, Scope
from tests.unit.participant_fakes import (
    FakeConsentRepository,
    FakeDuplicateRepository,
    FakeParticipantRepository,
    RegistryTables,
)

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


@dataclass
class FakeDatabase(RegistryTables):
    """The committed state (the participant registry's tables included), plus what each commit did."""

    users: dict[uuid.UUID, User] = field(default_factory=dict)
    sessions: dict[uuid.UUID, LoginSession] = field(default_factory=dict)
    partners: dict[uuid.UUID, InstitutionalPartner] = field(default_factory=dict)
    agreements: dict[uuid.UUID, CooperationAgreement] = field(default_factory=dict)
    clients: dict[uuid.UUID, ApiClient] = field(default_factory=dict)
    commits: list[Actor] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)


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


class FakePartnerRepository:
    def __init__(
        self,
        partners: dict[uuid.UUID, InstitutionalPartner],
        tenant: uuid.UUID | None = None,
        agreements: dict[uuid.UUID, CooperationAgreement] | None = None,
    ) -> None:
        self._partners = partners
        self._tenant = tenant
        self._agreements = agreements if agreements is not None else {}

    def add(self, partner: InstitutionalPartner) -> None:
        self._partners[partner.id] = partner

    async def get(self, partner_id: uuid.UUID) -> InstitutionalPartner | None:
        return self._partners.get(partner_id) if self._tenant in (None, partner_id) else None

    async def get_with_agreements(
        self, partner_id: uuid.UUID
    ) -> tuple[InstitutionalPartner, list[CooperationAgreement]] | None:
        partner = await self.get(partner_id)
        if partner is None:
            return None
        return partner, sorted((a for a in self._agreements.values() if a.partner_id == partner_id), key=lambda a: a.id)

    async def exists(self, partner_id: uuid.UUID) -> bool:
        return partner_id in self._partners

    async def ruc_taken(self, ruc: str, *, other_than: uuid.UUID | None = None) -> bool:
        return any(item.ruc == ruc and item.id != other_than for item in self._partners.values())


class FakeAgreementRepository:
    def __init__(self, agreements: dict[uuid.UUID, CooperationAgreement], tenant: uuid.UUID | None = None) -> None:
        self._agreements = agreements
        self._tenant = tenant

    def add(self, agreement: CooperationAgreement) -> None:
        self._agreements[agreement.id] = agreement

    async def get(self, agreement_id: uuid.UUID) -> CooperationAgreement | None:
        agreement = self._agreements.get(agreement_id)
        return agreement if agreement is not None and self._tenant in (None, agreement.partner_id) else None

    async def for_partner(self, partner_id: uuid.UUID) -> list[CooperationAgreement]:
        if self._tenant not in (None, partner_id):
            return []
        return sorted((a for a in self._agreements.values() if a.partner_id == partner_id), key=lambda a: a.id)

    async def code_taken(self, code: str) -> bool:
        return any(item.code == code for item in self._agreements.values())

    async def expiring(self, today: date, within_days: int) -> list[CooperationAgreement]:
        horizon = today + timedelta(days=within_days)
        return sorted(
            (
                a
                for a in self._agreements.values()
                if self._tenant in (None, a.partner_id)
                and a.status_on(today) is AgreementStatus.ACTIVE
                and a.start_date <= today <= a.current_end_date <= horizon
            ),
            key=lambda a: (a.current_end_date, a.id),
        )


class FakeApiClientRepository:
    def __init__(self, clients: dict[uuid.UUID, ApiClient], tenant: uuid.UUID | None = None) -> None:
        self._clients = clients
        self._tenant = tenant

    def add(self, client: ApiClient) -> None:
        self._clients[client.id] = client

    async def get(self, client_id: uuid.UUID) -> ApiClient | None:
        client = self._clients.get(client_id)
        return client if client is not None and self._tenant in (None, client.partner_id) else None

    async def visible(self) -> list[ApiClient]:
        return [c for c in self._clients.values() if self._tenant in (None, c.partner_id)]


class FakeUnitOfWork:
    """Changes made in the transaction are undone on exit unless committed (objects are shared, state is restored)."""

    def __init__(self, db: FakeDatabase, scope: Scope = SYSTEM) -> None:
        self._db = db
        self.actor = scope.actor
        self.tenant = scope.tenant
        self.committed = False

    def act_as(self, actor: Actor) -> None:
        self.actor = actor

    _TABLES = ("users", "sessions", "partners", "agreements", "clients", "participants", "consents", "duplicates")
    _INDEXES = ("identifiers",)

    def _take_snapshot(self) -> None:
        self._before = {name: dict(getattr(self._db, name)) for name in (*self._TABLES, *self._INDEXES)}
        objects = [obj for name in self._TABLES for obj in getattr(self._db, name).values()]
        self._snapshot = {id(obj): (obj, _state(obj)) for obj in objects}

    async def __aenter__(self) -> Self:
        self._take_snapshot()
        self.users = FakeUserRepository(self._db.users, self.tenant)
        self.sessions = FakeLoginSessionRepository(self._db.sessions)
        self.partners = FakePartnerRepository(self._db.partners, self.tenant, self._db.agreements)
        self.agreements = FakeAgreementRepository(self._db.agreements, self.tenant)
        self.clients = FakeApiClientRepository(self._db.clients, self.tenant)
        self.participants = FakeParticipantRepository(self._db, self.tenant)
        self.consents = FakeConsentRepository(self._db)
        self.duplicates = FakeDuplicateRepository(self._db)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        for name in ("users", "partners", "agreements", "clients", "participants", "consents", "duplicates"):
            for obj in getattr(self._db, name).values():
                before = self._snapshot.get(id(obj))
                if before is not None and before[1] != _state(obj) and hasattr(obj, "version"):
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


class FakeUnitOfWorkFactory:
    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()

    def __call__(self, scope: Scope = SYSTEM, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.db, scope)


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


@dataclass
class AuthWorld:
    """Everything the authentication use cases need, wired to fakes."""

    uow: FakeUnitOfWorkFactory
    clock: FakeClock
    hasher: FakePasswordHasher
    tokens: FakeTokenService
    limiter: InMemoryLoginRateLimiter
    auth: AuthComponents

    @property
    def db(self) -> FakeDatabase:
        return self.uow.db


def build_world(
    *,
    max_account_failures: int = 5,
    max_client_attempts: int = 30,
    window: timedelta = timedelta(minutes=15),
    session_lifetime: timedelta = timedelta(days=14),
) -> AuthWorld:
    clock = FakeClock()
    uow = FakeUnitOfWorkFactory()
    hasher = FakePasswordHasher()
    tokens = FakeTokenService(clock)
    # The real limiter is pure in-memory bookkeeping driven by the `now` it is given: no fake needed.
    limiter = InMemoryLoginRateLimiter(
        max_account_failures=max_account_failures, max_client_attempts=max_client_attempts, window=window
    )
    auth = AuthComponents(
        hasher=hasher,
        tokens=tokens,
        limiter=limiter,
        clock=clock,
        principals=FakePrincipalLookup(uow.db),
        session_lifetime=session_lifetime,
    )
    return AuthWorld(uow, clock, hasher, tokens, limiter, auth)


def add_user(
    db: FakeDatabase,
    email: str,
    password: str,
    *,
    role: Role = Role.PARTNER_STAFF,
    active: bool = True,
    now: datetime = START,
) -> User:
    """Put a committed user straight into the fake database (non-administrators into the test partner)."""
    partner_id = None if role is Role.ADMIN else shared_partner(db, now=now).id
    user = User(
        email=email,
        full_name="Persona de Prueba",
        password_hash=f"fake-hash:{password}",
        role=role,
        partner_id=partner_id,
        now=now,
    )
    if not active:
        user.deactivate(now)
    user.pull_events()
    db.users[user.id] = user
    return user


def shared_partner(db: FakeDatabase, *, now: datetime = START) -> InstitutionalPartner:
    """The partner that non-administrator test accounts belong to, created on first use."""
    for partner in db.partners.values():
        if partner.name == "Socio de Prueba":
            return partner
    partner = InstitutionalPartner(name="Socio de Prueba", kind=PartnerKind.NGO, country="ECU", now=now)
    partner.pull_events()
    db.partners[partner.id] = partner
    return partner


def principal_of(user: User, *, partner_id: uuid.UUID | None = None) -> Principal:
    return Principal(kind=PrincipalKind.USER, id=user.id, role=user.role, partner_id=partner_id or user.partner_id)


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
