"""Composition root: which adapter fills which port. The API, the CLI and the tests all build the same container."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.clock import SystemClock
from emprende.adapters.identity.rate_limit import InMemoryLoginRateLimiter
from emprende.adapters.identity.security import Argon2PasswordHasher, JoseTokenService
from emprende.adapters.sql.identity.principal_cache import (
    CachedPrincipalLookup,
    PrincipalCache,
    PrincipalChangeListener,
)
from emprende.adapters.sql.identity.principals import SqlPrincipalLookup
from emprende.adapters.sql.shared import migrations
from emprende.adapters.sql.shared.database import create_engine, create_generic_plan_engine
from emprende.adapters.sql.shared.health import SqlHealthProbe
from emprende.adapters.sql.shared.idempotency import ResponseCipher, SqlIdempotencyStore
from emprende.adapters.sql.shared.mapping import start_mappers
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.adapters.sql.shared.schema import metadata
from emprende.bootstrap.unit_of_work import UnitOfWork, UnitOfWorkFactory
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.identity.auth import AuthComponents
from emprende.services.identity.ports import PasswordHasher, PrincipalLookup, TokenService
from emprende.services.shared.ports import Clock, HealthProbe, IdempotencyStore
from emprende.services.shared.principal import Scope
from emprende.settings import Settings

W = TypeVar("W", bound=AreaWiring)

# `metadata`: the whole database schema, every area's tables on one `MetaData` (the unit of work's areas import them
# all), for the schema migrations and the tests.
__all__ = ["Container", "build_container", "metadata"]


@dataclass(slots=True)
class Container:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
    hasher: PasswordHasher
    tokens: TokenService
    auth: AuthComponents
    health: HealthProbe
    idempotency: IdempotencyStore
    _infrastructure: Infrastructure
    principal_listener: PrincipalChangeListener | None = None
    owns_engine: bool = True
    generic_engine: AsyncEngine | None = None
    owns_generic_engine: bool = False

    _areas: dict[type[AreaWiring], AreaWiring] = field(default_factory=dict)

    def uow(self, scope: Scope, *, read_only: bool = False) -> UnitOfWork:
        return self._infrastructure.uow(scope, read_only=read_only)

    def area(self, kind: type[W]) -> W:
        """An area's adapters for the entry points (e.g. `container.area(ParticipantsWiring).participants`), built on
        first use."""
        wiring = self._areas.get(kind)
        if wiring is None:
            wiring = self._areas[kind] = kind(self._infrastructure)
        return cast(W, wiring)

    async def upgrade_schema(self, revision: str = "head") -> None:
        """Apply the schema migrations up to `revision` (default: the newest)."""
        await migrations.upgrade(self.engine, revision)

    async def downgrade_schema(self, revision: str) -> None:
        """Revert the schema migrations down to `revision` (e.g. -1 or base)."""
        await migrations.downgrade(self.engine, revision)

    async def schema_revision(self) -> str:
        """The database's current revision (empty when no migration was applied)."""
        return await migrations.current(self.engine)

    def start(self) -> None:
        """Start background work a serving process needs (the principal cache's change listener); call it inside
        the event loop that serves requests."""
        if self.principal_listener is not None:
            self.principal_listener.start()

    async def close(self) -> None:
        if self.principal_listener is not None:
            await self.principal_listener.close()
        if self.owns_generic_engine and self.generic_engine is not None:
            await self.generic_engine.dispose()
        if self.owns_engine:
            await self.engine.dispose()


def build_container(
    settings: Settings, *, engine: AsyncEngine | None = None, generic_engine: AsyncEngine | None = None
) -> Container:
    """Build every adapter from the settings. The caller owns the container and must `close()` it. With an engine
    given, the caller owns it (and `generic_engine`, if given: without one, every read runs on `engine`)."""
    start_mappers(UnitOfWork.areas())
    secret = settings.resolve_secret()
    owns_engine = engine is None
    if engine is None:
        engine = create_engine(
            settings.effective_database_url,
            pool_size=settings.db_pool_size,
            sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        )
        generic_engine = create_generic_plan_engine(engine, pool_size=settings.db_generic_pool_size)
    clock = SystemClock()
    hasher = Argon2PasswordHasher(
        memory_kib=settings.password_hash_memory_kib,
        time_cost=settings.password_hash_time_cost,
        parallelism=settings.password_hash_parallelism,
    )
    tokens = JoseTokenService(
        secret=secret,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        access_lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    reads = ReadConnections(engine, generic_engine)
    principals: PrincipalLookup = SqlPrincipalLookup(reads)
    principal_cache: PrincipalCache | None = None
    listener: PrincipalChangeListener | None = None
    if engine.dialect.name == "postgresql" and settings.principal_cache_seconds > 0:
        principal_cache = PrincipalCache(settings.principal_cache_seconds)
        principals = CachedPrincipalLookup(SqlPrincipalLookup(reads), principal_cache)
        listener = PrincipalChangeListener(engine.url.render_as_string(hide_password=False), principal_cache)
    auth = AuthComponents(
        hasher=hasher,
        tokens=tokens,
        limiter=InMemoryLoginRateLimiter(
            max_account_failures=settings.login_max_failures_per_account,
            max_client_attempts=settings.login_max_attempts_per_client,
            window=timedelta(seconds=settings.login_window_seconds),
        ),
        clock=clock,
        principals=principals,
        session_lifetime=timedelta(days=settings.refresh_token_days),
    )
    return Container(
        settings=settings,
        engine=engine,
        clock=clock,
        hasher=hasher,
        tokens=tokens,
        auth=auth,
        health=SqlHealthProbe(reads),
        idempotency=SqlIdempotencyStore(engine, ResponseCipher(secret)),
        _infrastructure=Infrastructure(
            settings=settings,
            engine=engine,
            reads=reads,
            clock=clock,
            uow=UnitOfWorkFactory(engine, clock, principal_cache),
        ),
        principal_listener=listener,
        owns_engine=owns_engine,
        generic_engine=generic_engine,
        owns_generic_engine=owns_engine,
    )
