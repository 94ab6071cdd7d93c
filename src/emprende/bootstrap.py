"""Composition root: which adapter fills which port. The API, the CLI and the tests all build the same container."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters import migrations
from emprende.adapters.clock import SystemClock
from emprende.adapters.database import create_engine, create_generic_plan_engine, write_engine
from emprende.adapters.idempotency import ResponseCipher, SqlIdempotencyStore
from emprende.adapters.import_ledger import SqliteImportLedger
from emprende.adapters.import_sink import SqlImportSink
from emprende.adapters.importers import ImportEncoding, ImportFormat, read_rows
from emprende.adapters.orm import start_mappers
from emprende.adapters.participant_queries import SqlDuplicateQueries, SqlParticipantQueries, SqlSensitiveReadLog
from emprende.adapters.principal_cache import (
    CachedPrincipalLookup,
    PrincipalCache,
    PrincipalChangeListener,
    session_info,
)
from emprende.adapters.queries import (
    ReadConnections,
    SqlAuditQueries,
    SqlHealthProbe,
    SqlPartnerQueries,
    SqlPrincipalLookup,
    SqlUserQueries,
)
from emprende.adapters.rate_limit import InMemoryLoginRateLimiter
from emprende.adapters.security import Argon2PasswordHasher, JoseTokenService
from emprende.adapters.unit_of_work import SqlAlchemyUnitOfWork, build_session_factory
from emprende.services.audit.ports import AuditQueries
from emprende.services.identity.auth import AuthComponents
from emprende.services.identity.ports import PasswordHasher, PrincipalLookup, TokenService, UserQueries
from emprende.services.imports.ports import ImportLedger, ImportSink
from emprende.services.participants.ports import DuplicateQueries, ParticipantQueries, SensitiveReadLog
from emprende.services.partners.ports import PartnerQueries
from emprende.services.shared.ports import Clock, HealthProbe, IdempotencyStore, UnitOfWork
from emprende.services.shared.principal import Scope
from emprende.settings import Settings

# File reading for bulk imports, for the entry points (which reach adapters only through this module).
__all__ = ["Container", "ImportEncoding", "ImportFormat", "build_container", "read_rows"]


@dataclass(slots=True)
class Container:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
    hasher: PasswordHasher
    tokens: TokenService
    auth: AuthComponents
    user_queries: UserQueries
    partner_queries: PartnerQueries
    participant_queries: ParticipantQueries
    sensitive_log: SensitiveReadLog
    duplicate_queries: DuplicateQueries
    audit_queries: AuditQueries
    health: HealthProbe
    idempotency: IdempotencyStore
    _uow_factory: SqlAlchemyUnitOfWorkFactory
    principal_listener: PrincipalChangeListener | None = None
    owns_engine: bool = True
    generic_engine: AsyncEngine | None = None
    owns_generic_engine: bool = False

    def uow(self, scope: Scope, *, read_only: bool = False) -> UnitOfWork:
        return self._uow_factory(scope, read_only=read_only)

    def import_sink(self, scope: Scope, *, dry_run: bool = False) -> ImportSink:
        """Batch persistence for bulk imports (a dry run's sink reads only)."""
        return SqlImportSink(self._uow_factory(scope, read_only=dry_run), scope)

    def import_ledger(self) -> ImportLedger:
        """What a bulk import keeps of the rows it has handled, in a temporary file: its memory stays flat."""
        return SqliteImportLedger()

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


class SqlAlchemyUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine, clock: Clock, principal_cache: PrincipalCache | None = None) -> None:
        self._writers = build_session_factory(write_engine(engine))
        self._readers = build_session_factory(engine)
        if principal_cache is not None:
            # Commits that change a user, login session, partner or API client clear this process's cache at once.
            self._writers.configure(info=session_info(principal_cache))
        self._clock = clock

    def __call__(self, scope: Scope, *, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        sessions = self._readers if read_only else self._writers
        return SqlAlchemyUnitOfWork(sessions, self._clock, scope, read_only=read_only)


def build_container(
    settings: Settings, *, engine: AsyncEngine | None = None, generic_engine: AsyncEngine | None = None
) -> Container:
    """Build every adapter from the settings. The caller owns the container and must `close()` it. With an engine
    given, the caller owns it (and `generic_engine`, if given: without one, every read runs on `engine`)."""
    start_mappers()
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
        user_queries=SqlUserQueries(reads),
        partner_queries=SqlPartnerQueries(reads),
        participant_queries=SqlParticipantQueries(reads),
        sensitive_log=SqlSensitiveReadLog(engine, clock),
        duplicate_queries=SqlDuplicateQueries(reads),
        audit_queries=SqlAuditQueries(reads),
        health=SqlHealthProbe(reads),
        idempotency=SqlIdempotencyStore(engine, ResponseCipher(secret)),
        _uow_factory=SqlAlchemyUnitOfWorkFactory(engine, clock, principal_cache),
        principal_listener=listener,
        owns_engine=owns_engine,
        generic_engine=generic_engine,
        owns_generic_engine=owns_engine,
    )
