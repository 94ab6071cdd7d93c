"""problem+json (RFC 9457): one catalogue of error kinds, their status and their words in English and Spanish."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
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
from emprende.domain.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    TooManyAttempts,
)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://emprende.app/problems/"
logger = logging.getLogger("emprende.api")


@dataclass(frozen=True, slots=True)
class Kind:
    status: int
    en: tuple[str, str]
    es: tuple[str, str]


CATALOGUE: dict[str, Kind] = {
    "not_found": Kind(
        404,
        ("Not found", "The requested resource does not exist."),
        ("No encontrado", "El recurso solicitado no existe."),
    ),
    "route_not_found": Kind(
        404,
        ("Not found", "No route matches this URL."),
        ("No encontrado", "Ninguna ruta corresponde a esta URL."),
    ),
    "method_not_allowed": Kind(
        405,
        ("Method not allowed", "This URL does not accept that method; see the Allow header."),
        ("Método no permitido", "Esta URL no acepta ese método; consulte la cabecera Allow."),
    ),
    "validation_failed": Kind(
        422,
        ("Invalid request", "Some fields are missing or invalid; see `errors`."),
        ("Solicitud no válida", "Faltan campos o no son válidos; consulte `errors`."),
    ),
    "malformed_body": Kind(
        400,
        ("Malformed body", "The request body is not well-formed JSON."),
        ("Cuerpo mal formado", "El cuerpo de la solicitud no es JSON bien formado."),
    ),
    "bad_request": Kind(
        400,
        ("Bad request", "The request cannot be processed as sent."),
        ("Solicitud incorrecta", "La solicitud no puede procesarse tal como se envió."),
    ),
    "invalid_cursor": Kind(
        400,
        ("Invalid cursor", "The cursor is malformed or belongs to another query."),
        ("Cursor no válido", "El cursor está mal formado o pertenece a otra consulta."),
    ),
    "invalid_idempotency_key": Kind(
        400,
        (
            "Invalid Idempotency-Key",
            "The Idempotency-Key header must have 1 to 255 visible ASCII characters.",
        ),
        (
            "Idempotency-Key no válida",
            "La cabecera Idempotency-Key debe tener de 1 a 255 caracteres ASCII visibles.",
        ),
    ),
    "idempotency_key_reused": Kind(
        422,
        ("Idempotency-Key reused", "This Idempotency-Key was already used with a different request."),
        ("Idempotency-Key reutilizada", "Esta Idempotency-Key ya se usó con una solicitud diferente."),
    ),
    "idempotency_key_unreadable": Kind(
        422,
        (
            "Idempotency-Key response unreadable",
            "A request with this Idempotency-Key was already processed, but its stored response can no longer be "
            "read (the server's secret changed). It was not run again: check its outcome before retrying with a "
            "new key.",
        ),
        (
            "Respuesta de Idempotency-Key ilegible",
            "Ya se procesó una solicitud con esta Idempotency-Key, pero su respuesta guardada ya no puede leerse "
            "(cambió el secreto del servidor). No se ejecutó de nuevo: verifique su resultado antes de reintentar "
            "con una clave nueva.",
        ),
    ),
    "idempotency_key_in_progress": Kind(
        409,
        ("Request in progress", "A request with this Idempotency-Key is still being processed; retry later."),
        (
            "Solicitud en curso",
            "Una solicitud con esta Idempotency-Key aún se está procesando; reintente luego.",
        ),
    ),
    "not_authenticated": Kind(
        401,
        ("Authentication required", "Send a valid bearer token in the Authorization header."),
        ("Autenticación requerida", "Envíe un token bearer válido en la cabecera Authorization."),
    ),
    "invalid_token": Kind(
        401,
        ("Invalid token", "The token is malformed, has a bad signature or is not valid here."),
        ("Token no válido", "El token está mal formado, tiene una firma incorrecta o no es válido aquí."),
    ),
    "token_expired": Kind(
        401,
        ("Token expired", "The token has expired; obtain a new one."),
        ("Token vencido", "El token ha vencido; obtenga uno nuevo."),
    ),
    "session_revoked": Kind(
        401,
        ("Session ended", "This login session was ended; sign in again."),
        ("Sesión terminada", "Esta sesión fue cerrada; vuelva a iniciar sesión."),
    ),
    "refresh_token_reused": Kind(
        401,
        ("Refresh token reused", "An old refresh token was presented; the whole session has been revoked."),
        (
            "Token de renovación reutilizado",
            "Se presentó un token de renovación antiguo; se revocó toda la sesión.",
        ),
    ),
    "invalid_credentials": Kind(
        401,
        ("Invalid credentials", "The e-mail or password is incorrect."),
        ("Credenciales no válidas", "El correo electrónico o la contraseña son incorrectos."),
    ),
    "account_inactive": Kind(
        401,
        ("Account inactive", "This account is deactivated."),
        ("Cuenta inactiva", "Esta cuenta está desactivada."),
    ),
    "unsupported_grant_type": Kind(
        400,
        ("Unsupported grant type", "Use grant_type=password or grant_type=client_credentials."),
        ("Tipo de concesión no admitido", "Use grant_type=password o grant_type=client_credentials."),
    ),
    "permission_denied": Kind(
        403,
        ("Forbidden", "You are not allowed to perform this action."),
        ("Prohibido", "No tiene permiso para realizar esta acción."),
    ),
    "conflict": Kind(
        409,
        ("Conflict", "The request conflicts with the current state."),
        ("Conflicto", "La solicitud entra en conflicto con el estado actual."),
    ),
    "email_taken": Kind(
        409,
        ("E-mail already registered", "Another account already uses this e-mail address."),
        ("Correo ya registrado", "Otra cuenta ya usa esta dirección de correo electrónico."),
    ),
    "invalid_input": Kind(
        422,
        ("Invalid input", "The request breaks a rule of the programme."),
        ("Datos no válidos", "La solicitud incumple una regla del programa."),
    ),
    "invalid_email": Kind(
        422,
        ("Invalid e-mail", "The e-mail address is not valid."),
        ("Correo no válido", "La dirección de correo electrónico no es válida."),
    ),
    "weak_password": Kind(
        422,
        ("Weak password", "The password must have at least 12 characters and not be repetitive."),
        ("Contraseña débil", "La contraseña debe tener al menos 12 caracteres y no ser repetitiva."),
    ),
    "agreement_required": Kind(
        403,
        ("Agreement required", "No active cooperation agreement lets this partner do that on this date."),
        ("Convenio requerido", "Ningún convenio de cooperación vigente permite a este socio hacerlo en esta fecha."),
    ),
    "agreement_not_amendable": Kind(
        409,
        ("Agreement cannot change", "The agreement's state does not allow this change."),
        ("El convenio no admite el cambio", "El estado del convenio no permite este cambio."),
    ),
    "agreement_code_taken": Kind(
        409,
        ("Agreement code in use", "Another agreement already has this code."),
        ("Código de convenio en uso", "Otro convenio ya tiene este código."),
    ),
    "ruc_taken": Kind(
        409,
        ("RUC already registered", "Another partner already has this RUC."),
        ("RUC ya registrado", "Otro socio ya tiene este RUC."),
    ),
    "invalid_ruc": Kind(
        422,
        ("Invalid RUC", "The RUC is not a valid Ecuadorian RUC (or the partner is not registered in Ecuador)."),
        ("RUC no válido", "El RUC no es un RUC ecuatoriano válido (o el socio no está registrado en Ecuador)."),
    ),
    "invalid_country": Kind(
        422,
        ("Invalid country", "Use an ISO 3166-1 alpha-3 country code, e.g. ECU."),
        ("País no válido", "Use un código de país ISO 3166-1 alfa-3, p. ej. ECU."),
    ),
    "invalid_phone": Kind(
        422,
        ("Invalid phone", "The phone number is not valid (E.164 or an Ecuadorian number)."),
        ("Teléfono no válido", "El número de teléfono no es válido (E.164 o un número ecuatoriano)."),
    ),
    "invalid_period": Kind(
        422,
        ("Invalid period", "The dates do not form a valid period."),
        ("Periodo no válido", "Las fechas no forman un periodo válido."),
    ),
    "partner_required": Kind(
        422,
        ("Partner required", "Every account other than an administrator belongs to one partner: give partner_id."),
        ("Socio requerido", "Toda cuenta que no sea de administración pertenece a un socio: indique partner_id."),
    ),
    "partner_suspended": Kind(
        401,
        ("Partner suspended", "The partner this account or client belongs to is suspended."),
        ("Socio suspendido", "El socio al que pertenece esta cuenta o cliente está suspendido."),
    ),
    "invalid_client": Kind(
        401,
        ("Invalid client", "Unknown client, wrong secret, or the client is revoked or expired."),
        ("Cliente no válido", "Cliente desconocido, secreto incorrecto, o cliente revocado o vencido."),
    ),
    "invalid_scope": Kind(
        400,
        ("Invalid scope", "The client asked for a scope it does not hold."),
        ("Alcance no válido", "El cliente pidió un alcance que no tiene."),
    ),
    "unknown_scope": Kind(
        422,
        ("Unknown scope", "One of the scopes does not exist."),
        ("Alcance desconocido", "Uno de los alcances no existe."),
    ),
    "scope_not_allowed": Kind(
        422,
        ("Scope not allowed", "The partner's cooperation agreements do not allow one of these scopes."),
        ("Alcance no permitido", "Los convenios de cooperación del socio no permiten uno de estos alcances."),
    ),
    "role_not_grantable": Kind(
        403,
        ("Role not grantable", "You cannot grant or manage a role above your own."),
        ("Rol no otorgable", "No puede otorgar ni gestionar un rol superior al suyo."),
    ),
    "invalid_current_password": Kind(
        422,
        ("Wrong current password", "The current password you gave is not right."),
        ("Contraseña actual incorrecta", "La contraseña actual indicada no es correcta."),
    ),
    "password_change_required": Kind(
        403,
        ("Password change required", "Change your password (POST /api/v1/auth/password) before continuing."),
        ("Cambio de contraseña requerido", "Cambie su contraseña (POST /api/v1/auth/password) antes de continuar."),
    ),
    "client_revoked": Kind(
        409,
        ("Client revoked", "A revoked client cannot be changed."),
        ("Cliente revocado", "Un cliente revocado no puede modificarse."),
    ),
    "duplicate_participant": Kind(
        409,
        (
            "Already registered",
            "A person with the same identity document or external identifier is already registered.",
        ),
        ("Ya registrado", "Ya hay una persona registrada con el mismo documento de identidad o identificador externo."),
    ),
    "participant_erased": Kind(
        409,
        ("Participant erased", "This person's data was erased; the record cannot change."),
        ("Participante borrado", "Los datos de esta persona fueron borrados; el registro no puede cambiar."),
    ),
    "invalid_consent_date": Kind(
        422,
        ("Invalid consent date", "A consent is not given before 2000-01-01 nor in the future."),
        ("Fecha de consentimiento no válida", "Un consentimiento no se otorga antes del 2000-01-01 ni en el futuro."),
    ),
    "timezone_required": Kind(
        422,
        ("UTC offset required", "Date-times must include a UTC offset, e.g. 2026-03-01T09:30:00-05:00."),
        (
            "Diferencia con UTC requerida",
            "Las fechas y horas deben incluir la diferencia con UTC, p. ej. 2026-03-01T09:30:00-05:00.",
        ),
    ),
    "consent_withdrawn": Kind(
        409,
        ("Consent withdrawn", "This consent is already withdrawn."),
        ("Consentimiento retirado", "Este consentimiento ya fue retirado."),
    ),
    "candidate_reviewed": Kind(
        409,
        ("Already reviewed", "This pair was already reviewed."),
        ("Ya revisado", "Este par ya fue revisado."),
    ),
    "owner_not_allowed": Kind(
        422,
        ("Owner not allowed", "A partner registers people for itself; do not name another owner."),
        ("Propietario no permitido", "Un socio registra personas para sí mismo; no indique otro propietario."),
    ),
    "unknown_place": Kind(
        422,
        (
            "Unknown place",
            "Use INEC province (2 digits) and canton (4 digits) codes; the canton must be in the province.",
        ),
        (
            "Lugar desconocido",
            "Use códigos INEC de provincia (2 dígitos) y cantón (4 dígitos); el cantón debe estar en la provincia.",
        ),
    ),
    "invalid_cedula": Kind(
        422,
        ("Invalid cédula", "The cédula number is not valid."),
        ("Cédula no válida", "El número de cédula no es válido."),
    ),
    "invalid_document": Kind(
        422,
        ("Invalid document", "The identity document is not valid."),
        ("Documento no válido", "El documento de identidad no es válido."),
    ),
    "invalid_external_identifier": Kind(
        422,
        ("Invalid identifier", "The external identifier is not valid."),
        ("Identificador no válido", "El identificador externo no es válido."),
    ),
    "invalid_disability_answer": Kind(
        422,
        ("Invalid answer", "Disability answers follow the Washington Group Short Set."),
        ("Respuesta no válida", "Las respuestas sobre discapacidad siguen el conjunto corto del Grupo de Washington."),
    ),
    "invalid_birth_date": Kind(
        422,
        ("Invalid birth date", "The birth date may not be in the future nor more than 120 years ago."),
        ("Fecha de nacimiento no válida", "La fecha de nacimiento no puede ser futura ni de hace más de 120 años."),
    ),
    "unknown_partner": Kind(
        422,
        ("Unknown partner", "No such partner."),
        ("Socio desconocido", "No existe ese socio."),
    ),
    "owners_differ": Kind(
        409,
        ("Different partners", "Records registered by different partners are not merged."),
        ("Socios distintos", "No se fusionan registros de socios distintos."),
    ),
    "portal_account_exists": Kind(
        409,
        ("Account exists", "This person already has a portal account."),
        ("La cuenta ya existe", "Esta persona ya tiene una cuenta del portal."),
    ),
    "invalid_import_file": Kind(
        422,
        ("Invalid import file", "The file cannot be imported as a whole; see `errors`."),
        ("Archivo de importación no válido", "El archivo no puede importarse; consulte `errors`."),
    ),
    "precondition_failed": Kind(
        412,
        ("Precondition failed", "The resource changed since you read it (If-Match); read it again."),
        ("Precondición fallida", "El recurso cambió desde que lo leyó (If-Match); vuelva a leerlo."),
    ),
    "payload_too_large": Kind(
        413,
        ("Payload too large", "The request body exceeds the allowed size."),
        ("Contenido demasiado grande", "El cuerpo de la solicitud supera el tamaño permitido."),
    ),
    "unsupported_media_type": Kind(
        415,
        ("Unsupported media type", "Send the body with a supported Content-Type."),
        ("Tipo de contenido no admitido", "Envíe el cuerpo con un Content-Type admitido."),
    ),
    "too_many_attempts": Kind(
        429,
        ("Too many attempts", "Too many attempts; wait as indicated by Retry-After."),
        ("Demasiados intentos", "Demasiados intentos; espere lo indicado en Retry-After."),
    ),
    "not_ready": Kind(
        503,
        ("Not ready", "The database is not reachable."),
        ("No disponible", "La base de datos no está accesible."),
    ),
    "internal_error": Kind(
        500,
        ("Internal error", "Something went wrong on our side; the request id identifies it in the logs."),
        (
            "Error interno",
            "Algo salió mal de nuestro lado; el id de la solicitud lo identifica en los registros.",
        ),
    ),
}

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
) -> dict[str, Any]:
    kind = CATALOGUE.get(code) or CATALOGUE["bad_request"]
    title, default_detail = kind.es if lang == "es" else kind.en
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status or kind.status,
        "detail": detail or default_detail,
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

_SPANISH_FIELD_MESSAGES = {
    "missing": "Campo obligatorio.",
    "extra_forbidden": "Campo no permitido.",
    "string_too_long": "Texto demasiado largo.",
    "string_too_short": "Texto demasiado corto.",
    "string_type": "Debe ser un texto.",
    "int_parsing": "Debe ser un número entero.",
    "int_type": "Debe ser un número entero.",
    "bool_parsing": "Debe ser verdadero o falso.",
    "bool_type": "Debe ser verdadero o falso.",
    "enum": "Valor no admitido.",
    "literal_error": "Valor no admitido.",
    "uuid_parsing": "Debe ser un UUID.",
    "datetime_parsing": "Debe ser una fecha y hora ISO 8601.",
    "datetime_from_date_parsing": "Debe ser una fecha y hora ISO 8601.",
    "timezone_required": "Incluya la diferencia con UTC.",
    "datetime_out_of_range": "Debe estar entre 1900-01-01 y 2199-12-31 (UTC).",
    "greater_than_equal": "Valor demasiado pequeño.",
    "less_than_equal": "Valor demasiado grande.",
    "value_error": "Valor no válido.",
    "model_attributes_type": "Debe ser un objeto JSON.",
    "dict_type": "Debe ser un objeto JSON.",
    "list_type": "Debe ser una lista.",
    "too_long": "Demasiados elementos.",
}


def _field_errors(exc: RequestValidationError, lang: Lang) -> list[dict[str, str]]:
    """Field paths and messages only: submitted values are never echoed."""
    items: list[dict[str, str]] = []
    for error in exc.errors()[:50]:
        location = [str(part) for part in error.get("loc", ())]
        code = str(error.get("type", "invalid"))
        message = str(error.get("msg", "invalid value"))
        if code == "value_error":
            # Our validators phrase their own messages; strip pydantic's prefix and never include input.
            message = message.removeprefix("Value error, ")
        if lang == "es":
            message = _SPANISH_FIELD_MESSAGES.get(code, message)
        items.append({"field": ".".join(location), "code": code, "message": message[:300]})
    return items


def _allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    probe = {"type": "http", "path": request.scope["path"], "root_path": request.scope.get("root_path", "")}
    for route in iter_route_contexts(request.app.router.routes):
        if route.methods and route.matches({**probe, "method": "OPTIONS"})[0] is not Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


def _domain_message(request: Request, exc: DomainError, code: str) -> str:
    """Domain messages are English; a Spanish-speaking caller gets the catalogue's Spanish words for the kind."""
    if negotiate(request.headers.get("accept-language")) == "es":
        return CATALOGUE[code].es[1]
    return str(exc)


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves as problem+json: domain errors, validation, routing, and anything unexpected."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        return problem_response(request, exc.code, headers=exc.headers, errors=exc.errors, detail=exc.detail)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, TooManyAttempts):
            return problem_response(request, "too_many_attempts", headers={"Retry-After": str(exc.retry_after_seconds)})
        if isinstance(exc, AuthenticationFailed):
            code = exc.code if exc.code in CATALOGUE else "invalid_token"
            return problem_response(request, code, headers={"WWW-Authenticate": "Bearer"})
        if isinstance(exc, InvalidInput):
            code = exc.code if exc.code in CATALOGUE else "invalid_input"
            errors = (
                [{"field": f"body.{exc.field}", "code": code, "message": _domain_message(request, exc, code)}]
                if exc.field
                else None
            )
            return problem_response(request, code, errors=errors)
        existing = getattr(exc, "existing_id", None)
        if existing is not None:
            # Only set when the caller may see the existing record.
            return problem_response(request, exc.code, extra={"existing_participant_id": str(existing)})
        if isinstance(exc, Conflict):
            code = exc.code if exc.code in CATALOGUE else "conflict"
            field = exc.params.get("field")
            errors = (
                [{"field": f"body.{field}", "code": code, "message": _domain_message(request, exc, code)}]
                if field
                else None
            )
            return problem_response(request, code, errors=errors)
        if exc.code in CATALOGUE:
            return problem_response(request, exc.code)
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
