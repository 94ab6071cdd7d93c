"""problem+json (RFC 9457): every error leaves as a problem document of a catalogued kind, in English or Spanish.

The words live in `problem_catalogue`: each kind's title and detail, Spanish for the messages of domain errors (which
carry an English template and its parameters) and for pydantic's validation errors. This module renders them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from emprende.api.i18n import Lang, negotiate
from emprende.api.problem_catalogue import CATALOGUE, SPANISH_MESSAGES
from emprende.api.problem_catalogue.field_messages_es import SPANISH_FIELD_MESSAGES, SPANISH_VALUE_ERROR_FALLBACK
from emprende.domain.shared.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidInput,
    ItemizedError,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    TooManyAttempts,
    issues_of,
    render_message,
)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://emprende.app/problems/"
logger = logging.getLogger("emprende.api")


_STATUS_FALLBACK = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "route_not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_attempts",
    503: "not_ready",
}


class FieldError(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `body.email` or `query.limit`.")
    code: str = Field(description="Stable error kind, e.g. `missing`, `string_too_long`.")
    message: str


class ProblemDetails(BaseModel):
    """An RFC 9457 problem document; `code` is stable and meant for programs."""

    model_config = ConfigDict(json_schema_extra={"example": {"type": TYPE_BASE + "not_found", "code": "not_found"}})

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    request_id: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raise from the API layer to answer with a problem of a catalogued kind."""

    def __init__(
        self,
        code: str,
        *,
        headers: Mapping[str, str] | None = None,
        errors: list[dict[str, str]] | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.headers = dict(headers or {})
        self.errors = errors
        self.detail = detail


def problem_body(
    code: str,
    *,
    lang: Lang,
    instance: str,
    request_id: str | None,
    errors: list[dict[str, str]] | None = None,
    detail: str | None = None,
    status: int | None = None,
    params: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    kind = CATALOGUE.get(code) or CATALOGUE["bad_request"]
    title, default_detail = kind.es if lang == "es" else kind.en
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status or kind.status,
        "detail": detail or render_message(default_detail, params or {}),
        "instance": instance,
        "code": code,
    }
    if request_id:
        body["request_id"] = request_id
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(
    request: Request,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    detail: str | None = None,
    status: int | None = None,
    extra: Mapping[str, object] | None = None,
    params: Mapping[str, object] | None = None,
) -> Response:
    lang = negotiate(request.headers.get("accept-language"))
    body = problem_body(
        code,
        lang=lang,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        errors=errors,
        detail=detail,
        status=status,
        params=params,
    )
    if extra:
        body.update(extra)
    response_headers = {"Content-Language": lang, **(headers or {})}
    return Response(orjson.dumps(body), status_code=body["status"], media_type=PROBLEM_JSON, headers=response_headers)


_DOMAIN_STATUS: tuple[tuple[type[DomainError], str], ...] = (
    (NotFound, "not_found"),
    (PreconditionFailed, "precondition_failed"),
    (PermissionDenied, "permission_denied"),
)


def localized_message(template: str, params: Mapping[str, object], lang: Lang) -> str | None:
    """A message template filled from its parameters, in the caller's language; None when there is no Spanish."""
    if lang == "es":
        spanish = SPANISH_MESSAGES.get(template)
        return None if spanish is None else render_message(spanish, params)
    return render_message(template, params)


def _spanish_context(ctx: Mapping[str, object]) -> dict[str, object]:
    # pydantic lists choices in English ("'a', 'b' or 'c'"); the values themselves are codes and stay as they are.
    return {key: value.replace("' or '", "' o '") if isinstance(value, str) else value for key, value in ctx.items()}


def field_message(error_type: str, english: str, ctx: Mapping[str, object], lang: Lang) -> str:
    """The message of one pydantic validation error: pydantic's own in English, ours in Spanish with its context."""
    if error_type == "value_error":
        # Our validators phrase their own messages; strip pydantic's prefix and never include input.
        english = english.removeprefix("Value error, ")
        if lang == "es":
            return SPANISH_MESSAGES.get(english, SPANISH_VALUE_ERROR_FALLBACK)
        return english
    if lang == "es":
        if error_type not in SPANISH_FIELD_MESSAGES and english in SPANISH_MESSAGES:
            return SPANISH_MESSAGES[english]  # a validator's own error type (PydanticCustomError), worded by us
        return render_message(
            SPANISH_FIELD_MESSAGES.get(error_type, SPANISH_VALUE_ERROR_FALLBACK), _spanish_context(ctx)
        )
    return english


def _field_errors(exc: RequestValidationError, lang: Lang) -> list[dict[str, str]]:
    """Field paths and messages only: submitted values are never echoed."""
    items: list[dict[str, str]] = []
    for error in exc.errors()[:50]:
        location = [str(part) for part in error.get("loc", ())]
        code = str(error.get("type", "invalid"))
        message = field_message(code, str(error.get("msg", "invalid value")), error.get("ctx") or {}, lang)
        items.append({"field": ".".join(location), "code": code, "message": message[:300]})
    return items


def _translated(errors: list[dict[str, str]] | None, lang: Lang) -> list[dict[str, str]] | None:
    """The API's own field messages (English literals) in the caller's language."""
    if lang != "es" or not errors:
        return errors
    return [{**error, "message": SPANISH_MESSAGES.get(error["message"], error["message"])} for error in errors]


def _allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    probe = {"type": "http", "path": request.scope["path"], "root_path": request.scope.get("root_path", "")}
    for route in iter_route_contexts(request.app.router.routes):
        if route.methods and route.matches({**probe, "method": "OPTIONS"})[0] is not Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


def _domain_message(request: Request, exc: DomainError, code: str) -> str:
    """The error's own message in the caller's language, with the same detail (its template and parameters); the
    kind's Spanish detail if the message has no Spanish yet."""
    lang = negotiate(request.headers.get("accept-language"))
    return localized_message(exc.template, exc.params, lang) or CATALOGUE[code].es[1]


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves as problem+json: domain errors, validation, routing, and anything unexpected."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        errors = _translated(exc.errors, negotiate(request.headers.get("accept-language")))
        return problem_response(request, exc.code, headers=exc.headers, errors=errors, detail=exc.detail)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, TooManyAttempts):
            return problem_response(request, "too_many_attempts", headers={"Retry-After": str(exc.retry_after_seconds)})
        if isinstance(exc, AuthenticationFailed):
            code = exc.code if exc.code in CATALOGUE else "invalid_token"
            return problem_response(request, code, headers={"WWW-Authenticate": "Bearer"})
        if isinstance(exc, InvalidInput):
            code = exc.code if exc.code in CATALOGUE else "invalid_input"
            # Every rule the input broke, reported together (InvalidInputs carries several; it reads as the first).
            errors = [
                {"field": f"body.{issue.field}", "code": kind, "message": _domain_message(request, issue, kind)}
                for issue in issues_of(exc)
                if issue.field
                for kind in (issue.code if issue.code in CATALOGUE else "invalid_input",)
            ] or None
            return problem_response(request, code, errors=errors, params=exc.params)
        existing = getattr(exc, "existing_id", None)
        if existing is not None:
            # Only set when the caller may see the existing record.
            return problem_response(request, exc.code, extra={"existing_participant_id": str(existing)})
        if isinstance(exc, Conflict):
            code = exc.code if exc.code in CATALOGUE else "conflict"
            field = exc.params.get("field")
            errors = _itemized(request, exc) or (
                [{"field": f"body.{field}", "code": code, "message": _domain_message(request, exc, code)}]
                if field
                else None
            )
            return problem_response(request, code, errors=errors, params=exc.params)
        if exc.code in CATALOGUE:
            return problem_response(request, exc.code, params=exc.params)
        for error_type, code in _DOMAIN_STATUS:
            if isinstance(exc, error_type):
                return problem_response(request, code)
        return problem_response(request, "bad_request")

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if any(error.get("type") == "json_invalid" for error in exc.errors()):
            return problem_response(request, "malformed_body")
        lang = negotiate(request.headers.get("accept-language"))
        return problem_response(request, "validation_failed", errors=_field_errors(exc, lang))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_FALLBACK.get(exc.status_code, "bad_request")
        status = exc.status_code if code == "bad_request" and 400 <= exc.status_code < 500 else None
        headers = exc.headers
        if exc.status_code == 405:
            # Starlette names only the first route matching the path; Allow must list every method the URL accepts.
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return problem_response(request, code, headers=headers, status=status)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unhandled error", exc_info=exc)
        return problem_response(request, "internal_error")


def _itemized(request: Request, exc: DomainError) -> list[dict[str, str]] | None:
    """The parts of an error that lists them (`ItemizedError`: each rule a person failed…), in the caller's
    language."""
    if not isinstance(exc, ItemizedError):
        return None
    lang = negotiate(request.headers.get("accept-language"))
    return [
        {
            "field": item.field,
            "code": item.code,
            "message": localized_message(item.template, item.params, lang)
            or render_message(item.template, item.params),
        }
        for item in exc.items()
    ] or None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give."""
    return {
        status: {
            "model": ProblemDetails,
            "content": {PROBLEM_JSON: {}},
            "description": _DESCRIPTIONS.get(status, ""),
        }
        for status in statuses
    }


_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing, invalid or expired credentials",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    412: "Stale If-Match",
    413: "Body too large",
    422: "Invalid input",
    429: "Too many attempts",
    503: "Not ready",
}
