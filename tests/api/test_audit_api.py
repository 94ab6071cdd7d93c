"""The audit trail through the API: who changed what and when, for administrators only, and read-only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from emprende.adapters.sql.shared.schema import audit_events
from emprende.bootstrap import Container
from tests.conftest import PASSWORD, Account

AUDIT = "/api/v1/audit-events"


async def events(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await client.get(AUDIT, params={"limit": 100, **params}, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def create_user(client: httpx.AsyncClient, headers: dict[str, str], request_id: str) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/users",
        json={
            "email": "Gaby.Tapia@Emprende.test",
            "full_name": "Gaby Tapia",
            "password": PASSWORD,
            "role": "admin",
        },
        headers={**headers, "X-Request-ID": request_id},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_is_audited_with_actor_fields_and_request_id(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]
) -> None:
    user = await create_user(client, admin_headers, "create-gaby-0001")
    [event] = await events(client, admin_headers, entity_type="user", entity_id=user["id"])
    assert event["action"] == "create"
    assert event["actor_type"] == "user"
    assert event["actor_id"] == str(admin.id)
    assert event["entity_type"] == "user"
    assert event["entity_id"] == user["id"]
    assert event["request_id"] == "create-gaby-0001"
    changes = event["changes"]
    assert changes["email"] == {"before": None, "after": "gaby.tapia@emprende.test"}
    assert changes["full_name"] == {"before": None, "after": "Gaby Tapia"}
    assert changes["role"] == {"before": None, "after": "admin"}
    occurred = datetime.fromisoformat(event["occurred_at"])
    assert occurred.tzinfo is not None
    assert abs(occurred - datetime.now(UTC)) < timedelta(minutes=5)


async def test_update_is_audited_with_before_and_after(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]
) -> None:
    user = await create_user(client, admin_headers, "create-gaby-0002")
    response = await client.patch(
        f"/api/v1/users/{user['id']}",
        json={"full_name": "Gabriela Tapia", "is_active": False},
        headers={**admin_headers, "X-Request-ID": "rename-gaby-0002", "If-Match": '"v1"'},
    )
    assert response.status_code == 200
    latest, created = await events(client, admin_headers, entity_id=user["id"])
    assert created["action"] == "create"
    assert latest["action"] == "update"
    assert latest["actor_id"] == str(admin.id)
    assert latest["request_id"] == "rename-gaby-0002"
    assert latest["changes"] == {
        "full_name": {"before": "Gaby Tapia", "after": "Gabriela Tapia"},
        "is_active": {"before": True, "after": False},
    }


async def test_refused_update_leaves_no_event(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account
) -> None:
    before = await events(client, admin_headers, entity_id=str(staff.id))
    stale = await client.patch(
        f"/api/v1/users/{staff.id}", json={"full_name": "X"}, headers={**admin_headers, "If-Match": '"v7"'}
    )
    assert stale.status_code == 412
    assert await events(client, admin_headers, entity_id=str(staff.id)) == before


async def test_no_op_update_leaves_no_event(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account
) -> None:
    before = await events(client, admin_headers, entity_id=str(staff.id))
    same = await client.patch(f"/api/v1/users/{staff.id}", json={"is_active": True}, headers=admin_headers)
    assert same.status_code == 200
    assert await events(client, admin_headers, entity_id=str(staff.id)) == before


async def test_password_hashes_never_appear(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str], staff: Account
) -> None:
    await create_user(client, admin_headers, "create-gaby-0003")
    response = await client.get(AUDIT, params={"limit": 100}, headers=admin_headers)
    assert "argon2" not in response.text
    assert PASSWORD not in response.text
    for event in response.json()["items"]:
        if "password_hash" in event["changes"]:
            expected_before = None if event["action"] == "create" else "[redacted]"
            assert event["changes"]["password_hash"] == {"before": expected_before, "after": "[redacted]"}


async def test_filters(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str], staff: Account
) -> None:
    user = await create_user(client, admin_headers, "create-gaby-0004")
    everything = await events(client, admin_headers)
    assert {event["entity_type"] for event in everything} >= {"user", "login_session"}
    users_only = await events(client, admin_headers, entity_type="user")
    assert users_only
    assert all(event["entity_type"] == "user" for event in users_only)
    assert {event["entity_id"] for event in users_only} == {str(admin.id), str(staff.id), user["id"]}
    by_admin = await events(client, admin_headers, actor_id=str(admin.id))
    assert by_admin
    assert all(event["actor_id"] == str(admin.id) for event in by_admin)
    assert {event["entity_id"] for event in by_admin} >= {str(staff.id), user["id"]}
    assert await events(client, admin_headers, actor_id=str(uuid.uuid4())) == []
    assert await events(client, admin_headers, entity_type="cohort") == []
    # newest first
    assert [event["id"] for event in everything] == sorted((event["id"] for event in everything), reverse=True)


async def test_time_range_filters(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    from sqlalchemy import insert

    from emprende.domain.shared.ids import new_id

    base = datetime(2023, 6, 1, 12, 0, tzinfo=UTC)
    rows = [
        {
            "id": new_id(),
            "occurred_at": base + timedelta(hours=hour),
            "actor_type": "system",
            "actor_id": None,
            "action": "update",
            "entity_type": "timed",
            "entity_id": f"h{hour}",
            "changes": {},
            "request_id": None,
        }
        for hour in range(5)
    ]
    async with container.engine.begin() as connection:
        await connection.execute(insert(audit_events), rows)

    async def hours(**params: str) -> list[str]:
        return [event["entity_id"] for event in await events(client, admin_headers, entity_type="timed", **params)]

    assert await hours(occurred_from="2023-06-01T13:00:00+00:00") == ["h4", "h3", "h2", "h1"]
    assert await hours(occurred_to="2023-06-01T14:00:00Z") == ["h1", "h0"]  # exclusive
    assert await hours(occurred_from="2023-06-01T13:00:00Z", occurred_to="2023-06-01T15:00:00Z") == ["h2", "h1"]
    # Offsets are honoured: 08:00 in Guayaquil (-05:00) is 13:00 UTC.
    assert await hours(occurred_from="2023-06-01T08:00:00-05:00", occurred_to="2023-06-01T09:00:00-05:00") == ["h1"]


@pytest.mark.parametrize("name", ["occurred_from", "occurred_to"])
@pytest.mark.parametrize("value", ["2023-06-01T12:00:00", "2023-06-01", "yesterday", "2023-13-45T99:00:00Z"])
async def test_naive_or_bad_datetimes_are_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], name: str, value: str
) -> None:
    response = await client.get(AUDIT, params={name: value}, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [f"query.{name}"]


@pytest.mark.parametrize(
    "params",
    [{"actor_id": "not-a-uuid"}, {"entity_type": ""}, {"entity_type": "x" * 65}, {"entity_id": "y" * 65}],
)
async def test_bad_filters_are_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], params: dict[str, str]
) -> None:
    response = await client.get(AUDIT, params=params, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


async def test_staff_get_403(client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    response = await client.get(AUDIT, headers=staff_headers)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "items" not in response.text


async def test_anonymous_get_401(client: httpx.AsyncClient, admin: Account) -> None:
    response = await client.get(AUDIT)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"
    bad = await client.get(AUDIT, headers={"Authorization": "Bearer not.a.token"})
    assert bad.status_code == 401
    assert bad.json()["code"] == "invalid_token"


def test_no_route_can_change_the_audit_trail(app: FastAPI) -> None:
    routes = [(route.path, route.methods or set()) for route in iter_route_contexts(app.router.routes)]
    audit_routes = [(path, methods) for path, methods in routes if path and path.startswith(AUDIT)]
    assert audit_routes, "the audit route was not found; the walk over the routes is broken"
    for path, methods in audit_routes:
        assert methods <= {"GET", "HEAD"}, (path, methods)
    assert not any("audit" in (path or "") for path, methods in routes if methods - {"GET", "HEAD"})


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_writing_methods_are_405(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container, method: str
) -> None:
    listed = await events(client, admin_headers)
    event_id = listed[0]["id"]
    for path in (AUDIT, f"{AUDIT}/{event_id}"):
        response = await client.request(method, path, json={"action": "delete"}, headers=admin_headers)
        assert response.status_code in (404, 405), response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert await events(client, admin_headers) == listed
