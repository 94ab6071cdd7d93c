"""Authentication through the HTTP API: tokens, the JWT guards of DESIGN.md §6, refresh rotation, logout, audit."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from jose import jwt
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.identity.security import ISSUED_AT_LEEWAY_SECONDS
from emprende.api.app import create_app
from emprende.bootstrap import Container, build_container
from tests.conftest import PASSWORD, TEST_SECRET, Account, login, make_settings

ISSUER = "emprende"
AUDIENCE = "emprende-api"
TOKEN_URL = "/api/v1/auth/token"
REFRESH_URL = "/api/v1/auth/refresh"
LOGOUT_URL = "/api/v1/auth/logout"
ME_URL = "/api/v1/auth/me"
PROBLEM_JSON = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def hand_made(header: dict[str, Any], claims: dict[str, Any], secret: str | None = None) -> str:
    """A JWT built without a library: unsigned when no secret is given, else HMAC-SHA256 whatever the header says."""
    signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
    if secret is None:
        return signing_input + "."
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.get_unverified_claims(token)
    return claims


def forge(
    base: dict[str, Any],
    *,
    drop: tuple[str, ...] = (),
    secret: str = TEST_SECRET,
    algorithm: str = "HS256",
    **changes: Any,
) -> str:
    claims = {name: value for name, value in {**base, **changes}.items() if name not in drop}
    return jwt.encode(claims, secret, algorithm=algorithm)


def fresh_claims(access_token: str) -> dict[str, Any]:
    """The claims of a real access token, with a new jti and timestamps: the template every forged token starts from."""
    now = int(time.time())
    return {**claims_of(access_token), "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    return body


async def assert_rejected(client: httpx.AsyncClient, token: str, code: str = "invalid_token") -> None:
    response = await client.get(ME_URL, headers=bearer(token))
    assert_problem(response, 401, code)
    assert response.headers["www-authenticate"] == "Bearer"


async def sign_in(client: httpx.AsyncClient, email: str, password: str, **form: str) -> httpx.Response:
    return await client.post(TOKEN_URL, data={"username": email, "password": password, **form})


def client_from(app: FastAPI, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def staff_tokens(client: httpx.AsyncClient, staff: Account) -> dict[str, str]:
    return await login(client, staff)


# --- POST /auth/token -----------------------------------------------------------------------------------------------


async def test_password_grant_issues_a_bearer_token_pair(client: httpx.AsyncClient, staff: Account) -> None:
    response = await sign_in(client, "  Luis.Cedeno@Emprende.TEST ", PASSWORD, grant_type="password")

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert set(body) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_expires_at",
        "password_change_required",
    }
    assert body["password_change_required"] is False
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS256"
    access = claims_of(body["access_token"])
    assert (access["iss"], access["aud"], access["sub"], access["typ"]) == (ISSUER, AUDIENCE, str(staff.id), "access")
    assert access["exp"] - access["iat"] == 15 * 60
    refresh = claims_of(body["refresh_token"])
    assert (refresh["typ"], refresh["sid"], refresh["sub"]) == ("refresh", access["sid"], str(staff.id))
    me = await client.get(ME_URL, headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["email"] == staff.email


async def test_wrong_password_and_unknown_email_get_the_same_answer(client: httpx.AsyncClient, staff: Account) -> None:
    wrong_password = await sign_in(client, staff.email, "not the right password")
    unknown_email = await sign_in(client, "nadie@emprende.test", PASSWORD)
    not_an_email = await sign_in(client, "nadie", PASSWORD)

    bodies = []
    for response in (wrong_password, unknown_email, not_an_email):
        body = assert_problem(response, 401, "invalid_credentials")
        assert response.headers["www-authenticate"] == "Bearer"
        body.pop("request_id")
        bodies.append(body)
    assert bodies[0] == bodies[1] == bodies[2]
    assert staff.email not in wrong_password.text


async def test_login_problems_speak_spanish_when_asked(client: httpx.AsyncClient, staff: Account) -> None:
    response = await client.post(
        TOKEN_URL, data={"username": staff.email, "password": "no es la clave"}, headers={"Accept-Language": "es-EC"}
    )

    body = assert_problem(response, 401, "invalid_credentials")
    assert body["title"] == "Credenciales no válidas"


@pytest.mark.parametrize("grant_type", ["authorization_code", "refresh_token", "PASSWORD"])
async def test_unsupported_grant_type_is_a_bad_request(
    client: httpx.AsyncClient, staff: Account, grant_type: str
) -> None:
    response = await sign_in(client, staff.email, PASSWORD, grant_type=grant_type)

    assert_problem(response, 400, "unsupported_grant_type")


async def test_missing_form_fields_are_a_validation_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(TOKEN_URL, data={"username": "ana@emprende.test"})

    body = assert_problem(response, 422, "validation_failed")
    assert [error["field"] for error in body["errors"]] == ["body.password"]
    assert "ana@emprende.test" not in response.text


async def test_five_failures_lock_the_account_with_retry_after(
    app: FastAPI, client: httpx.AsyncClient, admin: Account, staff: Account
) -> None:
    for _ in range(5):
        assert_problem(await sign_in(client, staff.email, "not the right password"), 401, "invalid_credentials")

    locked = await sign_in(client, staff.email, PASSWORD)

    assert_problem(locked, 429, "too_many_attempts")
    assert 1 <= int(locked.headers["retry-after"]) <= 900
    # The lock belongs to the account, whatever the case of the e-mail or the address it comes from.
    async with client_from(app, "198.51.100.20") as elsewhere:
        assert_problem(await sign_in(elsewhere, staff.email.upper(), PASSWORD), 429, "too_many_attempts")
    # Other accounts still sign in from the same address.
    await login(client, admin)


async def test_token_responses_are_never_replayed_for_an_idempotency_key(
    client: httpx.AsyncClient, staff: Account, staff_tokens: dict[str, str]
) -> None:
    key = {"Idempotency-Key": "same-key-0001"}
    first = await client.post(TOKEN_URL, data={"username": staff.email, "password": PASSWORD}, headers=key)
    second = await client.post(TOKEN_URL, data={"username": staff.email, "password": PASSWORD}, headers=key)
    assert first.status_code == second.status_code == 200
    assert "idempotent-replayed" not in second.headers
    assert first.json()["access_token"] != second.json()["access_token"]

    headers = {**key, **bearer(staff_tokens["access_token"])}
    body = {"refresh_token": staff_tokens["refresh_token"]}
    assert (await client.post(REFRESH_URL, json=body, headers=headers)).status_code == 200
    assert_problem(await client.post(REFRESH_URL, json=body, headers=headers), 401, "refresh_token_reused")


@pytest.fixture
async def strict_app(database_url: str, tmp_path: Path, engine: AsyncEngine, container: Container) -> FastAPI:
    """An app allowing 3 login attempts per client address, over the same database as `container` (which cleans up)."""
    settings = make_settings(database_url, tmp_path, login_max_attempts_per_client=3)
    return create_app(container=build_container(settings, engine=engine))


async def test_one_address_gets_a_bounded_number_of_attempts(
    strict_app: FastAPI, admin: Account, staff: Account
) -> None:
    async with client_from(strict_app, "203.0.113.5") as attacker, client_from(strict_app, "203.0.113.6") as other:
        assert (await sign_in(attacker, staff.email, PASSWORD)).status_code == 200
        assert_problem(await sign_in(attacker, admin.email, "not the right password"), 401, "invalid_credentials")
        assert_problem(await sign_in(attacker, "nadie@emprende.test", PASSWORD), 401, "invalid_credentials")

        blocked = await sign_in(attacker, admin.email, PASSWORD)

        assert_problem(blocked, 429, "too_many_attempts")
        assert 1 <= int(blocked.headers["retry-after"]) <= 900
        assert (await sign_in(other, admin.email, PASSWORD)).status_code == 200


# --- the JWT guards -------------------------------------------------------------------------------------------------


async def test_a_forged_token_with_the_right_secret_and_claims_is_accepted(
    client: httpx.AsyncClient, staff_tokens: dict[str, str]
) -> None:
    """The control for the guards below: each of them breaks exactly one thing of this token."""
    token = forge(fresh_claims(staff_tokens["access_token"]))

    assert (await client.get(ME_URL, headers=bearer(token))).status_code == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_unsigned_tokens_are_refused(client: httpx.AsyncClient, staff_tokens: dict[str, str], alg: str) -> None:
    claims = fresh_claims(staff_tokens["access_token"])

    await assert_rejected(client, hand_made({"alg": alg, "typ": "JWT"}, claims))
    # Not even with a signature attached.
    await assert_rejected(client, hand_made({"alg": alg, "typ": "JWT"}, claims, TEST_SECRET))


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
async def test_other_hmac_algorithms_are_refused(
    client: httpx.AsyncClient, staff_tokens: dict[str, str], algorithm: str
) -> None:
    token = forge(fresh_claims(staff_tokens["access_token"]), algorithm=algorithm)

    await assert_rejected(client, token)


async def test_asymmetric_tokens_are_refused(client: httpx.AsyncClient, staff_tokens: dict[str, str]) -> None:
    claims = fresh_claims(staff_tokens["access_token"])
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )

    # A genuine RS256 token from someone else's key.
    await assert_rejected(client, jwt.encode(claims, private_pem, algorithm="RS256"))
    # Algorithm confusion: claims RS256, but is HMAC-signed with our secret or with a public key as the secret.
    await assert_rejected(client, hand_made({"alg": "RS256", "typ": "JWT"}, claims, TEST_SECRET))
    await assert_rejected(client, hand_made({"alg": "HS256", "typ": "JWT"}, claims, public_pem))
    await assert_rejected(client, hand_made({"alg": "ES256", "typ": "JWT"}, claims, TEST_SECRET))


@pytest.mark.parametrize("claim", ["exp", "aud", "iss", "sub", "iat", "jti", "typ"])
async def test_tokens_missing_a_required_claim_are_refused(
    client: httpx.AsyncClient, staff_tokens: dict[str, str], claim: str
) -> None:
    token = forge(fresh_claims(staff_tokens["access_token"]), drop=(claim,))

    await assert_rejected(client, token)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"aud": "another-api"}, id="wrong-aud"),
        pytest.param({"aud": ["another-api"]}, id="wrong-aud-list"),
        pytest.param({"iss": "someone-else"}, id="wrong-iss"),
        pytest.param({"typ": "refresh"}, id="typ-refresh"),
        pytest.param({"typ": "id_token"}, id="typ-other"),
        pytest.param({"sub": "not-a-uuid"}, id="sub-not-uuid"),
        pytest.param({"sub": 12345}, id="sub-not-string"),
        pytest.param({"sub": str(uuid.uuid4())}, id="sub-unknown"),
        pytest.param({"sid": "not-a-uuid"}, id="sid-not-uuid"),
        pytest.param({"exp": "tomorrow"}, id="exp-not-number"),
        pytest.param({"iat": "today"}, id="iat-not-number"),
    ],
)
async def test_tokens_with_wrong_claims_are_refused(
    client: httpx.AsyncClient, staff_tokens: dict[str, str], changes: dict[str, Any]
) -> None:
    token = forge(fresh_claims(staff_tokens["access_token"]), **changes)

    await assert_rejected(client, token)


async def test_a_token_of_an_unknown_session_is_refused(
    client: httpx.AsyncClient, staff_tokens: dict[str, str]
) -> None:
    token = forge(fresh_claims(staff_tokens["access_token"]), sid=str(uuid.uuid4()))

    await assert_rejected(client, token, "session_revoked")


async def test_a_token_naming_another_users_session_is_refused(
    client: httpx.AsyncClient, admin: Account, staff_tokens: dict[str, str]
) -> None:
    admin_session = claims_of((await login(client, admin))["access_token"])["sid"]
    token = forge(fresh_claims(staff_tokens["access_token"]), sid=admin_session)

    await assert_rejected(client, token, "session_revoked")


async def test_an_expired_token_is_refused(client: httpx.AsyncClient, staff_tokens: dict[str, str]) -> None:
    now = int(time.time())
    token = forge(fresh_claims(staff_tokens["access_token"]), iat=now - 16 * 60, exp=now - 60)

    await assert_rejected(client, token, "token_expired")


async def test_a_token_issued_in_the_future_is_refused(client: httpx.AsyncClient, staff_tokens: dict[str, str]) -> None:
    """A signed token whose `iat` lies beyond the clock leeway was not issued by this service's clock."""
    later = int(time.time()) + ISSUED_AT_LEEWAY_SECONDS + 30
    token = forge(fresh_claims(staff_tokens["access_token"]), iat=later, exp=later + 300)

    await assert_rejected(client, token)


async def test_a_token_issued_within_the_clock_leeway_is_accepted(
    client: httpx.AsyncClient, staff_tokens: dict[str, str]
) -> None:
    """Processes behind a load balancer disagree on the time by a few seconds."""
    token = forge(fresh_claims(staff_tokens["access_token"]), iat=int(time.time()) + 5)

    assert (await client.get(ME_URL, headers=bearer(token))).status_code == 200


async def test_a_refresh_token_issued_in_the_future_is_refused(
    client: httpx.AsyncClient, staff_tokens: dict[str, str]
) -> None:
    later = int(time.time()) + ISSUED_AT_LEEWAY_SECONDS + 30
    token = forge(claims_of(staff_tokens["refresh_token"]), iat=later)

    assert_problem(await client.post(REFRESH_URL, json={"refresh_token": token}), 401, "invalid_token")
    # The genuine refresh token still works: the forged one ended nothing.
    assert (await client.post(REFRESH_URL, json={"refresh_token": staff_tokens["refresh_token"]})).status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"iat": [1]}, id="iat-list"),
        pytest.param({"exp": {"at": 1}}, id="exp-object"),
        pytest.param({"exp": 10**20}, id="exp-beyond-year-9999"),
        pytest.param({"iat": 10**400}, id="iat-huge"),
    ],
)
async def test_signed_tokens_with_odd_date_claims_are_refused_not_a_server_error(
    client: httpx.AsyncClient, staff_tokens: dict[str, str], changes: dict[str, Any]
) -> None:
    token = forge(fresh_claims(staff_tokens["access_token"]), **changes)

    await assert_rejected(client, token)


async def test_a_refresh_token_is_not_an_access_token(client: httpx.AsyncClient, staff_tokens: dict[str, str]) -> None:
    await assert_rejected(client, staff_tokens["refresh_token"])


async def test_an_access_token_is_not_a_refresh_token(client: httpx.AsyncClient, staff_tokens: dict[str, str]) -> None:
    response = await client.post(REFRESH_URL, json={"refresh_token": staff_tokens["access_token"]})

    assert_problem(response, 401, "invalid_token")
    # And the session survived the attempt.
    assert (await client.post(REFRESH_URL, json={"refresh_token": staff_tokens["refresh_token"]})).status_code == 200


async def test_a_tampered_signature_is_refused(client: httpx.AsyncClient, staff_tokens: dict[str, str]) -> None:
    header, payload, signature = staff_tokens["access_token"].split(".")
    # Change a character in the middle: the last one may only carry padding bits.
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    tampered = f"{header}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"

    await assert_rejected(client, tampered)
    await assert_rejected(client, f"{header}.{payload}.")
    await assert_rejected(client, f"{header}.{payload}")


async def test_a_tampered_payload_is_refused(
    client: httpx.AsyncClient, admin: Account, staff_tokens: dict[str, str]
) -> None:
    header, _payload, signature = staff_tokens["access_token"].split(".")
    escalated = {**claims_of(staff_tokens["access_token"]), "sub": str(admin.id)}

    await assert_rejected(client, f"{header}.{b64url_json(escalated)}.{signature}")


async def test_a_token_signed_with_another_secret_is_refused(
    client: httpx.AsyncClient, staff_tokens: dict[str, str]
) -> None:
    claims = fresh_claims(staff_tokens["access_token"])

    await assert_rejected(client, forge(claims, secret="another-secret-that-is-long-enough-0123456789"))
    await assert_rejected(client, forge(claims, secret=TEST_SECRET + "x"))


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        pytest.param(None, "not_authenticated", id="missing"),
        pytest.param("", "not_authenticated", id="empty"),
        pytest.param("Bearer", "not_authenticated", id="scheme-only"),
        pytest.param("Basic YWRtaW46YWRtaW4=", "not_authenticated", id="basic"),
        pytest.param("Bearer garbage", "invalid_token", id="garbage"),
        pytest.param("Bearer a.b.c", "invalid_token", id="three-garbage-parts"),
        pytest.param("Bearer ...", "invalid_token", id="dots"),
        pytest.param("Bearer e30.e30.", "invalid_token", id="empty-json"),
        pytest.param("Bearer W10.W10.", "invalid_token", id="json-lists"),
        pytest.param(b"Bearer \xe9\xe9", "invalid_token", id="latin-1"),
        pytest.param(b"Bearer \xff.\xfe.\xfd", "invalid_token", id="binary-parts"),
        pytest.param("Bearer " + "A" * 5000, "invalid_token", id="oversized"),
        pytest.param("Bearer " + ".".join(["eyJhbGciOiJIUzI1NiJ9"] * 3) * 300, "invalid_token", id="oversized-jwt"),
    ],
)
async def test_garbage_authorization_headers_get_401(
    client: httpx.AsyncClient, authorization: str | bytes | None, code: str
) -> None:
    headers: dict[bytes, bytes] = {}
    if authorization is not None:
        headers[b"Authorization"] = authorization.encode() if isinstance(authorization, str) else authorization

    response = await client.get(ME_URL, headers=headers)

    assert_problem(response, 401, code)
    assert response.headers["www-authenticate"] == "Bearer"


# --- inactive accounts ----------------------------------------------------------------------------------------------


async def test_a_deactivated_user_is_locked_out_at_once(
    client: httpx.AsyncClient, staff: Account, staff_tokens: dict[str, str], admin_headers: dict[str, str]
) -> None:
    response = await client.patch(f"/api/v1/users/{staff.id}", json={"is_active": False}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False

    await assert_rejected(client, staff_tokens["access_token"], "account_inactive")
    assert_problem(await sign_in(client, staff.email, PASSWORD), 401, "account_inactive")
    # A wrong password says nothing about the account's state.
    assert_problem(await sign_in(client, staff.email, "not the right password"), 401, "invalid_credentials")
    refreshed = await client.post(REFRESH_URL, json={"refresh_token": staff_tokens["refresh_token"]})
    assert_problem(refreshed, 401, "account_inactive")

    # Reactivation lets the person sign in again; the old session stays ended because the refresh attempt above,
    # made while the account was inactive, revoked it.
    response = await client.patch(f"/api/v1/users/{staff.id}", json={"is_active": True}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert (await sign_in(client, staff.email, PASSWORD)).status_code == 200
    await assert_rejected(client, staff_tokens["access_token"], "session_revoked")


# --- POST /auth/refresh ---------------------------------------------------------------------------------------------


async def test_refresh_rotates_and_a_replayed_token_revokes_the_family(
    client: httpx.AsyncClient, staff_tokens: dict[str, str]
) -> None:
    first = staff_tokens
    rotated = await client.post(REFRESH_URL, json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    second = rotated.json()
    assert second["token_type"] == "bearer"
    assert second["refresh_token"] != first["refresh_token"]
    assert claims_of(second["refresh_token"])["sid"] == claims_of(first["refresh_token"])["sid"]
    assert (await client.get(ME_URL, headers=bearer(second["access_token"]))).status_code == 200
    third = (await client.post(REFRESH_URL, json={"refresh_token": second["refresh_token"]})).json()

    replay = await client.post(REFRESH_URL, json={"refresh_token": first["refresh_token"]})

    assert_problem(replay, 401, "refresh_token_reused")
    newest = await client.post(REFRESH_URL, json={"refresh_token": third["refresh_token"]})
    assert_problem(newest, 401, "session_revoked")
    for pair in (first, second, third):
        await assert_rejected(client, pair["access_token"], "session_revoked")


async def test_a_refresh_token_signed_with_another_secret_does_not_revoke_anything(
    client: httpx.AsyncClient, staff_tokens: dict[str, str]
) -> None:
    claims = claims_of(staff_tokens["refresh_token"])
    forged = forge({**claims, "jti": str(uuid.uuid4())}, secret="another-secret-that-is-long-enough-0123456789")

    assert_problem(await client.post(REFRESH_URL, json={"refresh_token": forged}), 401, "invalid_token")
    assert (await client.post(REFRESH_URL, json={"refresh_token": staff_tokens["refresh_token"]})).status_code == 200


async def test_an_expired_refresh_token_is_refused(client: httpx.AsyncClient, staff_tokens: dict[str, str]) -> None:
    now = int(time.time())
    claims = claims_of(staff_tokens["refresh_token"])
    expired = forge({**claims, "iat": now - 3600, "exp": now - 60})

    assert_problem(await client.post(REFRESH_URL, json={"refresh_token": expired}), 401, "token_expired")


@pytest.mark.parametrize(
    "body",
    [{}, {"refresh_token": ""}, {"refresh_token": "x" * 5000}, {"refresh_token": "abc", "extra": 1}],
    ids=["missing", "empty", "oversized", "unknown-field"],
)
async def test_malformed_refresh_requests_are_validation_problems(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    assert_problem(await client.post(REFRESH_URL, json=body), 422, "validation_failed")


async def test_refresh_accepts_the_form_encoding_of_the_token_request(
    client: httpx.AsyncClient, staff_tokens: dict[str, str]
) -> None:
    """OAuth2 client libraries send every token request as a form; the refresh must not need JSON."""
    rotated = await client.post(REFRESH_URL, data={"refresh_token": staff_tokens["refresh_token"]})

    assert rotated.status_code == 200, rotated.text
    pair = rotated.json()
    assert pair["refresh_token"] != staff_tokens["refresh_token"]
    assert (await client.get(ME_URL, headers=bearer(pair["access_token"]))).status_code == 200
    # The form's token is spent like a JSON one: presenting it again ends the session.
    replay = await client.post(REFRESH_URL, data={"refresh_token": staff_tokens["refresh_token"]})
    assert_problem(replay, 401, "refresh_token_reused")


@pytest.mark.parametrize(
    "form",
    [{}, {"refresh_token": ""}, {"refresh_token": "x" * 5000}, {"refresh_token": "abc", "extra": "1"}],
    ids=["missing", "empty", "oversized", "unknown-field"],
)
async def test_malformed_refresh_forms_are_validation_problems(client: httpx.AsyncClient, form: dict[str, str]) -> None:
    response = await client.post(REFRESH_URL, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(response, 422, "validation_failed")
    assert all(error["field"].startswith("body") for error in response.json()["errors"])


async def test_refresh_in_another_media_type_is_unsupported(client: httpx.AsyncClient) -> None:
    response = await client.post(REFRESH_URL, content=b"refresh_token", headers={"Content-Type": "text/plain"})
    assert_problem(response, 415, "unsupported_media_type")


# --- POST /auth/logout ----------------------------------------------------------------------------------------------


async def test_logout_ends_the_session(client: httpx.AsyncClient, staff: Account, staff_tokens: dict[str, str]) -> None:
    other_device = await login(client, staff)

    response = await client.post(LOGOUT_URL, headers=bearer(staff_tokens["access_token"]))

    assert response.status_code == 204
    assert response.content == b""
    await assert_rejected(client, staff_tokens["access_token"], "session_revoked")
    refreshed = await client.post(REFRESH_URL, json={"refresh_token": staff_tokens["refresh_token"]})
    assert_problem(refreshed, 401, "session_revoked")
    # Logging out twice with the dead token is refused, and the other device is not affected.
    assert_problem(await client.post(LOGOUT_URL, headers=bearer(staff_tokens["access_token"])), 401, "session_revoked")
    assert (await client.get(ME_URL, headers=bearer(other_device["access_token"]))).status_code == 200


async def test_logout_needs_a_token(client: httpx.AsyncClient) -> None:
    assert_problem(await client.post(LOGOUT_URL), 401, "not_authenticated")


# --- GET /auth/me ---------------------------------------------------------------------------------------------------


async def test_me_returns_the_user_with_an_etag(
    client: httpx.AsyncClient, staff: Account, staff_tokens: dict[str, str]
) -> None:
    headers = bearer(staff_tokens["access_token"])

    response = await client.get(ME_URL, headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "partner_id",
        "email",
        "full_name",
        "role",
        "is_active",
        "preferred_language",
        "password_reset_required",
        "created_at",
        "updated_at",
    }
    assert (body["id"], body["email"], body["role"], body["full_name"]) == (
        str(staff.id),
        staff.email,
        "evaluator",
        "Luis Cedeño",
    )
    assert body["password_reset_required"] is False
    etag = response.headers["etag"]
    assert etag == '"v2"'  # created, then its password changed at first sign-in

    cached = await client.get(ME_URL, headers={**headers, "If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.headers["etag"] == etag
    assert cached.content == b""
    assert (await client.get(ME_URL, headers={**headers, "If-None-Match": f'"x", W/{etag}'})).status_code == 304

    renamed = await client.patch(
        f"/api/v1/users/{staff.id}", json={"full_name": "Luis A. Cedeño"}, headers={**headers, "If-Match": etag}
    )
    assert renamed.status_code == 200, renamed.text
    stale = await client.get(ME_URL, headers={**headers, "If-None-Match": etag})
    assert stale.status_code == 200
    assert stale.headers["etag"] == '"v3"'
    assert stale.json()["full_name"] == "Luis A. Cedeño"


async def test_me_never_shows_the_password_hash(client: httpx.AsyncClient, staff_tokens: dict[str, str]) -> None:
    response = await client.get(ME_URL, headers=bearer(staff_tokens["access_token"]))

    assert "password_hash" not in response.text
    assert "$argon2" not in response.text
    assert PASSWORD not in response.text


# --- the audit trail ------------------------------------------------------------------------------------------------


async def all_audit_events(client: httpx.AsyncClient, headers: dict[str, str], **filters: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "100", **filters}
    while True:
        response = await client.get("/api/v1/audit-events", params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        events.extend(page["items"])
        if "next_cursor" not in page:
            return events
        params["cursor"] = page["next_cursor"]


async def test_a_login_is_audited_without_its_token_id(
    client: httpx.AsyncClient, staff: Account, staff_tokens: dict[str, str], admin_headers: dict[str, str]
) -> None:
    sid = claims_of(staff_tokens["refresh_token"])["sid"]
    first_jti = claims_of(staff_tokens["refresh_token"])["jti"]
    rotated = (await client.post(REFRESH_URL, json={"refresh_token": staff_tokens["refresh_token"]})).json()
    second_jti = claims_of(rotated["refresh_token"])["jti"]

    events = await all_audit_events(client, admin_headers, entity_type="login_session", entity_id=sid)

    by_action = {event["action"]: event for event in events}
    assert set(by_action) == {"create", "update"}
    created = by_action["create"]
    assert (created["actor_type"], created["actor_id"]) == ("user", str(staff.id))
    assert created["changes"]["current_token_id"] == {"before": None, "after": "[redacted]"}
    assert created["changes"]["user_id"]["after"] == str(staff.id)
    assert created["request_id"]
    updated = by_action["update"]
    assert updated["changes"]["current_token_id"] == {"before": "[redacted]", "after": "[redacted]"}
    raw = json.dumps(events)
    for token_id in (first_jti, second_jti):
        assert token_id not in raw
        assert token_id.replace("-", "") not in raw


async def test_no_audit_event_holds_a_password_hash(
    client: httpx.AsyncClient, staff: Account, staff_tokens: dict[str, str], admin_headers: dict[str, str]
) -> None:
    created = await client.post(
        "/api/v1/users",
        json={
            "email": "nueva@emprende.test",
            "full_name": "Nueva Persona",
            "password": PASSWORD,
            "role": "facilitator",
            "partner_id": str(staff.partner_id),
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    await client.patch(f"/api/v1/users/{staff.id}", json={"is_active": False}, headers=admin_headers)
    await client.post(LOGOUT_URL, headers=bearer(staff_tokens["access_token"]))

    events = await all_audit_events(client, admin_headers)

    user_creations = [e for e in events if e["entity_type"] == "user" and e["action"] == "create"]
    assert len(user_creations) == 3
    for event in user_creations:
        assert event["changes"]["password_hash"] == {"before": None, "after": "[redacted]"}
    raw = json.dumps(events)
    assert "$argon2" not in raw
    assert PASSWORD not in raw
    assert {e["entity_type"] for e in events} >= {"user", "login_session"}
