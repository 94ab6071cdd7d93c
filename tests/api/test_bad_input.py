"""Every kind of bad input gets a problem+json 4xx — never a 500 — and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from jose import jwt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.shared import schema
from emprende.bootstrap import Container
from tests.conftest import PASSWORD, TEST_SECRET, Account

USERS = "/api/v1/users"
JSON = {"Content-Type": "application/json"}
GOOD_USER: dict[str, Any] = {
    "email": "bad.input@emprende.test",
    "full_name": "Bea Input",
    "password": PASSWORD,
    "role": "admin",
}


@dataclass(frozen=True)
class Case:
    """One bad request; `{staff}` in the path is replaced by the staff account's id."""

    method: str
    path: str
    content: bytes | None = None
    json: Any = None
    data: dict[str, str] | None = None
    params: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    auth: bool = True
    statuses: tuple[int, ...] = ()  # empty: any 4xx


def user(**changes: Any) -> dict[str, Any]:
    body = dict(GOOD_USER)
    for key, value in changes.items():
        if value is ...:
            body.pop(key)
        else:
            body[key] = value
    return body


CASES: dict[str, Case] = {
    # Bodies that are not JSON objects.
    "malformed-json": Case("POST", USERS, content=b'{"email": "a@b.ec",, }', headers=JSON, statuses=(400,)),
    "truncated-json": Case("POST", USERS, content=b'{"email": "a@b.ec", "full_na', headers=JSON, statuses=(400,)),
    "empty-body": Case("POST", USERS, content=b"", headers=JSON, statuses=(400, 422)),
    "invalid-utf8": Case("POST", USERS, content=b'{"email": "\xff\xfe"}', headers=JSON, statuses=(400, 422)),
    "json-array": Case("POST", USERS, json=[GOOD_USER], statuses=(422,)),
    "json-string": Case("POST", USERS, json="hello", statuses=(422,)),
    "json-number": Case("POST", USERS, json=42, statuses=(422,)),
    "json-null": Case("POST", USERS, content=b"null", headers=JSON, statuses=(422,)),
    "deeply-nested": Case("POST", USERS, content=b"[" * 5000 + b"]" * 5000, headers=JSON, statuses=(400, 422)),
    "patch-json-array": Case("PATCH", f"{USERS}/{{staff}}", json=[{"full_name": "x"}], statuses=(422,)),
    "patch-malformed": Case("PATCH", f"{USERS}/{{staff}}", content=b"{full_name: x}", headers=JSON, statuses=(400,)),
    "refresh-json-array": Case("POST", "/api/v1/auth/refresh", json=["token"], auth=False, statuses=(422,)),
    "refresh-malformed": Case(
        "POST", "/api/v1/auth/refresh", content=b'{"refresh_token": ', headers=JSON, auth=False, statuses=(400,)
    ),
    # Wrong types, unknown and missing fields.
    "email-number": Case("POST", USERS, json=user(email=123), statuses=(422,)),
    "role-list": Case("POST", USERS, json=user(role=["admin"]), statuses=(422,)),
    "role-unknown": Case("POST", USERS, json=user(role="superadmin"), statuses=(422,)),
    "name-object": Case("POST", USERS, json=user(full_name={"first": "Bea"}), statuses=(422,)),
    "password-bool": Case("POST", USERS, json=user(password=True), statuses=(422,)),
    "language-unknown": Case("POST", USERS, json=user(preferred_language="qu"), statuses=(422,)),
    "unknown-field": Case("POST", USERS, json=user(is_superuser=True), statuses=(422,)),
    "unknown-id-field": Case("POST", USERS, json=user(id="00000000-0000-0000-0000-000000000001"), statuses=(422,)),
    "missing-everything": Case("POST", USERS, json={}, statuses=(422,)),
    "missing-password": Case("POST", USERS, json=user(password=...), statuses=(422,)),
    "patch-wrong-type": Case("PATCH", f"{USERS}/{{staff}}", json={"is_active": "nope"}, statuses=(422,)),
    "patch-unknown-field": Case("PATCH", f"{USERS}/{{staff}}", json={"role": "admin"}, statuses=(422,)),
    "patch-password": Case("PATCH", f"{USERS}/{{staff}}", json={"password": PASSWORD + "x"}, statuses=(422,)),
    "refresh-wrong-type": Case("POST", "/api/v1/auth/refresh", json={"refresh_token": 5}, auth=False, statuses=(422,)),
    "refresh-unknown": Case(
        "POST", "/api/v1/auth/refresh", json={"refresh_token": "x", "extra": 1}, auth=False, statuses=(422,)
    ),
    # Oversized strings.
    "name-10k": Case("POST", USERS, json=user(full_name="N" * 10_000), statuses=(422,)),
    "name-201": Case("POST", USERS, json=user(full_name="N" * 201), statuses=(422,)),
    "email-300": Case("POST", USERS, json=user(email="e" * 290 + "@example.ec"), statuses=(422,)),
    "local-part-65": Case("POST", USERS, json=user(email="e" * 65 + "@example.ec"), statuses=(422,)),
    "password-10k": Case("POST", USERS, json=user(password="Pw1-" * 2500), statuses=(422,)),
    "patch-name-10k": Case("PATCH", f"{USERS}/{{staff}}", json={"full_name": "N" * 10_000}, statuses=(422,)),
    "refresh-100k": Case(
        "POST", "/api/v1/auth/refresh", json={"refresh_token": "r" * 100_000}, auth=False, statuses=(422,)
    ),
    "login-username-10k": Case(
        "POST", "/api/v1/auth/token", data={"username": "u" * 10_000, "password": "x"}, auth=False, statuses=(422,)
    ),
    # NUL bytes and other control characters in strings.
    "nul-in-name": Case("POST", USERS, json=user(full_name="Bea\x00Input"), statuses=(422,)),
    "nul-in-email": Case("POST", USERS, json=user(email="bea\x00@emprende.test"), statuses=(422,)),
    "nul-in-password": Case("POST", USERS, json=user(password=PASSWORD + "\x00"), statuses=(422,)),
    "nul-in-patch": Case("PATCH", f"{USERS}/{{staff}}", json={"full_name": "\x00"}, statuses=(422,)),
    "nul-in-refresh": Case("POST", "/api/v1/auth/refresh", json={"refresh_token": "a\x00b"}, auth=False),
    "nul-in-login": Case(
        "POST", "/api/v1/auth/token", data={"username": "admin@emprende.test\x00", "password": PASSWORD}, auth=False
    ),
    "nul-in-email-filter": Case("GET", USERS, params={"email_contains": "a\x00"}, statuses=(422,)),
    "nul-in-entity-type": Case("GET", "/api/v1/audit-events", params={"entity_type": "user\x00"}, statuses=(422,)),
    "nul-in-entity-id": Case("GET", "/api/v1/audit-events", params={"entity_id": "\x00"}, statuses=(422,)),
    "nul-in-cursor": Case("GET", USERS, params={"cursor": "\x00"}),
    "nul-in-path": Case("GET", f"{USERS}/%00", statuses=(404, 422)),
    # Wrong content types.
    "form-for-json": Case("POST", USERS, data={"email": "a@b.ec", "full_name": "A", "role": "admin"}, statuses=(422,)),
    "text-plain-json": Case(
        "POST", USERS, content=b'{"email": 1}', headers={"Content-Type": "text/plain"}, statuses=(415, 422)
    ),
    "xml": Case(
        "POST", USERS, content=b"<user><email>a@b.ec</email></user>", headers={"Content-Type": "application/xml"}
    ),
    "multipart-garbage": Case(
        "POST", USERS, content=b"--x\r\n\r\n", headers={"Content-Type": "multipart/form-data; boundary=x"}
    ),
    "json-for-form": Case("POST", "/api/v1/auth/token", json={"username": "a", "password": "b"}, auth=False),
    "bad-grant-type": Case(
        "POST",
        "/api/v1/auth/token",
        data={"username": "a", "password": "b", "grant_type": "authorization_code"},
        auth=False,
        statuses=(400,),
    ),
    # Bad cursors and limits.
    "cursor-garbage": Case("GET", USERS, params={"cursor": "garbage"}, statuses=(400,)),
    "cursor-long": Case("GET", USERS, params={"cursor": "c" * 10_000}, statuses=(400, 422)),
    "cursor-audit": Case("GET", "/api/v1/audit-events", params={"cursor": "a.b"}, statuses=(400,)),
    "limit-zero": Case("GET", USERS, params={"limit": "0"}, statuses=(422,)),
    "limit-negative": Case("GET", USERS, params={"limit": "-5"}, statuses=(422,)),
    "limit-float": Case("GET", USERS, params={"limit": "2.5"}, statuses=(422,)),
    "limit-huge": Case("GET", USERS, params={"limit": "9" * 5000}, statuses=(422,)),
    "limit-huge-audit": Case("GET", "/api/v1/audit-events", params={"limit": "-1" + "0" * 30}, statuses=(422,)),
    "audit-naive-date": Case(
        "GET", "/api/v1/audit-events", params={"occurred_from": "2024-01-01T00:00:00"}, statuses=(422,)
    ),
    "audit-year-0": Case(
        "GET", "/api/v1/audit-events", params={"occurred_to": "0000-01-01T00:00:00Z"}, statuses=(422,)
    ),
    "audit-huge-offset": Case(
        "GET", "/api/v1/audit-events", params={"occurred_to": "2024-01-01T00:00:00+99:00"}, statuses=(422,)
    ),
    "audit-year-1": Case(
        "GET", "/api/v1/audit-events", params={"occurred_to": "0001-01-01T00:00:00+01:00"}, statuses=(422,)
    ),
    "audit-year-9999": Case(
        "GET", "/api/v1/audit-events", params={"occurred_from": "9999-12-31T23:59:59-23:59"}, statuses=(422,)
    ),
    # Bad UUIDs in paths.
    "uuid-word": Case("GET", f"{USERS}/not-a-uuid", statuses=(422,)),
    "uuid-number": Case("GET", f"{USERS}/12345", statuses=(422,)),
    "uuid-sql": Case("GET", f"{USERS}/1%27%20OR%20%271%27=%271", statuses=(422,)),
    "uuid-too-long": Case("GET", f"{USERS}/{'a' * 5000}", statuses=(422,)),
    "uuid-patch": Case("PATCH", f"{USERS}/zzz", json={"full_name": "X"}, statuses=(422,)),
    "uuid-traversal": Case("GET", f"{USERS}/..%2f..%2fetc%2fpasswd", statuses=(404, 422)),
    # Unknown routes and methods.
    "unknown-route": Case("GET", "/api/v1/people", statuses=(404,)),
    "unknown-version": Case("GET", "/api/v2/users", statuses=(404,)),
    "trailing-slash": Case("POST", USERS + "/", json=GOOD_USER, statuses=(404, 405, 307)),
    "delete-users": Case("DELETE", USERS, statuses=(405,)),
    "put-user": Case("PUT", f"{USERS}/{{staff}}", json=GOOD_USER, statuses=(405,)),
    "delete-user": Case("DELETE", f"{USERS}/{{staff}}", statuses=(405,)),
    "get-token": Case("GET", "/api/v1/auth/token", statuses=(405,)),
    "weird-method": Case("BREW", USERS, statuses=(405,)),
    # Bad or missing tokens.
    "no-token": Case("POST", USERS, json=GOOD_USER, auth=False, statuses=(401,)),
    "basic-auth": Case(
        "POST", USERS, json=GOOD_USER, auth=False, headers={"Authorization": "Basic YTpi"}, statuses=(401,)
    ),
    "empty-bearer": Case("GET", USERS, auth=False, headers={"Authorization": "Bearer "}, statuses=(401,)),
    "garbage-bearer": Case("GET", USERS, auth=False, headers={"Authorization": "Bearer abc.def.ghi"}, statuses=(401,)),
    "huge-bearer": Case("GET", USERS, auth=False, headers={"Authorization": "Bearer " + "a" * 8000}, statuses=(401,)),
    "bearer-one-segment": Case("GET", USERS, auth=False, headers={"Authorization": "Bearer e30"}, statuses=(401,)),
    "bearer-bad-base64": Case(
        "PATCH",
        f"{USERS}/{{staff}}",
        json={"full_name": "X"},
        auth=False,
        headers={"Authorization": "Bearer !!!.@@@.###"},
        statuses=(401,),
    ),
    # Bad Accept-Language and headers.
    "bad-accept-language": Case(
        "POST", USERS, json=user(role="nope"), headers={"Accept-Language": "es;q=9, ;;, *;q=nan"}, statuses=(422,)
    ),
    "huge-if-match": Case(
        "PATCH",
        f"{USERS}/{{staff}}",
        json={"full_name": "X"},
        headers={"If-Match": '"v1", ' * 500},
        statuses=(412, 422),
    ),
    "garbage-if-match": Case(
        "PATCH", f"{USERS}/{{staff}}", json={"full_name": "X"}, headers={"If-Match": "\u00e9t\u00e9"}, statuses=(412,)
    ),
    "bad-idempotency-key": Case("POST", USERS, json=GOOD_USER, headers={"Idempotency-Key": "x" * 300}, statuses=(400,)),
}


def _token(claims: dict[str, Any], secret: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    now = datetime.now(UTC)
    base = {
        "iss": "emprende",
        "aud": "emprende-api",
        "sub": "00000000-0000-0000-0000-000000000001",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "jti": "x",
        "typ": "access",
    }
    base.update(claims)
    return str(jwt.encode({k: v for k, v in base.items() if v is not None}, secret, algorithm=algorithm))


FORGED_TOKENS = {
    "other-secret": _token({}, secret="another-secret-that-is-long-enough-0123456789"),
    "wrong-audience": _token({"aud": "someone-else"}),
    "wrong-issuer": _token({"iss": "someone-else"}),
    "refresh-as-access": _token({"typ": "refresh"}),
    "expired": _token({"exp": 1_000_000}),
    "no-exp": _token({"exp": None}),
    "no-sub": _token({"sub": None}),
    "sub-not-uuid": _token({"sub": "admin"}),
    "sub-number": _token({"sub": 12}),
    "sid-garbage": _token({"sid": "not-a-uuid"}),
    "unknown-user": _token({"sid": "00000000-0000-0000-0000-000000000002"}),
    "hs512": _token({}, algorithm="HS512"),
    "alg-none": "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + _token({}).split(".")[1] + ".",
}


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with engine.connect() as connection:
        for table in (
            identity_tables.users,
            schema.audit_events,
            identity_tables.login_sessions,
            schema.idempotency_keys,
        ):
            counts[table.name] = int((await connection.execute(select(func.count()).select_from(table))).scalar_one())
    return counts


def assert_clean_problem(response: httpx.Response, statuses: tuple[int, ...]) -> None:
    assert response.status_code < 500, response.text
    if statuses:
        assert response.status_code in statuses, response.text
    else:
        assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json", response.text
    body = response.json()
    assert isinstance(body, dict)
    assert body["status"] == response.status_code
    assert {"type", "title", "detail", "instance", "code"} <= body.keys()
    assert "Traceback" not in response.text
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("name", list(CASES))
async def test_bad_request_is_a_clean_4xx_and_writes_nothing(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    staff: Account,
    name: str,
) -> None:
    case = CASES[name]
    headers = {**(admin_headers if case.auth else {}), **case.headers}
    before = await row_counts(container.engine)
    response = await client.request(
        case.method,
        case.path.replace("{staff}", str(staff.id)),
        content=case.content,
        json=case.json,
        data=case.data,
        params=case.params,
        headers={key: value.encode("utf-8") for key, value in headers.items()},
    )
    if case.statuses == (404, 405, 307) and response.status_code == 307:
        return  # a redirect to the canonical URL is fine too
    assert_clean_problem(response, case.statuses)
    assert await row_counts(container.engine) == before
    if case.auth and response.status_code != 401:
        still = await client.get(f"{USERS}/{staff.id}", headers=admin_headers)
        assert still.json()["full_name"] == "Luis Cedeño"


@pytest.mark.parametrize("name", list(FORGED_TOKENS))
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_forged_tokens_are_401(
    client: httpx.AsyncClient, container: Container, admin: Account, name: str, method: str
) -> None:
    before = await row_counts(container.engine)
    headers = {"Authorization": f"Bearer {FORGED_TOKENS[name]}", "Idempotency-Key": f"forged-{name}"}
    response = await client.request(method, USERS, json=GOOD_USER if method == "POST" else None, headers=headers)
    assert_clean_problem(response, (401,))
    assert response.json()["code"] in ("invalid_token", "token_expired", "session_revoked")
    assert response.headers["www-authenticate"] == "Bearer"
    assert await row_counts(container.engine) == before


async def test_logged_out_token_is_401(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    assert (await client.post("/api/v1/auth/logout", headers=admin_headers)).status_code == 204
    before = await row_counts(container.engine)
    response = await client.post(USERS, json=GOOD_USER, headers={**admin_headers, "Idempotency-Key": "after-logout"})
    assert_clean_problem(response, (401,))
    assert await row_counts(container.engine) == before


@pytest.mark.parametrize(
    "query",
    [
        b"limit=%ff%fe",
        b"role=%00",
        b"limit=1&limit=2",
        b"email_contains=%E2%80%AE",
        b"cursor=%ZZ",
        b"is_active=" + b"t" * 5000,
        b"&&&==&",
    ],
)
async def test_raw_query_strings(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str], query: bytes
) -> None:
    before = await row_counts(container.engine)
    response = await client.get(f"{USERS}?{query.decode('latin-1')}", headers=admin_headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert_clean_problem(response, ())
    assert await row_counts(container.engine) == before


async def test_good_request_still_works_after_the_battery(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.post(USERS, json=GOOD_USER, headers=admin_headers)
    assert response.status_code == 201


async def test_many_errors_give_a_bounded_answer(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    before = await row_counts(container.engine)
    body = {f"field_{index}": index for index in range(2000)}
    response = await client.post(USERS, json=body, headers=admin_headers)
    assert_clean_problem(response, (422,))
    assert 0 < len(response.json()["errors"]) <= 50
    assert len(response.content) < 20_000
    assert await row_counts(container.engine) == before
