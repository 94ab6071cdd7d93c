"""Read side: statements built once, selecting exactly the columns they return, on short read-only connections."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import Select, and_, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from emprende.adapters import tables
from emprende.domain.users import Role
from emprende.services.ports import AuditFilters, AuditRow, PrincipalRecord, UserFilters, UserRow

_users = tables.users
_sessions = tables.login_sessions
_audit = tables.audit_events

_PRINCIPAL_WITH_SESSION = (
    select(_users.c.id, _users.c.role, _users.c.is_active, _sessions.c.revoked_at, _sessions.c.expires_at)
    .select_from(
        _users.outerjoin(_sessions, and_(_sessions.c.id == bindparam("sid"), _sessions.c.user_id == _users.c.id))
    )
    .where(_users.c.id == bindparam("uid"))
)
_PRINCIPAL = select(_users.c.id, _users.c.role, _users.c.is_active).where(_users.c.id == bindparam("uid"))

_USER_COLUMNS = (
    _users.c.id,
    _users.c.email,
    _users.c.full_name,
    _users.c.role,
    _users.c.is_active,
    _users.c.preferred_language,
    _users.c.created_at,
    _users.c.updated_at,
    _users.c.version,
)


class ReadConnections:
    """Read-only connections: autocommit on PostgreSQL (no BEGIN/COMMIT round trips)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._autocommit = engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self._engine.connect() as connection:
            if self._autocommit:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection


class SqlPrincipalLookup:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None:
        async with self._reads.connect() as connection:
            if session_id is None:
                user = (await connection.execute(_PRINCIPAL, {"uid": user_id})).first()
                if user is None:
                    return None
                return PrincipalRecord(user.id, Role(user.role), user.is_active, session_revoked=False)
            row = (await connection.execute(_PRINCIPAL_WITH_SESSION, {"uid": user_id, "sid": session_id})).first()
        if row is None:
            return None
        # A missing session counts as revoked: the token outlived what it belonged to.
        revoked = row.expires_at is None or row.revoked_at is not None
        return PrincipalRecord(row.id, Role(row.role), row.is_active, session_revoked=revoked)


class SqlUserQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_users(self, filters: UserFilters, after: uuid.UUID | None, limit: int) -> Sequence[UserRow]:
        statement: Select[tuple[object, ...]] = select(*_USER_COLUMNS).order_by(_users.c.id).limit(limit)
        if filters.role is not None:
            statement = statement.where(_users.c.role == filters.role)
        if filters.is_active is not None:
            statement = statement.where(_users.c.is_active == filters.is_active)
        if filters.email_contains:
            statement = statement.where(_users.c.email.contains(filters.email_contains.lower(), autoescape=True))
        if after is not None:
            statement = statement.where(_users.c.id > after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            UserRow(
                id=row.id,
                email=row.email,
                full_name=row.full_name,
                role=Role(row.role),
                is_active=row.is_active,
                preferred_language=str(row.preferred_language),
                created_at=row.created_at,
                updated_at=row.updated_at,
                version=row.version,
            )
            for row in rows
        ]


class SqlAuditQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_events(self, filters: AuditFilters, after: uuid.UUID | None, limit: int) -> Sequence[AuditRow]:
        statement: Select[tuple[object, ...]] = select(_audit).order_by(_audit.c.id.desc()).limit(limit)
        if filters.entity_type is not None:
            statement = statement.where(_audit.c.entity_type == filters.entity_type)
        if filters.entity_id is not None:
            statement = statement.where(_audit.c.entity_id == filters.entity_id)
        if filters.actor_id is not None:
            statement = statement.where(_audit.c.actor_id == filters.actor_id)
        if filters.occurred_from is not None:
            statement = statement.where(_audit.c.occurred_at >= filters.occurred_from)
        if filters.occurred_to is not None:
            statement = statement.where(_audit.c.occurred_at < filters.occurred_to)
        if after is not None:
            statement = statement.where(_audit.c.id < after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            AuditRow(
                id=row.id,
                occurred_at=row.occurred_at,
                actor_type=row.actor_type,
                actor_id=row.actor_id,
                action=row.action,
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                changes=row.changes,
                request_id=row.request_id,
            )
            for row in rows
        ]


class SqlHealthProbe:
    def __init__(self, reads: ReadConnections, timeout_seconds: float = 3.0) -> None:
        self._reads = reads
        self._timeout = timeout_seconds

    async def database_ok(self) -> bool:
        try:
            async with asyncio.timeout(self._timeout), self._reads.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # any failure to reach the database means "not ready"
            return False
        return True
