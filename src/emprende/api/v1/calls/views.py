"""How the calls area's domain objects become response bodies."""

from __future__ import annotations

from fastapi import Response

from emprende.api.etag import etag
from emprende.api.v1.calls.schemas import (
    ApplicationOut,
    AssignmentOut,
    CallOut,
    CriterionOut,
    CriterionScoreOut,
    QuotaOut,
    ReviewOut,
    ReviewPhaseOut,
    RubricOut,
    money,
)
from emprende.domain.calls.application import Application
from emprende.domain.calls.assignment import Assignment
from emprende.domain.calls.call import SeedCapitalCall
from emprende.domain.calls.review import Review


def rubric_out(call: SeedCapitalCall) -> RubricOut:
    return RubricOut(
        version=call.rubric.version,
        frozen=call.rubric_frozen,
        criteria=[
            CriterionOut(
                key=criterion.key,
                title=criterion.title,
                description=criterion.description,
                weight=str(criterion.weight),
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
                descriptors={str(level): text for level, text in sorted(criterion.descriptors.items())},
            )
            for criterion in call.rubric.criteria
        ],
    )


def call_out(call: SeedCapitalCall, response: Response | None = None) -> CallOut:
    if response is not None:
        response.headers["ETag"] = etag(call.version)
    terms = call.terms
    return CallOut(
        id=call.id,
        owner_partner_id=call.owner_partner_id,
        status=call.status,
        title=terms.title,
        description=terms.description,
        budget=money(terms.budget),
        ceiling=money(terms.ceiling),
        floor=money(terms.floor),
        fundable_categories=list(terms.fundable_categories),
        eligibility_rules=[rule.to_data() for rule in terms.eligibility_rules],
        opens_at=terms.opens_at,
        closes_at=terms.closes_at,
        quorum=terms.quorum,
        review_phases=[ReviewPhaseOut(name=phase.name, blind=phase.blind) for phase in terms.review_phases],
        current_phase=call.review_phase.name,
        blind=call.blind,
        ranking_method=terms.ranking_method,
        disagreement_threshold=str(terms.disagreement_threshold),
        quotas=[
            QuotaOut(dimension=quota.dimension, value=quota.value, kind=quota.kind, share=str(quota.share))
            for quota in terms.quotas
        ],
        rubric=rubric_out(call),
        created_at=call.created_at,
        updated_at=call.updated_at,
    )


def application_out(application: Application) -> ApplicationOut:
    return ApplicationOut(
        id=application.id,
        call_id=application.call_id,
        participant_id=application.participant_id,
        supporting_partner_id=application.owner_partner_id,
        idea_id=application.idea_id,
        idea_version=application.idea_version,
        idea=application.snapshot,
        requested_amount=money(application.requested_amount),
        admissibility=application.admissibility,
        status=application.status,
        submitted_at=application.submitted_at,
        withdrawn_at=application.withdrawn_at,
    )


def assignment_out(assignment: Assignment, replaced: bool | None = None) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.id,
        call_id=assignment.call_id,
        application_id=assignment.application_id,
        declaration=assignment.declaration,
        relation=assignment.relation,
        source=assignment.source,
        declared_at=assignment.declared_at,
        recused=assignment.recused,
        replaced=replaced,
    )


def review_out(review: Review) -> ReviewOut:
    return ReviewOut(
        id=review.id,
        application_id=review.application_id,
        rubric_version=review.rubric_version,
        status=review.status,
        scores={
            key: CriterionScoreOut(score=entry["score"], comment=entry["comment"])
            for key, entry in review.scores.items()
        },
        total=None if review.total is None else round(review.total, 4),
        saved_at=review.saved_at,
        submitted_at=review.submitted_at,
    )
