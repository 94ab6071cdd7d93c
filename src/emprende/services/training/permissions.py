"""The training area's operations in the permission table: modules, cohorts, enrolment, the portal."""

from __future__ import annotations

from emprende.domain.identity.user import Role
from emprende.services.shared.authorization import (
    ADMIN,
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

SIGNED_IN = frozenset(Role)

RULES = register_permissions(
    {
        "modules.read": Rule("Read published training modules", SIGNED_IN, "training:read"),
        "modules.write": Rule(
            "Author training modules: drafts, new versions, publication (content_authoring agreement)",
            PARTNER_OFFICE,
            "training:write",
        ),
        "cohorts.read": Rule("Read the partner's cohorts and sessions", PARTNER_OFFICE_AND_TRAINERS, "training:read"),
        "cohorts.write": Rule(
            "Plan cohorts and sessions, open, start, finish or cancel them (training_delivery agreement)",
            MANAGERS | {Role.PARTNER_STAFF},
            "training:write",
        ),
        "enrollments.read": Rule(
            "Read a cohort's enrolments and its queue", PARTNER_OFFICE_AND_TRAINERS, "training:read"
        ),
        "enrollments.write": Rule(
            "Enrol people, withdraw or drop them, answer offers for them", PARTNER_OFFICE, "training:write"
        ),
        "attendance.read": Rule("Read a session's attendance", PARTNER_OFFICE_AND_TRAINERS, "training:read"),
        "attendance.write": Rule(
            "Record a session's attendance (a batch; sending it again corrects)",
            PARTNER_OFFICE_AND_TRAINERS,
            "training:write",
        ),
        "completion.write": Rule(
            "Record final assessment scores and evaluate completion", PARTNER_OFFICE_AND_TRAINERS, "training:write"
        ),
        "certificates.read": Rule(
            "Read the certificates issued in the partner's cohorts", PARTNER_OFFICE_AND_TRAINERS, "training:read"
        ),
        "certificates.manage": Rule(
            "Suspend, reinstate or revoke a certificate of the partner's cohorts",
            MANAGERS | {Role.PARTNER_STAFF},
            "training:write",
        ),
        "certificates.keys": Rule("Rotate the certificates' signing key (the old one keeps verifying)", ADMIN),
        "portal.training": Rule(
            "A participant sees their enrolments, queue position and schedule, answers offers, withdraws",
            PARTICIPANTS,
        ),
    },
    published_at=60,
)
