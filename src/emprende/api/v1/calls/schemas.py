"""Request and response schemas of the calls area: calls, their rubric and committee, applications, assignments,
reviews and the committee's ranking."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from emprende.api.datetimes import DATETIME_RANGE, AwareDateTime
from emprende.api.eligibility_rules import EligibilityRuleIn
from emprende.api.schemas import RequestModel, ResponseModel
from emprende.domain.calls.application import ApplicationStatus
from emprende.domain.calls.assignment import ConflictSource, Declaration
from emprende.domain.calls.call import CallStatus
from emprende.domain.calls.conflicts import ConflictRelation
from emprende.domain.calls.review import ReviewStatus
from emprende.domain.calls.terms import QuotaDimension, QuotaKind, RankingMethod
from emprende.domain.ideas.plan import InvestmentCategory

Money = Annotated[str, Field(description="US dollars with two decimal places, e.g. `1250.00`.", examples=["1250.00"])]
AmountIn = Annotated[
    Decimal,
    Field(gt=0, le=Decimal("100000000.00"), decimal_places=2, description="US dollars, at most two decimals."),
]


def money(value: Decimal) -> str:
    return f"{value:.2f}"


# -- calls -------------------------------------------------------------------------------------------------------------


class CriterionIn(RequestModel):
    key: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$", description="How scores name it.")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    weight: Decimal = Field(gt=0, le=100, decimal_places=2)
    scale_min: int = Field(0, ge=0, le=99)
    scale_max: int = Field(ge=1, le=100)
    descriptors: dict[int, Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=dict, max_length=101, description="What each level of the scale means."
    )


class ReviewPhaseIn(RequestModel):
    name: str = Field(min_length=1, max_length=60)
    blind: bool = Field(description="Evaluators see only the idea: not who applied, nor their partner.")


class QuotaIn(RequestModel):
    dimension: QuotaDimension
    value: str = Field(min_length=1, max_length=40, description="A population group, a sex or an INEC province code.")
    kind: QuotaKind
    share: Decimal = Field(gt=0, le=1, decimal_places=4, description="Of the funds or of the awards, 0 to 1.")


class CallTermsIn(RequestModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    budget: AmountIn
    ceiling: AmountIn = Field(description="The most one idea may be awarded, in US dollars.")
    floor: AmountIn = Field(description="The least one idea may request, in US dollars.")
    fundable_categories: list[InvestmentCategory] = Field(min_length=1, max_length=len(InvestmentCategory))
    eligibility_rules: list[EligibilityRuleIn] = Field(default_factory=list, max_length=20)
    opens_at: AwareDateTime = Field(description=f"When applications open (with a UTC offset). {DATETIME_RANGE}")
    closes_at: AwareDateTime = Field(description=f"When applications close (with a UTC offset). {DATETIME_RANGE}")
    quorum: int = Field(3, ge=1, le=15, description="Independent, submitted reviews each application needs.")
    review_phases: list[ReviewPhaseIn] = Field(
        default_factory=lambda: [ReviewPhaseIn(name="blind", blind=True)], min_length=1, max_length=5
    )
    ranking_method: RankingMethod = RankingMethod.MEAN
    disagreement_threshold: Decimal = Field(
        Decimal(15), gt=0, le=100, decimal_places=2, description="Standard deviation (points of 100) flagged."
    )
    quotas: list[QuotaIn] = Field(default_factory=list, max_length=30)


class CallCreateIn(CallTermsIn):
    rubric: list[CriterionIn] = Field(min_length=1, max_length=20)
    owner_partner_id: uuid.UUID | None = Field(
        None, description="Administrators name the funding partner (or none: the programme's own call)."
    )


class RubricIn(RequestModel):
    criteria: list[CriterionIn] = Field(min_length=1, max_length=20)


class CallTransitionIn(RequestModel):
    action: Literal["open", "start_review", "next_phase", "close_review", "cancel"]


class CriterionOut(ResponseModel):
    key: str
    title: str
    description: str
    weight: str
    scale_min: int
    scale_max: int
    descriptors: dict[str, str]


class RubricOut(ResponseModel):
    version: int
    frozen: bool = Field(description="Scoring has begun: the rubric no longer changes.")
    criteria: list[CriterionOut]


class ReviewPhaseOut(ResponseModel):
    name: str
    blind: bool


class QuotaOut(ResponseModel):
    dimension: QuotaDimension
    value: str
    kind: QuotaKind
    share: str


class CallOut(ResponseModel):
    id: uuid.UUID
    owner_partner_id: uuid.UUID | None
    status: CallStatus
    title: str
    description: str
    budget: Money
    ceiling: Money
    floor: Money
    fundable_categories: list[InvestmentCategory]
    eligibility_rules: list[dict[str, Any]]
    opens_at: datetime
    closes_at: datetime
    quorum: int
    review_phases: list[ReviewPhaseOut]
    current_phase: str = Field(description="The review phase under way (the first one before the review starts).")
    blind: bool
    ranking_method: RankingMethod
    disagreement_threshold: str
    quotas: list[QuotaOut]
    rubric: RubricOut
    created_at: datetime
    updated_at: datetime


class CallListItemOut(ResponseModel):
    id: uuid.UUID
    owner_partner_id: uuid.UUID | None
    title: str
    status: CallStatus
    budget: Money
    opens_at: datetime
    closes_at: datetime
    updated_at: datetime


# -- committee ---------------------------------------------------------------------------------------------------------


class EvaluatorIn(RequestModel):
    user_id: uuid.UUID


class EvaluatorOut(ResponseModel):
    user_id: uuid.UUID
    partner_id: uuid.UUID | None
    added_at: datetime


class AssignmentRunOut(ResponseModel):
    created: int = Field(description="New assignments.")
    short: int = Field(description="Applications still below the quorum: too few evaluators free of conflict.")


class RankedApplicationOut(ResponseModel):
    rank: int
    application_id: uuid.UUID
    idea_name: str
    requested_amount: Money
    reviews: int = Field(description="Submitted reviews by evaluators not recused.")
    quorum: int
    below_quorum: bool
    recusals: int
    mean: float | None
    median: float | None
    stdev: float | None = Field(description="Sample standard deviation of the reviews' totals (0 to 100).")
    z_score: float | None = Field(description="Mean of the per-evaluator z-scores.")
    disagreement: bool = Field(description="The spread passes the call's disagreement threshold.")


class RankingOut(ResponseModel):
    call_id: uuid.UUID
    ranking_method: RankingMethod
    frozen: bool = Field(description="The review closed: these figures no longer change.")
    items: list[RankedApplicationOut]


# -- applications ------------------------------------------------------------------------------------------------------


class ApplicationIn(RequestModel):
    idea_id: uuid.UUID = Field(description="A submitted idea of a person the partner supports.")


class MyApplicationIn(RequestModel):
    call_id: uuid.UUID
    idea_id: uuid.UUID = Field(description="One of your own submitted ideas.")


class ApplicationOut(ResponseModel):
    id: uuid.UUID
    call_id: uuid.UUID
    participant_id: uuid.UUID
    supporting_partner_id: uuid.UUID | None
    idea_id: uuid.UUID
    idea_version: int
    idea: dict[str, Any] = Field(description="The idea as it stood when the application was submitted.")
    requested_amount: Money
    admissibility: list[dict[str, Any]] = Field(description="The call's eligibility rules the person met.")
    status: ApplicationStatus
    submitted_at: datetime
    withdrawn_at: datetime | None


class ApplicationListItemOut(ResponseModel):
    id: uuid.UUID
    call_id: uuid.UUID
    participant_id: uuid.UUID
    supporting_partner_id: uuid.UUID | None
    idea_id: uuid.UUID
    idea_name: str
    requested_amount: Money
    status: ApplicationStatus
    submitted_at: datetime


# -- evaluators' work --------------------------------------------------------------------------------------------------


class DeclarationIn(RequestModel):
    conflict: bool = Field(description="Whether you have a conflict of interest with this application.")
    relation: Literal["family", "friendship", "business", "employment", "other"] | None = Field(
        None, description="With a conflict: your relation to the applicant."
    )
    note: str | None = Field(None, max_length=1000)


class AssignmentOut(ResponseModel):
    id: uuid.UUID
    call_id: uuid.UUID
    application_id: uuid.UUID
    declaration: Declaration
    relation: ConflictRelation | None
    source: ConflictSource | None
    declared_at: datetime | None
    recused: bool
    replaced: bool | None = Field(None, description="After a recusal: whether another evaluator took your place.")


class AssignmentListItemOut(ResponseModel):
    id: uuid.UUID
    call_id: uuid.UUID
    call_title: str
    application_id: uuid.UUID
    declaration: Declaration
    review_status: ReviewStatus | None
    assigned_at: datetime


class CriterionScoreIn(RequestModel):
    score: int | None = Field(None, ge=0, le=100)
    comment: str = Field("", max_length=2000)


class ReviewIn(RequestModel):
    scores: dict[Annotated[str, Field(min_length=1, max_length=40)], CriterionScoreIn] = Field(
        min_length=1, max_length=20, description="By criterion key; criteria left out keep what was saved."
    )


class CriterionScoreOut(ResponseModel):
    score: int | None
    comment: str


class ReviewOut(ResponseModel):
    id: uuid.UUID
    application_id: uuid.UUID
    rubric_version: int
    status: ReviewStatus
    scores: dict[str, CriterionScoreOut]
    total: float | None = Field(description="The weighted total on 0 to 100, once submitted.")
    saved_at: datetime
    submitted_at: datetime | None


class AssignedApplicationOut(ResponseModel):
    assignment_id: uuid.UUID
    application_id: uuid.UUID
    call_id: uuid.UUID
    blind: bool = Field(description="A blind phase: only the idea is shown.")
    idea: dict[str, Any] = Field(
        description="The idea as submitted; in a blind phase without the team's members (`team_size` instead)."
    )
    requested_amount: Money
    applicant_name: str | None = Field(description="Outside blind phases only.")
    supporting_partner_id: uuid.UUID | None = Field(description="Outside blind phases only.")
    rubric: RubricOut
    review: ReviewOut | None


# -- the portal --------------------------------------------------------------------------------------------------------


class MyApplicationOut(ResponseModel):
    id: uuid.UUID
    call_id: uuid.UUID
    call_title: str
    call_status: CallStatus
    idea_id: uuid.UUID
    idea_name: str
    requested_amount: Money
    status: ApplicationStatus
    submitted_at: datetime


class ScoreGivenOut(ResponseModel):
    reviewer: int = Field(description="Reviewer 1, 2, 3…: who gave the score is never shown.")
    score: int
    comment: str


class CriterionExplanationOut(ResponseModel):
    key: str
    title: str
    weight: str
    scale_min: int
    scale_max: int
    scores: list[ScoreGivenOut]


class ExplanationOut(ResponseModel):
    application: MyApplicationOut
    admissibility: list[dict[str, Any]] = Field(
        description="The eligibility rules that admitted the application, as the call set them."
    )
    review_closed: bool = Field(description="Scores are shown once the call's review has closed.")
    criteria: list[CriterionExplanationOut]
    totals: list[float] = Field(description="Each review's weighted total (0 to 100), in the reviewers' order.")
    mean: float | None
    median: float | None
    z_score: float | None
    ranking_method: RankingMethod
    rank: int | None
    ranked: int = Field(description="How many applications were ranked.")
