"""Every error leaves as application/problem+json with a stable code, in English or Spanish, never with a traceback."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import PASSWORD, Account, World

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "code", "request_id"}
SPANISH = {"Accept-Language": "es-EC,es;q=0.9"}
SECRET = "sk_live_Zq9XwQ7pL3vR8tY2uM5nB4cV6xK1jH0g"


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith("/" + code)
    assert body["instance"] == response.request.url.path
    assert body["request_id"] == response.headers["x-request-id"]
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def new_user(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": f"p{uuid.uuid4().hex[:10]}@emprende.test",
        "full_name": "Paola Zambrano",
        "password": PASSWORD,
        "role": "facilitator",
    }
    body.update(overrides)
    return body


async def test_unknown_route_is_route_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    body = assert_problem(response, 404, "route_not_found")
    assert body["title"] == "Not found"
    assert response.headers["content-language"] == "en"


async def test_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/users")
    assert_problem(response, 405, "method_not_allowed")
    allowed = {method.strip() for method in response.headers["allow"].split(",")}
    assert allowed == {"GET", "POST"}


async def test_validation_lists_fields_without_echoing_values(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    payload = new_user(role=SECRET, full_name=["x", SECRET], smuggled=SECRET)
    del payload["password"]
    response = await client.post("/api/v1/users", json=payload, headers=admin_headers)
    body = assert_problem(response, 422, "validation_failed")
    fields = {error["field"] for error in body["errors"]}
    assert {"body.role", "body.full_name", "body.smuggled", "body.password"} <= fields
    assert all(set(error) == {"field", "code", "message"} for error in body["errors"])
    assert SECRET not in response.text


async def test_validation_of_query_parameters_does_not_echo(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.get("/api/v1/users", params={"limit": SECRET, "role": SECRET}, headers=admin_headers)
    body = assert_problem(response, 422, "validation_failed")
    assert {error["field"] for error in body["errors"]} == {"query.limit", "query.role"}
    assert SECRET not in response.text


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"limit": SECRET}, {}),
        ({"is_active": SECRET}, {}),
        ({"email_contains": SECRET * 10}, {}),
        ({"cursor": SECRET}, {}),
        ({}, {"If-Match": SECRET}),
        ({}, {"Idempotency-Key": SECRET + " "}),
        ({}, {"X-Request-ID": SECRET + "!"}),
        ({}, {"Accept-Language": SECRET}),
        ({}, {"Authorization": "Bearer " + SECRET}),
    ],
)
async def test_no_problem_echoes_what_was_sent(
    client: httpx.AsyncClient, admin_headers: dict[str, str], params: dict[str, str], headers: dict[str, str]
) -> None:
    for method, path, body in (
        ("GET", "/api/v1/users", None),
        ("GET", "/api/v1/audit-events", None),
        ("POST", "/api/v1/users", new_user(full_name=12, email=SECRET)),
        ("PATCH", f"/api/v1/users/{uuid.uuid4()}", {"full_name": 12, "note": SECRET}),
    ):
        response = await client.request(method, path, params=params, json=body, headers={**admin_headers, **headers})
        assert response.status_code < 500, response.text
        assert SECRET not in response.text
        assert SECRET not in str(response.headers)


@pytest.mark.parametrize("query", ["actor_id", "occurred_from", "occurred_to", "entity_id", "entity_type", "limit"])
async def test_audit_query_errors_do_not_echo(
    client: httpx.AsyncClient, admin_headers: dict[str, str], query: str
) -> None:
    response = await client.get("/api/v1/audit-events", params={query: SECRET * 3}, headers=admin_headers)
    assert response.status_code == 422
    assert SECRET not in response.text


async def test_domain_not_found(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    response = await client.get(f"/api/v1/users/{uuid.uuid4()}", headers=admin_headers)
    body = assert_problem(response, 404, "not_found")
    assert body["detail"] == "The requested resource does not exist."


async def test_domain_conflict(client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]) -> None:
    response = await client.post("/api/v1/users", json=new_user(email=admin.email.upper()), headers=admin_headers)
    body = assert_problem(response, 409, "email_taken")
    assert body["errors"][0]["field"] == "body.email"
    assert admin.email not in response.text


async def test_domain_precondition_failed(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]
) -> None:
    response = await client.patch(
        f"/api/v1/users/{admin.id}", json={"full_name": "Ana M."}, headers={**admin_headers, "If-Match": '"v99"'}
    )
    assert_problem(response, 412, "precondition_failed")


async def test_domain_permission_denied(client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    response = await client.post("/api/v1/users", json=new_user(), headers=staff_headers)
    assert_problem(response, 403, "permission_denied")


async def test_not_authenticated_has_www_authenticate(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/users")
    assert_problem(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("path", "status", "code", "title"),
    [
        ("/api/v1/nope", 404, "route_not_found", "No encontrado"),
        ("/api/v1/users", 401, "not_authenticated", "Autenticación requerida"),
    ],
)
async def test_spanish_by_accept_language(
    client: httpx.AsyncClient, path: str, status: int, code: str, title: str
) -> None:
    response = await client.get(path, headers=SPANISH)
    body = assert_problem(response, status, code)
    assert body["title"] == title
    assert response.headers["content-language"] == "es"
    english = assert_problem(await client.get(path), status, code)
    assert english["title"] != title
    assert english["detail"] != body["detail"]


async def test_spanish_field_messages(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    response = await client.post("/api/v1/users", json={"email": "a@b.ec"}, headers={**admin_headers, **SPANISH})
    body = assert_problem(response, 422, "validation_failed")
    assert body["title"] == "Solicitud no válida"
    messages = {error["field"]: error["message"] for error in body["errors"]}
    assert messages["body.full_name"] == "Campo obligatorio."


async def test_spanish_domain_error(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/users", json=new_user(password="aaaaaaaaaaaaaaaa"), headers={**admin_headers, **SPANISH}
    )
    body = assert_problem(response, 422, "weak_password")
    assert body["title"] == "Contraseña débil"
    # The field-level message speaks Spanish too, with the same detail as the domain's English.
    assert body["errors"] == [
        {"field": "body.password", "code": "weak_password", "message": "la contraseña es demasiado repetitiva"}
    ]


async def test_spanish_conflict_field_message(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/users", json=new_user(email=admin.email), headers={**admin_headers, **SPANISH}
    )
    body = assert_problem(response, 409, "email_taken")
    assert body["errors"][0]["message"] == "correo electrónico ya registrado"
    english = await client.post("/api/v1/users", json=new_user(email=admin.email), headers=admin_headers)
    assert english.json()["errors"][0]["message"] == "e-mail already registered"


IMPORTS = "/api/v1/participants/imports"


async def test_spanish_keeps_the_detail_of_an_import_file_refusal(client: httpx.AsyncClient, world: World) -> None:
    content = b"given_names,family_names,shoe_size,pet_name\nAna,Quispe,38,Luna\n"
    for language, expected in (
        (SPANISH, "columnas desconocidas: shoe_size, pet_name (consulte la lista de columnas documentada)"),
        ({}, "unknown columns: shoe_size, pet_name (see the documented column list)"),
    ):
        response = await client.post(
            IMPORTS,
            files={"file": ("personas.csv", content, "text/csv")},
            data={"mode": "dry_run"},
            headers={**world.a.manager_headers, **language},
        )
        body = assert_problem(response, 422, "invalid_import_file")
        assert body["errors"] == [{"field": "body.file", "code": "invalid_import_file", "message": expected}]


async def test_partner_required_names_the_registering_partner_in_both_languages(
    client: httpx.AsyncClient, world: World
) -> None:
    content = b"given_names,family_names\nAna,Quispe\n"
    messages = {}
    for language in ("es", "en"):
        response = await client.post(
            IMPORTS,
            files={"file": ("personas.csv", content, "text/csv")},
            data={"mode": "dry_run"},
            headers={**world.admin_headers, "Accept-Language": language},
        )
        body = assert_problem(response, 422, "partner_required")
        assert "owner_partner_id" in body["detail"]
        [error] = body["errors"]
        assert error["field"] == "body.owner_partner_id"
        messages[language] = error["message"]
    assert messages == {
        "es": "indique el socio que importa a estas personas",
        "en": "name the partner importing these people",
    }


async def test_spanish_validation_messages_carry_pydantics_context(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    payload = new_user(full_name="x" * 201, role="jefe", preferred_language="fr")
    response = await client.post("/api/v1/users", json=payload, headers={**admin_headers, **SPANISH})
    body = assert_problem(response, 422, "validation_failed")
    messages = {error["field"]: error["message"] for error in body["errors"]}
    assert messages["body.full_name"] == "Como máximo 200 caracteres."
    assert messages["body.preferred_language"] == "Valor no admitido; use 'es' o 'en'."
    assert messages["body.role"].startswith("Valor no admitido; use 'admin', ")
    assert "jefe" not in response.text


async def test_the_apis_own_field_messages_speak_spanish(
    client: httpx.AsyncClient, admin: Account, admin_headers: dict[str, str]
) -> None:
    empty = await client.patch(f"/api/v1/users/{admin.id}", json={}, headers={**admin_headers, **SPANISH})
    assert assert_problem(empty, 422, "validation_failed")["errors"][0]["message"] == "no hay campos"
    form = await client.post("/api/v1/auth/token", data={"username": admin.email}, headers=SPANISH)
    assert assert_problem(form, 422, "validation_failed")["errors"] == [
        {"field": "body.password", "code": "missing", "message": "Campo obligatorio."}
    ]


@pytest.mark.parametrize(
    "accept_language",
    [
        "",
        ";;;,,,",
        "es;q=abc",
        "es;q=nan",
        "es;q=inf",
        "es;q=-1",
        "es;q=2",
        "es;x=1",
        "*;q=0.1,es;q=0",
        "es-" + "x" * 5000,
        "ñandú;q=0.5",
        "\t, es ;  q = 0.3 ,,",
        ",".join(["en;q=0.001"] * 2000),
    ],
)
async def test_garbage_accept_language_never_breaks(
    client: httpx.AsyncClient, admin_headers: dict[str, str], accept_language: str
) -> None:
    raw = accept_language.encode("utf-8")
    ok = await client.get("/api/v1/users", headers={**admin_headers, "Accept-Language": raw})
    assert ok.status_code == 200, ok.text
    problem = await client.get("/api/v1/nope", headers={"Accept-Language": raw})
    body = assert_problem(problem, 404, "route_not_found")
    assert problem.headers["content-language"] in ("en", "es")
    assert body["title"] in ("Not found", "No encontrado")


@pytest.mark.parametrize("accept_language", ["es;q=abc", "es;q=2", "es;q=0", "fr, de", "es;q=nan"])
async def test_unusable_accept_language_falls_back_to_english(client: httpx.AsyncClient, accept_language: str) -> None:
    response = await client.get("/api/v1/nope", headers={"Accept-Language": accept_language})
    assert assert_problem(response, 404, "route_not_found")["title"] == "Not found"
    assert response.headers["content-language"] == "en"


async def test_quality_values_pick_the_language(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nope", headers={"Accept-Language": "en;q=0.4, es-EC;q=0.8"})
    assert response.headers["content-language"] == "es"
    response = await client.get("/api/v1/nope", headers={"Accept-Language": "es;q=0.4, en-GB;q=0.8"})
    assert response.headers["content-language"] == "en"


@pytest.fixture
def broken_app(app: FastAPI) -> FastAPI:
    @app.get("/api/v1/_boom")
    async def boom() -> None:
        raise RuntimeError("Traceback secret-db-password=hunter2 at /srv/emprende/secret.py line 42")

    @app.post("/api/v1/_boom")
    async def boom_post() -> None:
        raise KeyError("hunter2")

    return app


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_unexpected_error_is_a_bare_500(
    broken_app: FastAPI, client: httpx.AsyncClient, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    request_id = "boom-request-0001"
    with caplog.at_level("ERROR", logger="emprende.api"):
        response = await client.request(
            method, "/api/v1/_boom", headers={"X-Request-ID": request_id, **SPANISH}, json={}
        )
    body = assert_problem(response, 500, "internal_error")
    assert body["title"] == "Error interno"
    assert body["request_id"] == request_id
    for leak in ("Traceback", "hunter2", "secret", "File ", "line ", "RuntimeError", "KeyError"):
        assert leak not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" in response.headers
    # The operator gets the details in the log, tied to the request id.
    assert any(getattr(record, "request_id", None) == request_id and record.exc_info for record in caplog.records)
