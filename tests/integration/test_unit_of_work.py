"""The SQLAlchemy unit of work: all or nothing, with the audit trail and the outbox written in the same transaction."""

from __future__ import annotations

import asyncio
import gc
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.shared import schema
from emprende.bootstrap import Container
from emprende.domain.audit.trail import REDACTED, Actor, ActorType
from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import Language, Role, User
from emprende.domain.shared.errors import EmailAlreadyRegistered, PreconditionFailed
from emprende.services.shared.context import current_request_id
from emprende.services.shared.principal import SYSTEM

ADMIN_ACTOR = Actor(ActorType.USER, uuid.UUID("01890000-0000-7000-8000-000000000001"))


def _user(email: str = "rosa.quispe@emprende.test", *, now: datetime | None = None) -> User:
    return User(
        email=email,
        full_name="Rosa Quispe",
        password_hash="$argon2id$v=19$m=64,t=1,p=1$not-a-real-hash",
        role=Role.ADMIN,
        preferred_language=Language.ES,
        now=now or datetime.now(UTC),
    )


async def _rows(engine: AsyncEngine, table: Any, **where: object) -> list[Any]:
    query = select(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    async with engine.connect() as connection:
        return list((await connection.execute(query)).all())


async def _commit_new(container: Container, *entities: object) -> None:
    async with container.uow(SYSTEM) as uow:
        for entity in entities:
            uow.session.add(entity)
        await uow.commit()


async def _add_then_fail(container: Container, user: User) -> None:
    async with container.uow(SYSTEM) as uow:
        uow.users.add(user)
        raise RuntimeError("boom")


async def test_nothing_is_written_without_commit(container: Container) -> None:
    user = _user()
    async with container.uow(SYSTEM) as uow:
        uow.act_as(ADMIN_ACTOR)
        uow.users.add(user)
        await uow.session.flush()  # even flushed rows go away

    assert await _rows(container.engine, identity_tables.users, id=user.id) == []
    assert await _rows(container.engine, schema.audit_events, entity_id=str(user.id)) == []
    assert await _rows(container.engine, schema.outbox, aggregate_id=user.id) == []


async def test_an_exception_rolls_back(container: Container) -> None:
    user = _user()
    with pytest.raises(RuntimeError, match="boom"):
        await _add_then_fail(container, user)
    assert await _rows(container.engine, identity_tables.users, id=user.id) == []


async def test_commit_writes_change_audit_and_outbox(container: Container) -> None:
    user = _user()
    token = current_request_id.set("req-7f3a")
    try:
        async with container.uow(SYSTEM) as uow:
            uow.act_as(ADMIN_ACTOR)
            uow.users.add(user)
            await uow.commit()
    finally:
        current_request_id.reset(token)

    [row] = await _rows(container.engine, identity_tables.users, id=user.id)
    assert row.email == "rosa.quispe@emprende.test"
    assert row.version == 1

    [audit] = await _rows(container.engine, schema.audit_events, entity_id=str(user.id))
    assert audit.actor_type == "user"
    assert audit.actor_id == ADMIN_ACTOR.id
    assert audit.action == "create"
    assert audit.entity_type == "user"
    assert audit.request_id == "req-7f3a"
    assert audit.changes["email"] == {"before": None, "after": "rosa.quispe@emprende.test"}
    assert audit.changes["role"] == {"before": None, "after": "admin"}
    assert audit.changes["password_hash"] == {"before": None, "after": REDACTED}
    assert "version" not in audit.changes
    assert "not-a-real-hash" not in str(audit.changes)
    assert audit.occurred_at.tzinfo is not None

    [event] = await _rows(container.engine, schema.outbox, aggregate_id=user.id)
    assert event.event_type == "user.created"
    assert event.aggregate_type == "user"
    assert event.payload == {"role": "admin", "partner_id": None}
    assert event.request_id == "req-7f3a"
    assert event.published_at is None


async def test_system_actor_by_default(container: Container) -> None:
    user = _user()
    async with container.uow(SYSTEM) as uow:
        uow.users.add(user)
        await uow.commit()
    [audit] = await _rows(container.engine, schema.audit_events, entity_id=str(user.id))
    assert (audit.actor_type, audit.actor_id, audit.request_id) == ("system", None, None)


async def test_update_audits_before_and_after_and_bumps_version(container: Container) -> None:
    user = _user()
    async with container.uow(SYSTEM) as uow:
        uow.users.add(user)
        await uow.commit()

    async with container.uow(SYSTEM) as uow:
        uow.act_as(ADMIN_ACTOR)
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.rename("Rosa Elena Quispe", datetime.now(UTC))
        loaded.change_password_hash("$argon2id$another-secret-hash", datetime.now(UTC))
        loaded.deactivate(datetime.now(UTC))
        await uow.commit()
    assert loaded.version == 2

    [row] = await _rows(container.engine, identity_tables.users, id=user.id)
    assert (row.full_name, row.version, row.is_active) == ("Rosa Elena Quispe", 2, False)

    audits = await _rows(container.engine, schema.audit_events, entity_id=str(user.id), action="update")
    assert len(audits) == 1
    changes = audits[0].changes
    assert changes["full_name"] == {"before": "Rosa Quispe", "after": "Rosa Elena Quispe"}
    assert changes["is_active"] == {"before": True, "after": False}
    assert changes["password_hash"] == {"before": REDACTED, "after": REDACTED}
    assert set(changes) == {"full_name", "is_active", "password_hash"}
    assert "another-secret-hash" not in str(changes)

    events = [row.event_type for row in await _rows(container.engine, schema.outbox, aggregate_id=user.id)]
    assert sorted(events) == ["user.created", "user.deactivated"]


async def test_commit_without_changes_writes_no_audit(container: Container) -> None:
    user = _user()
    async with container.uow(SYSTEM) as uow:
        uow.users.add(user)
        await uow.commit()
    async with container.uow(SYSTEM) as uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        await uow.commit()
    [row] = await _rows(container.engine, identity_tables.users, id=user.id)
    assert row.version == 1

    async with container.uow(SYSTEM) as uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.rename("Rosa Quispe", datetime.now(UTC))  # same name: only bookkeeping columns change
        await uow.commit()
    assert len(await _rows(container.engine, schema.audit_events, entity_id=str(user.id))) == 1


async def test_failed_flush_writes_nothing(container: Container) -> None:
    existing = _user("duplicada@emprende.test")
    async with container.uow(SYSTEM) as uow:
        uow.users.add(existing)
        await uow.commit()

    newcomer = _user("otra@emprende.test")
    duplicate = _user("duplicada@emprende.test")
    with pytest.raises(EmailAlreadyRegistered) as raised:
        await _commit_new(container, newcomer, duplicate)

    assert isinstance(raised.value.__cause__, IntegrityError)
    assert await _rows(container.engine, identity_tables.users, id=newcomer.id) == []
    assert await _rows(container.engine, identity_tables.users, id=duplicate.id) == []
    for entity in (newcomer, duplicate):
        assert await _rows(container.engine, schema.audit_events, entity_id=str(entity.id)) == []
        assert await _rows(container.engine, schema.outbox, aggregate_id=entity.id) == []

    # The unit of work is usable again afterwards: nothing pending leaks into the next one.
    async with container.uow(SYSTEM) as uow:
        uow.users.add(_user("tercera@emprende.test"))
        await uow.commit()
    async with container.engine.connect() as connection:
        audited = (await connection.execute(select(schema.audit_events.c.entity_id))).scalars().all()
    assert str(newcomer.id) not in audited


async def test_timestamps_come_back_aware_utc(container: Container) -> None:
    quito = timezone(timedelta(hours=-5))
    created = datetime(2026, 3, 14, 9, 30, 15, 123456, tzinfo=quito)
    user = _user(now=created)
    async with container.uow(SYSTEM) as uow:
        uow.users.add(user)
        await uow.commit()

    async with container.uow(SYSTEM) as uow:
        loaded = await uow.users.get(user.id)
    assert loaded is not None
    assert loaded.created_at == created
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.created_at.hour == 14  # 09:30 in Quito is 14:30 UTC

    [row] = await _rows(container.engine, identity_tables.users, id=user.id)
    assert row.updated_at.tzinfo is not None
    assert row.updated_at == created


async def test_naive_datetimes_are_refused(container: Container) -> None:
    user = _user()
    user.created_at = datetime(2026, 1, 1, 12, 0)
    with pytest.raises(Exception, match="naive"):
        await _commit_new(container, user)
    assert await _rows(container.engine, identity_tables.users, id=user.id) == []


async def test_sequential_writers_see_each_other(container: Container) -> None:
    """Several units of work at once all commit; on SQLite they are serialised, not refused."""
    users = [_user(f"persona{i}@emprende.test") for i in range(5)]

    async def register(user: User) -> None:
        async with container.uow(SYSTEM) as uow:
            uow.users.add(user)
            await uow.commit()

    await asyncio.gather(*(register(user) for user in users))
    async with container.uow(SYSTEM) as uow:
        assert await uow.users.count() >= 5


async def test_concurrent_registrations_of_one_email_conflict_cleanly(container: Container) -> None:
    """Two sign-ups racing for one e-mail: one wins, the other gets the domain's conflict, never a raw DB error."""
    from emprende.services.identity.users import create_admin

    async def register() -> object:
        return await create_admin(
            "carrera@emprende.test",
            "Carla Carrera",
            "a long enough passphrase",
            uow_factory=container.uow,
            hasher=container.hasher,
            clock=container.clock,
        )

    results = await asyncio.gather(register(), register(), register(), return_exceptions=True)
    assert sum(isinstance(result, User) for result in results) == 1
    errors = [result for result in results if not isinstance(result, User)]
    assert all(isinstance(error, EmailAlreadyRegistered) for error in errors), errors


async def test_other_integrity_errors_are_not_disguised(container: Container) -> None:
    """A broken foreign key is a bug, not a user error: it stays an IntegrityError (and foreign keys are enforced)."""
    now = datetime.now(UTC)
    orphan = LoginSession(user_id=uuid.uuid4(), now=now, expires_at=now + timedelta(days=1))
    with pytest.raises(IntegrityError):
        await _commit_new(container, orphan)
    assert await _rows(container.engine, identity_tables.login_sessions, id=orphan.id) == []
    assert await _rows(container.engine, schema.audit_events, entity_id=str(orphan.id)) == []


async def test_concurrent_update_of_a_stale_copy_is_refused(container: Container, backend: str) -> None:
    """No lost update: on PostgreSQL the version column refuses the second writer of the same version; on SQLite
    a writer holds the write lock from its first read, so the second one waits and then works on the first's result."""
    user = _user()
    async with container.uow(SYSTEM) as uow:
        uow.users.add(user)
        await uow.commit()

    if backend == "sqlite":

        async def theirs() -> None:
            async with container.uow(SYSTEM) as second:
                copy = await second.users.get(user.id)
                assert copy is not None
                copy.rename("Rosa Theirs", datetime.now(UTC))
                await second.commit()

        async with container.uow(SYSTEM) as first:
            mine = await first.users.get(user.id)
            assert mine is not None
            waiting = asyncio.create_task(theirs())
            await asyncio.sleep(0)  # let the second writer start and queue for the lock
            mine.rename("Rosa Mine", datetime.now(UTC))
            await first.commit()
        await waiting
        [row] = await _rows(container.engine, identity_tables.users, id=user.id)
        assert (row.full_name, row.version) == ("Rosa Theirs", 3)
        assert len(await _rows(container.engine, schema.audit_events, entity_id=str(user.id), action="update")) == 2
        return

    async with container.uow(SYSTEM) as first, container.uow(SYSTEM) as second:
        mine = await first.users.get(user.id)
        theirs_copy = await second.users.get(user.id)
        assert mine is not None
        assert theirs_copy is not None
        theirs_copy.rename("Rosa Theirs", datetime.now(UTC))
        await second.commit()
        mine.rename("Rosa Mine", datetime.now(UTC))
        with pytest.raises(PreconditionFailed):
            await first.commit()

    [row] = await _rows(container.engine, identity_tables.users, id=user.id)
    assert (row.full_name, row.version) == ("Rosa Theirs", 2)
    assert len(await _rows(container.engine, schema.audit_events, entity_id=str(user.id), action="update")) == 1


async def test_events_of_a_flushed_aggregate_reach_the_outbox_in_the_order_they_happened(container: Container) -> None:
    """An aggregate changed and flushed mid-transaction, then no longer referred to by anyone, still has its events
    written at commit; events of several aggregates are written in the order they were recorded."""
    first, second = _user("primera@emprende.test"), _user("segunda@emprende.test")
    await _commit_new(container, first, second)
    first_id, second_id = first.id, second.id
    del first, second
    now = datetime.now(UTC)
    async with container.uow(SYSTEM) as uow:
        later = await uow.users.get(second_id)
        assert later is not None
        later.deactivate(now)
        await uow.session.flush()
        del later
        gc.collect()  # the flushed, unreferenced user leaves the session's weak identity map
        earlier = await uow.users.get(first_id)
        assert earlier is not None
        earlier.deactivate(now)
        earlier.activate(now)
        await uow.commit()
    rows = await _rows(container.engine, schema.outbox)
    written = [(row.event_type, row.aggregate_id) for row in sorted(rows, key=lambda row: row.id)][-3:]
    assert written == [
        ("user.deactivated", second_id),
        ("user.deactivated", first_id),
        ("user.activated", first_id),
    ]
