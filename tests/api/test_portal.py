"""The participant portal: a person reads their own record and consents and withdraws their consents, nothing else."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import PASSWORD, World, first_sign_in, snapshot

PORTAL = "/api/v1/me/participant"


async def open_account(
    client: httpx.AsyncClient, world: World, email: str = "persona.alfa@example.org"
) -> httpx.Response:
    return await client.post(
        f"/api/v1/participants/{world.a.participant_id}/portal-account",
        json={"email": email, "password": PASSWORD},
        headers=world.a.staff_headers,
    )


async def sign_in(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """The person's first sign-in: staff chose the password, so the person replaces it first."""
    return await first_sign_in(client, email, PASSWORD)


async def test_a_person_sees_their_own_record_and_consents(client: httpx.AsyncClient, world: World) -> None:
    opened = await open_account(client, world)
    assert opened.status_code == 201, opened.text
    assert opened.json()["participant_id"] == str(world.a.participant_id)
    headers = await sign_in(client, "persona.alfa@example.org")

    me = await client.get("/api/v1/auth/me", headers=headers)
    assert me.json()["role"] == "participant"
    record = await client.get(PORTAL, headers=headers)
    assert record.status_code == 200, record.text
    body: dict[str, Any] = record.json()
    assert body["given_names"] == "Persona ALFA"
    staff_only = {"id", "owner_partner_id", "external_ids"}
    assert not staff_only & body.keys()
    consents = await client.get(f"{PORTAL}/consents", headers=headers)
    assert [consent["id"] for consent in consents.json()] == [str(world.a.consent_id)]


async def test_a_person_withdraws_their_own_consent_at_once(client: httpx.AsyncClient, world: World) -> None:
    await open_account(client, world)
    headers = await sign_in(client, "persona.alfa@example.org")
    withdrawn = await client.post(f"{PORTAL}/consents/{world.a.consent_id}/withdrawal", headers=headers)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_at"] is not None
    again = await client.post(f"{PORTAL}/consents/{world.a.consent_id}/withdrawal", headers=headers)
    assert again.status_code == 409
    staff_view = await client.get(
        f"/api/v1/participants/{world.a.participant_id}/consents", headers=world.a.staff_headers
    )
    assert staff_view.json()[0]["active"] is False


async def test_a_person_reaches_nobody_else(client: httpx.AsyncClient, container: Any, world: World) -> None:
    await open_account(client, world)
    headers = await sign_in(client, "persona.alfa@example.org")
    before = await snapshot(container.engine)
    for method, url in (
        ("GET", "/api/v1/participants"),
        ("GET", f"/api/v1/participants/{world.a.participant_id}"),
        ("GET", f"/api/v1/participants/{world.b.participant_id}"),
        ("GET", "/api/v1/duplicate-candidates"),
        ("GET", "/api/v1/users"),
        ("POST", f"{PORTAL}/consents/{world.b.consent_id}/withdrawal"),
    ):
        response = await client.request(method, url, headers=headers)
        assert response.status_code in (403, 404), f"{method} {url}: {response.status_code} {response.text}"
    assert await snapshot(container.engine) == before


async def test_accounts_are_one_per_person_and_only_for_the_registering_partner(
    client: httpx.AsyncClient, container: Any, world: World
) -> None:
    assert (await open_account(client, world)).status_code == 201
    second = await open_account(client, world, "otra@example.org")
    assert second.status_code == 409
    assert second.json()["code"] == "portal_account_exists"
    before = await snapshot(container.engine)
    foreign = await client.post(
        f"/api/v1/participants/{world.a.participant_id}/portal-account",
        json={"email": "intruso@example.org", "password": PASSWORD},
        headers=world.b.manager_headers,
    )
    assert foreign.status_code == 404
    weak = await client.post(
        f"/api/v1/participants/{world.a.participant_id}/portal-account",
        json={"email": "debil@example.org", "password": "aaaaaaaaaaaaaaaa"},
        headers=world.a.manager_headers,
    )
    assert weak.status_code == 422
    assert await snapshot(container.engine) == before


async def test_staff_accounts_have_no_portal(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(PORTAL, headers=world.a.staff_headers)
    assert response.status_code == 403
