"""Problem kinds of the protocol, of signing in and of accounts: routing, validation, tokens, clients, limits."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

GENERAL: dict[str, Kind] = {
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
    "timezone_required": Kind(
        422,
        ("UTC offset required", "Date-times must include a UTC offset, e.g. 2026-03-01T09:30:00-05:00."),
        (
            "Diferencia con UTC requerida",
            "Las fechas y horas deben incluir la diferencia con UTC, p. ej. 2026-03-01T09:30:00-05:00.",
        ),
    ),
    "idempotency_key_reused": Kind(
        422,
        ("Idempotency-Key reused", "This Idempotency-Key was already used with a different request."),
        ("Idempotency-Key reutilizada", "Esta Idempotency-Key ya se usó con una solicitud diferente."),
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
        (
            "Weak password",
            "The password must have 12 to 256 characters, not be repetitive, and not be a common password or a "
            "simple variant of one.",
        ),
        (
            "Contraseña débil",
            "La contraseña debe tener de 12 a 256 caracteres, no ser repetitiva, y no ser una contraseña común ni "
            "una variante sencilla de una.",
        ),
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
