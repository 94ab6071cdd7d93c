"""Conflicts of interest. An evaluator declares for each application assigned to them, before seeing it; conflicts
are also detected from what the programme knows (the evaluator works for the partner supporting the applicant,
facilitated the applicant's cohort, or declared a relation with the applicant before). Any conflict means recusal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class ConflictRelation(StrEnum):
    FAMILY = "family"
    FRIENDSHIP = "friendship"
    BUSINESS = "business"
    EMPLOYMENT = "employment"
    SAME_PARTNER = "same_partner"
    FACILITATOR = "facilitator"
    EARLIER_RELATION = "earlier_relation"
    OTHER = "other"


DECLARABLE = frozenset(
    {
        ConflictRelation.FAMILY,
        ConflictRelation.FRIENDSHIP,
        ConflictRelation.BUSINESS,
        ConflictRelation.EMPLOYMENT,
        ConflictRelation.OTHER,
    }
)
"""What an evaluator may declare; the others are found by detection."""


@dataclass(frozen=True, slots=True)
class EvaluatorFacts:
    user_id: uuid.UUID
    partner_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class ApplicantFacts:
    participant_id: uuid.UUID
    supporting_partner_id: uuid.UUID | None
    facilitators: frozenset[uuid.UUID]
    """The users who facilitated sessions of cohorts the applicant was enrolled in."""
    related_evaluators: frozenset[uuid.UUID]
    """The evaluators who declared a conflict with this person before (in any call)."""


def detect(evaluator: EvaluatorFacts, applicant: ApplicantFacts) -> tuple[ConflictRelation, ...]:
    """The conflicts the programme's records show between an evaluator and an applicant, strongest first."""
    found: list[ConflictRelation] = []
    if evaluator.partner_id is not None and evaluator.partner_id == applicant.supporting_partner_id:
        found.append(ConflictRelation.SAME_PARTNER)
    if evaluator.user_id in applicant.facilitators:
        found.append(ConflictRelation.FACILITATOR)
    if evaluator.user_id in applicant.related_evaluators:
        found.append(ConflictRelation.EARLIER_RELATION)
    return tuple(found)
