"""Training: modules authored by universities, cohorts with capacity and a fair waitlist, enrolment."""

from __future__ import annotations

from emprende.api.area import ApiArea, Tag
from emprende.api.v1.training import (
    attendance,
    certificates,
    cohorts,
    credential_messages,
    enrollments,
    modules,
    portal,
    problems,
    rule_messages,
)

AREA = ApiArea(
    name="training",
    routers=(modules.router, cohorts.router, enrollments.router, attendance.router, certificates.router, portal.router),
    tags=(
        Tag(
            "training-modules",
            "Training modules authored by universities: versioned, in Spanish and English, with virtual resources.",
            listed_at=62,
        ),
        Tag(
            "cohorts",
            "Cohorts: curriculum, place, dates, sessions, capacity, enrolment window, eligibility, completion.",
            listed_at=64,
        ),
        Tag(
            "enrollments",
            "Enrolment with a fair waitlist: seats taken atomically, freed seats offered in order, offers that expire.",
            listed_at=66,
        ),
        Tag(
            "attendance",
            "Attendance registers sent in one request, final scores, completion judged on the cohort's criteria.",
            listed_at=68,
        ),
        Tag(
            "certificates",
            "Verifiable certificates (Open Badges 3.0, Ed25519): key set, status lists, public verification.",
            listed_at=69,
        ),
        Tag("my-training", "The participant portal: my enrolments, queue position, offers and schedule.", listed_at=72),
    ),
    problems=problems.PROBLEMS,
    ahead=certificates.add_verification_ahead,
    spanish_messages={
        **problems.SPANISH_MESSAGES,
        **rule_messages.SPANISH_RULE_MESSAGES,
        **credential_messages.SPANISH_CREDENTIAL_MESSAGES,
    },
)
