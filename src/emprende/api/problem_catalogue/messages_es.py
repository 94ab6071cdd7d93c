"""Spanish for the messages that reach a caller in `errors[].message`: the domain's and services' rule messages and the
API's own field messages, keyed by their English template.

The English template is the one passed to the error (`InvalidInput("{field} must have 1 to {limit} characters", ...)`)
and the Spanish one names the same `{placeholders}`, filled from the same parameters. A test reads every such message
in the source and fails when one has no Spanish here, or when the placeholders differ.
"""

from __future__ import annotations

SPANISH_MESSAGES: dict[str, str] = {
    # --- text lengths and counts (several areas) ---
    "{field} must have 1 to {limit} characters": "{field} debe tener de 1 a {limit} caracteres",
    "{field} must be between 0 and {limit}": "{field} debe estar entre 0 y {limit}",
    "a name of 1 to 120 characters is required": "se requiere un nombre de 1 a 120 caracteres",
    "a name of 1 to 200 characters is required": "se requiere un nombre de 1 a 200 caracteres",
    "a full name of 1 to 200 characters is required": "se requiere un nombre completo de 1 a 200 caracteres",
    "a reason of 1 to 500 characters is required": "se requiere un motivo de 1 a 500 caracteres",
    # --- contact details, countries, places ---
    "not a valid e-mail address": "no es una dirección de correo electrónico válida",
    "not a valid phone number": "no es un número de teléfono válido",
    "not an ISO 3166-1 alpha-3 country code": "no es un código de país ISO 3166-1 alfa-3",
    "not a valid Ecuadorian RUC": "no es un RUC ecuatoriano válido",
    "a RUC applies only to partners registered in Ecuador": "el RUC solo corresponde a socios registrados en Ecuador",
    "unknown province code": "código de provincia desconocido",
    "unknown canton code": "código de cantón desconocido",
    "canton is not in the given province": "el cantón no pertenece a la provincia indicada",
    # --- accounts and passwords ---
    "e-mail already registered": "correo electrónico ya registrado",
    "the password must have at least {min_length} characters": "la contraseña debe tener al menos {min_length} "
    "caracteres",
    "the password may have at most {max_length} characters": "la contraseña puede tener como máximo {max_length} "
    "caracteres",
    "the password is too repetitive": "la contraseña es demasiado repetitiva",
    "the password is one of the most common passwords, or a simple variant of one": "la contraseña es una de las "
    "contraseñas más comunes, o una variante sencilla de una",
    "the new password must differ from the current one": "la nueva contraseña debe ser distinta de la actual",
    "the current password is wrong": "la contraseña actual no es correcta",
    "you cannot deactivate your own account": "no puede desactivar su propia cuenta",
    "administrators belong to the programme operator; every other role belongs to one partner": "los "
    "administradores pertenecen al operador del programa; cualquier otro rol pertenece a un socio",
    "only participant accounts are linked to a participant": "solo las cuentas de participante se vinculan a un "
    "participante",
    "this account already belongs to another participant": "esta cuenta ya pertenece a otro participante",
    "this person already has a portal account": "esta persona ya tiene una cuenta del portal",
    "an erased participant has no account": "un participante borrado no tiene cuenta",
    # --- partners, agreements, API clients ---
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
    "no such partner": "no existe ese socio",
    # --- participants, documents, consents ---
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
    # --- duplicates ---
    "this pair was already marked {status}": "este par ya fue marcado como {status}",
    "an erased record cannot be merged": "un registro borrado no puede fusionarse",
    "that record cannot be merged into this one": "ese registro no puede fusionarse con este",
    "records registered by different partners are not merged": "no se fusionan registros de socios distintos",
    "the survivor must be one of the pair": "el registro que se conserva debe ser uno del par",
    # --- imports ---
    "the file is empty": "el archivo está vacío",
    "a column of the header has no name": "una columna del encabezado no tiene nombre",
    "the workbook is damaged or is not an .xlsx workbook: open it and save it again as .xlsx, or as CSV": "el libro "
    "está dañado o no es un libro .xlsx: ábralo y guárdelo de nuevo como .xlsx, o como CSV",
    "the file is an old Excel workbook (.xls) or a password-protected one: save it as an .xlsx workbook without "
    "a password, or as CSV": "el archivo es un libro de Excel antiguo (.xls) o protegido con contraseña: guárdelo "
    "como libro .xlsx sin contraseña, o como CSV",
    "an Excel binary workbook (.xlsb) is not read: save it as .xlsx, or as CSV": "no se leen libros binarios de Excel "
    "(.xlsb): guárdelo como .xlsx, o como CSV",
    "an OpenDocument spreadsheet (.ods) is not read: save it as .xlsx, or as CSV": "no se leen hojas de cálculo "
    "OpenDocument (.ods): guárdela como .xlsx, o como CSV",
    "the workbook expands to far more than a sheet of people holds: save it again as .xlsx, or as CSV": "el libro se "
    "expande mucho más de lo que ocupa una hoja de personas: guárdelo de nuevo como .xlsx, o como CSV",
    "the workbook holds too many distinct texts to be read in bounded memory: save it as CSV": "el libro contiene "
    "demasiados textos distintos para leerlo con memoria acotada: guárdelo como CSV",
    "the workbook has no sheet": "el libro no tiene hojas",
    "the workbook's first sheet is empty": "la primera hoja del libro está vacía",
    "the file is neither {encoding} text nor an .xlsx workbook": "el archivo no es texto {encoding} ni un libro .xlsx",
    "the file has no header row": "el archivo no tiene fila de encabezado",
    "the header row is not valid CSV": "la fila de encabezado no es CSV válido",
    "the header row is not valid {encoding}": "la fila de encabezado no es {encoding} válido",
    "unknown columns: {columns} (see the documented column list)": "columnas desconocidas: {columns} (consulte la "
    "lista de columnas documentada)",
    "a column appears twice in the header": "una columna aparece dos veces en el encabezado",
    "required columns missing: {columns}": "faltan columnas obligatorias: {columns}",
    "a partner imports people for itself only": "un socio importa personas solo para sí mismo",
    "name the partner importing these people": "indique el socio que importa a estas personas",
    "this identifier belongs to a record that cannot be updated": "este identificador pertenece a un registro que "
    "no puede actualizarse",
    # --- the API's own field messages ---
    "Field required": "Campo obligatorio.",
    "no fields": "no hay campos",
    "may not be null": "no puede ser nulo",
    "include a UTC offset": "incluya un desfase respecto de UTC",
    "must lie between 1900-01-01 and 2199-12-31 (UTC)": "Debe estar entre 1900-01-01 y 2199-12-31 (UTC).",
    "must be an ISO 8601 date and time, e.g. 2026-03-01T09:30:00-05:00": "Debe ser una fecha y hora ISO 8601, p. ej. "
    "2026-03-01T09:30:00-05:00",
    "name the surviving record": "indique el registro que se conserva",
    "min_age > max_age": "min_age > max_age: la edad mínima supera la máxima",
    "give type and number": "indique el tipo y el número",
    "give system and value": "indique el sistema y el valor",
    "one lookup at a time": "una búsqueda a la vez",
    "must not contain NUL characters": "no debe contener caracteres NUL",
}
