"""In-memory fakes for the service ports: tiny, no I/O, just enough behaviour to exercise the use cases. One module
per area (`identity`, `partners`, `participants`, `training`, `ideas`, `calls`), composed here as the services' unit of
work is in the composition root: `FakeDatabase` holds every area's tables, `FakeUnitOfWork` offers every area's
repositories.

The fake unit of work restores the state it saw at the start of a transaction unless the transaction commits, so a
change a use case makes without committing is lost exactly as it would be with a real database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from emprende.adapters.identity.rate_limit import InMemoryLoginRateLimiter
from emprende.domain.audit.trail import Actor
from emprende.domain.identity.user import Role, User
from emprende.domain.partners.partner import InstitutionalPartner, PartnerKind
from emprende.domain.shared.events import DomainEvent
from emprende.services.identity.auth import AuthComponents
from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind, Scope
from tests.unit.fakes.calls import CallsTables, FakeCallsRepositories
from tests.unit.fakes.ideas import FakeIdeasRepositories, IdeasTables
from tests.unit.fakes.identity import (
    FakeIdentityRepositories,
    FakePasswordHasher,
    FakePrincipalLookup,
    FakeTokenService,
    FakeUserQueries,
    IdentityTables,
)
from tests.unit.fakes.participants import FakeParticipantRepositories, RegistryTables
from tests.unit.fakes.partners import FakePartnerRepositories, PartnerTables
from tests.unit.fakes.shared import START, FakeClock, FakeUnitOfWorkCore
from tests.unit.fakes.training import FakeTrainingRepositories, TrainingTables

__all__ = [
    "START",
    "AuthWorld",
    "FakeClock",
    "FakeDatabase",
    "FakePasswordHasher",
    "FakeUnitOfWork",
    "FakeUnitOfWorkFactory",
    "FakeUserQueries",
    "add_user",
    "build_world",
    "principal_of",
    "shared_partner",
]


@dataclass
class FakeDatabase(IdentityTables, PartnerTables, RegistryTables, TrainingTables, IdeasTables, CallsTables):
    """The committed state of every area's tables, plus what each commit did."""

    commits: list[Actor] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)


class FakeUnitOfWork(
    FakeUnitOfWorkCore,
    FakeIdentityRepositories,
    FakePartnerRepositories,
    FakeParticipantRepositories,
    FakeTrainingRepositories,
    FakeIdeasRepositories,
    FakeCallsRepositories,
):
    """The fake unit of work with every area's repositories, composed as the application's is."""


class FakeUnitOfWorkFactory:
    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()

    def __call__(self, scope: Scope = SYSTEM, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.db, scope)


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
