"""The partner area's problem kinds and the Spanish for its messages: partners, agreements, API clients."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROBLEMS: dict[str, Kind] = {
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
    "invalid_period": Kind(
        422,
        ("Invalid period", "The dates do not form a valid period."),
        ("Periodo no válido", "Las fechas no forman un periodo válido."),
    ),
}

# Keyed by the English template raised in the domain, services or routes; the Spanish names the same placeholders.
SPANISH_MESSAGES: dict[str, str] = {
    "a name of 1 to 120 characters is required": "se requiere un nombre de 1 a 120 caracteres",
    "a name of 1 to 200 characters is required": "se requiere un nombre de 1 a 200 caracteres",
    "a reason of 1 to 500 characters is required": "se requiere un motivo de 1 a 500 caracteres",
    "a RUC applies only to partners registered in Ecuador": "el RUC solo corresponde a socios registrados en Ecuador",
    "another partner has this RUC": "otro socio tiene este RUC",
    "another agreement has this code": "otro convenio tiene este código",
    "an agreement grants at least one role": "un convenio otorga al menos un rol",
    "the end date is before the start date": "la fecha de fin es anterior a la de inicio",
    "only a draft agreement can be activated": "solo un convenio en borrador puede activarse",
    "the agreement is already terminated": "el convenio ya está terminado",
    "termination before the agreement starts": "terminación anterior al inicio del convenio",
    "an amendment changes roles or the end date": "una enmienda cambia roles o la fecha de fin",
    "a role cannot be added and removed at once": "un rol no puede añadirse y quitarse a la vez",
    "an agreement that is {status} cannot be amended": "un convenio en estado {status} no puede enmendarse",
    "the amendment must take effect within the agreement's period": "la enmienda debe surtir efecto dentro del "
    "periodo del convenio",
    "an amendment must take effect after the previous one (amendments may not overlap)": "una enmienda debe surtir "
    "efecto después de la anterior (las enmiendas no pueden superponerse)",
    "the new end date is before the amendment takes effect": "la nueva fecha de fin es anterior a la entrada en "
    "vigor de la enmienda",
    "an agreement must keep at least one role": "un convenio debe conservar al menos un rol",
    "the expiry must be in the future": "el vencimiento debe ser futuro",
    "a client needs at least one scope": "un cliente necesita al menos un alcance",
    "a revoked client cannot be rotated": "un cliente revocado no puede renovar su secreto",
    "unknown scopes: {scopes}": "alcances desconocidos: {scopes}",
    "the partner's agreements do not allow: {scopes}": "los convenios del socio no permiten: {scopes}",
    "name the partner the client belongs to": "indique el socio al que pertenece el cliente",
}
