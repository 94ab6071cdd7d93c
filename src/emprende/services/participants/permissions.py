"""The participant area's operations in the permission table: registry, consents, rights, duplicates, the portal."""

from __future__ import annotations

from emprende.services.shared.authorization import (
    MANAGERS,
    PARTICIPANTS,
    PARTNER_OFFICE,
    PARTNER_OFFICE_AND_TRAINERS,
    Rule,
    authorize,
    is_allowed,
    register_permissions,
)

__all__ = ["RULES", "authorize", "is_allowed"]

RULES = register_permissions(
    {
        "participants.register": Rule(
            "Register participants (with their registration consent)", PARTNER_OFFICE_AND_TRAINERS, "participants:write"
        ),
        "participants.read": Rule(
            "Read, list and search participants", PARTNER_OFFICE_AND_TRAINERS, "participants:read"
        ),
        "participants.read_sensitive": Rule(
            "See and filter by documents, migratory status, disability, contacts, gender identity (audited)",
            PARTNER_OFFICE,
            "participants:sensitive",
        ),
        "participants.update": Rule("Rectify participants' records", PARTNER_OFFICE, "participants:write"),
        "participants.consents": Rule(
            "Record and withdraw participants' consents", PARTNER_OFFICE_AND_TRAINERS, "participants:write"
        ),
        "participants.rights": Rule("Export or erase a participant's data (data-subject rights)", MANAGERS),
        "duplicates.review": Rule("Review probable duplicates: mark distinct or merge", MANAGERS),
        "participants.portal_accounts": Rule("Open a participant's own portal account", PARTNER_OFFICE),
        "portal.own_record": Rule(
            "A participant reads their own record and consents, withdraws own consents", PARTICIPANTS
        ),
    },
    published_at=50,
)
