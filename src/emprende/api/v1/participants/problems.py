"""The participant area's problem kinds and the Spanish for its messages: the registry, documents,
consents, duplicates, the portal."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROBLEMS: dict[str, Kind] = {
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
}

# Keyed by the English template raised in the domain, services or routes; the Spanish names the same placeholders.
SPANISH_MESSAGES: dict[str, str] = {
    "{field} must be between 0 and {limit}": "{field} debe estar entre 0 y {limit}",
    "not a valid phone number": "no es un número de teléfono válido",
    "not an ISO 3166-1 alpha-3 country code": "no es un código de país ISO 3166-1 alfa-3",
    "not a valid Ecuadorian RUC": "no es un RUC ecuatoriano válido",
    "unknown province code": "código de provincia desconocido",
    "unknown canton code": "código de cantón desconocido",
    "canton is not in the given province": "el cantón no pertenece a la provincia indicada",
    "this person already has a portal account": "esta persona ya tiene una cuenta del portal",
    "an erased participant has no account": "un participante borrado no tiene cuenta",
    "no such partner": "no existe ese socio",
    "not a known identity document type": "no es un tipo de documento de identidad conocido",
    "a document number of 1 to {limit} letters and digits is required": "se requiere un número de documento de 1 a "
    "{limit} letras y dígitos",
    "not a valid Ecuadorian cédula": "no es una cédula ecuatoriana válida",
    "a cédula is issued by Ecuador": "la cédula la emite Ecuador",
    "the issuing country is required": "el país emisor es obligatorio",
    "a system name of 1 to {limit} characters among a-z, 0-9, '.', '_' and '-' is required": "se requiere un nombre "
    "de sistema de 1 a {limit} caracteres entre a-z, 0-9, '.', '_' y '-'",
    "a value of 1 to {limit} printable characters is required": "se requiere un valor de 1 a {limit} caracteres "
    "imprimibles",
    "not a known Washington Group domain or answer": "no es un dominio ni una respuesta conocidos del Grupo de "
    "Washington",
    "the birth date is in the future": "la fecha de nacimiento es futura",
    "the birth date is more than 120 years ago": "la fecha de nacimiento es de hace más de 120 años",
    "at most {limit} identity documents": "como máximo {limit} documentos de identidad",
    "at most {limit} external identifiers": "como máximo {limit} identificadores externos",
    "the same document is listed twice": "el mismo documento figura dos veces",
    "one identifier per system": "un identificador por sistema",
    "gender identity is too long": "la identidad de género es demasiado larga",
    "dependants must be fewer than the household size": "las personas dependientes deben ser menos que los "
    "miembros del hogar",
    "a person with the same identity document or external identifier is already registered": "ya hay una persona "
    "registrada con el mismo documento de identidad o identificador externo",
    "an identity document or external identifier is already registered": "un documento de identidad o "
    "identificador externo ya está registrado",
    "a partner registers people for itself only": "un socio registra personas solo para sí mismo",
    "name the partner registering this person": "indique el socio que registra a esta persona",
    "an erased participant cannot be changed": "un participante borrado no puede cambiar",
    "an erased participant has no details": "un participante borrado no tiene datos",
    "an erased participant gives no consents": "un participante borrado no da consentimientos",
    "a sharing consent names exactly one recipient partner; other purposes name none": "un consentimiento para "
    "compartir indica exactamente un socio destinatario; los demás propósitos no indican ninguno",
    "notice_version must have 1 to 40 characters": "notice_version debe tener de 1 a 40 caracteres",
    "a consent is not given before 2000-01-01 nor in the future": "un consentimiento no se otorga antes del "
    "2000-01-01 ni en el futuro",
    "this consent is already withdrawn": "este consentimiento ya fue retirado",
    "the registering partner already sees this person": "el socio que registró a esta persona ya la ve",
    "this pair was already marked {status}": "este par ya fue marcado como {status}",
    "an erased record cannot be merged": "un registro borrado no puede fusionarse",
    "that record cannot be merged into this one": "ese registro no puede fusionarse con este",
    "records registered by different partners are not merged": "no se fusionan registros de socios distintos",
    "the survivor must be one of the pair": "el registro que se conserva debe ser uno del par",
    "name the surviving record": "indique el registro que se conserva",
    "min_age > max_age": "min_age > max_age: la edad mínima supera la máxima",
    "give type and number": "indique el tipo y el número",
    "give system and value": "indique el sistema y el valor",
    "one lookup at a time": "una búsqueda a la vez",
}
