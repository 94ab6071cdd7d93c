"""Acceptance for issue 3, told the way a new user would try it through the API: an administrator registers two
partners with their agreements; partner A's manager adds a colleague and a system; each partner sees only itself; an
expired agreement blocks the roles it granted; suspending A locks its people and systems out at once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from emprende.bootstrap import Container
from emprende.domain.partners.agreement import AgreementRequired, AgreementRole
from emprende.services.partners.agreements import require_partner_role
from emprende.services.shared.principal import SYSTEM
from tests.conftest import OWN_PASSWORD, PASSWORD, Account, bearer, first_sign_in, snapshot

API = "/api/v1"


async def client_credentials(client: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await client.post(
        f"{API}/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    body = response.json()
    return {item["id"] for item in (body if isinstance(body, list) else body["items"])}


async def test_two_partners_work_side_by_side_without_seeing_each_other(
    client: httpx.AsyncClient, container: Container, admin: Account, admin_headers: dict[str, str]
) -> None:
    today = container.clock.now().date()

    # 1. The administrator registers two partners, each with an agreement in force; A also has an expired one.
    a = await created(
        await client.post(
            f"{API}/partners",
            json={
                "name": "Universidad Técnica del Norte",
                "kind": "academia",
                "country": "ECU",
                "ruc": "1760109670001",
                "contact_email": "vinculacion@utn.edu.ec",
                "contact_phone": "0991234567",
            },
            headers=admin_headers,
        )
    )
    b = await created(
        await client.post(
            f"{API}/partners",
            json={"name": "Fundación Nuevos Horizontes", "kind": "ngo", "country": "COL"},
            headers=admin_headers,
        )
    )

    def agreement(code: str, roles: list[str], start_days: int, end_days: int) -> dict[str, object]:
        return {
            "code": code,
            "title": f"Convenio {code}",
            "roles": roles,
            "start_date": (today + timedelta(days=start_days)).isoformat(),
            "end_date": (today + timedelta(days=end_days)).isoformat(),
            "data_sharing": True,
            "activate": True,
        }

    a_agreement = await created(
        await client.post(
            f"{API}/partners/{a['id']}/agreements",
            json=agreement("UTN-2026-01", ["training_delivery", "content_authoring"], -60, 300),
            headers=admin_headers,
        )
    )
    a_expired = await created(
        await client.post(
            f"{API}/partners/{a['id']}/agreements",
            json=agreement("UTN-2025-07", ["funding"], -400, -1),
            headers=admin_headers,
        )
    )
    assert (a_agreement["status"], a_expired["status"]) == ("active", "expired")
    b_agreement = await created(
        await client.post(
            f"{API}/partners/{b['id']}/agreements",
            json=agreement("FNH-2026-02", ["referral"], -10, 20),
            headers=admin_headers,
        )
    )

    # 2. The administrator creates each partner's manager.
    for partner, email in ((a, "gestora@utn.edu.ec"), (b, "gestor@horizontes.org")):
        await created(
            await client.post(
                f"{API}/users",
                json={
                    "email": email,
                    "full_name": "Gestión del convenio",
                    "password": PASSWORD,
                    "role": "partner_manager",
                    "partner_id": partner["id"],
                },
                headers=admin_headers,
            )
        )
    # Each manager's first sign-in: the administrator chose the password, so nothing but changing it is allowed yet.
    first = await client.post(f"{API}/auth/token", data={"username": "gestora@utn.edu.ec", "password": PASSWORD})
    assert first.json()["password_change_required"] is True
    blocked = await client.get(f"{API}/partners", headers=bearer(first.json()["access_token"]))
    assert (blocked.status_code, blocked.json()["code"]) == (403, "password_change_required")
    a_manager = await first_sign_in(client, "gestora@utn.edu.ec")
    b_manager = await first_sign_in(client, "gestor@horizontes.org")
    assert ids(await client.get(f"{API}/partners", headers=a_manager)) == {a["id"]}

    # 3. A's manager adds a staff member and an API client for the university's system.
    a_staff_user = await created(
        await client.post(
            f"{API}/users",
            json={
                "email": "docente@utn.edu.ec",
                "full_name": "Docente UTN",
                "password": PASSWORD,
                "role": "partner_staff",
            },
            headers=a_manager,
        )
    )
    assert a_staff_user["partner_id"] == a["id"]
    a_system = await created(
        await client.post(
            f"{API}/api-clients",
            json={"name": "Sistema académico UTN", "scopes": ["partners:read", "agreements:read", "participants:read"]},
            headers=a_manager,
        )
    )
    a_staff = await first_sign_in(client, "docente@utn.edu.ec")

    # 4. The system obtains a token with client credentials and sees only A's data.
    token = await client_credentials(client, a_system["id"], a_system["client_secret"])
    assert token.status_code == 200, token.text
    a_client = bearer(token.json()["access_token"])
    assert ids(await client.get(f"{API}/partners", headers=a_client)) == {a["id"]}
    assert ids(await client.get(f"{API}/partners/{a['id']}/agreements", headers=a_client)) == {
        a_agreement["id"],
        a_expired["id"],
    }
    assert ids(await client.get(f"{API}/agreements?expiring_within_days=3650", headers=a_client)) == {a_agreement["id"]}
    assert (await client.get(f"{API}/partners/{b['id']}", headers=a_client)).status_code == 404
    read = await client.get(f"{API}/api-clients/{a_system['id']}", headers=a_manager)
    assert read.json()["last_used_at"] is not None

    # 5. B's people and systems see none of A's objects: by id, in lists, with filters or with a borrowed cursor.
    b_system = await created(
        await client.post(
            f"{API}/api-clients", json={"name": "CRM Horizontes", "scopes": ["partners:read"]}, headers=b_manager
        )
    )
    b_client = bearer(
        (await client_credentials(client, b_system["id"], b_system["client_secret"])).json()["access_token"]
    )
    for headers in (b_manager, b_client):
        for url in (
            f"{API}/partners/{a['id']}",
            f"{API}/partners/{a['id']}/agreements",
            f"{API}/partners/{a['id']}/agreements/{a_agreement['id']}",
            f"{API}/partners/{b['id']}/agreements/{a_agreement['id']}",
            f"{API}/users/{a_staff_user['id']}",
            f"{API}/api-clients/{a_system['id']}",
        ):
            response = await client.get(url, headers=headers)
            assert response.status_code in (403, 404), url
            if response.status_code == 404:
                assert response.json()["code"] == "not_found"
        assert ids(await client.get(f"{API}/partners", headers=headers)) == {b["id"]}
    assert ids(await client.get(f"{API}/partners?name_contains=Norte", headers=b_manager)) == set()
    assert ids(await client.get(f"{API}/users?partner_id={a['id']}", headers=b_manager)) == set()
    assert ids(await client.get(f"{API}/api-clients", headers=b_manager)) == {b_system["id"]}
    assert ids(await client.get(f"{API}/agreements?expiring_within_days=3650", headers=b_manager)) == {
        b_agreement["id"]
    }
    first_page = (await client.get(f"{API}/partners?limit=1", headers=admin_headers)).json()
    borrowed = await client.get(f"{API}/partners?limit=1&cursor={first_page['next_cursor']}", headers=b_manager)
    assert a["id"] not in borrowed.text
    missing = await client.get(f"{API}/partners/{a['id']}", headers=b_manager)
    really_missing = await client.get(f"{API}/partners/{b_agreement['id']}", headers=b_manager)
    assert missing.json().keys() == really_missing.json().keys()
    assert (missing.status_code, missing.json()["code"]) == (really_missing.status_code, really_missing.json()["code"])

    # 6. A's staff can create neither users nor clients.
    before = await snapshot(container.engine)
    no_user = await client.post(
        f"{API}/users",
        json={"email": "otro@utn.edu.ec", "full_name": "Otro", "password": PASSWORD, "role": "participant"},
        headers=a_staff,
    )
    no_client = await client.post(
        f"{API}/api-clients", json={"name": "X", "scopes": ["partners:read"]}, headers=a_staff
    )
    assert (no_user.status_code, no_client.status_code) == (403, 403)
    assert await snapshot(container.engine) == before

    # 7. The expired agreement blocks the role it granted; the agreement in force still lets A train.
    async with container.uow(SYSTEM) as uow:
        await require_partner_role(uow, uuid.UUID(a["id"]), AgreementRole.TRAINING_DELIVERY, today)
        with pytest.raises(AgreementRequired) as refused:
            await require_partner_role(uow, uuid.UUID(a["id"]), AgreementRole.FUNDING, today)
    assert refused.value.code == "agreement_required"

    # 8. Suspending A locks out its users and clients at once; B carries on.
    suspended = await client.post(
        f"{API}/partners/{a['id']}/suspension", json={"reason": "Informe de auditoría pendiente"}, headers=admin_headers
    )
    assert suspended.json()["status"] == "suspended"
    for headers in (a_manager, a_staff, a_client):
        response = await client.get(f"{API}/partners/{a['id']}", headers=headers)
        assert (response.status_code, response.json()["code"]) == (401, "partner_suspended")
    relogin = await client.post(f"{API}/auth/token", data={"username": "docente@utn.edu.ec", "password": OWN_PASSWORD})
    assert (relogin.status_code, relogin.json()["code"]) == (401, "partner_suspended")
    retoken = await client_credentials(client, a_system["id"], a_system["client_secret"])
    assert (retoken.status_code, retoken.json()["code"]) == (401, "partner_suspended")
    assert ids(await client.get(f"{API}/partners", headers=b_client)) == {b["id"]}


async def test_bad_input_is_refused_with_problem_json_and_nothing_written(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    partner = await created(
        await client.post(
            f"{API}/partners",
            json={"name": "Prefectura", "kind": "government", "country": "ECU"},
            headers=admin_headers,
        )
    )
    agreement = await created(
        await client.post(
            f"{API}/partners/{partner['id']}/agreements",
            json={
                "code": "PREF-1",
                "title": "Convenio",
                "roles": ["referral"],
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
                "data_sharing": False,
                "activate": True,
            },
            headers=admin_headers,
        )
    )
    await created(
        await client.post(
            f"{API}/partners/{partner['id']}/agreements/{agreement['id']}/amendments",
            json={"reason": "Se suma evaluación", "effective_from": "2026-06-01", "roles_added": ["evaluation"]},
            headers=admin_headers,
        )
    )
    await created(
        await client.post(
            f"{API}/users",
            json={
                "email": "gestor@prefectura.gob.ec",
                "full_name": "Gestor",
                "password": PASSWORD,
                "role": "partner_manager",
                "partner_id": partner["id"],
            },
            headers=admin_headers,
        )
    )
    manager = await first_sign_in(client, "gestor@prefectura.gob.ec")
    before = await snapshot(container.engine)
    attempts = [
        (
            "invalid RUC",
            f"{API}/partners",
            {"name": "X", "kind": "ngo", "country": "ECU", "ruc": "1790011675001"},
            admin_headers,
        ),
        ("unknown kind", f"{API}/partners", {"name": "X", "kind": "cooperative", "country": "ECU"}, admin_headers),
        (
            "end before start",
            f"{API}/partners/{partner['id']}/agreements",
            {
                "code": "P-2",
                "title": "T",
                "roles": ["funding"],
                "start_date": "2026-05-01",
                "end_date": "2026-04-01",
                "data_sharing": False,
            },
            admin_headers,
        ),
        (
            "overlapping amendment",
            f"{API}/partners/{partner['id']}/agreements/{agreement['id']}/amendments",
            {"reason": "Antes de la anterior", "effective_from": "2026-05-01", "roles_added": ["funding"]},
            admin_headers,
        ),
        (
            "role escalation",
            f"{API}/users",
            {"email": "jefa@prefectura.gob.ec", "full_name": "Jefa", "password": PASSWORD, "role": "admin"},
            manager,
        ),
        (
            "owner through the body",
            f"{API}/users",
            {
                "email": "x@prefectura.gob.ec",
                "full_name": "X",
                "password": PASSWORD,
                "role": "participant",
                "owner_partner_id": partner["id"],
            },
            manager,
        ),
        ("scope not allowed", f"{API}/api-clients", {"name": "Sistema", "scopes": ["participants:sensitive"]}, manager),
    ]
    for label, url, body, headers in attempts:
        response = await client.post(url, json=body, headers=headers)
        assert 400 <= response.status_code < 500, f"{label}: {response.status_code}"
        assert response.headers["content-type"].startswith("application/problem+json"), label
        assert {"type", "title", "status", "detail", "instance", "code"} <= response.json().keys(), label
    assert await snapshot(container.engine) == before
