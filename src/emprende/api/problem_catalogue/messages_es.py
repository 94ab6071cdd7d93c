"""Spanish for the shared messages that reach a caller in `errors[].message`: those raised by the shared kernel or by
several areas alike, keyed by their English template. Each area's own messages are in `api/v1/<area>/problems.py`.

The English template is the one passed to the error (`InvalidInput("{field} must have 1 to {limit} characters", ...)`)
and the Spanish one names the same `{placeholders}`, filled from the same parameters. A test reads every such message
in the source and fails when one has no Spanish here or in its area, or when the placeholders differ.
"""

from __future__ import annotations

SHARED_SPANISH_MESSAGES: dict[str, str] = {
    "{field} must have 1 to {limit} characters": "{field} debe tener de 1 a {limit} caracteres",
    "not a valid e-mail address": "no es una dirección de correo electrónico válida",
    "no fields": "no hay campos",
    "may not be null": "no puede ser nulo",
    "include a UTC offset": "incluya un desfase respecto de UTC",
    "must lie between 1900-01-01 and 2199-12-31 (UTC)": "Debe estar entre 1900-01-01 y 2199-12-31 (UTC).",
    "must be an ISO 8601 date and time, e.g. 2026-03-01T09:30:00-05:00": "Debe ser una fecha y hora ISO 8601, p. ej. "
    "2026-03-01T09:30:00-05:00",
    "must not contain NUL characters": "no debe contener caracteres NUL",
}
