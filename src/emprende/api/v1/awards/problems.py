"""The awards area's problem kinds and the Spanish for its messages: allocation runs."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROBLEMS: dict[str, Kind] = {
    "quotas_infeasible": Kind(
        422,
        (
            "Quotas cannot be met",
            "The applications cannot meet these quotas; `errors` names each one. Quotas are never relaxed.",
        ),
        (
            "Las cuotas no se pueden cumplir",
            "Las postulaciones no alcanzan a cumplir estas cuotas; `errors` nombra cada una. Las cuotas nunca se "
            "relajan.",
        ),
    ),
    "quota_unreachable": Kind(
        422,
        ("Quota cannot be met", "The applications cannot meet this quota."),
        ("La cuota no se puede cumplir", "Las postulaciones no alcanzan a cumplir esta cuota."),
    ),
}

SPANISH_MESSAGES: dict[str, str] = {
    "the applications of {value} cannot reach this {kind} quota of {share}": (
        "las postulaciones de {value} no alcanzan esta cuota {kind} de {share}"
    ),
}
