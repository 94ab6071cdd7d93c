"""The principal lookup of every authenticated request, cached in process and invalidated by the database.

Authentication reads the token's user, login session and partner status (or API client and partner status) on every
request. Those rows change rarely — a deactivation, a revoked session or client, a suspended partner, a refresh — so
each worker keeps what it read, and forgets all of it as soon as any of them changes:

- **in this process**: a unit of work whose flush touched a user, login session, partner or API client clears the
  cache when it commits, before the writing request has answered;
- **in every other process** (other workers, the CLI, SQL by hand): triggers on those tables `NOTIFY
  emprende_principals` (migration c7a5d3e9f1b2) and each worker `LISTEN`s on a connection of its own. PostgreSQL
  delivers the notification when the writing transaction commits.

The cache only serves while that listening connection is up: until it connects, and from the moment it is lost until it
is back, every lookup goes to the database. A lookup that raced with an invalidation is not stored. Entries also expire
after `EMPRENDE_PRINCIPAL_CACHE_SECONDS` (0 turns the cache off), and refusals (unknown, inactive, revoked) are never
cached. On SQLite, which has no notifications between processes, there is no cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, UOWTransaction

from emprende.adapters.sql.identity.principals import SqlPrincipalLookup
from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import User
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner
from emprende.services.identity.ports import ClientRecord, PrincipalRecord

logger = logging.getLogger(__name__)

CHANNEL = "emprende_principals"
_PRINCIPAL_ENTITIES = (User, LoginSession, InstitutionalPartner, ApiClient)
_CACHE_KEY = "emprende_principal_caches"
_CHANGED_KEY = "emprende_principals_changed"
MAX_ENTRIES = 50_000


class PrincipalCache:
    """Principal records by (user, session) and client rows by client id, with a generation that every invalidation
    moves on, so that a lookup which started before an invalidation does not store what it read."""

    def __init__(self, ttl_seconds: float, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._entries: dict[object, tuple[float, Any]] = {}
        self.generation = 0
        self.serving = False
        """True while invalidations can reach this process (the listener is connected)."""

    @property
    def active(self) -> bool:
        return self.serving and self._ttl > 0

    def get(self, key: object) -> Any | None:
        if not self.active:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self._monotonic() >= expires:
            self._entries.pop(key, None)
            return None
        return value

    def put(self, key: object, value: Any, generation: int) -> None:
        if not self.active or generation != self.generation:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.pop(next(iter(self._entries)))  # the oldest insertion
        self._entries[key] = (self._monotonic() + self._ttl, value)

    def invalidate(self) -> None:
        self.generation += 1
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class CachedPrincipalLookup:
    """`PrincipalLookup` through a `PrincipalCache`; the records it serves are the ones the database gave."""

    def __init__(self, lookup: SqlPrincipalLookup, cache: PrincipalCache) -> None:
        self._lookup = lookup
        self._cache = cache

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None:
        key = ("user", user_id, session_id)
        cached: PrincipalRecord | None = self._cache.get(key)
        if cached is not None:
            return cached
        generation = self._cache.generation
        record = await self._lookup.find(user_id, session_id)
        if record is not None and record.is_active and not record.session_revoked and record.partner_active:
            self._cache.put(key, record, generation)
        return record

    async def find_client(self, client_id: uuid.UUID, now: datetime) -> ClientRecord | None:
        key = ("client", client_id)
        row: dict[str, Any] | None = self._cache.get(key)
        if row is None:
            generation = self._cache.generation
            row = await self._lookup.client_row(client_id)
            if row is None:
                return None
            record = self._lookup.client_record(row, now)
            if record.usable and record.partner_active:
                self._cache.put(key, row, generation)
            return record
        return self._lookup.client_record(row, now)


def _touches_principals(objects: Iterable[object]) -> bool:
    return any(isinstance(item, _PRINCIPAL_ENTITIES) for item in objects)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    if session.info.get(_CACHE_KEY) and _touches_principals((*session.dirty, *session.deleted)):
        session.info[_CHANGED_KEY] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED_KEY, False):
        for cache in session.info.get(_CACHE_KEY, ()):
            cache.invalidate()


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED_KEY, None)


def session_info(cache: PrincipalCache) -> dict[str, Any]:
    """`Session.info` for the unit-of-work sessions of a process whose principal lookups go through `cache`: their
    commits that change a principal's rows clear it."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, listener):  # registered once per process, for every session
            event.listen(Session, name, listener)
    return {_CACHE_KEY: (cache,)}


class PrincipalChangeListener:
    """`LISTEN emprende_principals` on a connection of its own; the cache serves only while it is connected."""

    def __init__(self, database_url: str, cache: PrincipalCache, *, retry_seconds: float = 5.0) -> None:
        self._dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.cache = cache
        self._serving = asyncio.Event()
        self._retry = retry_seconds
        self._connection: Any = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def start(self) -> None:
        """Connect in the background (the cache is bypassed until then); reconnect whenever the connection is lost."""
        if self._task is None and not self._closed:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="principal-change-listener")

    async def _run(self) -> None:
        while not self._closed:
            lost = asyncio.Event()
            try:
                self._connection = await asyncpg.connect(self._dsn)
                self._connection.add_termination_listener(lambda _connection, lost=lost: lost.set())
                await self._connection.add_listener(CHANNEL, self._notified)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                logger.warning("principal cache off: cannot listen for changes (%s)", type(error).__name__)
                await self._disconnect()
                await asyncio.sleep(self._retry)
                continue
            self.cache.invalidate()
            self.cache.serving = True
            self._serving.set()
            await lost.wait()
            self._serving.clear()
            self.cache.serving = False
            self.cache.invalidate()
            logger.warning("principal cache off: the change listener lost its connection")
            await self._disconnect()

    async def wait_serving(self) -> None:
        """Return once the listener is connected and the cache serves."""
        await self._serving.wait()

    def _notified(self, _connection: object, _pid: int, _channel: str, _payload: str) -> None:
        self.cache.invalidate()

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await connection.close(timeout=2)

    async def close(self) -> None:
        self._closed = True
        self._serving.clear()
        self.cache.serving = False
        self.cache.invalidate()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._disconnect()
