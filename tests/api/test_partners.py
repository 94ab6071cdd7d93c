"""Institutional partners over HTTP, and the people who work for them: accounts, roles, passwords, deactivation,
and suspension of a whole partner."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from emprende.bootstrap import Container
from tests.conftest import PASSWORD, Account, World, bearer, client_token, login, snapshot

PARTNERS = "/api/v1/partners"
USERS = "/api/v1/users"
PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert {"type", "title", "status", "detail", "instance", "code"} <= body.keys()
    return body


async def create_partner(client: httpx.AsyncClient, headers: dict[str, str], **fields: object) -> dict[str, Any]:
    body = {"name": "Universidad Central del Ecuador", "kind": "academia", "country": "ECU", **fields}
    response = await client.post(PARTNERS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data={"username": email, "password": password})


# --- creating partners --------------------------------------------------------------------------------------------


async def test_an_administrator_registers_a_partner(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    response = await client.post(
        PARTNERS,
        json={
            "name": "  Universidad   Técnica del Norte ",
            "kind": "academia",
            "country": "ecu",
            "ruc": "1790011674001",
            "contact_email": "Convenios@UTN.edu.ec",
            "contact_phone": "0991234567",
        },
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"{PARTNERS}/{body['id']}"
    assert response.headers["etag"] == '"v1"'
    assert body["name"] == "Universidad Técnica del Norte"
    assert body["country"] == "ECU"
    assert body["ruc"] == "1790011674001"
    assert body["contact_email"] == "convenios@utn.edu.ec"
    assert body["contact_phone"] == "+593991234567"
    assert body["status"] == "active"
    read = await client.get(response.headers["location"], headers=admin_headers)
    assert read.status_code == 200
    assert read.json() == body


async def test_a_partner_without_a_ruc_is_fine_and_a_ruc_is_unique_when_present(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    await create_partner(client, admin_headers, name="ONG Sin RUC 1", country="COL")
    await create_partner(client, admin_headers, name="ONG Sin RUC 2", country="COL")
    await create_partner(client, admin_headers, name="Con RUC", ruc="1760109670001")
    before = await snapshot(container.engine)
    duplicate = await client.post(
        PARTNERS,
        json={"name": "Otro", "kind": "ngo", "country": "ECU", "ruc": "1760109670001"},
        headers=admin_headers,
    )
    assert_problem(duplicate, 409, "ruc_taken")
    assert await snapshot(container.engine) == before


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"ruc": "1790011675001"}, 422, "invalid_ruc"),  # wrong check digit
        ({"ruc": "1790011674001", "country": "PER"}, 422, "invalid_ruc"),  # a RUC outside Ecuador
        ({"ruc": "179001167400"}, 422, "validation_failed"),  # 12 digits
        ({"country": "XXX"}, 422, "invalid_country"),
        ({"country": "EC"}, 422, "validation_failed"),
        ({"kind": "university"}, 422, "validation_failed"),  # unknown enum value
        ({"contact_phone": "12345"}, 422, "invalid_phone"),
        ({"contact_email": "no-es-un-correo"}, 422, "invalid_email"),
        ({"name": ""}, 422, "validation_failed"),
        ({"status": "suspended"}, 422, "validation_failed"),  # status is not set through the body
        ({"id": str(uuid.uuid4())}, 422, "validation_failed"),
        ({"owner_partner_id": str(uuid.uuid4())}, 422, "validation_failed"),
    ],
)
async def test_bad_partner_input_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    fields: dict[str, object],
    status: int,
    code: str,
) -> None:
    before = await snapshot(container.engine)
    body = {"name": "Universidad de Prueba", "kind": "academia", "country": "ECU", **fields}
    response = await client.post(PARTNERS, json=body, headers=admin_headers)
    problem = assert_problem(response, status, code)
    assert "1790011675001" not in response.text or code != "invalid_ruc", "submitted values are not echoed"
    if code == "validation_failed":
        assert problem["errors"]
    assert await snapshot(container.engine) == before


async def test_only_administrators_register_partners(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine)
    for headers in world.a.principals().values():
        response = await client.post(PARTNERS, json={"name": "X", "kind": "ngo", "country": "ECU"}, headers=headers)
        assert_problem(response, 403, "permission_denied")
    assert await snapshot(container.engine) == before


# --- reading and listing ----------------------------------------------------------------------------------------------


async def test_listing_pages_with_a_cursor_and_filters(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    created = [
        await create_partner(client, admin_headers, name=f"Socio {index}", kind=kind, country=country)
        for index, (kind, country) in enumerate(
            [("academia", "ECU"), ("ngo", "COL"), ("ngo", "ECU"), ("government", "ECU"), ("ngo", "VEN")]
        )
    ]
    seen: list[str] = []
    url = f"{PARTNERS}?limit=2"
    while True:
        page = (await client.get(url, headers=admin_headers)).json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        if "next_cursor" not in page:
            break
        url = f"{PARTNERS}?limit=2&cursor={page['next_cursor']}"
    assert seen == [item["id"] for item in created]

    ngos = (await client.get(f"{PARTNERS}?kind=ngo&country=ecu", headers=admin_headers)).json()["items"]
    assert [item["name"] for item in ngos] == ["Socio 2"]
    named = (await client.get(f"{PARTNERS}?name_contains=socio 4", headers=admin_headers)).json()["items"]
    assert [item["name"] for item in named] == ["Socio 4"]
    active = (await client.get(f"{PARTNERS}?status=active", headers=admin_headers)).json()["items"]
    assert len(active) == 5
    assert_problem(await client.get(f"{PARTNERS}?kind=bank", headers=admin_headers), 422, "validation_failed")

    first = (await client.get(f"{PARTNERS}?limit=1&kind=ngo", headers=admin_headers)).json()
    other_query = await client.get(
        f"{PARTNERS}?limit=1&kind=academia&cursor={first['next_cursor']}", headers=admin_headers
    )
    assert_problem(other_query, 400, "invalid_cursor")


async def test_a_partners_people_and_systems_see_only_their_own_partner(
    client: httpx.AsyncClient, world: World
) -> None:
    for headers in (world.a.manager_headers, world.a.staff_headers, world.a.client_headers):
        listing = await client.get(PARTNERS, headers=headers)
        assert listing.status_code == 200
        assert [item["id"] for item in listing.json()["items"]] == [str(world.a.partner_id)]
        own = await client.get(f"{PARTNERS}/{world.a.partner_id}", headers=headers)
        assert own.status_code == 200
        assert own.json()["name"] == "Universidad Alfa"
        assert_problem(await client.get(f"{PARTNERS}/{world.b.partner_id}", headers=headers), 404, "not_found")


async def test_reads_honour_if_none_match(client: httpx.AsyncClient, world: World) -> None:
    url = f"{PARTNERS}/{world.a.partner_id}"
    first = await client.get(url, headers=world.a.manager_headers)
    again = await client.get(url, headers={**world.a.manager_headers, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


# --- updating -------------------------------------------------------------------------------------------------------


async def test_an_administrator_updates_a_partner_with_if_match(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    url = f"{PARTNERS}/{world.a.partner_id}"
    etag = (await client.get(url, headers=world.admin_headers)).headers["etag"]
    changed = await client.patch(
        url,
        json={"name": "Universidad Alfa (sede Ibarra)", "kind": "government"},
        headers={**world.admin_headers, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Universidad Alfa (sede Ibarra)"
    assert changed.headers["etag"] != etag
    before = await snapshot(container.engine)
    stale = await client.patch(url, json={"name": "Otra"}, headers={**world.admin_headers, "If-Match": etag})
    assert_problem(stale, 412, "precondition_failed")
    assert await snapshot(container.engine) == before
    cleared = await client.patch(url, json={"ruc": None}, headers=world.admin_headers)
    assert cleared.json()["ruc"] is None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "validation_failed"),
        ({"name": None}, 422, "validation_failed"),
        ({"kind": "bank"}, 422, "validation_failed"),
        ({"country": "ZZZ"}, 422, "invalid_country"),
        ({"country": "COL"}, 422, "invalid_ruc"),  # A has a RUC: it cannot move abroad and keep it
        ({"ruc": "1790011675001"}, 422, "invalid_ruc"),
        ({"contact_phone": "abc"}, 422, "invalid_phone"),
        ({"status": "suspended"}, 422, "validation_failed"),
        ({"id": str(uuid.uuid4())}, 422, "validation_failed"),
        ({"partner_id": str(uuid.uuid4())}, 422, "validation_failed"),
    ],
)
async def test_bad_updates_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, container: Container, world: World, body: dict[str, object], status: int, code: str
) -> None:
    before = await snapshot(container.engine)
    response = await client.patch(f"{PARTNERS}/{world.a.partner_id}", json=body, headers=world.admin_headers)
    assert_problem(response, status, code)
    assert await snapshot(container.engine) == before


async def test_taking_another_partners_ruc_is_refused(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    other = await create_partner(client, world.admin_headers, name="Gobierno Provincial", kind="government")
    before = await snapshot(container.engine)
    response = await client.patch(
        f"{PARTNERS}/{other['id']}", json={"ruc": "1790011674001"}, headers=world.admin_headers
    )
    assert_problem(response, 409, "ruc_taken")
    assert await snapshot(container.engine) == before


async def test_a_partners_managers_update_its_contact_data_only(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    url = f"{PARTNERS}/{world.a.partner_id}"
    response = await client.patch(
        url,
        json={"contact_email": "Vinculacion@Alfa.edu.ec", "contact_phone": "+593 2 250 1234"},
        headers=world.a.manager_headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["contact_email"] == "vinculacion@alfa.edu.ec"
    assert response.json()["contact_phone"] == "+59322501234"
    cleared = await client.patch(url, json={"contact_phone": None}, headers=world.a.manager_headers)
    assert cleared.json()["contact_phone"] is None

    before = await snapshot(container.engine)
    for body in ({"name": "Renombrada"}, {"ruc": "1760109670001"}, {"contact_email": "x@y.org", "kind": "ngo"}):
        assert_problem(await client.patch(url, json=body, headers=world.a.manager_headers), 403, "permission_denied")
    for headers in (world.a.staff_headers, world.a.client_headers):
        response = await client.patch(url, json={"contact_email": "x@y.org"}, headers=headers)
        assert_problem(response, 403, "permission_denied")
    response = await client.patch(url, json={"contact_email": "x@y.org"}, headers=world.b.manager_headers)
    assert_problem(response, 404, "not_found")
    assert await snapshot(container.engine) == before


# --- suspension -----------------------------------------------------------------------------------------------------


async def test_suspending_a_partner_locks_out_its_users_and_clients_at_once(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    a = world.a
    refresh = (await login(client, a.staff))["refresh_token"]
    response = await client.post(
        f"{PARTNERS}/{a.partner_id}/suspension",
        json={"reason": "Incumplimiento del convenio"},
        headers=world.admin_headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "suspended"

    # Existing tokens stop working on their next use.
    for headers in a.principals().values():
        assert_problem(await client.get(f"{PARTNERS}/{a.partner_id}", headers=headers), 401, "partner_suspended")
    # No new tokens: password, refresh or client credentials.
    assert_problem(await sign_in(client, a.manager.email), 401, "partner_suspended")
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert_problem(refreshed, 401, "partner_suspended")
    assert_problem(await client_token(client, a.client_id, a.client_secret), 401, "partner_suspended")
    # A wrong password still reads as a wrong password: suspension is not revealed to strangers.
    assert_problem(await sign_in(client, a.manager.email, "wrong password 123"), 401, "invalid_credentials")
    # The other partner is untouched.
    assert (await client.get(f"{PARTNERS}/{world.b.partner_id}", headers=world.b.client_headers)).status_code == 200
    listed = (await client.get(f"{PARTNERS}?status=suspended", headers=world.admin_headers)).json()["items"]
    assert [item["id"] for item in listed] == [str(a.partner_id)]

    reactivated = await client.delete(f"{PARTNERS}/{a.partner_id}/suspension", headers=world.admin_headers)
    assert reactivated.json()["status"] == "active"
    assert (await client.get(f"{PARTNERS}/{a.partner_id}", headers=a.manager_headers)).status_code == 200
    assert (await client_token(client, a.client_id, a.client_secret)).status_code == 200


async def test_only_administrators_suspend_and_a_reason_is_required(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    url = f"{PARTNERS}/{world.a.partner_id}/suspension"
    before = await snapshot(container.engine)
    for headers in world.a.principals().values():
        assert_problem(await client.post(url, json={"reason": "x"}, headers=headers), 403, "permission_denied")
        assert_problem(await client.delete(url, headers=headers), 403, "permission_denied")
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x", "status": "active"}):
        response = await client.post(url, json=body, headers=world.admin_headers)
        assert response.status_code == 422, response.text
    assert await snapshot(container.engine) == before


# --- users of a partner -------------------------------------------------------------------------------------------


def new_user(role: str, email: str, **fields: object) -> dict[str, object]:
    return {"email": email, "full_name": "María Quispe", "password": PASSWORD, "role": role, **fields}


async def test_every_user_belongs_to_the_operator_or_exactly_one_partner(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine)
    no_partner = await client.post(
        USERS, json=new_user("partner_staff", "sin.socio@example.org"), headers=world.admin_headers
    )
    assert_problem(no_partner, 422, "partner_required")
    admin_of_partner = await client.post(
        USERS,
        json=new_user("admin", "admin.socio@example.org", partner_id=str(world.a.partner_id)),
        headers=world.admin_headers,
    )
    assert admin_of_partner.status_code == 422
    unknown_partner = await client.post(
        USERS,
        json=new_user("partner_staff", "x@example.org", partner_id=str(uuid.uuid4())),
        headers=world.admin_headers,
    )
    assert_problem(unknown_partner, 404, "not_found")
    unknown_role = await client.post(USERS, json=new_user("superuser", "y@example.org"), headers=world.admin_headers)
    assert_problem(unknown_role, 422, "validation_failed")
    assert await snapshot(container.engine) == before

    admin = await client.post(USERS, json=new_user("admin", "segunda.admin@example.org"), headers=world.admin_headers)
    assert admin.status_code == 201
    assert admin.json()["partner_id"] is None


async def test_a_manager_creates_users_of_their_own_partner_only(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    created = await client.post(
        USERS, json=new_user("facilitator", "facilitadora@alfa.example.org"), headers=world.a.manager_headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["partner_id"] == str(world.a.partner_id)
    assert created.headers["location"] == f"{USERS}/{created.json()['id']}"
    same_partner = await client.post(
        USERS,
        json=new_user("evaluator", "evaluador@alfa.example.org", partner_id=str(world.a.partner_id)),
        headers=world.a.manager_headers,
    )
    assert same_partner.status_code == 201
    before = await snapshot(container.engine)
    other_partner = await client.post(
        USERS,
        json=new_user("partner_staff", "intruso@alfa.example.org", partner_id=str(world.b.partner_id)),
        headers=world.a.manager_headers,
    )
    assert_problem(other_partner, 404, "not_found")
    assert await snapshot(container.engine) == before


@pytest.mark.parametrize("role", ["admin"])
async def test_a_manager_never_grants_a_role_above_their_own(
    client: httpx.AsyncClient, container: Container, world: World, role: str
) -> None:
    before = await snapshot(container.engine)
    response = await client.post(
        USERS, json=new_user(role, "escalada@alfa.example.org"), headers=world.a.manager_headers
    )
    assert_problem(response, 403, "role_not_grantable")
    assert await snapshot(container.engine) == before


async def test_staff_and_clients_cannot_create_or_deactivate_users(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine)
    for headers in (world.a.staff_headers, world.a.client_headers):
        for role in ("participant", "partner_staff", "partner_manager", "admin"):
            response = await client.post(USERS, json=new_user(role, f"{role}@alfa.example.org"), headers=headers)
            assert_problem(response, 403, "permission_denied")
        response = await client.patch(f"{USERS}/{world.a.manager.id}", json={"is_active": False}, headers=headers)
        assert response.status_code in (403, 404), response.text
    assert await snapshot(container.engine) == before


async def test_users_cannot_be_placed_through_forbidden_body_fields(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine)
    for extra in ({"id": str(uuid.uuid4())}, {"is_active": False}, {"owner_partner_id": str(world.b.partner_id)}):
        response = await client.post(
            USERS, json=new_user("participant", "p@alfa.example.org", **extra), headers=world.a.manager_headers
        )
        assert_problem(response, 422, "validation_failed")
    for body in ({"partner_id": str(world.b.partner_id)}, {"role": "admin"}, {"email": "otro@alfa.example.org"}):
        response = await client.patch(f"{USERS}/{world.a.staff.id}", json=body, headers=world.a.manager_headers)
        assert_problem(response, 422, "validation_failed")
    assert await snapshot(container.engine) == before


async def test_managers_list_only_their_partners_users(client: httpx.AsyncClient, world: World) -> None:
    listing = (await client.get(USERS, headers=world.a.manager_headers)).json()["items"]
    assert {item["id"] for item in listing} == {str(world.a.manager.id), str(world.a.staff.id)}
    filtered = (await client.get(f"{USERS}?partner_id={world.b.partner_id}", headers=world.a.manager_headers)).json()
    assert filtered["items"] == []
    everyone = (await client.get(f"{USERS}?limit=100", headers=world.admin_headers)).json()["items"]
    assert len(everyone) == 5
    assert_problem(await client.get(USERS, headers=world.a.staff_headers), 403, "permission_denied")


async def test_deactivating_a_user_revokes_their_tokens_at_once(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    staff = world.a.staff
    tokens = await login(client, staff)
    assert (await client.get("/api/v1/auth/me", headers=world.a.staff_headers)).status_code == 200
    response = await client.patch(f"{USERS}/{staff.id}", json={"is_active": False}, headers=world.a.manager_headers)
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False
    for headers in (world.a.staff_headers, bearer(tokens["access_token"])):
        assert_problem(await client.get("/api/v1/auth/me", headers=headers), 401, "account_inactive")
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    assert_problem(await sign_in(client, staff.email), 401, "account_inactive")

    reactivated = await client.patch(f"{USERS}/{staff.id}", json={"is_active": True}, headers=world.a.manager_headers)
    assert reactivated.json()["is_active"] is True
    assert (await sign_in(client, staff.email)).status_code == 200
    # The sessions ended by the deactivation stay ended.
    assert (await client.get("/api/v1/auth/me", headers=world.a.staff_headers)).status_code == 401


async def test_a_manager_cannot_deactivate_themselves_or_other_partners_users(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine)
    own = await client.patch(
        f"{USERS}/{world.a.manager.id}", json={"is_active": False}, headers=world.a.manager_headers
    )
    assert_problem(own, 422, "invalid_input")
    other = await client.patch(
        f"{USERS}/{world.b.staff.id}", json={"is_active": False}, headers=world.a.manager_headers
    )
    assert_problem(other, 404, "not_found")
    admin = await client.patch(f"{USERS}/{world.admin.id}", json={"is_active": False}, headers=world.a.manager_headers)
    assert_problem(admin, 404, "not_found")
    assert await snapshot(container.engine) == before


# --- passwords ------------------------------------------------------------------------------------------------------


async def test_users_change_their_password_with_the_old_one(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    staff = world.a.staff
    other_session = await login(client, staff)
    url = "/api/v1/auth/password"
    wrong = await client.post(
        url,
        json={"current_password": "not my password", "new_password": "a brand new passphrase"},
        headers=world.a.staff_headers,
    )
    assert_problem(wrong, 422, "invalid_current_password")
    weak = await client.post(
        url, json={"current_password": PASSWORD, "new_password": "aaaaaaaaaaaaaaa"}, headers=world.a.staff_headers
    )
    assert_problem(weak, 422, "weak_password")
    common = await client.post(
        url, json={"current_password": PASSWORD, "new_password": "Password2026!"}, headers=world.a.staff_headers
    )
    assert_problem(common, 422, "weak_password")
    assert "Password2026!" not in common.text
    same = await client.post(
        url, json={"current_password": PASSWORD, "new_password": PASSWORD}, headers=world.a.staff_headers
    )
    assert_problem(same, 422, "weak_password")
    missing = await client.post(url, json={"new_password": "a brand new passphrase"}, headers=world.a.staff_headers)
    assert_problem(missing, 422, "validation_failed")
    assert (await sign_in(client, staff.email)).status_code == 200

    changed = await client.post(
        url,
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers=world.a.staff_headers,
    )
    assert changed.status_code == 204, changed.text
    assert_problem(await sign_in(client, staff.email), 401, "invalid_credentials")
    assert (await sign_in(client, staff.email, "a brand new passphrase")).status_code == 200
    # The session that changed it goes on; the others end.
    assert (await client.get("/api/v1/auth/me", headers=world.a.staff_headers)).status_code == 200
    ended = await client.get("/api/v1/auth/me", headers=bearer(other_session["access_token"]))
    assert_problem(ended, 401, "session_revoked")
    clients_cannot = await client.post(
        url, json={"current_password": "x", "new_password": "a brand new passphrase"}, headers=world.a.client_headers
    )
    assert_problem(clients_cannot, 403, "permission_denied")


async def test_an_administrator_forces_a_password_reset(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    manager = world.a.manager
    reset = await client.post(f"{USERS}/{manager.id}/password-reset", headers=world.admin_headers)
    assert reset.status_code == 200, reset.text
    assert reset.headers["cache-control"] == "no-store"
    temporary = reset.json()["temporary_password"]
    assert reset.json()["user_id"] == str(manager.id)
    # Every session of the account ends; the old password stops working.
    assert_problem(await client.get("/api/v1/auth/me", headers=world.a.manager_headers), 401, "session_revoked")
    assert_problem(await sign_in(client, manager.email), 401, "invalid_credentials")

    signed_in = await sign_in(client, manager.email, temporary)
    assert signed_in.status_code == 200
    headers = bearer(signed_in.json()["access_token"])
    me = await client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["password_reset_required"] is True
    # Until the password is changed, nothing else is allowed.
    for response in (
        await client.get(USERS, headers=headers),
        await client.get(f"{PARTNERS}/{world.a.partner_id}", headers=headers),
        await client.post(USERS, json=new_user("participant", "p@alfa.example.org"), headers=headers),
    ):
        assert_problem(response, 403, "password_change_required")
    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": temporary, "new_password": "mi nueva clave segura"},
        headers=headers,
    )
    assert changed.status_code == 204
    assert (await client.get(USERS, headers=headers)).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=headers)).json()["password_reset_required"] is False


async def test_only_administrators_force_a_reset(client: httpx.AsyncClient, container: Container, world: World) -> None:
    before = await snapshot(container.engine)
    response = await client.post(f"{USERS}/{world.a.staff.id}/password-reset", headers=world.a.manager_headers)
    assert_problem(response, 403, "permission_denied")
    response = await client.post(f"{USERS}/{world.b.staff.id}/password-reset", headers=world.a.manager_headers)
    assert_problem(response, 404, "not_found")
    response = await client.post(f"{USERS}/{uuid.uuid4()}/password-reset", headers=world.admin_headers)
    assert_problem(response, 404, "not_found")
    assert await snapshot(container.engine) == before


async def test_partner_accounts_sign_in_and_see_themselves(client: httpx.AsyncClient, world: World) -> None:
    me = (await client.get("/api/v1/auth/me", headers=world.b.staff_headers)).json()
    assert me["partner_id"] == str(world.b.partner_id)
    assert me["role"] == "partner_staff"
    account = Account(world.b.staff.id, world.b.staff.email, PASSWORD, world.b.staff.role)
    assert (await login(client, account))["access_token"]
