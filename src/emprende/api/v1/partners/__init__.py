"""Institutional partners, their cooperation agreements and their API clients."""

from __future__ import annotations

from emprende.api.area import ApiArea, Tag
from emprende.api.v1.partners import agreements, api_clients, partners, problems

AREA = ApiArea(
    name="partners",
    routers=(partners.router, agreements.router, api_clients.router),
    tags=(
        Tag(
            "partners",
            "Institutional partners: government bodies, universities, agencies, NGOs, firms, banks.",
            listed_at=40,
        ),
        Tag(
            "agreements",
            "Cooperation agreements: which roles a partner may play, for which period, amended over time.",
            listed_at=50,
        ),
        Tag("api-clients", "Credentials for partner systems (OAuth2 client credentials).", listed_at=80),
    ),
    problems=problems.PROBLEMS,
    spanish_messages=problems.SPANISH_MESSAGES,
)
