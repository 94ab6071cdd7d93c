"""Problem kinds of the programme's areas: partners and agreements, participants, consents, duplicates, imports."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROGRAMME: dict[str, Kind] = {
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
        (
            "Partner required",
            "Name the partner this is for: the registering partner of the people registered or imported by an "
            "administrator (`owner_partner_id`), or the partner a non-administrator account belongs to (`partner_id`); "
            "see `errors`.",
        ),
        (
            "Socio requerido",
            "Indique el socio al que corresponde: el socio que registra a las personas que un administrador registra o "
            "importa (`owner_partner_id`), o el socio al que pertenece una cuenta que no es de administración "
            "(`partner_id`); consulte `errors`.",
        ),
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
}
