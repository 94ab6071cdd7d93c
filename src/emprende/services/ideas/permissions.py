"""The ideas area's operations in the permission table: a partner's business ideas, and the portal's."""

from __future__ import annotations

from emprende.domain.identity.user import Role
from emprende.services.shared.authorization import (
    PARTICIPANTS,
    PARTNER_OFFICE,
    Rule,
    authorize,
    register_permissions,
)

__all__ = ["RULES", "authorize"]

RULES = register_permissions(
    {
        "ideas.read": Rule(
            "Read the business ideas the partner supports", PARTNER_OFFICE | {Role.FACILITATOR}, "ideas:read"
        ),
        "ideas.write": Rule(
            "Draft, revise, submit and withdraw business ideas for the people the partner supports",
            PARTNER_OFFICE,
            "ideas:write",
        ),
        "portal.ideas": Rule(
            "A participant drafts, revises, submits and withdraws their own business ideas", PARTICIPANTS
        ),
    },
    published_at=70,
)
