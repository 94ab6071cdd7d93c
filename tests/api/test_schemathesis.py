"""Property-based tests of every operation against the app's own OpenAPI document (schemathesis, in-process).

The app runs with its own lifespan on schemathesis' ASGI event loop, over a database of this module's own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python import asgi

from emprende.adapters import migrations
from emprende.adapters.database import create_engine
from emprende.api.app import OPENAPI_URL, create_app
from emprende.bootstrap import build_container
from emprende.services.users import create_admin
from emprende.settings import Settings
from tests.conftest import PASSWORD, _create_postgres_database, _drop_postgres_database, make_settings

ADMIN_EMAIL = "fuzz.admin@emprende.test"
MAX_EXAMPLES = 12


@pytest.fixture(scope="module")
async def fuzz_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'emprende.db'}"
        return
    name = f"emprende_fuzz_{uuid.uuid4().hex[:12]}"
    url = await _create_postgres_database(name)
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


@pytest.fixture(scope="module")
async def fuzz_settings(fuzz_database: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for a migrated database holding one administrator; login limits out of the fuzzer's way."""
    settings = make_settings(
        fuzz_database,
        tmp_path_factory.mktemp("fuzz-data"),
        login_max_attempts_per_client=1_000_000,
        login_max_failures_per_account=1_000_000,
    )
    engine = create_engine(fuzz_database, pool_size=2)
    try:
        await migrations.upgrade(engine)
        container = build_container(settings, engine=engine)
        await create_admin(
            ADMIN_EMAIL,
            "Fuzz Admin",
            PASSWORD,
            uow_factory=container.uow,
            hasher=container.hasher,
            clock=container.clock,
        )
    finally:
        await engine.dispose()
    return settings


@pytest.fixture(scope="module")
def fuzz_app(fuzz_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(fuzz_settings)
    yield app
    asgi.shutdown_lifespans()  # runs the app's shutdown: its engine is disposed before the database is dropped


def _login(app: FastAPI) -> str:
    with asgi.get_client(app) as client:
        response = client.post(OPENAPI_URL.replace("openapi.json", "auth/token"), data=_credentials())
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _credentials() -> dict[str, str]:
    return {"username": ADMIN_EMAIL, "password": PASSWORD}


@pytest.fixture(scope="module")
def admin_token(fuzz_app: FastAPI) -> str:
    return _login(fuzz_app)


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI) -> Any:
    schema = schemathesis.openapi.from_asgi(OPENAPI_URL, fuzz_app)
    schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, fuzz_app: FastAPI, admin_token: str) -> None:
    # Signing out revokes the session a token belongs to: give that operation a token of its own.
    token = _login(fuzz_app) if case.operation.definition.raw.get("operationId") == "logout" else admin_token
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


NUL_INPUTS = [
    ("post", "/api/v1/users", {"json": {"email": "nul@emprende.test", "full_name": "Ana\x00", "password": "x" * 12}}),
    ("get", "/api/v1/users", {"params": {"email_contains": "a\x00b"}}),
    ("get", "/api/v1/audit-events", {"params": {"entity_type": "user\x00"}}),
    ("post", "/api/v1/auth/token", {"data": {"username": "a\x00@emprende.test", "password": "secret\x00"}}),
    ("post", "/api/v1/auth/refresh", {"json": {"refresh_token": "token\x00"}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), NUL_INPUTS)
async def test_nul_characters_are_invalid_input_not_a_database_error(
    client: Any, admin_headers: dict[str, str], method: str, path: str, kwargs: dict[str, Any]
) -> None:
    """PostgreSQL cannot store NUL in text; found by fuzzing as a 500 on every text input."""
    response = await client.request(method, path, headers=admin_headers, **kwargs)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any("NUL" in error["message"] for error in response.json()["errors"])
