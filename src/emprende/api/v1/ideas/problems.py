"""The ideas area's problem kinds and the Spanish for its messages: sectors, the canvas, the plan, the team, the
idea's lifecycle."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROBLEMS: dict[str, Kind] = {
    "unknown_sector": Kind(
        422,
        ("Unknown sector", "The sector is an ISIC Rev. 4 division code (see /api/v1/business-sectors)."),
        ("Sector desconocido", "El sector es un código de división CIIU Rev. 4 (vea /api/v1/business-sectors)."),
    ),
    "invalid_amount": Kind(
        422,
        ("Invalid amount", "Amounts are decimal numbers in US dollars, not negative, with at most two places."),
        (
            "Monto no válido",
            "Los montos son números decimales en dólares, no negativos, con dos decimales como máximo.",
        ),
    ),
    "invalid_category": Kind(
        422,
        ("Invalid category", "The category is one of the investment catalogue's."),
        ("Categoría no válida", "La categoría es una del catálogo de inversiones."),
    ),
    "contribution_above_total": Kind(
        422,
        ("Contribution above the line's total", "A line's own contribution is at most its total."),
        ("Aporte mayor que el total", "El aporte propio de una línea es como máximo su total."),
    ),
    "invalid_team": Kind(
        422,
        ("Invalid team", "The team lists up to ten other people, each once, never the idea's owner."),
        (
            "Equipo no válido",
            "El equipo incluye hasta diez personas más, cada una una vez, nunca la titular de la idea.",
        ),
    ),
    "unknown_team_member": Kind(
        422,
        ("Unknown team member", "A team member is a registered person the supporting partner may see."),
        (
            "Integrante desconocido",
            "Un integrante del equipo es una persona registrada que el socio que apoya la idea puede ver.",
        ),
    ),
    "idea_incomplete": Kind(
        422,
        (
            "Idea incomplete",
            "A submitted idea has a name, all nine blocks of its canvas and at least one line in its plan; "
            "`errors` names each missing part.",
        ),
        (
            "Idea incompleta",
            "Una idea presentada tiene nombre, los nueve bloques de su lienzo y al menos una línea en su plan; "
            "`errors` nombra cada parte que falta.",
        ),
    ),
    "idea_withdrawn": Kind(
        409,
        ("Idea withdrawn", "A withdrawn idea is neither edited nor submitted."),
        ("Idea retirada", "Una idea retirada no se edita ni se presenta."),
    ),
    "idea_state": Kind(
        409,
        ("Idea state does not allow this", "The idea's state does not allow this change."),
        ("El estado de la idea no lo permite", "El estado de la idea no permite este cambio."),
    ),
}

# Keyed by the English template raised in the domain, services or routes; the Spanish names the same placeholders.
SPANISH_MESSAGES: dict[str, str] = {
    # sector, name, place
    "not an ISIC Rev. 4 division": "no es una división de la CIIU Rev. 4",
    "unknown parish code": "código de parroquia desconocido",
    "parish is not in the given canton": "la parroquia no pertenece al cantón indicado",
    # canvas
    "{field} has at most {limit} characters": "{field} tiene como máximo {limit} caracteres",
    "not a block of the canvas": "no es un bloque del lienzo",
    # plan
    "give a decimal number": "indique un número decimal",
    "must be more than zero": "debe ser mayor que cero",
    "must not be negative": "no debe ser negativo",
    "must be at most {limit}": "debe ser como máximo {limit}",
    "at most two decimal places": "como máximo dos decimales",
    "not an investment category": "no es una categoría de inversión",
    "the own contribution is at most the line's total ({total})": "el aporte propio es como máximo el total de la "
    "línea ({total})",
    "at most {limit} lines": "como máximo {limit} líneas",
    "the plan totals at most {limit}": "el plan suma como máximo {limit}",
    # team
    "at most {limit} other members": "como máximo {limit} integrantes más",
    "the idea's owner is in its team already": "la titular de la idea ya forma parte de su equipo",
    "listed twice": "aparece dos veces",
    "not a registered person the supporting partner may see": "no es una persona registrada que el socio que apoya "
    "la idea pueda ver",
    # lifecycle
    "a withdrawn idea is not edited": "una idea retirada no se edita",
    "a withdrawn idea is not submitted": "una idea retirada no se presenta",
    "this idea is already withdrawn": "esta idea ya fue retirada",
    "only a draft is submitted (this idea is {status})": "solo se presenta un borrador (esta idea está en {status})",
    "the idea is not complete: {count} parts are missing": "la idea no está completa: faltan {count} partes",
    "give the idea a name": "dé un nombre a la idea",
    "write this block of the canvas": "escriba este bloque del lienzo",
    "list at least one line in the investment plan": "incluya al menos una línea en el plan de inversión",
}
