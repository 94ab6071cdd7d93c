"""Partner API clients: created by a partner's manager (or an administrator), secret shown once and stored hashed,
OAuth2 client credentials, rotation with a grace period, immediate revocation, scopes bounded by the agreements."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.partners.tables import api_clients
from emprende.api.app import create_app
from emprende.bootstrap import Container, build_container, metadata
from emprende.services.identity.auth import authenticate
from tests.conftest import World, bearer, client_token, make_settings, snapshot

CLIENTS = "/api/v1/api-clients"
PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def create_client(
    client: httpx.AsyncClient, headers: dict[str, str], scopes: list[str], **fields: object
) -> dict[str, Any]:
    response = await client.post(
        CLIENTS, json={"name": "Sistema académico", "scopes": scopes, **fields}, headers=headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def token_for(client: httpx.AsyncClient, created: dict[str, Any], scope: str | None = None) -> dict[str, str]:
    response = await client_token(client, created["id"], created["client_secret"], scope)
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


async def all_text(engine: AsyncEngine) -> str:
    """Everything the database holds, as one string: to prove a secret is nowhere in it."""
    parts: list[str] = []
    async with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in await connection.execute(select(table)):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


# --- creation -------------------------------------------------------------------------------------------------------


async def test_a_manager_creates_a_client_and_sees_the_secret_once(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    response = await client.post(
        CLIENTS, json={"name": "  SIS   Alfa ", "scopes": ["partners:read"]}, headers=world.a.manager_headers
    )
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    secret = body["client_secret"]
    assert len(secret) >= 40
    assert body["name"] == "SIS Alfa"
    assert body["partner_id"] == str(world.a.partner_id)
    assert body["scopes"] == ["partners:read"]
    assert body["last_used_at"] is None
    assert response.headers["location"] == f"{CLIENTS}/{body['id']}"

    read = await client.get(response.headers["location"], headers=world.a.manager_headers)
    assert read.status_code == 200
    assert "client_secret" not in read.json()
    assert secret not in read.text
    listing = await client.get(CLIENTS, headers=world.a.manager_headers)
    assert secret not in listing.text
    # Stored hashed only: the secret is nowhere in the database, not even in the audit trail.
    async with container.engine.connect() as connection:
        stored = (
            await connection.execute(select(api_clients.c.secret_hash).where(api_clients.c.id == uuid.UUID(body["id"])))
        ).scalar_one()
    assert stored != secret
    assert stored.startswith("$argon2")
    assert secret not in await all_text(container.engine)


async def test_a_retried_request_gets_the_same_secret_which_is_kept_only_sealed(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """A retry after a lost answer gets the secret it would otherwise never see, not a second one; at rest the secret
    is nowhere in clear."""
    headers = {**world.a.manager_headers, "Idempotency-Key": "crear-cliente-1"}
    body = {"name": "SIS", "scopes": ["partners:read"]}
    response = await client.post(CLIENTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    rotation = f"{CLIENTS}/{response.json()['id']}/rotation"
    rotated = await client.post(rotation, headers={**headers, "Idempotency-Key": "rotar-1"})
    assert rotated.status_code == 200, rotated.text
    reset_url = f"/api/v1/users/{world.a.staff.id}/password-reset"
    reset = await client.post(reset_url, headers={**world.admin_headers, "Idempotency-Key": "reset-1"})
    assert reset.status_code == 200, reset.text
    stored = await all_text(container.engine)
    assert response.json()["client_secret"] not in stored
    assert rotated.json()["client_secret"] not in stored
    assert reset.json()["temporary_password"] not in stored

    again = await client.post(CLIENTS, json=body, headers=headers)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["client_secret"] == response.json()["client_secret"]
    assert again.headers["cache-control"] == "no-store"
    rotated_again = await client.post(rotation, headers={**headers, "Idempotency-Key": "rotar-1"})
    assert rotated_again.json()["client_secret"] == rotated.json()["client_secret"]
    reset_again = await client.post(reset_url, headers={**world.admin_headers, "Idempotency-Key": "reset-1"})
    assert reset_again.json()["temporary_password"] == reset.json()["temporary_password"]
    # What was replayed is what works: the temporary password signs the person in.
    signed_in = await client.post(
        "/api/v1/auth/token", data={"username": world.a.staff.email, "password": reset.json()["temporary_password"]}
    )
    assert signed_in.status_code == 200, signed_in.text


async def test_an_administrator_names_the_partner(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await create_client(client, world.admin_headers, ["agreements:read"], partner_id=str(world.b.partner_id))
    assert created["partner_id"] == str(world.b.partner_id)
    before = await snapshot(container.engine)
    missing = await client.post(CLIENTS, json={"name": "X", "scopes": ["partners:read"]}, headers=world.admin_headers)
    assert_problem(missing, 422, "invalid_input")
    unknown = await client.post(
        CLIENTS,
        json={"name": "X", "scopes": ["partners:read"], "partner_id": str(uuid.uuid4())},
        headers=world.admin_headers,
    )
    assert_problem(unknown, 404, "not_found")
    assert await snapshot(container.engine) == before


async def test_staff_and_clients_cannot_create_or_manage_clients(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine)
    for headers in (world.a.staff_headers, world.a.client_headers):
        response = await client.post(CLIENTS, json={"name": "X", "scopes": ["partners:read"]}, headers=headers)
        assert_problem(response, 403, "permission_denied")
        assert_problem(await client.get(CLIENTS, headers=headers), 403, "permission_denied")
        for action in ("rotation", "revocation"):
            response = await client.post(f"{CLIENTS}/{world.a.client_id}/{action}", headers=headers)
            assert_problem(response, 403, "permission_denied")
    assert await snapshot(container.engine) == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"scopes": ["participants:write"]}, "scope_not_allowed"),  # B only evaluates
        ({"scopes": ["participants:sensitive"]}, "scope_not_allowed"),
        ({"scopes": ["partners:read", "participants:read"]}, "scope_not_allowed"),
        ({"scopes": ["partners:delete"]}, "unknown_scope"),
        ({"scopes": ["partners"]}, "validation_failed"),
        ({"scopes": ["PARTNERS:READ"]}, "validation_failed"),
        ({"scopes": []}, "validation_failed"),
        ({"scopes": ["partners:read"], "expires_at": "2001-01-01T00:00:00Z"}, "invalid_input"),
        ({"scopes": ["partners:read"], "expires_at": "2099-01-01T00:00:00"}, "validation_failed"),  # no offset
        ({"scopes": ["partners:read"], "name": ""}, "validation_failed"),
        ({"scopes": ["partners:read"], "partner_id": "A"}, "validation_failed"),
        ({"scopes": ["partners:read"], "secret": "mine"}, "validation_failed"),
        ({"scopes": ["partners:read"], "revoked_at": None}, "validation_failed"),
    ],
)
async def test_bad_client_input_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, container: Container, world: World, body: dict[str, object], code: str
) -> None:
    if body.get("partner_id") == "A":
        body = {**body, "partner_id": str(world.a.partner_id)}
        code, status = "not_found", 404  # B's manager naming A's partner: as if it did not exist
    else:
        status = 422
    before = await snapshot(container.engine)
    response = await client.post(CLIENTS, json={"name": "Sistema", **body}, headers=world.b.manager_headers)
    assert_problem(response, status, code)
    assert await snapshot(container.engine) == before


async def test_a_partner_without_an_agreement_in_force_may_hold_no_scope(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    partner = await client.post(
        "/api/v1/partners",
        json={"name": "Banco Gamma", "kind": "financial_institution", "country": "ECU"},
        headers=world.admin_headers,
    )
    day = container.clock.now().date()
    await client.post(
        f"/api/v1/partners/{partner.json()['id']}/agreements",
        json={
            "code": "FUTURO-1",
            "title": "Convenio que empieza el mes próximo",
            "roles": ["funding"],
            "start_date": (day + timedelta(days=30)).isoformat(),
            "end_date": (day + timedelta(days=400)).isoformat(),
            "data_sharing": False,
            "activate": True,
        },
        headers=world.admin_headers,
    )
    before = await snapshot(container.engine)
    response = await client.post(
        CLIENTS,
        json={"name": "Core bancario", "scopes": ["partners:read"], "partner_id": partner.json()["id"]},
        headers=world.admin_headers,
    )
    assert_problem(response, 403, "agreement_required")
    assert await snapshot(container.engine) == before


# --- the client-credentials grant ---------------------------------------------------------------------------------


async def test_client_credentials_in_the_form_or_http_basic(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    response = await client_token(client, world.a.client_id, world.a.client_secret)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["scope"] == "agreements:read participants:read partners:read"
    assert "refresh_token" not in body
    assert 0 < body["expires_in"] <= 15 * 60
    assert response.headers["cache-control"] == "no-store"

    basic = base64.b64encode(f"{world.a.client_id}:{world.a.client_secret}".encode()).decode()
    response = await client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 200, response.text
    partners = await client.get("/api/v1/partners", headers=bearer(response.json()["access_token"]))
    assert [item["id"] for item in partners.json()["items"]] == [str(world.a.partner_id)]


async def test_last_used_at_is_tracked(client: httpx.AsyncClient, world: World) -> None:
    fresh = await create_client(client, world.a.manager_headers, ["partners:read"])
    assert fresh["last_used_at"] is None
    await token_for(client, fresh)
    read = (await client.get(f"{CLIENTS}/{fresh['id']}", headers=world.a.manager_headers)).json()
    first = datetime.fromisoformat(read["last_used_at"])
    assert datetime.now(UTC) - first < timedelta(minutes=1)
    await token_for(client, fresh)
    later = (await client.get(f"{CLIENTS}/{fresh['id']}", headers=world.a.manager_headers)).json()["last_used_at"]
    assert datetime.fromisoformat(later) >= first


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [
        ("known", "wrong secret"),
        ("00000000-0000-4000-8000-00000000abcd", "whatever"),
        ("not-a-uuid", "whatever"),
        ("known", ""),
    ],
)
async def test_bad_client_credentials_get_invalid_client(
    client: httpx.AsyncClient, world: World, client_id: str, secret: str
) -> None:
    client_id = str(world.a.client_id) if client_id == "known" else client_id
    response = await client_token(client, client_id, secret)
    assert_problem(response, 401, "invalid_client")


async def test_scopes_requested_are_narrowed_and_unheld_ones_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client_token(client, world.a.client_id, world.a.client_secret, "partners:read")
    assert response.json()["scope"] == "partners:read"
    headers = bearer(response.json()["access_token"])
    assert (await client.get(f"/api/v1/partners/{world.a.partner_id}", headers=headers)).status_code == 200
    denied = await client.get(f"/api/v1/partners/{world.a.partner_id}/agreements", headers=headers)
    assert_problem(denied, 403, "permission_denied")
    refused = await client_token(client, world.a.client_id, world.a.client_secret, "partners:read participants:write")
    assert_problem(refused, 400, "invalid_scope")
    unsupported = await client.post("/api/v1/auth/token", data={"grant_type": "authorization_code"})
    assert_problem(unsupported, 400, "unsupported_grant_type")


async def test_a_client_never_holds_a_scope_its_partners_agreements_no_longer_allow(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    day = container.clock.now().date()
    url = f"/api/v1/partners/{world.a.partner_id}/agreements/{world.a.agreement_id}"
    amended = await client.post(
        f"{url}/amendments",
        json={
            "reason": "Deja de formar y derivar; pasa a evaluar",
            "effective_from": day.isoformat(),
            "roles_added": ["evaluation"],
            "roles_removed": ["training_delivery", "referral"],
        },
        headers=world.admin_headers,
    )
    assert amended.status_code == 201, amended.text
    response = await client_token(client, world.a.client_id, world.a.client_secret)
    assert response.json()["scope"] == "agreements:read partners:read"
    refused = await client.post(
        CLIENTS, json={"name": "Otro", "scopes": ["participants:read"]}, headers=world.a.manager_headers
    )
    assert_problem(refused, 422, "scope_not_allowed")

    terminated = await client.post(f"{url}/termination", json={"reason": "Cierre"}, headers=world.admin_headers)
    assert terminated.json()["status"] == "terminated"
    response = await client_token(client, world.a.client_id, world.a.client_secret)
    assert_problem(response, 403, "agreement_required")


async def test_an_expired_client_gets_no_token_and_its_tokens_stop(
    client: httpx.AsyncClient, container: Container, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    expiring = await create_client(
        client,
        world.a.manager_headers,
        ["partners:read"],
        expires_at=(datetime.now(UTC) + timedelta(days=1)).isoformat(),
    )
    headers = await token_for(client, expiring)
    assert (await client.get("/api/v1/partners", headers=headers)).status_code == 200
    # The expiry is moved into the past by hand, as time would move it: on PostgreSQL the cached principal is forgotten
    # when the trigger's notification reaches this process, which happens after the commit, not with it.
    invalidated = asyncio.Event()
    listener = container.principal_listener
    if listener is not None:
        forget = listener.cache.invalidate
        monkeypatch.setattr(listener.cache, "invalidate", lambda: (forget(), invalidated.set()))
    async with container.engine.begin() as connection:
        await connection.execute(
            update(api_clients)
            .where(api_clients.c.id == uuid.UUID(expiring["id"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    if listener is not None:
        await asyncio.wait_for(invalidated.wait(), timeout=10)
    assert_problem(await client.get("/api/v1/partners", headers=headers), 401, "invalid_client")
    assert_problem(await client_token(client, expiring["id"], expiring["client_secret"]), 401, "invalid_client")


# --- rotation and revocation --------------------------------------------------------------------------------------


async def test_rotation_keeps_the_old_secret_valid_for_the_grace_period(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    headers_before = world.a.client_headers
    rotated = await client.post(f"{CLIENTS}/{world.a.client_id}/rotation", headers=world.a.manager_headers)
    assert rotated.status_code == 200, rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    new_secret = rotated.json()["client_secret"]
    assert new_secret != world.a.client_secret
    grace_end = datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    expected = datetime.now(UTC) + timedelta(hours=container.settings.client_secret_grace_hours)
    assert abs((grace_end - expected).total_seconds()) < 60

    assert (await client_token(client, world.a.client_id, new_secret)).status_code == 200
    assert (await client_token(client, world.a.client_id, world.a.client_secret)).status_code == 200
    assert (await client.get("/api/v1/partners", headers=headers_before)).status_code == 200
    assert new_secret not in await all_text(container.engine)

    # A second rotation ends the first secret's grace: only the two newest secrets work.
    again = await client.post(f"{CLIENTS}/{world.a.client_id}/rotation", headers=world.admin_headers)
    newest = again.json()["client_secret"]
    assert (await client_token(client, world.a.client_id, newest)).status_code == 200
    assert (await client_token(client, world.a.client_id, new_secret)).status_code == 200
    assert_problem(await client_token(client, world.a.client_id, world.a.client_secret), 401, "invalid_client")


@pytest.fixture
async def zero_grace(
    database_url: str, tmp_path: Path, engine: AsyncEngine, container: Container
) -> AsyncIterator[httpx.AsyncClient]:
    """The same database served by an app whose rotated secrets have no grace period."""
    settings = make_settings(database_url, tmp_path / "zero-grace", client_secret_grace_hours=0)
    app = create_app(container=build_container(settings, engine=engine))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as zero:
        yield zero


async def test_after_the_grace_period_the_old_secret_stops_working(
    client: httpx.AsyncClient, zero_grace: httpx.AsyncClient, world: World
) -> None:
    rotated = await zero_grace.post(f"{CLIENTS}/{world.a.client_id}/rotation", headers=world.a.manager_headers)
    assert rotated.status_code == 200, rotated.text
    assert_problem(await client_token(zero_grace, world.a.client_id, world.a.client_secret), 401, "invalid_client")
    assert_problem(await client_token(client, world.a.client_id, world.a.client_secret), 401, "invalid_client")
    assert (await client_token(client, world.a.client_id, rotated.json()["client_secret"])).status_code == 200


async def test_revocation_is_immediate(client: httpx.AsyncClient, container: Container, world: World) -> None:
    existing = world.a.client_headers
    assert (await client.get("/api/v1/partners", headers=existing)).status_code == 200
    revoked = await client.post(f"{CLIENTS}/{world.a.client_id}/revocation", headers=world.a.manager_headers)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    assert_problem(await client.get("/api/v1/partners", headers=existing), 401, "invalid_client")
    assert_problem(await client_token(client, world.a.client_id, world.a.client_secret), 401, "invalid_client")
    # Revoking again is harmless; rotating a revoked client is refused.
    assert (
        await client.post(f"{CLIENTS}/{world.a.client_id}/revocation", headers=world.a.manager_headers)
    ).status_code == 200
    before = await snapshot(container.engine)
    rotate = await client.post(f"{CLIENTS}/{world.a.client_id}/rotation", headers=world.a.manager_headers)
    assert_problem(rotate, 409, "client_revoked")
    assert await snapshot(container.engine) == before
    # The other partner's client is untouched.
    assert (await client.get("/api/v1/partners", headers=world.b.client_headers)).status_code == 200


async def test_a_suspended_partners_clients_are_locked_out(client: httpx.AsyncClient, world: World) -> None:
    suspended = await client.post(
        f"/api/v1/partners/{world.a.partner_id}/suspension", json={"reason": "Auditoría"}, headers=world.admin_headers
    )
    assert suspended.status_code == 200
    assert_problem(await client.get("/api/v1/partners", headers=world.a.client_headers), 401, "partner_suspended")
    assert_problem(await client_token(client, world.a.client_id, world.a.client_secret), 401, "partner_suspended")
    assert (await client.get("/api/v1/partners", headers=world.b.client_headers)).status_code == 200


async def test_listing_shows_a_manager_only_their_partners_clients(client: httpx.AsyncClient, world: World) -> None:
    extra = await create_client(client, world.a.manager_headers, ["partners:read"])
    mine = {item["id"] for item in (await client.get(CLIENTS, headers=world.a.manager_headers)).json()}
    assert mine == {str(world.a.client_id), extra["id"]}
    theirs = {item["id"] for item in (await client.get(CLIENTS, headers=world.b.manager_headers)).json()}
    assert theirs == {str(world.b.client_id)}
    everyone = {item["id"] for item in (await client.get(CLIENTS, headers=world.admin_headers)).json()}
    assert everyone == mine | theirs
    assert_problem(
        await client.get(f"{CLIENTS}/{world.a.client_id}", headers=world.b.manager_headers), 404, "not_found"
    )


async def test_clients_have_no_user_account(client: httpx.AsyncClient, container: Container, world: World) -> None:
    assert_problem(await client.get("/api/v1/auth/me", headers=world.a.client_headers), 403, "permission_denied")
    principal = await authenticate(world.a.client_headers["Authorization"].split()[1], auth=container.auth)
    assert principal.partner_id == world.a.partner_id
    assert principal.role is None


async def test_without_an_agreement_in_force_clients_are_neither_created_nor_given_tokens(
    client: httpx.AsyncClient, world: World
) -> None:
    """Partner systems act under a cooperation agreement: once A's only agreement ends, A's systems get nothing."""
    terminated = await client.post(
        f"/api/v1/partners/{world.a.partner_id}/agreements/{world.a.agreement_id}/termination",
        json={"reason": "Fin anticipado del convenio"},
        headers=world.admin_headers,
    )
    assert terminated.status_code == 200, terminated.text

    created = await client.post(
        CLIENTS, json={"name": "Sistema nuevo", "scopes": ["partners:read"]}, headers=world.a.manager_headers
    )
    assert created.status_code == 403, created.text
    assert created.json()["code"] == "agreement_required"

    token = await client_token(client, world.a.client_id, world.a.client_secret)
    assert token.status_code == 403, token.text
    assert token.json()["code"] == "agreement_required"

    # B, whose agreement is still in force, is unaffected.
    assert (await client_token(client, world.b.client_id, world.b.client_secret)).status_code == 200
