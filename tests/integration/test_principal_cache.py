"""The cached principal lookup: served only while invalidations can arrive, cleared by every change, in this process
(unit-of-work commits) and from outside it (PostgreSQL triggers and LISTEN)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.identity.principal_cache import MAX_ENTRIES, CachedPrincipalLookup, PrincipalCache
from emprende.adapters.sql.partners import tables as partner_tables
from emprende.bootstrap import Container
from emprende.bootstrap.unit_of_work import UnitOfWorkFactory
from emprende.domain.identity.user import Role
from emprende.domain.partners.partner import PartnerStatus
from emprende.services.identity.ports import PrincipalRecord
from emprende.services.shared.principal import SYSTEM
from tests.conftest import Account, login

ME = "/api/v1/auth/me"


def _invalidations(cache: PrincipalCache, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """An event set by the cache's next invalidation."""
    happened = asyncio.Event()
    invalidate = cache.invalidate

    def noting() -> None:
        invalidate()
        happened.set()

    monkeypatch.setattr(cache, "invalidate", noting)
    return happened


def _record(**changes: object) -> PrincipalRecord:
    values: dict[str, object] = {
        "user_id": uuid.uuid4(),
        "role": Role.ADMIN,
        "is_active": True,
        "session_revoked": False,
    }
    values.update(changes)
    return PrincipalRecord(**values)


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_serves_nothing_until_invalidations_can_reach_it() -> None:
    cache = PrincipalCache(60)
    cache.put("k", "v", cache.generation)
    assert cache.get("k") is None
    assert len(cache) == 0
    cache.serving = True
    cache.put("k", "v", cache.generation)
    assert cache.get("k") == "v"
    cache.serving = False
    assert cache.get("k") is None


def test_entries_expire_and_zero_seconds_turns_the_cache_off() -> None:
    clock = _Clock()
    cache = PrincipalCache(60, monotonic=clock)
    cache.serving = True
    cache.put("k", "v", cache.generation)
    clock.now += 59.9
    assert cache.get("k") == "v"
    clock.now += 0.1
    assert cache.get("k") is None
    off = PrincipalCache(0)
    off.serving = True
    off.put("k", "v", off.generation)
    assert off.get("k") is None


def test_a_lookup_that_raced_with_an_invalidation_is_not_stored() -> None:
    cache = PrincipalCache(60)
    cache.serving = True
    started = cache.generation
    cache.invalidate()  # a change committed while the lookup was reading
    cache.put("k", "stale", started)
    assert cache.get("k") is None


def test_the_cache_is_bounded() -> None:
    cache = PrincipalCache(60)
    cache.serving = True
    for index in range(MAX_ENTRIES + 5):
        cache.put(index, index, cache.generation)
    assert len(cache) == MAX_ENTRIES
    assert cache.get(0) is None
    assert cache.get(MAX_ENTRIES + 4) == MAX_ENTRIES + 4


class _Lookup:
    def __init__(self, record: PrincipalRecord | None) -> None:
        self.record = record
        self.calls = 0

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None:
        self.calls += 1
        return self.record


@pytest.mark.parametrize(
    "refusal",
    [{"is_active": False}, {"session_revoked": True}, {"partner_active": False}],
    ids=["inactive", "revoked", "partner_suspended"],
)
async def test_refusals_are_never_cached(refusal: dict[str, object]) -> None:
    cache = PrincipalCache(60)
    cache.serving = True
    lookup = _Lookup(_record(**refusal))
    cached = CachedPrincipalLookup(lookup, cache)
    for _ in range(3):
        await cached.find(uuid.uuid4(), None)
    assert lookup.calls == 3
    assert len(cache) == 0


async def test_a_granted_principal_is_read_once() -> None:
    cache = PrincipalCache(60)
    cache.serving = True
    lookup = _Lookup(_record())
    cached = CachedPrincipalLookup(lookup, cache)
    user, session = uuid.uuid4(), uuid.uuid4()
    first = await cached.find(user, session)
    assert await cached.find(user, session) is first
    assert lookup.calls == 1
    await cached.find(user, uuid.uuid4())  # another session is another entry
    assert lookup.calls == 2


@pytest.fixture
async def serving(container: Container, backend: str) -> PrincipalCache | None:
    """The container's principal cache once it serves (PostgreSQL), or None (SQLite keeps no cache)."""
    listener = container.principal_listener
    if backend == "sqlite":
        assert listener is None
        return None
    assert listener is not None
    await asyncio.wait_for(listener.wait_serving(), timeout=10)
    return listener.cache


async def _me(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    return (await client.get(ME, headers=headers)).status_code


async def test_a_deactivation_in_this_process_locks_the_cached_token_out_at_once(
    client: httpx.AsyncClient,
    admin: Account,
    admin_headers: dict[str, str],
    staff: Account,
    serving: PrincipalCache | None,
) -> None:
    tokens = await login(client, staff)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert await _me(client, headers) == 200
    assert await _me(client, headers) == 200
    if serving is not None:
        assert len(serving) >= 1  # the staff's principal is cached
    changed = await client.patch(f"/api/v1/users/{staff.id}", json={"is_active": False}, headers=admin_headers)
    assert changed.status_code == 200, changed.text
    assert await _me(client, headers) == 401


OutsideWrite = Callable[[AsyncEngine, Account], Awaitable[None]]


async def _deactivate(engine: AsyncEngine, account: Account) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            update(identity_tables.users).where(identity_tables.users.c.id == account.id).values(is_active=False)
        )


async def _revoke_sessions(engine: AsyncEngine, account: Account) -> None:
    sessions = identity_tables.login_sessions
    async with engine.begin() as connection:
        await connection.execute(
            update(sessions).where(sessions.c.user_id == account.id).values(revoked_at=datetime.now(UTC))
        )


async def _suspend_partner(engine: AsyncEngine, account: Account) -> None:
    partners = partner_tables.partners
    async with engine.begin() as connection:
        await connection.execute(
            update(partners).where(partners.c.id == account.partner_id).values(status=PartnerStatus.SUSPENDED)
        )


@pytest.mark.parametrize("write", [_deactivate, _revoke_sessions, _suspend_partner])
async def test_a_change_made_outside_this_process_reaches_the_cache(
    client: httpx.AsyncClient,
    container: Container,
    engine: AsyncEngine,
    staff: Account,
    serving: PrincipalCache | None,
    write: OutsideWrite,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQL by hand (or another worker) bypasses this process's units of work: the triggers' NOTIFY clears the cache."""
    tokens = await login(client, staff)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert await _me(client, headers) == 200
    invalidated = _invalidations(serving, monkeypatch) if serving is not None else None
    await write(engine, staff)
    if invalidated is not None:
        await asyncio.wait_for(invalidated.wait(), timeout=10)  # the change notification
    assert await _me(client, headers) == 401


async def test_a_lost_listener_turns_the_cache_off_until_it_is_back(
    container: Container, engine: AsyncEngine, serving: PrincipalCache | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if serving is None:
        return  # SQLite: no cache to turn off (checked by the fixture)
    invalidated = _invalidations(serving, monkeypatch)
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN %' AND datname = current_database()"
            )
        )
    await asyncio.wait_for(invalidated.wait(), timeout=10)
    assert not serving.serving
    serving.put("k", "v", serving.generation)
    assert serving.get("k") is None
    listener = container.principal_listener
    assert listener is not None
    await asyncio.wait_for(listener.wait_serving(), timeout=15)  # it reconnects at once
    assert serving.serving


@pytest.mark.parametrize("commit", [True, False], ids=["committed", "rolled_back"])
async def test_a_unit_of_work_that_changes_a_principal_clears_the_cache_when_it_commits(
    container: Container, engine: AsyncEngine, staff: Account, commit: bool
) -> None:
    """The in-process path alone: this cache has no listener, so only the unit of work's commit can clear it."""
    cache = PrincipalCache(60)
    cache.serving = True
    factory = UnitOfWorkFactory(engine, container.clock, cache)
    untouched = cache.generation
    async with factory(SYSTEM) as uow:
        await uow.partners.get(staff.partner_id or uuid.uuid4())  # reading is not changing
        await uow.commit()
    assert cache.generation == untouched
    cache.put("k", "v", cache.generation)
    async with factory(SYSTEM) as uow:
        user = await uow.users.get(staff.id)
        assert user is not None
        user.rename("Luis Alberto Cedeño", container.clock.now())
        if commit:
            await uow.commit()
    if commit:
        assert cache.generation > untouched
        assert cache.get("k") is None
    else:
        assert cache.get("k") == "v"
