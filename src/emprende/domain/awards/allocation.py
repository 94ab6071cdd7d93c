"""Allocating a call's budget to its ranked applications, greedily and explainably.

The order is the call's ranking with its published tie-break: the higher figure, then the higher score on a named
criterion, then the earlier submission, then a draw seeded by a recorded number. Reservations come first — each
minimum share of the funds for a group is met by that group's best-ranked applications — then everyone in order,
within the per-award ceiling, the groups' maximum shares and what is left of the budget; an award may be cut to what
is left if the call allows partial awards and it stays at or above the floor. A minimum share of the awards is met
last, by giving the place of the lowest-ranked award outside the group to the best-ranked application of the group
not funded. Every application gets its reason. Quotas that cannot all be met are reported, never relaxed."""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from emprende.domain.calls.terms import Quota, QuotaDimension, QuotaKind
from emprende.domain.shared.errors import InvalidInput, InvalidInputs

CENT = Decimal("0.01")

QUOTA_UNREACHABLE = "the applications of {value} cannot reach this {kind} quota of {share}"

TEMPLATES: tuple[str, ...] = (QUOTA_UNREACHABLE,)


class Reason(StrEnum):
    FUNDED_AT_RANK = "funded_at_rank"
    FUNDED_BY_RESERVE = "funded_by_reserve"
    FUNDS_RAN_OUT = "funds_ran_out"
    BELOW_MIN_SCORE = "below_min_score"
    NOT_REVIEWED = "not_reviewed"
    QUOTA_CAP_REACHED = "quota_cap_reached"
    GAVE_WAY_TO_RESERVE = "gave_way_to_reserve"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A ranked application as the allocation reads it."""

    application_id: uuid.UUID
    figure: float | None
    """The ranking figure (mean, median or z-score); None when it has no review."""
    requested: Decimal
    submitted_at: datetime
    population_group: str
    sex: str
    province: str | None
    criteria: Mapping[str, float] = field(default_factory=dict)
    """The mean score of each rubric criterion, for the tie-break."""

    def value_of(self, dimension: QuotaDimension) -> str | None:
        match dimension:
            case QuotaDimension.POPULATION_GROUP:
                return self.population_group
            case QuotaDimension.SEX:
                return self.sex
            case QuotaDimension.PROVINCE:
                return self.province


@dataclass(frozen=True, slots=True)
class Rules:
    budget: Decimal
    ceiling: Decimal
    floor: Decimal
    partial: bool
    min_figure: float | None
    quotas: tuple[Quota, ...]
    tie_criterion: str | None
    seed: int


@dataclass(frozen=True, slots=True)
class Outcome:
    application_id: uuid.UUID
    rank: int
    amount: Decimal
    reason: Reason
    detail: Mapping[str, object] = field(default_factory=dict)
    """The reason's parameters: the quota a reserve met, the rank at which funds ran out…"""


class QuotasInfeasible(InvalidInputs):
    """Quotas the applications cannot meet, each named (`quotas[i]`); it reads as the first."""

    code = "quotas_infeasible"

    def __init__(self, quotas: Sequence[tuple[int, Quota]]) -> None:
        super().__init__(
            [
                InvalidInput(
                    QUOTA_UNREACHABLE,
                    field=f"quotas[{index}]",
                    code="quota_unreachable",
                    value=quota.value,
                    kind=quota.kind.value,
                    share=str(quota.share),
                )
                for index, quota in quotas
            ]
        )
        self.code = "quotas_infeasible"
        self.quotas = tuple(quotas)


def order(candidates: Sequence[Candidate], rules: Rules) -> list[Candidate]:
    """The published order: the higher figure, the higher score on the tie-break criterion, the earlier submission,
    then the seeded draw (the same seed always draws the same). Applications without a figure come last."""
    draw = random.Random(rules.seed)  # noqa: S311 - a published, reproducible draw, not a secret
    lots = {candidate.application_id: draw.random() for candidate in sorted(candidates, key=lambda c: c.application_id)}

    def key(candidate: Candidate) -> tuple[bool, float, float, datetime, float]:
        tie = candidate.criteria.get(rules.tie_criterion, 0.0) if rules.tie_criterion else 0.0
        return (
            candidate.figure is None,
            -(candidate.figure or 0.0),
            -tie,
            candidate.submitted_at,
            lots[candidate.application_id],
        )

    return sorted(candidates, key=key)


def _award(candidate: Candidate, rules: Rules) -> Decimal:
    return min(candidate.requested, rules.ceiling).quantize(CENT)


def _share_of_budget(quota: Quota, budget: Decimal) -> Decimal:
    return (budget * quota.share).quantize(CENT)


def check_feasible(candidates: Sequence[Candidate], rules: Rules) -> None:
    """Refuse quotas no allocation can meet: a group whose eligible applications, all funded, stay under its minimum
    share of the funds or of the awards."""
    eligible = [
        c for c in candidates if c.figure is not None and (rules.min_figure is None or c.figure >= rules.min_figure)
    ]
    unreachable = []
    for index, quota in enumerate(rules.quotas):
        members = [c for c in eligible if c.value_of(quota.dimension) == quota.value]
        if quota.kind is QuotaKind.MIN_SHARE_OF_FUNDS:
            if sum((_award(c, rules) for c in members), Decimal(0)) < _share_of_budget(quota, rules.budget):
                unreachable.append((index, quota))
        elif quota.kind is QuotaKind.MIN_SHARE_OF_AWARDS and not members:
            unreachable.append((index, quota))
    if unreachable:
        raise QuotasInfeasible(unreachable)


def allocate(candidates: Sequence[Candidate], rules: Rules) -> list[Outcome]:
    """Every application's amount and reason, in the published order."""
    check_feasible(candidates, rules)
    ranked = order(candidates, rules)
    rank = {c.application_id: position for position, c in enumerate(ranked, start=1)}
    amounts: dict[uuid.UUID, Decimal] = {}
    reasons: dict[uuid.UUID, tuple[Reason, dict[str, object]]] = {}
    left = rules.budget

    def eligible(c: Candidate) -> bool:
        return c.figure is not None and (rules.min_figure is None or c.figure >= rules.min_figure)

    def caps_allow(c: Candidate, amount: Decimal) -> Quota | None:
        """The maximum-share quota funding `c` with `amount` would break, if any."""
        for quota in rules.quotas:
            if quota.kind is QuotaKind.MAX_SHARE_OF_FUNDS and c.value_of(quota.dimension) == quota.value:
                used = sum((amounts[o.application_id] for o in ranked if o.application_id in amounts
                            and o.value_of(quota.dimension) == quota.value), Decimal(0))  # fmt: skip
                if used + amount > _share_of_budget(quota, rules.budget):
                    return quota
        return None

    def fund(c: Candidate, reason: Reason, detail: dict[str, object]) -> bool:
        nonlocal left
        amount = _award(c, rules)
        if amount > left:
            if not rules.partial or left < rules.floor:
                return False
            amount = left
        if caps_allow(c, amount) is not None:
            return False
        amounts[c.application_id] = amount
        reasons[c.application_id] = (reason, detail)
        left -= amount
        return True

    # Reservations: each minimum share of the funds, by the group's best-ranked applications.
    for index, quota in enumerate(rules.quotas):
        if quota.kind is not QuotaKind.MIN_SHARE_OF_FUNDS:
            continue
        target = _share_of_budget(quota, rules.budget)
        for c in ranked:
            reached = sum((amounts[o.application_id] for o in ranked if o.application_id in amounts
                           and o.value_of(quota.dimension) == quota.value), Decimal(0))  # fmt: skip
            if reached >= target:
                break
            if c.application_id in amounts or not eligible(c) or c.value_of(quota.dimension) != quota.value:
                continue
            fund(c, Reason.FUNDED_BY_RESERVE, {"quota": index, "value": quota.value})
    # Everyone else, in order.
    ran_out_at: int | None = None
    for c in ranked:
        if c.application_id in amounts or not eligible(c):
            continue
        if not fund(c, Reason.FUNDED_AT_RANK, {"rank": rank[c.application_id]}) and ran_out_at is None:
            cap = caps_allow(c, min(_award(c, rules), left))
            if cap is None:
                ran_out_at = rank[c.application_id]
    # A minimum share of the awards, by giving the lowest-ranked places outside the group to the group's best.
    for index, quota in enumerate(rules.quotas):
        if quota.kind is not QuotaKind.MIN_SHARE_OF_AWARDS:
            continue
        while True:
            funded = [c for c in ranked if c.application_id in amounts]
            inside = [c for c in funded if c.value_of(quota.dimension) == quota.value]
            if len(inside) >= math.ceil(quota.share * len(funded)):
                break
            waiting = [c for c in ranked if c.application_id not in amounts and eligible(c)
                       and c.value_of(quota.dimension) == quota.value]  # fmt: skip
            outside = [c for c in reversed(funded) if c.value_of(quota.dimension) != quota.value
                       and reasons[c.application_id][0] is not Reason.FUNDED_BY_RESERVE]  # fmt: skip
            if not waiting or not outside:
                raise QuotasInfeasible([(index, quota)])
            leaving, coming = outside[0], waiting[0]
            left += amounts.pop(leaving.application_id)
            reasons[leaving.application_id] = (Reason.GAVE_WAY_TO_RESERVE, {"quota": index, "value": quota.value})
            if not fund(coming, Reason.FUNDED_BY_RESERVE, {"quota": index, "value": quota.value}):
                raise QuotasInfeasible([(index, quota)])
    outcomes = []
    for c in ranked:
        position = rank[c.application_id]
        if c.application_id in amounts:
            reason, detail = reasons[c.application_id]
            outcomes.append(Outcome(c.application_id, position, amounts[c.application_id], reason, detail))
        elif c.figure is None:
            outcomes.append(Outcome(c.application_id, position, Decimal("0.00"), Reason.NOT_REVIEWED))
        elif not eligible(c):
            outcomes.append(Outcome(c.application_id, position, Decimal("0.00"), Reason.BELOW_MIN_SCORE,
                                    {"min_figure": rules.min_figure}))  # fmt: skip
        elif c.application_id in reasons:
            reason, detail = reasons[c.application_id]
            outcomes.append(Outcome(c.application_id, position, Decimal("0.00"), reason, detail))
        else:
            cap = caps_allow(c, Decimal("0.01"))
            if cap is not None:
                outcomes.append(Outcome(c.application_id, position, Decimal("0.00"), Reason.QUOTA_CAP_REACHED,
                                        {"value": cap.value}))  # fmt: skip
            else:
                outcomes.append(Outcome(c.application_id, position, Decimal("0.00"), Reason.FUNDS_RAN_OUT,
                                        {"rank": ran_out_at or position}))  # fmt: skip
    return outcomes
