"""The users endpoints as an administrator and an ordinary user would use them."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.bootstrap import Container
from tests.conftest import OWN_PASSWORD, PASSWORD, Account, bearer, first_sign_in, login

_partner: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _accounts_partner(partner_id: uuid.UUID) -> None:
    """Accounts other than administrators belong to a partner; new_user() places them in this one."""
    _partner["id"] = str(partner_id)


def new_user(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": f"u{uuid.uuid4().hex[:10]}@emprende.test",
        "full_name": "Rosa Guamán",
        "password": PASSWORD,
        "role": "facilitator",
    }
    body.update(overrides)
    if body.get("role") != "admin" and "partner_id" not in overrides:
        body["partner_id"] = _partner["id"]
    return body


async def create(client: httpx.AsyncClient, headers: dict[str, str], **overrides: object) -> httpx.Response:
    response = await client.post("/api/v1/users", json=new_user(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response


async def user_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(identity_tables.users))).scalar_one())


def problem_code(response: httpx.Response) -> str:
    assert response.headers["content-type"] == "application/problem+json", response.text
    code: str = response.json()["code"]
    return code


async def test_create_user_returns_201_location_and_etag(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/users",
        json=new_user(email="  Maria.Quispe@Example.ORG ", full_name="  María   Quispe ", preferred_language="en"),
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "maria.quispe@example.org"
    assert body["full_name"] == "María Quispe"
    assert body["role"] == "facilitator"
    assert body["is_active"] is True
    assert body["preferred_language"] == "en"
    assert body["password_reset_required"] is True
    assert "password_hash" not in response.text
    assert PASSWORD not in response.text
    assert "argon2" not in response.text
    assert response.headers["location"] == f"/api/v1/users/{body['id']}"
    assert response.headers["etag"] == '"v1"'
    followed = await client.get(response.headers["location"], headers=admin_headers)
    assert followed.status_code == 200
    assert followed.json() == body
    assert followed.headers["etag"] == '"v1"'


async def test_created_user_can_sign_in(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    body = (await create(client, admin_headers, role="evaluator")).json()
    tokens = await login(client, Account(uuid.UUID(body["id"]), body["email"], PASSWORD, body["role"]))
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["id"] == body["id"]


@pytest.mark.parametrize("creator", ["admin", "partner_manager"])
async def test_a_password_someone_else_chose_must_be_changed_at_first_sign_in(
    client: httpx.AsyncClient, admin_headers: dict[str, str], creator: str
) -> None:
    headers = admin_headers
    if creator == "partner_manager":
        manager = (await create(client, admin_headers, role="partner_manager")).json()
        headers = await first_sign_in(client, manager["email"])
    created = (await create(client, headers, role="partner_manager")).json()
    assert created["password_reset_required"] is True

    token = await client.post("/api/v1/auth/token", data={"username": created["email"], "password": PASSWORD})
    assert token.status_code == 200, token.text
    assert token.json()["password_change_required"] is True
    own = bearer(token.json()["access_token"])
    me = await client.get("/api/v1/auth/me", headers=own)
    assert (me.status_code, me.json()["password_reset_required"]) == (200, True)
    refused = await client.get("/api/v1/users", headers=own)
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")

    changed = await client.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": OWN_PASSWORD}, headers=own
    )
    assert changed.status_code == 204, changed.text
    assert (await client.get("/api/v1/auth/me", headers=own)).json()["password_reset_required"] is False
    assert (await client.get("/api/v1/users", headers=own)).status_code == 200
    again = await client.post("/api/v1/auth/token", data={"username": created["email"], "password": OWN_PASSWORD})
    assert again.json()["password_change_required"] is False


@pytest.mark.parametrize("variant", ["upper", "padded", "mixed"])
async def test_duplicate_email_ignores_case(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container, variant: str
) -> None:
    await create(client, admin_headers, email="carlos.mena@emprende.test")
    before = await user_count(container.engine)
    email = {
        "upper": "CARLOS.MENA@EMPRENDE.TEST",
        "padded": " carlos.mena@emprende.test ",
        "mixed": "Carlos.Mena@Emprende.Test",
    }[variant]
    response = await client.post("/api/v1/users", json=new_user(email=email), headers=admin_headers)
    assert response.status_code == 409
    assert problem_code(response) == "email_taken"
    assert await user_count(container.engine) == before


async def test_concurrent_duplicates_give_one_user_and_409s(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container
) -> None:
    before = await user_count(container.engine)
    payloads = [new_user(email="race@emprende.test"), new_user(email="RACE@emprende.test")] * 2
    responses = await asyncio.gather(
        *(client.post("/api/v1/users", json=payload, headers=admin_headers) for payload in payloads)
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 409, 409, 409], [response.text for response in responses]
    assert {problem_code(r) for r in responses if r.status_code == 409} == {"email_taken"}
    assert await user_count(container.engine) == before + 1


@pytest.mark.parametrize(
    "password",
    ["short-pw", "aaaaaaaaaaaaaaaa", "abababababababab", "x" * 257, "passwordpassword", "Qwerty123456!"],
    ids=["too-short", "repetitive", "two-chars", "too-long", "common-repeated", "common-with-digits"],
)
async def test_weak_password_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], container: Container, password: str
) -> None:
    before = await user_count(container.engine)
    response = await client.post("/api/v1/users", json=new_user(password=password), headers=admin_headers)
    assert response.status_code == 422
    assert problem_code(response) in ("weak_password", "validation_failed")
    assert "body.password" in {error["field"] for error in response.json()["errors"]}
    assert password not in response.text
    assert await user_count(container.engine) == before


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@@ats.ec", "sp ace@x.ec", "x" * 65 + "@e.ec"])
async def test_invalid_email_is_422(client: httpx.AsyncClient, admin_headers: dict[str, str], email: str) -> None:
    response = await client.post("/api/v1/users", json=new_user(email=email), headers=admin_headers)
    assert response.status_code == 422
    assert problem_code(response) == "invalid_email"
    assert response.json()["errors"][0]["field"] == "body.email"


async def test_non_admin_cannot_create(
    client: httpx.AsyncClient, staff_headers: dict[str, str], container: Container
) -> None:
    before = await user_count(container.engine)
    response = await client.post("/api/v1/users", json=new_user(role="admin"), headers=staff_headers)
    assert response.status_code == 403
    assert problem_code(response) == "permission_denied"
    assert await user_count(container.engine) == before


async def test_anonymous_cannot_create(client: httpx.AsyncClient, container: Container) -> None:
    before = await user_count(container.engine)
    response = await client.post("/api/v1/users", json=new_user())
    assert response.status_code == 401
    assert problem_code(response) == "not_authenticated"
    assert await user_count(container.engine) == before


async def test_list_filters(client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]) -> None:
    await create(client, admin_headers, email="f1@cuenca.example", role="facilitator")
    f2 = (await create(client, admin_headers, email="f2@quito.example", role="facilitator")).json()
    await create(client, admin_headers, email="e1@quito.example", role="evaluator")
    patched = await client.patch(f"/api/v1/users/{f2['id']}", json={"is_active": False}, headers=admin_headers)
    assert patched.status_code == 200

    async def emails(**params: Any) -> list[str]:
        response = await client.get("/api/v1/users", params=params, headers=admin_headers)
        assert response.status_code == 200, response.text
        return [item["email"] for item in response.json()["items"]]

    assert set(await emails()) == {admin.email, "f1@cuenca.example", "f2@quito.example", "e1@quito.example"}
    assert set(await emails(role="facilitator")) == {"f1@cuenca.example", "f2@quito.example"}
    assert set(await emails(is_active="false")) == {"f2@quito.example"}
    assert set(await emails(role="facilitator", is_active="true")) == {"f1@cuenca.example"}
    assert set(await emails(email_contains="QUITO")) == {"f2@quito.example", "e1@quito.example"}
    assert set(await emails(email_contains="%")) == set()
    assert set(await emails(email_contains="_")) == set()
    assert await emails(role="participant") == []


async def test_list_is_in_creation_order(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]
) -> None:
    created = [(await create(client, admin_headers)).json()["id"] for _ in range(3)]
    response = await client.get("/api/v1/users", headers=admin_headers)
    assert [item["id"] for item in response.json()["items"]] == [str(admin.id), *created]


@pytest.mark.parametrize(
    "params", [{"role": "superuser"}, {"is_active": "maybe"}, {"email_contains": ""}, {"email_contains": "x" * 255}]
)
async def test_list_rejects_bad_filters(
    client: httpx.AsyncClient, admin_headers: dict[str, str], params: dict[str, str]
) -> None:
    response = await client.get("/api/v1/users", params=params, headers=admin_headers)
    assert response.status_code == 422
    assert problem_code(response) == "validation_failed"


async def test_list_is_admin_only(client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    response = await client.get("/api/v1/users", headers=staff_headers)
    assert response.status_code == 403
    assert problem_code(response) == "permission_denied"


async def test_get_user_visibility(
    client: httpx.AsyncClient, admin: Account, staff: Account, staff_headers: dict[str, str]
) -> None:
    own = await client.get(f"/api/v1/users/{staff.id}", headers=staff_headers)
    assert own.status_code == 200
    assert own.json()["email"] == staff.email
    other = await client.get(f"/api/v1/users/{admin.id}", headers=staff_headers)
    missing = await client.get(f"/api/v1/users/{uuid.uuid4()}", headers=staff_headers)
    # Someone else's account is answered exactly like one that does not exist.
    assert other.status_code == missing.status_code == 404
    assert problem_code(other) == problem_code(missing) == "not_found"
    assert {k: v for k, v in other.json().items() if k not in ("instance", "request_id")} == {
        k: v for k, v in missing.json().items() if k not in ("instance", "request_id")
    }
    assert admin.email not in other.text


async def test_get_user_if_none_match(client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]) -> None:
    first = await client.get(f"/api/v1/users/{admin.id}", headers=admin_headers)
    again = await client.get(
        f"/api/v1/users/{admin.id}", headers={**admin_headers, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


async def test_patch_with_matching_if_match(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account
) -> None:
    read = await client.get(f"/api/v1/users/{staff.id}", headers=admin_headers)
    response = await client.patch(
        f"/api/v1/users/{staff.id}",
        json={"full_name": "Luis Alberto Cedeño", "preferred_language": "en"},
        headers={**admin_headers, "If-Match": read.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["full_name"] == "Luis Alberto Cedeño"
    assert response.json()["preferred_language"] == "en"
    assert response.headers["etag"] != read.headers["etag"]
    assert read.headers["etag"] == '"v2"'  # created, then its password changed at first sign-in
    assert response.headers["etag"] == '"v3"'
    reread = await client.get(f"/api/v1/users/{staff.id}", headers=admin_headers)
    assert reread.headers["etag"] == response.headers["etag"]
    assert reread.json() == response.json()


# The staff account is at version 2: created, then its password changed at first sign-in.
@pytest.mark.parametrize("if_match", ['"v2", "v3"', 'W/"v2"'])
async def test_if_match_forms(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account, if_match: str
) -> None:
    response = await client.patch(
        f"/api/v1/users/{staff.id}", json={"full_name": "L. Cedeño"}, headers={**admin_headers, "If-Match": if_match}
    )
    if "," in if_match:
        assert response.status_code == 412
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("if_match", ['"v1"', '"v3"', "garbage", '"v2', "v2", '""', '"v2x"', '"v' + "9" * 30 + '"'])
async def test_patch_with_stale_or_garbage_if_match_changes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account, container: Container, if_match: str
) -> None:
    before = await client.get(f"/api/v1/users/{staff.id}", headers=admin_headers)
    response = await client.patch(
        f"/api/v1/users/{staff.id}",
        json={"full_name": "Nombre Cambiado", "is_active": False},
        headers={**admin_headers, "If-Match": if_match},
    )
    assert response.status_code == 412, response.text
    assert problem_code(response) == "precondition_failed"
    after = await client.get(f"/api/v1/users/{staff.id}", headers=admin_headers)
    assert after.json() == before.json()
    assert after.headers["etag"] == before.headers["etag"]


async def test_second_writer_with_old_etag_gets_412(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account
) -> None:
    etag = (await client.get(f"/api/v1/users/{staff.id}", headers=admin_headers)).headers["etag"]
    first = await client.patch(
        f"/api/v1/users/{staff.id}", json={"full_name": "Primero"}, headers={**admin_headers, "If-Match": etag}
    )
    assert first.status_code == 200
    second = await client.patch(
        f"/api/v1/users/{staff.id}", json={"full_name": "Segundo"}, headers={**admin_headers, "If-Match": etag}
    )
    assert second.status_code == 412
    current = await client.get(f"/api/v1/users/{staff.id}", headers=admin_headers)
    assert current.json()["full_name"] == "Primero"


async def test_patch_without_if_match_is_applied(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account
) -> None:
    response = await client.patch(f"/api/v1/users/{staff.id}", json={"is_active": False}, headers=admin_headers)
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    star = await client.patch(
        f"/api/v1/users/{staff.id}", json={"is_active": True}, headers={**admin_headers, "If-Match": "*"}
    )
    assert star.status_code == 200
    assert star.json()["is_active"] is True


async def test_deactivated_user_cannot_sign_in(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account
) -> None:
    await client.patch(f"/api/v1/users/{staff.id}", json={"is_active": False}, headers=admin_headers)
    response = await client.post("/api/v1/auth/token", data={"username": staff.email, "password": PASSWORD})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"full_name": None}, "body.full_name"),
        ({"preferred_language": None}, "body.preferred_language"),
        ({"is_active": None}, "body.is_active"),
        ({"full_name": "Ok", "is_active": None}, "body.is_active"),
        ({"full_name": ""}, "body.full_name"),
        ({"full_name": "   "}, "body.full_name"),
        ({"preferred_language": "fr"}, "body.preferred_language"),
        ({"email": "new@emprende.test"}, "body.email"),
        ({"role": "admin"}, "body.role"),
        ({"is_active": "yes please"}, "body.is_active"),
    ],
)
async def test_patch_rejects_empty_null_and_unknown(
    client: httpx.AsyncClient, admin_headers: dict[str, str], staff: Account, body: dict[str, object], field: str
) -> None:
    before = await client.get(f"/api/v1/users/{staff.id}", headers=admin_headers)
    response = await client.patch(f"/api/v1/users/{staff.id}", json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert field in {error["field"] for error in response.json()["errors"]}
    after = await client.get(f"/api/v1/users/{staff.id}", headers=admin_headers)
    assert after.json() == before.json()


async def test_user_edits_own_profile_but_not_others_or_active_flag(
    client: httpx.AsyncClient, admin: Account, staff: Account, staff_headers: dict[str, str]
) -> None:
    own = await client.patch(f"/api/v1/users/{staff.id}", json={"preferred_language": "en"}, headers=staff_headers)
    assert own.status_code == 200
    other = await client.patch(f"/api/v1/users/{admin.id}", json={"full_name": "Hacked"}, headers=staff_headers)
    assert other.status_code == 404
    flag = await client.patch(f"/api/v1/users/{staff.id}", json={"is_active": False}, headers=staff_headers)
    assert flag.status_code == 403
    assert problem_code(flag) == "permission_denied"


async def test_admin_cannot_deactivate_self(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]
) -> None:
    response = await client.patch(f"/api/v1/users/{admin.id}", json={"is_active": False}, headers=admin_headers)
    assert response.status_code == 422
    assert (await client.get("/api/v1/auth/me", headers=admin_headers)).json()["is_active"] is True


async def test_patch_unknown_user_is_404(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    response = await client.patch(f"/api/v1/users/{uuid.uuid4()}", json={"full_name": "X"}, headers=admin_headers)
    assert response.status_code == 404
    assert problem_code(response) == "not_found"
