"""How the calls area's entities map onto its tables, and what it registers with the unit of work."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters.sql.calls import tables
from emprende.adapters.sql.shared.repository import SqlArea
from emprende.domain.calls.application import ALREADY_APPLIED, AlreadyApplied, Application
from emprende.domain.calls.assignment import Assignment
from emprende.domain.calls.call import CallStateConflict, SeedCapitalCall
from emprende.domain.calls.committee import ALREADY_ON_COMMITTEE, AlreadyOnCommittee, CallEvaluator
from emprende.domain.calls.review import Review, ReviewSubmitted

CONCURRENT_CHANGE = "the call changed concurrently; try again"


def _map(mappers: registry) -> None:
    for entity, table in (
        (SeedCapitalCall, tables.seed_capital_calls),
        (Application, tables.applications),
        (Assignment, tables.review_assignments),
        (Review, tables.reviews),
    ):
        mappers.map_imperatively(entity, table, version_id_col=table.c.version)
    mappers.map_imperatively(CallEvaluator, tables.call_evaluators)


CALLS = SqlArea(
    name="calls",
    map_entities=_map,
    audited={
        SeedCapitalCall: "seed_capital_call",
        CallEvaluator: "call_evaluator",
        Application: "application",
        Assignment: "review_assignment",
        Review: "review",
    },
    unique_violations={
        "uq_applications_person": lambda: AlreadyApplied(ALREADY_APPLIED),
        "pk_call_evaluators": lambda: AlreadyOnCommittee(ALREADY_ON_COMMITTEE),
        "uq_review_assignments_pair": lambda: CallStateConflict(CONCURRENT_CHANGE),
        "uq_reviews_pair": lambda: ReviewSubmitted(CONCURRENT_CHANGE),
    },
)
