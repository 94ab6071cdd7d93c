"""Swagger UI and ReDoc work offline: every asset comes from this host and ships inside the package."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

import emprende
from emprende.api.app import OPENAPI_URL, create_app
from tests.conftest import make_settings

PACKAGE = Path(emprende.__file__).resolve().parent
DOC_PAGES = ["/docs", "/docs/oauth2-redirect", "/redoc"]
REFERENCE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
ABSOLUTE_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.IGNORECASE)
CONTENT_TYPES = {
    ".js": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
}


@pytest.fixture(scope="module")
async def docs_client() -> AsyncIterator[httpx.AsyncClient]:
    """The docs need no database: an app over an unused in-memory URL is enough."""
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:", Path("unused")))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _page(client: httpx.AsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("text/html"), path
    return response.text


@pytest.mark.parametrize("path", DOC_PAGES)
async def test_pages_are_html_without_external_urls(docs_client: httpx.AsyncClient, path: str) -> None:
    html = await _page(docs_client, path)
    assert "<html" in html.lower()
    assert "http://" not in html
    assert "https://" not in html
    assert ABSOLUTE_URL.search(html) is None, f"{path} refers to another host: {ABSOLUTE_URL.search(html)}"
    for reference in REFERENCE.findall(html):
        assert re.match(r"^/(?!/)", reference), f"{path}: {reference} is not a path on this host"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_referenced_assets_are_served_from_the_package(docs_client: httpx.AsyncClient, path: str) -> None:
    references = REFERENCE.findall(await _page(docs_client, path))
    assert any(reference.endswith(".js") for reference in references), f"{path} loads no script"
    for reference in references:
        response = await docs_client.get(reference)
        assert response.status_code == 200, reference
        suffix = Path(reference).suffix
        assert response.headers["content-type"].startswith(CONTENT_TYPES[suffix]), (reference, response.headers)
        shipped = PACKAGE / "api" / "static" / reference.removeprefix("/static/docs/")
        assert shipped.is_file(), f"{reference} is not shipped in the package"
        assert response.content == shipped.read_bytes()


async def test_swagger_ui_loads_the_v1_document_and_disables_the_online_validator(
    docs_client: httpx.AsyncClient,
) -> None:
    html = await _page(docs_client, "/docs")
    assert f"url: '{OPENAPI_URL}'" in html
    assert '"validatorUrl": null' in html
    assert "/docs/oauth2-redirect" in html
    assert "swagger-ui-bundle.js" in html
    assert "swagger-ui.css" in html


async def test_redoc_loads_the_v1_document_without_google_fonts(docs_client: httpx.AsyncClient) -> None:
    html = await _page(docs_client, "/redoc")
    assert f'spec-url="{OPENAPI_URL}"' in html
    assert "fonts.googleapis" not in html
    assert "redoc.standalone.js" in html


async def test_the_authorize_button_uses_the_password_flow(docs_client: httpx.AsyncClient) -> None:
    document = (await docs_client.get(OPENAPI_URL)).json()
    schemes = document["components"]["securitySchemes"]
    oauth2 = [scheme for scheme in schemes.values() if scheme["type"] == "oauth2"]
    assert len(oauth2) == 1
    assert oauth2[0]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    token = document["paths"]["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in token


async def test_docs_content_security_policy_allows_only_this_host(docs_client: httpx.AsyncClient) -> None:
    for path in DOC_PAGES:
        policy = (await docs_client.get(path)).headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "http" not in policy, policy  # no other origin is whitelisted


async def test_shipped_assets_carry_their_licences() -> None:
    static = PACKAGE / "api" / "static"
    assert (static / "swagger-ui" / "LICENSE").is_file()
    assert (static / "redoc" / "LICENSE").is_file()
    assert (static / "README").read_text(encoding="utf-8").strip()


async def test_static_directory_does_not_list_or_escape(docs_client: httpx.AsyncClient) -> None:
    assert (await docs_client.get("/static/docs/")).status_code == 404
    assert (await docs_client.get("/static/docs/%2e%2e/%2e%2e/settings.py")).status_code == 404
    assert (await docs_client.get("/static/docs/swagger-ui/missing.js")).status_code == 404
