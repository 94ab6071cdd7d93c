"""The calls area's operations in the permission table: calls, applications, the committee, reviews, the portal."""

from __future__ import annotations

from emprende.domain.identity.user import Role
from emprende.services.shared.authorization import (
    MANAGERS,
    PARTICIPANTS,
    PARTNER_OFFICE,
    Rule,
    authorize,
    is_allowed,
    register_permissions,
)

__all__ = ["RULES", "authorize", "is_allowed"]

SIGNED_IN = frozenset(Role)
FUNDER_OFFICE = MANAGERS | {Role.PARTNER_STAFF}

RULES = register_permissions(
    {
        "calls.read": Rule("Read seed-capital calls (drafts: only their funder's)", SIGNED_IN, "calls:read"),
        "calls.write": Rule(
            "Open and run the partner's seed-capital calls: terms, rubric, committee, assignment, review phases "
            "(funding agreement)",
            FUNDER_OFFICE,
            "calls:write",
        ),
        "applications.read": Rule(
            "Read the applications the partner supports or whose call it funds", PARTNER_OFFICE, "calls:read"
        ),
        "applications.write": Rule(
            "Apply to a call with the idea of a person the partner supports; withdraw the application",
            PARTNER_OFFICE,
            "applications:write",
        ),
        "committee.read": Rule(
            "The committee's ranked view of a call the partner funds, its figures and CSV export",
            FUNDER_OFFICE,
            "calls:read",
        ),
        "reviews.write": Rule(
            "Declare conflicts of interest on assigned applications, read and score them", frozenset({Role.EVALUATOR})
        ),
        "portal.applications": Rule(
            "A participant applies with their own idea, follows their applications and sees how they were scored",
            PARTICIPANTS,
        ),
    },
    published_at=80,
)
