"""Tenant isolation as machinery: walk the app's route table and prove that another partner's object is answered
exactly like a missing one, on every route, in lists, filters and cursors.

Routes added later are covered automatically: a route without a tenancy decision fails, a partner-owned route with a
path parameter this file does not know fails (add it to `OWNED_IDS`), a route with a body this file cannot send fails
(add it to `BODIES`), and a required query parameter without a sample fails (add it to `REQUIRED_QUERY`).
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from emprende.api.tenancy import Tenancy, tenancy
from emprende.bootstrap import Container
from tests.api.calls_support import seed_calls
from tests.api.ideas_support import idea_body, seed_ideas
from tests.api.training_support import seed_training
from tests.conftest import PASSWORD, World, snapshot

PREFIX = "/api/v1"


@dataclass(frozen=True)
class RouteInfo:
    path: str
    method: str
    operation_id: str
    tenancy: str | None
    path_params: tuple[str, ...]
    has_body: bool


CONVERTOR = re.compile(r"\{(\w+):\w+\}")


def _walk(routes: list[Any]) -> Iterator[tuple[str, APIRoute, dict[str, Any] | None]]:
    """Yield (full path, route, openapi_extra) for every API route, whether the router keeps included routes flat
    (older FastAPI) or as included-router branches (newer FastAPI)."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if callable(contexts):
            for context in contexts():
                original = context.original_route
                if isinstance(original, APIRoute):
                    yield context.path, original, context.openapi_extra
        elif isinstance(route, APIRoute):
            yield route.path, route, route.openapi_extra


def api_routes(app: FastAPI) -> list[RouteInfo]:
    found: list[RouteInfo] = []
    for path, route, extra in _walk(list(app.routes)):
        # Operations as documented: the undocumented routes serving the hot reads stand in front of documented ones
        # (the requests this file makes reach them), with the same path and method.
        if not path.startswith(PREFIX) or not route.include_in_schema:
            continue
        path = CONVERTOR.sub(r"{\1}", path)  # the path as documented: `{participant_id:uuid}` is `{participant_id}`
        for method in sorted(route.methods):
            found.append(
                RouteInfo(
                    path=path,
                    method=method,
                    operation_id=route.operation_id or route.name,
                    tenancy=(extra or {}).get("x-tenancy"),
                    path_params=tuple(param.name for param in route.dependant.path_params),
                    has_body=route.body_field is not None,
                )
            )
    return found


def undeclared(app: FastAPI) -> list[str]:
    valid = {kind.value for kind in Tenancy}
    return [f"{r.method} {r.path}" for r in api_routes(app) if r.tenancy not in valid]


# --- what this test must know about each kind of object ---------------------------------------------------------------

# Each path parameter name → (the id of an object partner A owns, the id of the matching object partner B owns).
OWNED_IDS: dict[str, Callable[[World], tuple[uuid.UUID, uuid.UUID]]] = {
    "partner_id": lambda w: (w.a.partner_id, w.b.partner_id),
    "agreement_id": lambda w: (w.a.agreement_id, w.b.agreement_id),
    "user_id": lambda w: (w.a.staff.id, w.b.staff.id),
    "client_id": lambda w: (w.a.client_id, w.b.client_id),
    "participant_id": lambda w: (w.a.participant_id, w.b.participant_id),
    "consent_id": lambda w: (w.a.consent_id, w.b.consent_id),
    "candidate_id": lambda w: (w.a.candidate_id, w.b.candidate_id),
    "cohort_id": lambda w: w.training["cohort_id"],
    "session_id": lambda w: w.training["session_id"],
    "enrollment_id": lambda w: w.training["enrollment_id"],
    "certificate_id": lambda w: w.training["certificate_id"],
    "idea_id": lambda w: w.ideas["idea_id"],
    "application_id": lambda w: w.calls["application_id"],
    "assignment_id": lambda w: w.calls["assignment_id"],
}

# Path parameters that name no object of their own but a place within the one before them (an idea's version
# number): the same value for every partner, never swapped for another partner's.
WITHIN: dict[str, str] = {"number": "1"}


@pytest.fixture
async def world(world: World, container: Container) -> World:
    """The shared world, plus a cohort, a session, an enrolment, a business idea and an application for each
    partner."""
    await seed_training(container, world)
    await seed_ideas(container, world)
    await seed_calls(container, world)
    return world


def _cohort_plan(c: Container) -> dict[str, Any]:
    return {
        "name": "Cohorte intrusa",
        "curriculum": [{"module_id": str(uuid.UUID(int=1)), "version": 1}],
        "modality": "virtual",
        "start_date": _today_plus(c, 10),
        "end_date": _today_plus(c, 40),
        "capacity": 10,
        "enrolment_opens_on": _today_plus(c, 0),
        "enrolment_closes_on": _today_plus(c, 9),
    }


def _session(c: Container) -> dict[str, Any]:
    return {
        "on": _today_plus(c, 10),
        "starts_at": "09:00:00",
        "duration_minutes": 60,
        "module_id": str(uuid.UUID(int=1)),
    }


def _today_plus(container: Container, days: int) -> str:
    return (container.clock.now().date() + timedelta(days=days)).isoformat()


# A plausible, valid body for every operation that takes one and that the walk calls.
BODIES: dict[str, Callable[[Container], dict[str, Any]]] = {
    "create_partner": lambda c: {"name": "Socio intruso", "kind": "ngo", "country": "ECU"},
    "update_partner": lambda c: {"contact_email": "intruso@example.org"},
    "suspend_partner": lambda c: {"reason": "Intento de otro socio"},
    "create_agreement": lambda c: {
        "code": "CONV-INTRUSO",
        "title": "Convenio intruso",
        "roles": ["funding"],
        "start_date": _today_plus(c, 0),
        "end_date": _today_plus(c, 30),
        "data_sharing": True,
        "activate": True,
    },
    "terminate_agreement": lambda c: {"reason": "Intento de otro socio"},
    "amend_agreement": lambda c: {"reason": "Intento", "effective_from": _today_plus(c, 1), "roles_added": ["funding"]},
    "create_user": lambda c: {
        "email": "intruso@example.org",
        "full_name": "Intruso",
        "password": PASSWORD,
        "role": "participant",
    },
    "update_user": lambda c: {"full_name": "Nombre cambiado por otro socio"},
    "create_api_client": lambda c: {"name": "Cliente intruso", "scopes": ["partners:read"]},
    "register_participant": lambda c: {
        "given_names": "Persona",
        "family_names": "Intrusa",
        "birth_date": "1990-02-02",
        "sex": "male",
        "population_group": "migrant",
        "nationality": "COL",
        "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
    },
    "update_participant": lambda c: {"household_size": 3},
    "record_consent": lambda c: {"purpose": "training", "notice_version": "2026-01", "method": "in_person"},
    "resolve_duplicate_candidate": lambda c: {"decision": "distinct"},
    # A multipart upload: sent as JSON it is refused (422) before anything runs; tests/api/test_imports.py covers it.
    "import_participants": lambda c: {"mode": "dry_run"},
    "open_portal_account": lambda c: {"email": "portal.intruso@example.org", "password": PASSWORD},
    "create_cohort": _cohort_plan,
    "replan_cohort": _cohort_plan,
    "move_cohort": lambda c: {"to": "cancelled"},
    "add_cohort_session": _session,
    "reschedule_cohort_session": _session,
    "enroll_participant": lambda c: {"participant_id": str(uuid.UUID(int=2))},
    "record_attendance": lambda c: {"marks": [{"participant_id": str(uuid.UUID(int=2)), "status": "present"}]},
    "record_assessment_score": lambda c: {"score": "50"},
    "revoke_certificate": lambda c: {"reason": "Intento de otro socio"},
    "suspend_certificate": lambda c: {"reason": "Intento de otro socio"},
    "verify_certificate": lambda c: {"certificate": "a.b.c"},
    "create_business_idea": lambda c: idea_body(uuid.UUID(int=2)),
    "revise_business_idea": lambda c: {"name": "Idea cambiada por otro socio"},
}

# Samples for required query parameters.
REQUIRED_QUERY: dict[str, str] = {"expiring_within_days": "3650"}


def filter_samples(world: World) -> dict[str, list[str]]:
    """Values for optional filters that would match partner A's objects if the tenant filter forgot them."""
    return {
        "partner_id": [str(world.a.partner_id)],
        "name_contains": ["Alfa", "a"],
        "email_contains": ["alfa", "@"],
        "country": ["ECU"],
        "kind": ["academia"],
        "status": ["active"],
        "role": ["partner_staff", "partner_manager"],
        "is_active": ["true"],
        "entity_id": [str(world.a.partner_id)],
        "entity_type": ["partner"],
        "name": ["Persona Alfa", "alfa"],
        "nationality": ["VEN"],
        "population_group": ["migrant"],
        "sex": ["female"],
    }


def a_markers(world: World) -> list[str]:
    """Strings that only partner A's objects contain."""
    a = world.a
    ids = [a.partner_id, a.agreement_id, a.manager.id, a.staff.id, a.client_id, a.participant_id, a.candidate_id]
    return [str(value) for value in ids] + ["Alfa", a.manager.email, a.staff.email, "CONV-ALFA-1"]


def assert_no_a(world: World, payload: object, where: str) -> None:
    if isinstance(payload, dict) and "instance" in payload:
        payload = {key: value for key, value in payload.items() if key != "instance"}  # the caller's own URL
    text = json.dumps(payload, ensure_ascii=False)
    leaked = [marker for marker in a_markers(world) if marker in text]
    assert not leaked, f"{where} shows partner A's data {leaked}: {text[:500]}"


def _parameters(app: FastAPI, route: RouteInfo) -> list[dict[str, Any]]:
    operation = app.openapi()["paths"][route.path][route.method.lower()]
    parameters: list[dict[str, Any]] = operation.get("parameters", [])
    return [param for param in parameters if param["in"] == "query"]


# --- the route table --------------------------------------------------------------------------------------------


def test_every_route_declares_its_tenancy(app: FastAPI) -> None:
    routes = api_routes(app)
    assert len(routes) > 20
    missing = undeclared(app)
    assert not missing, f"declare openapi_extra=tenancy(Tenancy....) on: {missing}"


def test_the_route_walk_sees_every_documented_operation(app: FastAPI) -> None:
    walked = {(route.method.lower(), route.path) for route in api_routes(app)}
    documented = {
        (method, path)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if path.startswith(PREFIX)
    }
    assert documented <= walked
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            assert operation.get("x-tenancy") in {kind.value for kind in Tenancy}, f"{method} {path}"


def test_the_walk_catches_routes_added_without_a_decision(container: Container) -> None:
    from emprende.api.app import create_app

    app = create_app(container=container)
    late = APIRouter(prefix=f"{PREFIX}/widgets")

    @late.get("/{widget_id}", operation_id="get_widget")
    async def get_widget(widget_id: uuid.UUID) -> dict[str, str]:
        return {"id": str(widget_id)}

    @late.get("/{widget_id}/parts", operation_id="list_widget_parts", openapi_extra=tenancy(Tenancy.PARTNER_OWNED))
    async def list_widget_parts(widget_id: uuid.UUID) -> dict[str, str]:
        return {"id": str(widget_id)}

    app.include_router(late)
    assert undeclared(app) == [f"GET {PREFIX}/widgets/{{widget_id}}"]
    unknown = [
        param
        for route in api_routes(app)
        if route.tenancy == Tenancy.PARTNER_OWNED
        for param in route.path_params
        if param not in OWNED_IDS and param not in WITHIN
    ]
    assert unknown == ["widget_id"]


def test_this_file_knows_every_parameter_body_and_required_query(app: FastAPI) -> None:
    problems: list[str] = []
    for route in api_routes(app):
        if route.tenancy not in (Tenancy.PARTNER_OWNED, Tenancy.OPERATOR):
            continue
        problems += [
            f"{route.method} {route.path}: add path parameter {param!r} to OWNED_IDS (an A-owned and a B-owned id)"
            for param in route.path_params
            if param not in OWNED_IDS and param not in WITHIN
        ]
        if route.has_body and route.operation_id not in BODIES:
            problems.append(f"{route.method} {route.path}: add a valid body for {route.operation_id!r} to BODIES")
        problems += [
            f"{route.method} {route.path}: add a sample for required query {param['name']!r} to REQUIRED_QUERY"
            for param in _parameters(app, route)
            if param.get("required") and param["name"] not in REQUIRED_QUERY
        ]
    assert not problems, "\n".join(problems)


# --- the walk ------------------------------------------------------------------------------------------------------


def _url(route: RouteInfo, values: dict[str, object]) -> str:
    return route.path.format(**{name: str(value) for name, value in values.items()})


def _query(app: FastAPI, route: RouteInfo) -> dict[str, str]:
    return {p["name"]: REQUIRED_QUERY[p["name"]] for p in _parameters(app, route) if p.get("required")}


async def _call(
    client: httpx.AsyncClient,
    container: Container,
    route: RouteInfo,
    url: str,
    headers: dict[str, str],
    params: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    if route.has_body and body is None:
        body = BODIES[route.operation_id](container)
    return await client.request(route.method, url, headers=headers, params=params, json=body)


async def test_another_partners_objects_are_answered_like_missing_ones(
    app: FastAPI, client: httpx.AsyncClient, container: Container, world: World
) -> None:
    test_this_file_knows_every_parameter_body_and_required_query(app)
    before = await snapshot(container.engine)
    checked = 0
    failures: list[str] = []
    for route in api_routes(app):
        if route.tenancy != Tenancy.PARTNER_OWNED or not route.path_params:
            continue
        query = _query(app, route)
        objects = [name for name in route.path_params if name not in WITHIN]
        within = {name: WITHIN[name] for name in route.path_params if name in WITHIN}
        for size in range(1, len(objects) + 1):
            for foreign in itertools.combinations(objects, size):
                owned = {name: OWNED_IDS[name](world) for name in objects}
                as_foreign = {
                    **within,
                    **{name: owned[name][0] if name in foreign else owned[name][1] for name in owned},
                }
                as_missing = {**within, **{name: uuid.uuid4() if name in foreign else owned[name][1] for name in owned}}
                for who, headers in world.b.principals().items():
                    response = await _call(client, container, route, _url(route, as_foreign), headers, query)
                    missing = await _call(client, container, route, _url(route, as_missing), headers, query)
                    label = f"{route.method} {route.path} with A's {foreign} as B's {who}"
                    checked += 1
                    if response.status_code != 404 or missing.status_code != 404:
                        failures.append(f"{label}: {response.status_code} (missing: {missing.status_code})")
                        continue
                    got, expected = response.json(), missing.json()
                    if got.keys() != expected.keys() or any(
                        got[key] != expected[key] for key in ("type", "title", "status", "detail", "code")
                    ):
                        failures.append(f"{label}: {got} differs from a missing object's {expected}")
                    assert response.headers["content-type"] == missing.headers["content-type"]
                    assert_no_a(world, got, label)
    assert not failures, "\n".join(failures)
    assert checked >= 3 * 20
    assert await snapshot(container.engine) == before, "a refused request wrote something"


async def test_collections_show_no_foreign_row_by_list_filter_or_cursor(
    app: FastAPI, client: httpx.AsyncClient, container: Container, world: World
) -> None:
    samples = filter_samples(world)
    collections = [
        route
        for route in api_routes(app)
        if route.method == "GET" and not route.path_params and route.tenancy == Tenancy.PARTNER_OWNED
    ]
    assert {route.operation_id for route in collections} >= {
        "list_partners",
        "list_users",
        "list_api_clients",
        "list_expiring_agreements",
    }
    for route in collections:
        base = _query(app, route)
        variants = [base]
        for param in _parameters(app, route):
            name = param["name"]
            if name in ("limit", "cursor") or param.get("required"):
                continue
            values = samples.get(name)
            if values is None and param.get("schema", {}).get("format") == "uuid":
                values = [str(OWNED_IDS[key](world)[0]) for key in OWNED_IDS]
            variants += [{**base, name: value} for value in values or []]
        # Cursors an administrator obtained while paging through A's rows, replayed by B's principals.
        admin_cursors: list[dict[str, str]] = []
        for variant in variants:
            params = {**variant, "limit": "1"}
            for _ in range(12):
                page = await client.get(route.path, params=params, headers=world.admin_headers)
                if page.status_code != 200 or not isinstance(page.json(), dict):
                    break
                cursor = page.json().get("next_cursor")
                if not cursor:
                    break
                params = {**params, "cursor": cursor}
                admin_cursors.append(dict(params))
        for who, headers in world.b.principals().items():
            for params in [*variants, *admin_cursors]:
                label = f"GET {route.path}?{params} as B's {who}"
                pages = 0
                query = {**params, "limit": params.get("limit", "1")}
                while True:
                    response = await client.get(route.path, params=query, headers=headers)
                    assert response.status_code in (200, 400, 403, 422), (
                        f"{label}: {response.status_code} {response.text}"
                    )  # 422: invalid sample for this route
                    if response.status_code != 200:
                        assert_no_a(world, response.json(), label)
                        break
                    body = response.json()
                    items = body if isinstance(body, list) else body["items"]
                    assert_no_a(world, items, label)
                    pages += 1
                    if isinstance(body, list) or "next_cursor" not in body or pages > 20:
                        break
                    query = {**query, "cursor": body["next_cursor"]}


async def test_owner_fields_in_a_body_cannot_reach_another_partner(
    app: FastAPI, client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine)
    creates = [
        route
        for route in api_routes(app)
        if route.method == "POST"
        and route.has_body
        and not route.path_params
        and route.tenancy == Tenancy.PARTNER_OWNED
    ]
    assert {route.operation_id for route in creates} >= {"create_user", "create_api_client"}
    for route in creates:
        body = {**BODIES[route.operation_id](container), "partner_id": str(world.a.partner_id)}
        for who, headers in world.b.principals().items():
            response = await client.post(route.path, json=body, headers=headers)
            label = f"POST {route.path} naming A as B's {who}"
            assert response.status_code in (403, 404, 422), f"{label}: {response.status_code} {response.text}"
            assert_no_a(world, response.json(), label)
    assert await snapshot(container.engine) == before


async def test_operator_routes_give_partners_no_data(
    app: FastAPI, client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine)
    operator = [route for route in api_routes(app) if route.tenancy == Tenancy.OPERATOR]
    assert operator
    for route in operator:
        values = {name: OWNED_IDS[name](world)[0] for name in route.path_params}
        for who, headers in world.b.principals().items():
            response = await _call(client, container, route, _url(route, values), headers, _query(app, route))
            label = f"{route.method} {route.path} as B's {who}"
            assert response.status_code in (403, 404), f"{label}: {response.status_code} {response.text}"
            assert_no_a(world, response.json(), label)
    assert await snapshot(container.engine) == before


async def test_self_routes_show_only_the_caller(app: FastAPI, client: httpx.AsyncClient, world: World) -> None:
    for route in api_routes(app):
        if route.tenancy != Tenancy.SELF or route.method != "GET":
            continue
        # A route about one of the caller's own objects is asked about partner A's.
        url = _url(route, {name: OWNED_IDS[name](world)[0] for name in route.path_params})
        for who, headers in world.b.principals().items():
            response = await client.get(url, headers=headers)
            assert response.status_code in ((403, 404) if route.path_params else (200, 403)), response.text
            assert_no_a(world, response.json(), f"GET {url} as B's {who}")
