"""Cooperation agreements over HTTP: lifecycle, amendments kept as history, expiring agreements, and the policy that
later use cases call before a partner acts (`agreement_required`)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from emprende.bootstrap import Container
from emprende.domain.partners.agreement import AgreementRequired, AgreementRole
from emprende.services.partners.agreements import require_partner_role
from emprende.services.shared.principal import SYSTEM
from tests.conftest import World, snapshot

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def agreements_url(partner_id: object) -> str:
    return f"/api/v1/partners/{partner_id}/agreements"


def today(container: Container) -> date:
    return container.clock.now().date()


def agreement_body(container: Container, **fields: object) -> dict[str, object]:
    start = today(container) - timedelta(days=10)
    body: dict[str, object] = {
        "code": f"CONV-{uuid.uuid4().hex[:8]}",
        "title": "Convenio específico de formación",
        "roles": ["training_delivery"],
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=200)).isoformat(),
        "data_sharing": False,
        "document_reference": "Oficio MPCEIP-2026-0042",
    }
    body.update(fields)
    return body


async def record(
    client: httpx.AsyncClient, world: World, container: Container, partner_id: object = None, **fields: object
) -> dict[str, Any]:
    response = await client.post(
        agreements_url(partner_id or world.a.partner_id),
        json=agreement_body(container, **fields),
        headers=world.admin_headers,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- recording ----------------------------------------------------------------------------------------------------


async def test_an_administrator_records_a_draft_and_activates_it(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    response = await client.post(
        agreements_url(world.a.partner_id),
        json=agreement_body(container, code="conv-2026-014", roles=["training_delivery", "content_authoring"]),
        headers=world.admin_headers,
    )
    assert response.status_code == 201, response.text
    draft = response.json()
    assert response.headers["location"] == f"{agreements_url(world.a.partner_id)}/{draft['id']}"
    assert draft["code"] == "CONV-2026-014"
    assert draft["status"] == "draft"
    assert draft["partner_id"] == str(world.a.partner_id)
    assert draft["roles"] == ["content_authoring", "training_delivery"]
    assert draft["document_reference"] == "Oficio MPCEIP-2026-0042"
    assert draft["amendments"] == []

    activated = await client.post(f"{response.headers['location']}/activation", headers=world.admin_headers)
    assert activated.status_code == 200, activated.text
    assert activated.json()["status"] == "active"
    again = await client.post(f"{response.headers['location']}/activation", headers=world.admin_headers)
    assert_problem(again, 409, "agreement_not_amendable")
    read = await client.get(response.headers["location"], headers=world.a.staff_headers)
    assert read.status_code == 200
    assert read.json()["status"] == "active"


async def test_agreement_codes_are_unique(client: httpx.AsyncClient, container: Container, world: World) -> None:
    await record(client, world, container, code="CONV-UNICO")
    before = await snapshot(container.engine)
    for partner_id, code in ((world.a.partner_id, "CONV-UNICO"), (world.b.partner_id, "conv-unico")):
        response = await client.post(
            agreements_url(partner_id), json=agreement_body(container, code=code), headers=world.admin_headers
        )
        assert_problem(response, 409, "agreement_code_taken")
    assert await snapshot(container.engine) == before


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"end_date": "2026-01-01", "start_date": "2026-02-01"}, "invalid_period"),
        ({"roles": ["training_delivery", "teleportation"]}, "validation_failed"),
        ({"roles": []}, "validation_failed"),
        ({"start_date": "2026-02-30"}, "validation_failed"),
        ({"code": ""}, "validation_failed"),
        ({"data_sharing": "perhaps"}, "validation_failed"),
        ({"partner_id": "00000000-0000-0000-0000-000000000001"}, "validation_failed"),
        ({"owner_partner_id": "00000000-0000-0000-0000-000000000001"}, "validation_failed"),
        ({"status": "active"}, "validation_failed"),
        ({"amendments": []}, "validation_failed"),
    ],
)
async def test_bad_agreements_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, container: Container, world: World, fields: dict[str, object], code: str
) -> None:
    before = await snapshot(container.engine)
    response = await client.post(
        agreements_url(world.a.partner_id), json=agreement_body(container, **fields), headers=world.admin_headers
    )
    assert_problem(response, 422, code)
    assert await snapshot(container.engine) == before


async def test_missing_fields_are_listed_without_echoing_values(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    response = await client.post(
        agreements_url(world.a.partner_id), json={"title": "secreto-123"}, headers=world.admin_headers
    )
    problem = assert_problem(response, 422, "validation_failed")
    assert {"body.code", "body.roles", "body.start_date", "body.end_date", "body.data_sharing"} <= {
        error["field"] for error in problem["errors"]
    }
    assert "secreto-123" not in response.text


async def test_partners_do_not_record_or_manage_their_agreements(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    url = f"{agreements_url(world.a.partner_id)}/{world.a.agreement_id}"
    before = await snapshot(container.engine)
    for headers in world.a.principals().values():
        create = await client.post(agreements_url(world.a.partner_id), json=agreement_body(container), headers=headers)
        assert_problem(create, 403, "permission_denied")
        terminate = await client.post(f"{url}/termination", json={"reason": "x"}, headers=headers)
        assert_problem(terminate, 403, "permission_denied")
        amend = await client.post(
            f"{url}/amendments",
            json={"reason": "x", "effective_from": today(container).isoformat(), "roles_added": ["funding"]},
            headers=headers,
        )
        assert_problem(amend, 403, "permission_denied")
    assert await snapshot(container.engine) == before


async def test_a_partners_staff_and_clients_read_their_agreements(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    for headers in (world.a.manager_headers, world.a.staff_headers, world.a.client_headers):
        listing = await client.get(agreements_url(world.a.partner_id), headers=headers)
        assert listing.status_code == 200, listing.text
        assert [item["id"] for item in listing.json()["items"]] == [str(world.a.agreement_id)]
        one = await client.get(f"{agreements_url(world.a.partner_id)}/{world.a.agreement_id}", headers=headers)
        assert one.status_code == 200
        assert one.headers["etag"] == '"v1"'


# --- lifecycle by date ----------------------------------------------------------------------------------------------


async def test_status_follows_the_dates(client: httpx.AsyncClient, container: Container, world: World) -> None:
    day = today(container)
    expired = await record(
        client,
        world,
        container,
        start_date=(day - timedelta(days=400)).isoformat(),
        end_date=(day - timedelta(days=1)).isoformat(),
        activate=True,
    )
    assert expired["status"] == "expired"
    ending_today = await record(
        client,
        world,
        container,
        end_date=day.isoformat(),
        start_date=(day - timedelta(days=5)).isoformat(),
        activate=True,
    )
    assert ending_today["status"] == "active"
    draft = await record(client, world, container)
    assert draft["status"] == "draft"


async def test_termination_with_a_reason(client: httpx.AsyncClient, container: Container, world: World) -> None:
    agreement = await record(client, world, container, activate=True)
    url = f"{agreements_url(world.a.partner_id)}/{agreement['id']}"
    later = (today(container) + timedelta(days=30)).isoformat()
    scheduled = await client.post(
        f"{url}/termination",
        json={"reason": "Fin anticipado acordado", "terminated_on": later},
        headers=world.admin_headers,
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["status"] == "active", "terminated from a later date, in force until then"
    assert scheduled.json()["terminated_on"] == later
    assert scheduled.json()["termination_reason"] == "Fin anticipado acordado"
    again = await client.post(f"{url}/termination", json={"reason": "otra"}, headers=world.admin_headers)
    assert_problem(again, 409, "agreement_not_amendable")

    now = await record(client, world, container, activate=True)
    url = f"{agreements_url(world.a.partner_id)}/{now['id']}"
    terminated = await client.post(f"{url}/termination", json={"reason": "Incumplimiento"}, headers=world.admin_headers)
    assert terminated.json()["status"] == "terminated"
    assert terminated.json()["terminated_on"] == today(container).isoformat()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "validation_failed"),
        ({"reason": ""}, 422, "validation_failed"),
        ({"reason": "   "}, 422, "invalid_input"),
        ({"reason": "x", "terminated_on": "2000-01-01"}, 422, "invalid_input"),  # before it starts
        ({"reason": "x", "status": "terminated"}, 422, "validation_failed"),
    ],
)
async def test_bad_terminations_change_nothing(
    client: httpx.AsyncClient, container: Container, world: World, body: dict[str, object], status: int, code: str
) -> None:
    before = await snapshot(container.engine)
    url = f"{agreements_url(world.a.partner_id)}/{world.a.agreement_id}/termination"
    assert_problem(await client.post(url, json=body, headers=world.admin_headers), status, code)
    assert await snapshot(container.engine) == before


# --- amendments -----------------------------------------------------------------------------------------------------


async def test_amendments_are_versioned_with_a_reason_and_kept_as_history(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    day = today(container)
    url = f"{agreements_url(world.a.partner_id)}/{world.a.agreement_id}"
    original = (await client.get(url, headers=world.admin_headers)).json()
    first = await client.post(
        f"{url}/amendments",
        json={"reason": "Se suma el financiamiento", "effective_from": day.isoformat(), "roles_added": ["funding"]},
        headers=world.admin_headers,
    )
    assert first.status_code == 201, first.text
    assert first.json()["roles"] == ["funding", "referral", "training_delivery"]
    assert first.json()["original_roles"] == ["referral", "training_delivery"]
    assert first.headers["etag"] == '"v2"'

    future = day + timedelta(days=20)
    new_end = day + timedelta(days=700)
    second = await client.post(
        f"{url}/amendments",
        json={
            "reason": "Prórroga sin derivación",
            "effective_from": future.isoformat(),
            "roles_removed": ["referral"],
            "new_end_date": new_end.isoformat(),
        },
        headers={**world.admin_headers, "If-Match": first.headers["etag"]},
    )
    assert second.status_code == 201, second.text
    body = second.json()
    assert body["roles"] == ["funding", "referral", "training_delivery"], "a removal takes effect from its date"
    assert body["end_date"] == new_end.isoformat()
    assert body["original_end_date"] == original["end_date"]
    history = body["amendments"]
    assert [item["number"] for item in history] == [1, 2]
    assert history[0]["reason"] == "Se suma el financiamiento"
    assert history[0]["roles_added"] == ["funding"]
    assert history[1]["roles_removed"] == ["referral"]
    assert history[1]["new_end_date"] == new_end.isoformat()
    assert history[1]["effective_from"] == future.isoformat()
    assert {item["recorded_by"] for item in history} == {str(world.admin.id)}
    # The history is visible to the partner too.
    seen = await client.get(url, headers=world.a.manager_headers)
    assert [item["number"] for item in seen.json()["amendments"]] == [1, 2]


@pytest.mark.parametrize(
    ("offset", "fields", "status", "code"),
    [
        (5, {}, 409, "agreement_not_amendable"),  # the same day as the previous amendment: overlap
        (2, {}, 409, "agreement_not_amendable"),  # before the previous one
        (900, {}, 422, "invalid_period"),  # after the agreement ends
        (-400, {}, 422, "invalid_period"),  # before it starts
        (10, {"roles_added": ["funding"], "roles_removed": ["funding"]}, 422, "invalid_input"),
        (10, {"roles_added": [], "roles_removed": []}, 422, "invalid_input"),  # changes nothing
        (
            10,
            {"roles_added": [], "roles_removed": ["training_delivery", "referral", "evaluation"]},
            422,
            "invalid_input",
        ),  # no role left
        (10, {"roles_added": ["juggling"]}, 422, "validation_failed"),
        (10, {"new_end_date": "2000-01-01"}, 422, "invalid_input"),
        (10, {"reason": ""}, 422, "validation_failed"),
        (10, {"number": 7}, 422, "validation_failed"),
    ],
)
async def test_bad_amendments_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient,
    container: Container,
    world: World,
    offset: int,
    fields: dict[str, object],
    status: int,
    code: str,
) -> None:
    day = today(container)
    url = f"{agreements_url(world.a.partner_id)}/{world.a.agreement_id}/amendments"
    previous = await client.post(
        url,
        json={
            "reason": "Evaluación",
            "effective_from": (day + timedelta(days=5)).isoformat(),
            "roles_added": ["evaluation"],
        },
        headers=world.admin_headers,
    )
    assert previous.status_code == 201
    before = await snapshot(container.engine)
    body: dict[str, object] = {
        "reason": "Cambio",
        "effective_from": (day + timedelta(days=offset)).isoformat(),
        "roles_added": ["funding"],
    }
    body.update(fields)
    assert_problem(await client.post(url, json=body, headers=world.admin_headers), status, code)
    assert await snapshot(container.engine) == before


async def test_stale_if_match_and_closed_agreements_refuse_amendments(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    day = today(container)
    url = f"{agreements_url(world.a.partner_id)}/{world.a.agreement_id}"
    body = {"reason": "Financiamiento", "effective_from": day.isoformat(), "roles_added": ["funding"]}
    before = await snapshot(container.engine)
    stale = await client.post(f"{url}/amendments", json=body, headers={**world.admin_headers, "If-Match": '"v7"'})
    assert_problem(stale, 412, "precondition_failed")
    assert await snapshot(container.engine) == before

    expired = await record(
        client,
        world,
        container,
        start_date=(day - timedelta(days=100)).isoformat(),
        end_date=(day - timedelta(days=1)).isoformat(),
        activate=True,
    )
    terminated = await record(client, world, container, activate=True)
    terminated_url = f"{agreements_url(world.a.partner_id)}/{terminated['id']}"
    await client.post(f"{terminated_url}/termination", json={"reason": "cierre"}, headers=world.admin_headers)
    before = await snapshot(container.engine)
    for agreement_id in (expired["id"], terminated["id"]):
        late = {"reason": "tarde", "effective_from": (day - timedelta(days=2)).isoformat(), "roles_added": ["funding"]}
        response = await client.post(
            f"{agreements_url(world.a.partner_id)}/{agreement_id}/amendments", json=late, headers=world.admin_headers
        )
        assert_problem(response, 409, "agreement_not_amendable")
    assert await snapshot(container.engine) == before


# --- listing --------------------------------------------------------------------------------------------------------


async def test_a_partners_agreements_page_with_a_cursor_bound_to_the_partner(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    ids = [str(world.a.agreement_id)] + [(await record(client, world, container))["id"] for _ in range(3)]
    seen: list[str] = []
    url = f"{agreements_url(world.a.partner_id)}?limit=3"
    while True:
        page = (await client.get(url, headers=world.a.manager_headers)).json()
        seen += [item["id"] for item in page["items"]]
        if "next_cursor" not in page:
            break
        cursor = page["next_cursor"]
        url = f"{agreements_url(world.a.partner_id)}?limit=3&cursor={cursor}"
    assert seen == sorted(ids)
    first = (await client.get(f"{agreements_url(world.a.partner_id)}?limit=1", headers=world.admin_headers)).json()
    replayed = await client.get(
        f"{agreements_url(world.b.partner_id)}?limit=1&cursor={first['next_cursor']}", headers=world.admin_headers
    )
    assert_problem(replayed, 400, "invalid_cursor")
    unknown = await client.get(agreements_url(uuid.uuid4()), headers=world.admin_headers)
    assert_problem(unknown, 404, "not_found")


async def test_agreements_about_to_end(client: httpx.AsyncClient, container: Container, world: World) -> None:
    day = today(container)
    start = (day - timedelta(days=100)).isoformat()

    def ending(days: int) -> str:
        return (day + timedelta(days=days)).isoformat()

    soon = await record(client, world, container, code="SOON", start_date=start, end_date=ending(10), activate=True)
    today_ = await record(client, world, container, code="TODAY", start_date=start, end_date=ending(0), activate=True)
    await record(client, world, container, code="LATER", start_date=start, end_date=ending(100), activate=True)
    await record(client, world, container, code="DRAFT", start_date=start, end_date=ending(5))
    await record(client, world, container, code="GONE", start_date=start, end_date=ending(-1), activate=True)
    cut = await record(client, world, container, code="CUT", start_date=start, end_date=ending(7), activate=True)
    url = f"{agreements_url(world.a.partner_id)}/{cut['id']}/termination"
    await client.post(url, json={"reason": "cierre"}, headers=world.admin_headers)
    other = await record(
        client,
        world,
        container,
        world.b.partner_id,
        code="B-SOON",
        start_date=start,
        end_date=ending(20),
        activate=True,
    )
    extended = await record(
        client, world, container, code="EXTENDED", start_date=start, end_date=ending(3), activate=True
    )
    await client.post(
        f"{agreements_url(world.a.partner_id)}/{extended['id']}/amendments",
        json={"reason": "Prórroga", "effective_from": day.isoformat(), "new_end_date": ending(300)},
        headers=world.admin_headers,
    )

    async def codes(days: int, headers: dict[str, str]) -> list[str]:
        response = await client.get(f"/api/v1/agreements?expiring_within_days={days}", headers=headers)
        assert response.status_code == 200, response.text
        return [item["code"] for item in response.json()["items"]]

    assert await codes(30, world.admin_headers) == ["TODAY", "SOON", "B-SOON"]
    assert await codes(0, world.admin_headers) == ["TODAY"]
    assert await codes(30, world.a.manager_headers) == ["TODAY", "SOON"]
    assert await codes(30, world.a.client_headers) == ["TODAY", "SOON"]
    assert await codes(30, world.b.staff_headers) == ["B-SOON"]
    assert soon["id"] != today_["id"] != other["id"]

    page = (await client.get("/api/v1/agreements?expiring_within_days=30&limit=1", headers=world.admin_headers)).json()
    assert [item["code"] for item in page["items"]] == ["TODAY"]
    rest = await client.get(
        f"/api/v1/agreements?expiring_within_days=30&limit=5&cursor={page['next_cursor']}", headers=world.admin_headers
    )
    assert [item["code"] for item in rest.json()["items"]] == ["SOON", "B-SOON"]
    other_window = await client.get(
        f"/api/v1/agreements?expiring_within_days=31&cursor={page['next_cursor']}", headers=world.admin_headers
    )
    assert_problem(other_window, 400, "invalid_cursor")

    for query in ("", "?expiring_within_days=-1", "?expiring_within_days=abc", "?expiring_within_days=100000"):
        assert_problem(
            await client.get(f"/api/v1/agreements{query}", headers=world.admin_headers), 422, "validation_failed"
        )


# --- the policy other use cases call: agreement_required --------------------------------------------------------


async def test_require_partner_role_follows_the_agreements_in_force(container: Container, world: World) -> None:
    day = today(container)
    async with container.uow(SYSTEM) as uow:
        await require_partner_role(uow, world.a.partner_id, AgreementRole.TRAINING_DELIVERY, day)
        await require_partner_role(uow, world.a.partner_id, AgreementRole.REFERRAL, day)
        await require_partner_role(uow, world.b.partner_id, AgreementRole.EVALUATION, day)
        for partner_id, role, on in (
            (world.a.partner_id, AgreementRole.FUNDING, day),  # a role its agreement lacks
            (world.b.partner_id, AgreementRole.TRAINING_DELIVERY, day),
            (world.a.partner_id, AgreementRole.TRAINING_DELIVERY, day + timedelta(days=400)),  # after it ends
            (world.a.partner_id, AgreementRole.TRAINING_DELIVERY, day - timedelta(days=60)),  # before it starts
            (uuid.uuid4(), AgreementRole.TRAINING_DELIVERY, day),  # no such partner
        ):
            with pytest.raises(AgreementRequired) as caught:
                await require_partner_role(uow, partner_id, role, on)
            assert caught.value.code == "agreement_required"


async def test_an_expired_terminated_or_amended_agreement_blocks_the_roles_it_granted(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    day = today(container)
    start = (day - timedelta(days=200)).isoformat()
    # B is given funding by an agreement that has expired, content authoring by one just terminated, and referral
    # by one whose amendment removed it today.
    await record(
        client, world, container, world.b.partner_id, roles=["funding"], start_date=start,
        end_date=(day - timedelta(days=1)).isoformat(), activate=True,
    )  # fmt: skip
    terminated = await record(client, world, container, world.b.partner_id, roles=["content_authoring"], activate=True)
    await client.post(
        f"{agreements_url(world.b.partner_id)}/{terminated['id']}/termination",
        json={"reason": "Incumplimiento"},
        headers=world.admin_headers,
    )
    amended = await record(
        client, world, container, world.b.partner_id, roles=["referral", "evaluation"], activate=True
    )
    response = await client.post(
        f"{agreements_url(world.b.partner_id)}/{amended['id']}/amendments",
        json={"reason": "Sin derivación", "effective_from": day.isoformat(), "roles_removed": ["referral"]},
        headers=world.admin_headers,
    )
    assert response.status_code == 201, response.text
    draft = await record(client, world, container, world.b.partner_id, roles=["training_delivery"])
    assert draft["status"] == "draft"

    async with container.uow(SYSTEM) as uow:
        await require_partner_role(uow, world.b.partner_id, AgreementRole.FUNDING, day - timedelta(days=1))
        await require_partner_role(uow, world.b.partner_id, AgreementRole.REFERRAL, day - timedelta(days=1))
        await require_partner_role(uow, world.b.partner_id, AgreementRole.EVALUATION, day)
        for role in (
            AgreementRole.FUNDING,
            AgreementRole.CONTENT_AUTHORING,
            AgreementRole.REFERRAL,
            AgreementRole.TRAINING_DELIVERY,
        ):
            with pytest.raises(AgreementRequired):
                await require_partner_role(uow, world.b.partner_id, role, day)


async def test_a_suspended_partner_may_act_in_no_role(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    response = await client.post(
        f"/api/v1/partners/{world.a.partner_id}/suspension", json={"reason": "Auditoría"}, headers=world.admin_headers
    )
    assert response.status_code == 200
    async with container.uow(SYSTEM) as uow:
        with pytest.raises(AgreementRequired):
            await require_partner_role(uow, world.a.partner_id, AgreementRole.TRAINING_DELIVERY, today(container))


async def test_agreement_required_reaches_callers_as_problem_json(
    app: FastAPI, client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """A stand-in for the later use cases that act in a role: the failure leaves as a 403 with the stable code."""

    @app.get("/test-only/partners/{partner_id}/funding")
    async def act_in_funding(partner_id: uuid.UUID) -> dict[str, str]:
        async with container.uow(SYSTEM) as uow:
            await require_partner_role(uow, partner_id, AgreementRole.FUNDING, today(container))
        return {"status": "ok"}

    response = await client.get(f"/test-only/partners/{world.a.partner_id}/funding", headers={"Accept-Language": "es"})
    problem = assert_problem(response, 403, "agreement_required")
    assert problem["title"] == "Convenio requerido"
    await record(client, world, container, roles=["funding"], activate=True)
    assert (await client.get(f"/test-only/partners/{world.a.partner_id}/funding")).status_code == 200
