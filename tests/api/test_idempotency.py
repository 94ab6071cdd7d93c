"""`Idempotency-Key` on POST /api/v1/users: safe retries, reuse with another body refused, keys per caller."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.shared import schema
from emprende.api.app import create_app
from emprende.bootstrap import Container, build_container
from emprende.domain.identity.user import Role
from emprende.services.identity.users import CreateUser
from emprende.services.shared.principal import Principal, PrincipalKind
from emprende.settings import Settings
from tests.conftest import PARTICIPANTS, PASSWORD, Account, World, create_ready_user, login, make_settings

USERS = "/api/v1/users"


def new_user(email: str = "idem@emprende.test", **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {"email": email, "full_name": "Inés Paredes", "password": PASSWORD, "role": "admin"}
    body.update(overrides)
    return body


async def count(engine: AsyncEngine, table: object) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(table))).scalar_one())


async def users_created(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        statement = (
            select(func.count())
            .select_from(schema.audit_events)
            .where(schema.audit_events.c.entity_type == "user", schema.audit_events.c.action == "create")
        )
        return int((await connection.execute(statement)).scalar_one())


@pytest.fixture
async def second_admin(container: Container, admin: Account) -> Account:
    acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
    user = await create_ready_user(
        CreateUser(email="admin2@emprende.test", full_name="Beto Segundo", password=PASSWORD, role=Role.ADMIN),
        acting,
        uow_factory=container.uow,
        hasher=container.hasher,
        clock=container.clock,
    )
    return Account(user.id, user.email, PASSWORD, Role.ADMIN)


async def test_same_key_and_body_replays_the_first_response(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "create-ines-1"}
    before = await users_created(container.engine)
    first = await client.post(USERS, json=new_user(), headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    second = await client.post(USERS, json=new_user(), headers=headers)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-type"] == "application/json"
    assert second.headers["x-request-id"]  # a replay is still a request of its own
    assert second.headers["x-content-type-options"] == "nosniff"
    assert await users_created(container.engine) == before + 1
    listed = await client.get(USERS, params={"email_contains": "idem@"}, headers=admin_headers)
    assert [item["id"] for item in listed.json()["items"]] == [first.json()["id"]]


async def test_same_body_with_different_json_spelling_is_a_different_request(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "spelling", "Content-Type": "application/json"}
    first = await client.post(
        USERS,
        content=b'{"email":"sp@emprende.test","full_name":"S","password":"' + PASSWORD.encode() + b'","role":"admin"}',
        headers=headers,
    )
    assert first.status_code == 201
    spaced = await client.post(
        USERS,
        content=b'{"email": "sp@emprende.test", "full_name": "S", "password": "'
        + PASSWORD.encode()
        + b'", "role": "admin"}',
        headers=headers,
    )
    # Compared byte for byte: refusing is the safe answer, never a second create.
    assert spaced.status_code in (201, 422)
    assert spaced.status_code == 201 or spaced.json()["code"] == "idempotency_key_reused"
    listed = await client.get(USERS, params={"email_contains": "sp@"}, headers=admin_headers)
    assert len(listed.json()["items"]) == 1


async def test_same_key_with_different_body_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "create-ines-2"}
    first = await client.post(USERS, json=new_user(), headers=headers)
    assert first.status_code == 201
    before = await count(container.engine, identity_tables.users)
    other = await client.post(USERS, json=new_user("otra@emprende.test"), headers=headers)
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"
    assert "idempotent-replayed" not in other.headers
    assert await count(container.engine, identity_tables.users) == before
    # The first response is still what the key answers with.
    again = await client.post(USERS, json=new_user(), headers=headers)
    assert again.status_code == 201
    assert again.content == first.content


async def test_same_key_on_another_path_or_query_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "path-bound"}
    assert (await client.post(USERS, json=new_user(), headers=headers)).status_code == 201
    other = await client.post(USERS + "?x=1", json=new_user(), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


async def test_keys_are_per_caller(
    client: httpx.AsyncClient, admin_headers: dict[str, str], second_admin: Account, container: Container
) -> None:
    key = {"Idempotency-Key": "shared-key-123"}
    mine = await client.post(USERS, json=new_user("mine@emprende.test"), headers={**admin_headers, **key})
    assert mine.status_code == 201
    tokens = await login(client, second_admin)
    theirs_headers = {"Authorization": f"Bearer {tokens['access_token']}", **key}
    # Same key, different body, different caller: no conflict, their own result.
    theirs = await client.post(USERS, json=new_user("theirs@emprende.test"), headers=theirs_headers)
    assert theirs.status_code == 201, theirs.text
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["email"] == "theirs@emprende.test"
    # Same key, same body as the first caller: still not the first caller's response.
    same = await client.post(USERS, json=new_user("mine@emprende.test"), headers=theirs_headers)
    assert same.status_code == 422
    assert same.json()["code"] == "idempotency_key_reused"
    assert "mine@emprende.test" not in same.text


async def test_a_deactivated_caller_gets_no_stored_reply(
    client: httpx.AsyncClient, admin_headers: dict[str, str], second_admin: Account
) -> None:
    """Replays re-authenticate: once the account is deactivated, its old token replays nothing, it is refused."""
    tokens = await login(client, second_admin)
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Idempotency-Key": "before-deactivation"}
    first = await client.post(USERS, json=new_user("kept@emprende.test"), headers=headers)
    assert first.status_code == 201
    deactivated = await client.patch(f"{USERS}/{second_admin.id}", json={"is_active": False}, headers=admin_headers)
    assert deactivated.status_code == 200, deactivated.text

    again = await client.post(USERS, json=new_user("kept@emprende.test"), headers=headers)
    assert again.status_code == 401
    assert again.json()["code"] == "account_inactive"
    assert "idempotent-replayed" not in again.headers


@pytest.mark.parametrize(
    "key",
    [
        b"k" * 256,
        "cl\u00e9".encode(),
        "\u00f1".encode("latin-1"),
        b"has space",
        b"tab\there",
        b"",
        b"\x7f-delete",
    ],
    ids=["too-long", "utf8", "latin1", "space", "tab", "empty", "del"],
)
async def test_malformed_key_is_400(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container, key: bytes
) -> None:
    before = await count(container.engine, identity_tables.users)
    response = await client.post(
        USERS,
        json=new_user(),
        headers={**admin_headers, "Idempotency-Key": key},
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_idempotency_key"
    assert response.headers["x-request-id"]
    assert await count(container.engine, identity_tables.users) == before


async def test_longest_key_is_accepted(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    key = "~" + "k" * 253 + "!"
    response = await client.post(USERS, json=new_user(), headers={**admin_headers, "Idempotency-Key": key})
    assert response.status_code == 201


async def test_validation_failure_is_stored_and_replayed(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "bad-body-1"}
    invalid = new_user(role="wizard")
    first = await client.post(USERS, json=invalid, headers=headers)
    assert first.status_code == 422
    assert first.json()["code"] == "validation_failed"
    second = await client.post(USERS, json=invalid, headers=headers)
    assert second.status_code == 422
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    assert second.headers["content-type"] == "application/problem+json"
    assert await count(container.engine, identity_tables.users) == 1  # only the admin


async def test_conflict_is_not_stored_so_a_retry_can_succeed(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "retry-after-conflict"}
    taken = await client.post(USERS, json=new_user(staff.email), headers=headers)
    assert taken.status_code == 409
    again = await client.post(USERS, json=new_user(staff.email), headers=headers)
    assert again.status_code == 409
    assert "idempotent-replayed" not in again.headers


async def test_forbidden_is_replayed_for_the_same_caller(
    client: httpx.AsyncClient, staff_headers: dict[str, str], container: Container
) -> None:
    headers = {**staff_headers, "Idempotency-Key": "staff-try"}
    first = await client.post(USERS, json=new_user(), headers=headers)
    assert first.status_code == 403
    second = await client.post(USERS, json=new_user(), headers=headers)
    assert second.status_code == 403
    assert await count(container.engine, identity_tables.users) == 2  # admin and staff


async def test_without_the_header_each_post_is_its_own(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container
) -> None:
    first = await client.post(USERS, json=new_user(), headers=admin_headers)
    assert first.status_code == 201
    second = await client.post(USERS, json=new_user(), headers=admin_headers)
    assert second.status_code == 409
    assert "idempotent-replayed" not in second.headers
    third = await client.post(USERS, json=new_user("tres@emprende.test"), headers=admin_headers)
    assert third.status_code == 201
    assert third.json()["id"] != first.json()["id"]
    async with container.engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(schema.idempotency_keys))).scalar_one() == 0


async def test_anonymous_request_with_key_is_401_and_not_stored(
    client: httpx.AsyncClient, container: Container, admin: Account
) -> None:
    response = await client.post(USERS, json=new_user(), headers={"Idempotency-Key": "anon"})
    assert response.status_code == 401
    bogus = await client.post(
        USERS, json=new_user(), headers={"Idempotency-Key": "anon", "Authorization": f"Bearer {uuid.uuid4()}"}
    )
    assert bogus.status_code == 401
    assert await count(container.engine, schema.idempotency_keys) == 0


async def test_login_is_never_stored(client: httpx.AsyncClient, admin: Account, container: Container) -> None:
    form = {"username": admin.email, "password": PASSWORD}
    first = await client.post("/api/v1/auth/token", data=form, headers={"Idempotency-Key": "login-1"})
    second = await client.post("/api/v1/auth/token", data=form, headers={"Idempotency-Key": "login-1"})
    assert first.status_code == second.status_code == 200
    assert first.json()["access_token"] != second.json()["access_token"]
    assert "idempotent-replayed" not in second.headers
    assert await count(container.engine, schema.idempotency_keys) == 0


async def test_concurrent_retries_create_one_user(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "parallel-retry"}
    responses = await asyncio.gather(*(client.post(USERS, json=new_user(), headers=headers) for _ in range(4)))
    statuses = [response.status_code for response in responses]
    assert statuses.count(201) >= 1, [response.text for response in responses]
    for response in responses:
        if response.status_code == 201:
            assert response.json()["email"] == "idem@emprende.test"
        else:
            # Still running elsewhere: the caller is told to retry, nothing else happens.
            assert response.status_code == 409, response.text
            assert response.json()["code"] == "idempotency_key_in_progress"
    assert await count(container.engine, identity_tables.users) == 2  # the admin and one new user
    replay = await client.post(USERS, json=new_user(), headers=headers)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"


async def test_the_kept_response_and_request_are_not_in_clear(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """A registration's response names the person; a user's request carries a password: neither is readable at rest."""
    body = {
        "given_names": "Yolanda Esperanza",
        "family_names": "Chiriboga Tapia",
        "birth_date": "1984-07-09",
        "sex": "female",
        "population_group": "refugee_or_asylum_seeker",
        "nationality": "COL",
        "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
    }
    registered = await client.post(
        PARTICIPANTS, json=body, headers={**world.a.manager_headers, "Idempotency-Key": "r-1"}
    )
    assert registered.status_code == 201, registered.text
    created = await client.post(USERS, json=new_user(), headers={**world.admin_headers, "Idempotency-Key": "u-1"})
    assert created.status_code == 201, created.text
    async with container.engine.connect() as connection:
        rows = (await connection.execute(select(schema.idempotency_keys))).all()
    assert len(rows) == 2
    kept = repr(rows).encode()
    for clear in (b"Yolanda", b"Chiriboga", b"1984-07-09", PASSWORD.encode(), b"idem@emprende.test"):
        assert clear not in kept
    for row in rows:
        assert row.response_body not in (registered.content, created.content)
    # Not the plain SHA-256 of the request either: that would be a fast hash of the password it carries.
    plain = hashlib.sha256(b"\n".join([USERS.encode(), b"", created.request.content])).hexdigest()
    assert plain not in {row.fingerprint for row in rows}


async def test_a_response_kept_under_a_replaced_secret_is_never_run_again(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    container: Container,
    settings: Settings,
    admin: Account,
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "before-rotation"}
    first = await client.post(USERS, json=new_user(), headers=headers)
    assert first.status_code == 201, first.text
    users = await count(container.engine, identity_tables.users)

    rotated = make_settings(
        settings.database_url, settings.data_dir, secret_key="another-secret-key-long-enough-9876543210"
    )
    after = build_container(rotated, engine=container.engine, generic_engine=container.generic_engine)
    after.start()
    try:
        transport = httpx.ASGITransport(app=create_app(container=after), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as renewed:
            tokens = await login(renewed, admin)  # the old tokens died with the old secret
            retry_headers = {"Authorization": f"Bearer {tokens['access_token']}", "Idempotency-Key": "before-rotation"}
            retry = await renewed.post(USERS, json=new_user(), headers={**retry_headers, "Accept-Language": "es"})
            other = await renewed.post(USERS, json=new_user("otra@emprende.test"), headers=retry_headers)
    finally:
        await after.close()
    assert retry.status_code == 422, retry.text
    assert retry.headers["content-type"] == "application/problem+json"
    assert retry.json()["code"] == "idempotency_key_unreadable"
    assert "no se ejecutó de nuevo" in retry.json()["detail"].lower()
    assert "idempotent-replayed" not in retry.headers
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_unreadable"
    assert await count(container.engine, identity_tables.users) == users
