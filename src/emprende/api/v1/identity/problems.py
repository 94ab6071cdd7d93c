"""The identity area's problem kinds and the Spanish for its messages: accounts and passwords."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROBLEMS: dict[str, Kind] = {
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
    "portal_account_exists": Kind(
        409,
        ("Account exists", "This person already has a portal account."),
        ("La cuenta ya existe", "Esta persona ya tiene una cuenta del portal."),
    ),
}

# Keyed by the English template raised in the domain, services or routes; the Spanish names the same placeholders.
SPANISH_MESSAGES: dict[str, str] = {
    "a full name of 1 to 200 characters is required": "se requiere un nombre completo de 1 a 200 caracteres",
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
    "Field required": "Campo obligatorio.",
}
