"""The shortest path a new user takes: sign in and ask who they are."""

from __future__ import annotations

import httpx

from tests.conftest import Account


async def test_sign_in_and_me(client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]) -> None:
    response = await client.get("/api/v1/auth/me", headers=admin_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == admin.email
    assert body["role"] == "admin"
    assert response.headers["etag"] == '"v1"'


async def test_health(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/health")).json()["status"] == "ok"
    assert (await client.get("/api/v1/health/ready")).json() == {"status": "ready", "checks": {"database": "ok"}}
