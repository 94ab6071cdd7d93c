"""The published contract: the committed OpenAPI document matches the code, and follows the API conventions."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emprende.api.app import OPENAPI_URL, create_app
from tests.conftest import make_settings

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "v1.json"
METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
KEBAB_SEGMENT = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
PARAM_SEGMENT = re.compile(r"^\{[a-z][a-z0-9]*(?:_[a-z0-9]+)*\}$")
PROBLEM_JSON = "application/problem+json"


@pytest.fixture(scope="module")
async def served() -> dict[str, Any]:
    """The document the running app serves (no database needed to describe the API)."""
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:", Path("unused")))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        response = await client.get(OPENAPI_URL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_committed_document_matches_the_code(served: dict[str, Any]) -> None:
    assert COMMITTED.exists(), "openapi/v1.json is missing: run `make openapi` and commit it"
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    if committed != served:
        diff = difflib.unified_diff(
            json.dumps(committed, indent=2, sort_keys=True).splitlines(),
            json.dumps(served, indent=2, sort_keys=True).splitlines(),
            "openapi/v1.json (committed)",
            f"{OPENAPI_URL} (code)",
            lineterm="",
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(
            "The API changed but openapi/v1.json did not. If the change is intended (and additive within v1), "
            f"run `make openapi` and commit openapi/v1.json.\n{shown}",
            pytrace=False,
        )


def test_committed_document_is_rendered_like_the_cli() -> None:
    """Formatted as `make openapi` writes it, so that regenerating it gives no spurious diff (the content is
    compared with the code by test_committed_document_matches_the_code)."""
    text = COMMITTED.read_text(encoding="utf-8")
    expected = json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    assert text == expected, "run `make openapi` to regenerate openapi/v1.json"


def test_document_metadata(served: dict[str, Any]) -> None:
    assert served["openapi"].startswith("3.")
    assert served["info"]["title"] == "emprende API"
    assert served["info"]["version"]
    assert served["info"]["description"].strip()


def test_operation_ids_are_stable_snake_case_and_unique(served: dict[str, Any]) -> None:
    ids = [operation.get("operationId", "") for _, _, operation in _operations(served)]
    assert ids, "no operations"
    bad = [operation_id for operation_id in ids if not SNAKE_CASE.match(operation_id)]
    assert bad == [], f"operationIds must be snake_case: {bad}"
    assert len(ids) == len(set(ids)), f"duplicate operationIds: {sorted(ids)}"


def test_every_operation_is_documented(served: dict[str, Any]) -> None:
    for path, method, operation in _operations(served):
        where = f"{method.upper()} {path}"
        assert operation.get("summary", "").strip(), f"{where} has no summary"
        assert operation.get("description", "").strip(), f"{where} has no description (the route's docstring)"


def test_every_operation_has_a_declared_tag(served: dict[str, Any]) -> None:
    declared = {tag["name"]: tag.get("description", "") for tag in served["tags"]}
    assert all(description.strip() for description in declared.values()), "every tag needs a description"
    used: set[str] = set()
    for path, method, operation in _operations(served):
        tags = operation.get("tags", [])
        assert len(tags) == 1, f"{method.upper()} {path} should have exactly one tag, has {tags}"
        assert tags[0] in declared, f"{method.upper()} {path}: tag {tags[0]!r} is not declared in the app's tags"
        used.add(tags[0])
    assert used == set(declared), f"declared but unused tags: {set(declared) - used}"


def test_paths_are_versioned_and_kebab_case(served: dict[str, Any]) -> None:
    for path in served["paths"]:
        assert path.startswith("/api/v1/"), f"{path} is outside /api/v1"
        for segment in path.removeprefix("/api/v1/").split("/"):
            assert KEBAB_SEGMENT.match(segment) or PARAM_SEGMENT.match(segment), (
                f"{path}: segment {segment!r} is not kebab-case (parameters snake_case)"
            )


def test_problem_responses_are_problem_json(served: dict[str, Any]) -> None:
    for path, method, operation in _operations(served):
        for status, response in operation["responses"].items():
            if not status.startswith(("4", "5")):
                continue
            where = f"{method.upper()} {path} {status}"
            content = response.get("content", {})
            assert list(content) == [PROBLEM_JSON], f"{where} is documented as {list(content)}"
            assert content[PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/ProblemDetails"}, where
    schemas = served["components"]["schemas"]
    assert "HTTPValidationError" not in schemas, "FastAPI's default validation error is never sent"
    assert {"type", "title", "status", "detail", "instance", "code"} <= set(schemas["ProblemDetails"]["required"])


def test_operations_with_parameters_or_bodies_document_validation_errors(served: dict[str, Any]) -> None:
    for path, method, operation in _operations(served):
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in operation["responses"], f"{method.upper()} {path} does not document 422"


def test_protected_operations_declare_the_security_scheme(served: dict[str, Any]) -> None:
    public = {"get_liveness", "get_readiness", "create_token", "refresh_token"}
    for path, method, operation in _operations(served):
        if operation["operationId"] in public or operation.get("x-tenancy") == "public":
            continue  # no caller data: health, sign-in, the certificates' key set, status lists and verification
        assert operation.get("security"), f"{method.upper()} {path} requires a token but does not say so"
        assert "401" in operation["responses"], f"{method.upper()} {path} does not document 401"


# --- What typed-client generators read (openapi-typescript with its default options, among others) ------------------


def _input_only_schemas(document: dict[str, Any]) -> set[str]:
    from emprende.api.openapi_shape import _closure, _references

    schemas = document["components"]["schemas"]
    inputs: set[str] = set()
    outputs: set[str] = set()
    for _, _, operation in _operations(document):
        inputs.update(_references([operation.get("requestBody", {}), operation.get("parameters", [])]))
        outputs.update(_references(operation.get("responses", {})))
    return _closure(inputs, schemas) - _closure(outputs, schemas)


def test_optional_request_fields_carry_no_default_keyword(served: dict[str, Any]) -> None:
    """A generator makes a property with a `default` required; in a request, the default is the server's to apply."""
    schemas = served["components"]["schemas"]
    offenders = [
        f"{name}.{field}"
        for name in _input_only_schemas(served)
        for field, prop in schemas[name].get("properties", {}).items()
        if "default" in prop and field not in schemas[name].get("required", [])
    ]
    assert offenders == []
    grant_type = schemas["Body_create_token"]["properties"]["grant_type"]
    assert grant_type["description"].endswith("Default: `password`.")


def test_token_request_is_a_required_form_with_a_grant_type_enum(served: dict[str, Any]) -> None:
    body = served["paths"]["/api/v1/auth/token"]["post"]["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == ["application/x-www-form-urlencoded"]
    schema = served["components"]["schemas"]["Body_create_token"]
    assert schema["properties"]["grant_type"]["enum"] == ["password", "client_credentials"]
    assert "required" not in schema  # username and password, or client id and secret, depending on the grant


def test_refresh_accepts_json_and_the_token_form_encoding(served: dict[str, Any]) -> None:
    body = served["paths"]["/api/v1/auth/refresh"]["post"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/json", "application/x-www-form-urlencoded"}
    for media in body["content"].values():
        assert media["schema"] == {"$ref": "#/components/schemas/RefreshIn"}
    assert served["components"]["schemas"]["RefreshIn"]["required"] == ["refresh_token"]


def test_security_scheme_declares_both_grants_with_the_client_scopes(served: dict[str, Any]) -> None:
    from emprende.services.shared.authorization import SCOPES

    flows = served["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert flows["clientCredentials"]["tokenUrl"] == "/api/v1/auth/token"
    assert set(flows["clientCredentials"]["scopes"]) == set(SCOPES)
