"""What a funding partner sets on a seed-capital call: budget, per-idea floor and ceiling, fundable categories,
eligibility (the training area's rule engine), the application window, quorum, review phases, how the committee
ranks, and the quotas or reserved shares the allocation honours later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from emprende.domain.ideas.plan import InvestmentCategory
from emprende.domain.participants.details import PopulationGroup, Sex
from emprende.domain.participants.places import province
from emprende.domain.shared.errors import InvalidInput, RuleChecks
from emprende.domain.training.eligibility import EligibilityRule

MAX_TITLE = 200
MAX_DESCRIPTION = 5_000
MAX_BUDGET = Decimal("100000000.00")
MAX_QUORUM = 15
MAX_PHASES = 5
MAX_QUOTAS = 30
MAX_WINDOW = timedelta(days=366)
CENT = Decimal("0.01")

TEXT_LENGTH = "{field} must have 1 to {limit} characters"
BAD_AMOUNT = "{field} must be an amount in USD above 0 and at most {limit}, with at most two decimals"
FLOOR_ABOVE_CEILING = "the per-idea floor must not be above the ceiling"
CEILING_ABOVE_BUDGET = "the per-idea ceiling must not be above the budget"
NO_CATEGORIES = "a call funds at least one investment category"
WINDOW_REVERSED = "applications close after they open, within a year"
BAD_QUORUM = "the quorum is 1 to {limit} independent reviews"
BAD_PHASES = "a review has 1 to {limit} phases, each named once"
BAD_THRESHOLD = "the disagreement threshold is above 0 and at most 100 points"
BAD_SHARE = "a share is above 0 and at most 1, with at most four decimals"
BAD_QUOTA_VALUE = "{dimension} quotas name a known {dimension}"
QUOTAS_OVER_ONE = "the minimum shares reserved on one dimension add up to more than the whole"
REPEATED_QUOTA = "each quota (dimension, value, kind) is given once"

TEMPLATES: tuple[str, ...] = (
    TEXT_LENGTH,
    BAD_AMOUNT,
    FLOOR_ABOVE_CEILING,
    CEILING_ABOVE_BUDGET,
    NO_CATEGORIES,
    WINDOW_REVERSED,
    BAD_QUORUM,
    BAD_PHASES,
    BAD_THRESHOLD,
    BAD_SHARE,
    BAD_QUOTA_VALUE,
    QUOTAS_OVER_ONE,
    REPEATED_QUOTA,
)


class RankingMethod(StrEnum):
    """Which figure ranks the applications: the mean of the reviews' totals, their median, or the mean of the
    per-evaluator z-scores (which corrects harsh and lenient evaluators)."""

    MEAN = "mean"
    MEDIAN = "median"
    Z_SCORE = "z_score"


class QuotaDimension(StrEnum):
    POPULATION_GROUP = "population_group"
    SEX = "sex"
    PROVINCE = "province"


class QuotaKind(StrEnum):
    """A reservation the allocation honours: at least a share of the funds or of the awards for a group, or at
    most a share of the funds."""

    MIN_SHARE_OF_FUNDS = "min_share_of_funds"
    MIN_SHARE_OF_AWARDS = "min_share_of_awards"
    MAX_SHARE_OF_FUNDS = "max_share_of_funds"


@dataclass(frozen=True, slots=True)
class ReviewPhase:
    """A stage of the review. In a blind phase evaluators see only the idea: not who applied, nor their partner."""

    name: str
    blind: bool

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "blind": self.blind}


@dataclass(frozen=True, slots=True)
class Quota:
    dimension: QuotaDimension
    value: str
    kind: QuotaKind
    share: Decimal

    def to_data(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension.value,
            "value": self.value,
            "kind": self.kind.value,
            "share": str(self.share),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Quota:
        return cls(QuotaDimension(data["dimension"]), data["value"], QuotaKind(data["kind"]), Decimal(data["share"]))


@dataclass(frozen=True, slots=True)
class CallTerms:
    title: str
    description: str
    budget: Decimal
    ceiling: Decimal
    floor: Decimal
    fundable_categories: tuple[InvestmentCategory, ...]
    eligibility_rules: tuple[EligibilityRule, ...]
    opens_at: datetime
    closes_at: datetime
    quorum: int
    review_phases: tuple[ReviewPhase, ...]
    ranking_method: RankingMethod
    disagreement_threshold: Decimal
    quotas: tuple[Quota, ...] = ()


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    cleaned = value.strip()
    if (required and not cleaned) or len(cleaned) > limit:
        raise InvalidInput(TEXT_LENGTH, field=field, limit=limit)
    return cleaned


def check_amount(value: Decimal, field: str, limit: Decimal = MAX_BUDGET) -> Decimal:
    """A positive USD amount with at most two decimals, up to `limit`."""
    if not value.is_finite() or not Decimal(0) < value <= limit or value != value.quantize(CENT):
        raise InvalidInput(BAD_AMOUNT, field=field, limit=str(limit))
    return value.quantize(CENT)


def _known_value(quota: Quota) -> bool:
    match quota.dimension:
        case QuotaDimension.POPULATION_GROUP:
            return quota.value in {group.value for group in PopulationGroup}
        case QuotaDimension.SEX:
            return quota.value in {sex.value for sex in Sex}
        case QuotaDimension.PROVINCE:
            return len(quota.value) <= 4 and province(quota.value) is not None


def _check_quotas(quotas: Sequence[Quota], checks: RuleChecks) -> None:
    if len(quotas) > MAX_QUOTAS:
        checks.issues.append(InvalidInput("a call has at most {limit} quotas", field="quotas", limit=MAX_QUOTAS))
        return
    seen: set[tuple[QuotaDimension, str, QuotaKind]] = set()
    reserved: dict[tuple[QuotaDimension, QuotaKind], Decimal] = {}
    for index, quota in enumerate(quotas):
        path = f"quotas[{index}]"
        if not _known_value(quota):
            checks.issues.append(InvalidInput(BAD_QUOTA_VALUE, field=f"{path}.value", dimension=quota.dimension.value))
        share = quota.share
        if not share.is_finite() or not Decimal(0) < share <= 1 or share != share.quantize(Decimal("0.0001")):
            checks.issues.append(InvalidInput(BAD_SHARE, field=f"{path}.share"))
            continue
        key = (quota.dimension, quota.value, quota.kind)
        if key in seen:
            checks.issues.append(InvalidInput(REPEATED_QUOTA, field=path))
        seen.add(key)
        if quota.kind is not QuotaKind.MAX_SHARE_OF_FUNDS:
            total = reserved.get((quota.dimension, quota.kind), Decimal(0)) + share
            reserved[(quota.dimension, quota.kind)] = total
            if total > 1:
                checks.issues.append(InvalidInput(QUOTAS_OVER_ONE, field=f"{path}.share"))


def check_terms(terms: CallTerms) -> CallTerms:
    """The terms tidied, or every broken rule at once."""
    checks = RuleChecks()
    title = checks.check(lambda: _text(terms.title, "title", MAX_TITLE), terms.title)
    description = checks.check(
        lambda: _text(terms.description, "description", MAX_DESCRIPTION, required=False), terms.description
    )
    budget = checks.check(lambda: check_amount(terms.budget, "budget"), terms.budget)
    ceiling = checks.check(lambda: check_amount(terms.ceiling, "ceiling"), terms.ceiling)
    floor = checks.check(lambda: check_amount(terms.floor, "floor"), terms.floor)
    if not checks.broken("budget", "ceiling", "floor"):
        if floor > ceiling:
            checks.issues.append(InvalidInput(FLOOR_ABOVE_CEILING, field="floor"))
        if ceiling > budget:
            checks.issues.append(InvalidInput(CEILING_ABOVE_BUDGET, field="ceiling"))
    if not terms.fundable_categories:
        checks.issues.append(InvalidInput(NO_CATEGORIES, field="fundable_categories"))
    if not terms.opens_at < terms.closes_at <= terms.opens_at + MAX_WINDOW:
        checks.issues.append(InvalidInput(WINDOW_REVERSED, field="closes_at"))
    if not 1 <= terms.quorum <= MAX_QUORUM:
        checks.issues.append(InvalidInput(BAD_QUORUM, field="quorum", limit=MAX_QUORUM))
    names = [phase.name.strip() for phase in terms.review_phases]
    if not 1 <= len(names) <= MAX_PHASES or len(set(names)) != len(names) or not all(0 < len(n) <= 60 for n in names):
        checks.issues.append(InvalidInput(BAD_PHASES, field="review_phases", limit=MAX_PHASES))
    threshold = terms.disagreement_threshold
    if not threshold.is_finite() or not Decimal(0) < threshold <= 100:
        checks.issues.append(InvalidInput(BAD_THRESHOLD, field="disagreement_threshold"))
    _check_quotas(terms.quotas, checks)
    checks.raise_broken()
    return replace(
        terms,
        title=title,
        description=description,
        budget=budget,
        ceiling=ceiling,
        floor=floor,
        fundable_categories=tuple(sorted(set(terms.fundable_categories))),
        review_phases=tuple(ReviewPhase(phase.name.strip(), phase.blind) for phase in terms.review_phases),
    )
