"""The application factory: builds the FastAPI app for given settings."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from emprende import __version__
from emprende.api import v1
from emprende.api.docs import install_docs
from emprende.api.idempotency import IdempotencyMiddleware, document_idempotency
from emprende.api.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from emprende.api.openapi_shape import add_declared_models, describe_input_defaults
from emprende.api.pagination import CursorCodec
from emprende.api.problems import PROBLEM_JSON, install_problem_handlers
from emprende.api.v1.imports.imports import IMPORTS_PATH
from emprende.bootstrap import Container, build_container
from emprende.logs import configure_logging
from emprende.settings import Environment, Settings

OPENAPI_URL = "/api/v1/openapi.json"
TITLE = "emprende API"
DESCRIPTION = """
emprende runs **inclusive entrepreneurship programmes**: migrants, refugees, returnees and vulnerable host-community
members are registered with their consent, trained in cohorts, develop business ideas, compete for seed capital and are
followed up, together with institutional partners under cooperation agreements.

**Conventions.** Errors are `application/problem+json` with a stable `code`; messages in English or Spanish by
`Accept-Language`. Collections use cursor pagination (`limit`, `cursor`, `next_cursor`). Reads return an `ETag`;
updates honour `If-Match`. `POST`s that declare an `Idempotency-Key` replay the first response to a retry with the
same key. Every response carries an `X-Request-ID`.

**Sign in** with the *Authorize* button: people with the password flow (e-mail as username), partner systems with
the client-credentials flow (their client id and secret, and the scopes they need).
"""


def _operation_id(route: APIRoute) -> str:
    return route.name


_BODY_PROBLEMS = {"400": "Malformed request", "413": "Body too large"}


def _document_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Errors leave as problem+json, but FastAPI files every response model (and its own 422) under
    application/json: move them, so that the published contract says what clients really receive."""
    problem = {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            # Answers given by shared machinery (body parsing, size limit, validation) for every operation.
            generic = {**(_BODY_PROBLEMS if "requestBody" in operation else {})}
            if "requestBody" in operation or operation.get("parameters"):
                generic["422"] = "Invalid request: see `errors`"
            responses = operation.setdefault("responses", {})
            for status, description in generic.items():
                responses.setdefault(status, {"description": description}).setdefault("content", {})[PROBLEM_JSON] = {}
            operation["responses"] = responses = dict(sorted(responses.items()))
            for status, response in responses.items():
                content = response.get("content", {})
                schema_ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
                if PROBLEM_JSON in content or schema_ref.endswith("/HTTPValidationError"):
                    content.pop("application/json", None)
                    content[PROBLEM_JSON] = problem
                    if status == "422" and response.get("description") == "Validation Error":
                        response["description"] = "Invalid request: see `errors`"
    schemas = document.get("components", {}).get("schemas", {})
    if "HTTPValidationError" not in str(document.get("paths")):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    return document


class EmprendeAPI(FastAPI):
    """FastAPI, with the OpenAPI document describing errors as they are sent (problem+json), declaring
    `Idempotency-Key` where it is accepted, and requests as typed clients should read them."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            document = document_idempotency(_document_problems(super().openapi()))
            add_declared_models(document)
            describe_input_defaults(document)
            self.openapi_schema = document
        return self.openapi_schema


def create_app(settings: Settings | None = None, *, container: Container | None = None) -> FastAPI:
    """Build the app. With a container given, the caller owns it; otherwise the lifespan builds and closes one."""
    settings = settings or (container.settings if container else Settings.load())
    settings.check()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if container is not None:
            yield
            return
        # Each server process (one per worker) configures its own logging.
        configure_logging(settings.log_level, json=settings.log_json)
        owned = build_container(settings)
        owned.start()
        app.state.container = owned
        app.state.cursor_codec = CursorCodec(settings.resolve_secret())
        # Everything built so far lives as long as the process: keep it out of the collector's full passes, whose
        # pauses over tens of thousands of long-lived objects (routes, models, mappings) show in the latency tail.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await owned.close()

    app = EmprendeAPI(
        title=TITLE,
        version=__version__,
        description=DESCRIPTION,
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
        openapi_tags=v1.TAGS,
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
        telemetry=None if settings.opentelemetry else {"tracing": False, "metrics": False, "logs": False},
    )
    if container is not None:
        app.state.container = container
        app.state.cursor_codec = CursorCodec(settings.resolve_secret())

    install_problem_handlers(app)
    for area in v1.AREAS:
        if area.ahead is not None:
            area.ahead(app, v1.router.prefix)  # first: matched before any router
    app.include_router(v1.router)
    install_docs(app, openapi_url=OPENAPI_URL, title=TITLE)

    # Middleware runs outermost-last-added: request context wraps everything, then CORS, size limit, idempotency.
    app.add_middleware(IdempotencyMiddleware, ttl=timedelta(hours=settings.idempotency_ttl_hours))
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        per_path={f"{v1.router.prefix}{IMPORTS_PATH}": settings.import_max_bytes},
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
                "X-Request-ID",
                "Accept-Language",
            ],
            expose_headers=["ETag", "Location", "X-Request-ID", "Retry-After", "Idempotent-Replayed"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware, hsts=settings.env is Environment.PRODUCTION)
    return app
