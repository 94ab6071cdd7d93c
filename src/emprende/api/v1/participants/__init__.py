"""The participant registry: people, consents, duplicates, data-subject rights and the participant portal."""

from __future__ import annotations

from emprende.api.area import ApiArea, Tag
from emprende.api.v1.participants import (
    consents,
    duplicates,
    hot_routes,
    participants,
    portal,
    portal_accounts,
    problems,
    rights,
)

AREA = ApiArea(
    name="participants",
    routers=(
        participants.router,
        consents.router,
        rights.router,
        portal_accounts.router,
        duplicates.router,
        portal.router,
    ),
    tags=(
        Tag(
            "participants",
            "The participant registry: registration with consent, sensitive data guarded and audited, "
            "search, probable duplicates, data-subject rights (export, erasure).",
            listed_at=60,
        ),
        Tag("portal", "The participant portal: a person's own record and consents.", listed_at=70),
    ),
    problems=problems.PROBLEMS,
    spanish_messages=problems.SPANISH_MESSAGES,
    ahead=hot_routes.add_hot_routes,
)
