"""Read side: statements built once, selecting exactly the columns they return, on short read-only connections."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, Select, and_, bindparam, func, select, text
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from emprende.adapters import tables
from emprende.adapters.types import UTCDateTime
from emprende.domain.identity.user import Role
from emprende.domain.partners.partner import PartnerStatus
from emprende.services.audit.ports import AuditFilters, AuditRow
from emprende.services.identity.ports import ClientRecord, PrincipalRecord, UserFilters, UserRow
from emprende.services.partners.ports import PartnerFilters, PartnerRow

_users = tables.users
_sessions = tables.login_sessions
_audit = tables.audit_events

_partners = tables.partners
_clients = tables.api_clients

# One round trip per authenticated request: the user, their login session and their partner's status.
_PRINCIPAL = (
    select(
        _users.c.id,
        _users.c.role,
        _users.c.is_active,
        _users.c.partner_id,
        _users.c.password_reset_required,
        _users.c.participant_id,
        _partners.c.status.label("partner_status"),
        _sessions.c.revoked_at,
        _sessions.c.expires_at,
    )
    .select_from(
        _users.outerjoin(_partners, _partners.c.id == _users.c.partner_id).outerjoin(
            _sessions, and_(_sessions.c.id == bindparam("sid"), _sessions.c.user_id == _users.c.id)
        )
    )
    .where(_users.c.id == bindparam("uid"))
)
_CLIENT = (
    select(
        _clients.c.id,
        _clients.c.partner_id,
        _clients.c.scopes,
        _clients.c.revoked_at,
        _clients.c.expires_at,
        _partners.c.status.label("partner_status"),
    )
    .select_from(_clients.join(_partners, _partners.c.id == _clients.c.partner_id))
    .where(_clients.c.id == bindparam("cid"))
)

_USER_COLUMNS = (
    _users.c.id,
    _users.c.partner_id,
    _users.c.email,
    _users.c.full_name,
    _users.c.role,
    _users.c.is_active,
    _users.c.preferred_language,
    _users.c.password_reset_required,
    _users.c.created_at,
    _users.c.updated_at,
    _users.c.version,
)


# Values asyncpg already returns as the read side uses them: enums stored as strings stay strings (the read side takes
# a member or its value alike), and timestamps with time zone come back aware, in UTC.
_DRIVER_NATIVE = (SqlEnum, UTCDateTime)


class PreparedRead:
    """A read statement built once, with its bound parameters named. On PostgreSQL it is compiled once to the
    driver's SQL and runs on the asyncpg connection itself (SQLAlchemy's pool, no statement compilation, cache-key
    generation or result wrapping per call); elsewhere it runs through SQLAlchemy Core. Rows come back as dicts of
    column key to value, converted by the same result processors SQLAlchemy would apply. A `generic` read runs on
    the pool whose sessions keep PostgreSQL's generic plan (see `create_generic_plan_engine`)."""

    __slots__ = ("_defaults", "_keys", "_names", "_processors", "generic", "sql", "statement")

    def __init__(self, statement: Select[Any], dialect: Dialect, *, generic: bool = False) -> None:
        self.statement = statement
        self.generic = generic
        self.sql: str | None = None
        self._names: tuple[str, ...] = ()
        self._defaults: dict[str, Any] = {}
        self._keys: tuple[str, ...] = ()
        self._processors: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
        if dialect.name == "postgresql" and dialect.driver == "asyncpg":
            compiled = statement.compile(dialect=dialect)
            self.sql = compiled.string
            self._names = tuple(str(name) for name in compiled.positiontup or ())
            self._defaults = dict(compiled.params)
            columns = list(statement.selected_columns)
            self._keys = tuple(str(column.key) for column in columns)
            processors = []
            for index, column in enumerate(columns):
                if isinstance(column.type, _DRIVER_NATIVE):
                    continue
                processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if processor is not None:
                    processors.append((index, processor))
            self._processors = tuple(processors)

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        defaults = self._defaults
        return [parameters[name] if name in parameters else defaults[name] for name in self._names]

    def as_dict(self, record: Sequence[Any]) -> dict[str, Any]:
        return dict(zip(self._keys, self.values(record), strict=True))

    def values(self, record: Sequence[Any]) -> Sequence[Any]:
        """The row's values in select order, as SQLAlchemy would return them."""
        if not self._processors:
            return record
        values = list(record)
        for index, processor in self._processors:
            values[index] = processor(values[index])
        return values


class ReadConnections:
    """Read-only connections: autocommit on PostgreSQL (no BEGIN/COMMIT round trips). Reads prepared as `generic`
    run on `generic_engine`'s pool when there is one."""

    def __init__(self, engine: AsyncEngine, generic_engine: AsyncEngine | None = None) -> None:
        self._engine = engine
        self._generic_engine = generic_engine or engine
        self.postgresql = engine.dialect.name == "postgresql"

    def prepare(self, statement: Select[Any], *, generic: bool = False) -> PreparedRead:
        """Compile a hot read once for this engine (see `PreparedRead`)."""
        return PreparedRead(statement, self._engine.dialect, generic=generic)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self._engine.connect() as connection:
            if self.postgresql:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    async def first(self, prepared: PreparedRead, parameters: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row of a prepared read, as a dict, or None."""
        if prepared.sql is None:
            async with self.connect() as connection:
                row = (await connection.execute(prepared.statement, parameters)).first()
            return None if row is None else row._asdict()
        async with self._driver_connection(prepared) as driver:
            record = await driver.fetchrow(prepared.sql, *prepared.arguments(parameters))
        return None if record is None else prepared.as_dict(record)

    async def all(self, prepared: PreparedRead, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every row of a prepared read, as dicts."""
        if prepared.sql is None:
            async with self.connect() as connection:
                rows = (await connection.execute(prepared.statement, parameters)).all()
            return [row._asdict() for row in rows]
        async with self._driver_connection(prepared) as driver:
            records = await driver.fetch(prepared.sql, *prepared.arguments(parameters))
        return [prepared.as_dict(record) for record in records]

    async def rows(self, prepared: PreparedRead, parameters: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Every row of a prepared read, as values in select order (no dict per row, for the reads that return many)."""
        if prepared.sql is None:
            async with self.connect() as connection:
                return list((await connection.execute(prepared.statement, parameters)).all())
        async with self._driver_connection(prepared) as driver:
            records = await driver.fetch(prepared.sql, *prepared.arguments(parameters))
        values = prepared.values
        return [values(record) for record in records]

    @asynccontextmanager
    async def _driver_connection(self, prepared: PreparedRead) -> AsyncIterator[Any]:
        # A statement on the driver connection outside any transaction runs in autocommit; the pool's reset on return
        # has no transaction to roll back. A connection the driver found broken is thrown away, not pooled again.
        engine = self._generic_engine if prepared.generic else self._engine
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            try:
                yield driver
            except BaseException:
                if driver.is_closed():
                    await connection.invalidate()
                raise


class SqlPrincipalLookup:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads
        self._principal = reads.prepare(_PRINCIPAL)
        self._client = reads.prepare(_CLIENT)

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None:
        row = await self._reads.first(self._principal, {"uid": user_id, "sid": session_id})
        if row is None:
            return None
        # A missing session counts as revoked: the token outlived what it belonged to.
        revoked = session_id is not None and (row["expires_at"] is None or row["revoked_at"] is not None)
        return PrincipalRecord(
            user_id=row["id"],
            role=Role(row["role"]),
            is_active=row["is_active"],
            session_revoked=revoked,
            partner_id=row["partner_id"],
            partner_active=row["partner_id"] is None or row["partner_status"] == PartnerStatus.ACTIVE.value,
            password_reset_required=row["password_reset_required"],
            session_expires_at=row["expires_at"],
            participant_id=row["participant_id"],
        )

    async def find_client(self, client_id: uuid.UUID, now: datetime) -> ClientRecord | None:
        row = await self.client_row(client_id)
        return None if row is None else self.client_record(row, now)

    async def client_row(self, client_id: uuid.UUID) -> dict[str, Any] | None:
        """The client's row as read (a client's usability depends on the time it is asked)."""
        return await self._reads.first(self._client, {"cid": client_id})

    @staticmethod
    def client_record(row: dict[str, Any], now: datetime) -> ClientRecord:
        usable = row["revoked_at"] is None and (row["expires_at"] is None or now < row["expires_at"])
        return ClientRecord(
            client_id=row["id"],
            partner_id=row["partner_id"],
            scopes=frozenset(row["scopes"]),
            usable=usable,
            partner_active=row["partner_status"] == PartnerStatus.ACTIVE.value,
        )


_USER_BY_ID = select(*_USER_COLUMNS).where(_users.c.id == bindparam("uid"))
_USER_BY_ID_IN_TENANT = _USER_BY_ID.where(_users.c.partner_id == bindparam("tenant"))


def _user_row(row: Mapping[Any, Any]) -> UserRow:
    return UserRow(
        id=row["id"],
        partner_id=row["partner_id"],
        email=row["email"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        is_active=row["is_active"],
        preferred_language=str(row["preferred_language"]),
        password_reset_required=row["password_reset_required"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
    )


class SqlUserQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads
        self._by_id = reads.prepare(_USER_BY_ID)
        self._by_id_in_tenant = reads.prepare(_USER_BY_ID_IN_TENANT)

    async def get_user(self, tenant: uuid.UUID | None, user_id: uuid.UUID) -> UserRow | None:
        if tenant is None:
            row = await self._reads.first(self._by_id, {"uid": user_id})
        else:
            row = await self._reads.first(self._by_id_in_tenant, {"uid": user_id, "tenant": tenant})
        return None if row is None else _user_row(row)

    async def list_users(
        self, tenant: uuid.UUID | None, filters: UserFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[UserRow]:
        statement: Select[tuple[object, ...]] = select(*_USER_COLUMNS).order_by(_users.c.id).limit(limit)
        if tenant is not None:
            statement = statement.where(_users.c.partner_id == tenant)
        if filters.partner_id is not None:
            statement = statement.where(_users.c.partner_id == filters.partner_id)
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
        return [_user_row(row._mapping) for row in rows]


class SqlPartnerQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_partners(
        self, tenant: uuid.UUID | None, filters: PartnerFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[PartnerRow]:
        c = _partners.c
        statement: Select[tuple[object, ...]] = (
            select(
                c.id,
                c.name,
                c.kind,
                c.country,
                c.ruc,
                c.contact_email,
                c.contact_phone,
                c.status,
                c.created_at,
                c.updated_at,
                c.version,
            )
            .order_by(c.id)
            .limit(limit)
        )
        if tenant is not None:
            statement = statement.where(c.id == tenant)
        if filters.kind is not None:
            statement = statement.where(c.kind == filters.kind)
        if filters.status is not None:
            statement = statement.where(c.status == filters.status)
        if filters.country is not None:
            statement = statement.where(c.country == filters.country)
        if filters.name_contains:
            statement = statement.where(func.lower(c.name).contains(filters.name_contains.lower(), autoescape=True))
        if after is not None:
            statement = statement.where(c.id > after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            PartnerRow(
                id=row.id,
                name=row.name,
                kind=str(row.kind),
                country=row.country,
                ruc=row.ruc,
                contact_email=row.contact_email,
                contact_phone=row.contact_phone,
                status=str(row.status),
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
