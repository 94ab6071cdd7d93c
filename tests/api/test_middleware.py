"""Request ids, access logs, security headers, CORS and the body size limit."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.api.app import create_app
from emprende.bootstrap import Container, build_container
from tests.conftest import PASSWORD, Account, login, make_settings

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")
ORIGIN = "https://portal.example"
LIMIT = 2048


@pytest.mark.parametrize(
    "request_id",
    [
        "abcdefgh",
        "req-2024.05.01:0001_ok",
        "A" * 128,
        "5f0c8a8e-6b1d-4c1e-9a57-3f9d2b7e4a10",
        "0123456789abcdef0123456789abcdef",
    ],
)
async def test_well_formed_request_id_is_echoed(client: httpx.AsyncClient, request_id: str) -> None:
    response = await client.get("/api/v1/health", headers={"X-Request-ID": request_id})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == request_id


@pytest.mark.parametrize(
    "request_id",
    [
        "short",
        "",
        "A" * 129,
        "has space inside",
        "semi;colon-123",
        "new\\nline-123456",
        'quote"d-12345',
        "ñandú-123456",
    ],
)
async def test_malformed_request_id_is_replaced(client: httpx.AsyncClient, request_id: str) -> None:
    response = await client.get(
        "/api/v1/nope",
        headers={"X-Request-ID": request_id.encode("utf-8")},
    )
    generated = response.headers["x-request-id"]
    assert GENERATED_ID.match(generated)
    assert response.json()["request_id"] == generated
    assert request_id not in response.text or request_id == ""


async def test_missing_request_id_is_generated_fresh_each_time(client: httpx.AsyncClient) -> None:
    first = (await client.get("/api/v1/health")).headers["x-request-id"]
    second = (await client.get("/api/v1/health")).headers["x-request-id"]
    assert GENERATED_ID.match(first)
    assert GENERATED_ID.match(second)
    assert first != second


async def test_access_log_carries_the_request_id(client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="emprende.access"):
        await client.get("/api/v1/health", headers={"X-Request-ID": "trace-me-please-42"})
        await client.get("/api/v1/nope")
    records = [record for record in caplog.records if record.name == "emprende.access"]
    assert len(records) == 2
    first, second = records
    assert first.__dict__["request_id"] == "trace-me-please-42"
    assert first.__dict__["status"] == 200
    assert first.__dict__["path"] == "/api/v1/health"
    assert first.__dict__["method"] == "GET"
    assert second.__dict__["status"] == 404
    assert GENERATED_ID.match(second.__dict__["request_id"])


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/nope", "/api/v1/users", "/api/v1/openapi.json"])
async def test_security_headers_on_every_response(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "strict-transport-security" not in response.headers  # HSTS only in production


async def test_docs_get_a_csp_that_lets_them_run(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "cdn" not in response.text.lower()


async def test_header_names_are_not_duplicated(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health", headers={"X-Request-ID": "only-once-1234"})
    assert response.headers.get_list("x-request-id") == ["only-once-1234"]
    assert len(response.headers.get_list("x-frame-options")) == 1


# --- An app of our own, for settings the shared fixtures do not use. ---


@pytest.fixture
def custom_container(engine: AsyncEngine, database_url: str, tmp_path: Path, container: Container) -> Container:
    """Shares the test database (and its clean-up, through `container`) with settings of our own."""
    settings = make_settings(database_url, tmp_path, cors_origins=[ORIGIN], max_body_bytes=LIMIT)
    return build_container(settings, engine=engine)


@pytest.fixture
def custom_app(custom_container: Container) -> FastAPI:
    return create_app(container=custom_container)


@pytest.fixture
async def custom_client(custom_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=custom_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_cors_preflight_for_allowed_origin(custom_client: httpx.AsyncClient) -> None:
    response = await custom_client.options(
        "/api/v1/users",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "idempotency-key" in allowed_headers
    assert "authorization" in allowed_headers
    assert response.headers["x-request-id"]


async def test_cors_preflight_for_other_origin_is_refused(custom_client: httpx.AsyncClient) -> None:
    response = await custom_client.options(
        "/api/v1/users",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_cors_simple_request_headers(custom_client: httpx.AsyncClient) -> None:
    allowed = await custom_client.get("/api/v1/health", headers={"Origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    exposed = allowed.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed
    assert "etag" in exposed
    assert "location" in exposed
    denied = await custom_client.get("/api/v1/health", headers={"Origin": "https://portal.example.evil"})
    assert denied.status_code == 200
    assert "access-control-allow-origin" not in denied.headers


async def test_no_cors_headers_without_configured_origins(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers
    preflight = await client.options(
        "/api/v1/users", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code == 405


async def _user_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(identity_tables.users))).scalar_one())


def _oversized_user() -> bytes:
    return (
        b'{"email": "big@emprende.test", "role": "admin", "password": "'
        + PASSWORD.encode()
        + b'", "full_name": "'
        + b"x" * (LIMIT + 100)
        + b'"}'
    )


async def _chunks(data: bytes, size: int = 512) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.fixture
async def custom_admin_headers(custom_client: httpx.AsyncClient, admin: Account) -> dict[str, str]:
    tokens = await login(custom_client, admin)
    return {"Authorization": f"Bearer {tokens['access_token']}", "Content-Type": "application/json"}


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("idempotency_key", [None, "big-body-key-1"])
async def test_oversized_body_is_413_and_writes_nothing(
    custom_client: httpx.AsyncClient,
    custom_container: Container,
    custom_admin_headers: dict[str, str],
    streamed: bool,
    idempotency_key: str | None,
) -> None:
    before = await _user_count(custom_container.engine)
    headers = dict(custom_admin_headers)
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    body = _oversized_user()
    content = _chunks(body) if streamed else body
    response = await custom_client.post("/api/v1/users", content=content, headers=headers)
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"
    assert response.headers["x-request-id"]
    assert await _user_count(custom_container.engine) == before
    if idempotency_key:
        # The key was not spent on the refused request: a proper retry with it goes through.
        small = {"email": "small@emprende.test", "full_name": "Sara", "password": PASSWORD, "role": "admin"}
        retry = await custom_client.post("/api/v1/users", json=small, headers=headers)
        assert retry.status_code == 201, retry.text


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
async def test_oversized_login_form_is_413(
    custom_client: httpx.AsyncClient, custom_container: Container, streamed: bool
) -> None:
    body = b"grant_type=password&username=a%40b.ec&password=" + b"p" * (LIMIT + 10)
    content = _chunks(body) if streamed else body
    response = await custom_client.post(
        "/api/v1/auth/token", content=content, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large"


async def test_body_at_the_limit_is_accepted(
    custom_client: httpx.AsyncClient, custom_admin_headers: dict[str, str]
) -> None:
    body = b'{"email": "edge@emprende.test", "role": "admin", "password": "' + PASSWORD.encode() + b'", '
    body += b'"full_name": "Edge"}'
    body = body[:-1] + b" " * (LIMIT - len(body)) + b"}"
    assert len(body) == LIMIT
    response = await custom_client.post("/api/v1/users", content=_chunks(body), headers=custom_admin_headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("declared", [b"abc", b"-1", b"1e3", b"12 34", b"\xb2", b"\xbd", b""])
async def test_malformed_content_length_is_400(custom_app: FastAPI, declared: bytes) -> None:
    # httpx will not forge a Content-Length, so speak ASGI directly.
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/users",
        "raw_path": b"/api/v1/users",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-length", declared), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await custom_app(scope, receive, send)
    start = sent[0]
    assert start["status"] == 400
    headers = dict(start["headers"])
    assert headers[b"content-type"] == b"application/problem+json"
    assert headers[b"x-request-id"]
