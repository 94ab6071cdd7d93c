"""The investment plan of a business idea: what it needs, line by line, in US dollars.

Amounts are `Decimal` with at most two places, never floats. A line's total is its quantity times its unit cost,
rounded half-up to the cent; what it requests is that total less the person's own contribution. The plan adds its
lines up, and the idea's requested amount is the plan's: it is derived, never entered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from emprende.domain.shared.errors import InvalidInput, RuleChecks

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_LINES = 50
MAX_DESCRIPTION = 200
MAX_QUANTITY = Decimal(100_000)
MAX_UNIT_COST = Decimal(1_000_000)
MAX_PLAN_TOTAL = Decimal(100_000_000)
"""What a whole plan may add up to (the database keeps amounts of up to ten digits before the point)."""


class InvestmentCategory(StrEnum):
    """What a line buys or pays for: a fixed catalogue, so that a seed-capital call can say which it funds."""

    EQUIPMENT = "equipment"
    MACHINERY = "machinery"
    TOOLS = "tools"
    FURNITURE = "furniture"
    VEHICLES = "vehicles"
    TECHNOLOGY = "technology"
    INVENTORY = "inventory"
    RAW_MATERIALS = "raw_materials"
    WORKING_CAPITAL = "working_capital"
    PREMISES_IMPROVEMENT = "premises_improvement"
    RENT = "rent"
    MARKETING = "marketing"
    TRAINING = "training"
    LEGAL_FORMALIZATION = "legal_formalization"
    OTHER = "other"


def money_text(value: Decimal) -> str:
    """An amount as its two-decimal text ("1250.00"), as snapshots and the API show it."""
    return format(value.quantize(CENT), "f")


def check_amount(value: object, field: str, *, maximum: Decimal, positive: bool = False) -> Decimal:
    """A non-negative (or, with `positive`, strictly positive) decimal of at most two places, up to `maximum`, held
    to the cent."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput("give a decimal number", field=field, code="invalid_amount")
    if positive and value <= 0:
        raise InvalidInput("must be more than zero", field=field, code="invalid_amount")
    if value < 0:
        raise InvalidInput("must not be negative", field=field, code="invalid_amount")
    if value > maximum:
        raise InvalidInput("must be at most {limit}", field=field, code="invalid_amount", limit=money_text(maximum))
    if value != value.quantize(CENT):
        raise InvalidInput("at most two decimal places", field=field, code="invalid_amount")
    return value.quantize(CENT)


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line of the plan. Build it through `InvestmentPlan`, which checks every line."""

    description: str
    category: InvestmentCategory
    quantity: Decimal
    unit_cost: Decimal
    own_contribution: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def requested(self) -> Decimal:
        return self.total - self.own_contribution

    def snapshot(self) -> dict[str, str]:
        return {
            "description": self.description,
            "category": self.category.value,
            "quantity": money_text(self.quantity),
            "unit_cost": money_text(self.unit_cost),
            "own_contribution": money_text(self.own_contribution),
            "total": money_text(self.total),
            "requested": money_text(self.requested),
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> LineItem:
        return cls(
            str(data["description"]),
            InvestmentCategory(data["category"]),
            Decimal(data["quantity"]),
            Decimal(data["unit_cost"]),
            Decimal(data["own_contribution"]),
        )


def _line(item: LineItem, index: int, checks: RuleChecks) -> LineItem:
    where = f"investment_plan[{index}]"
    description = " ".join(str(item.description).split())
    if not description or len(description) > MAX_DESCRIPTION:
        checks.issues.append(
            InvalidInput(
                "{field} must have 1 to {limit} characters", field=f"{where}.description", limit=MAX_DESCRIPTION
            )
        )
    category = item.category
    if not isinstance(category, InvestmentCategory):
        try:
            category = InvestmentCategory(category)
        except ValueError:
            checks.issues.append(
                InvalidInput("not an investment category", field=f"{where}.category", code="invalid_category")
            )
    quantity = checks.check(
        lambda: check_amount(item.quantity, f"{where}.quantity", maximum=MAX_QUANTITY, positive=True), CENT
    )
    unit_cost = checks.check(lambda: check_amount(item.unit_cost, f"{where}.unit_cost", maximum=MAX_UNIT_COST), ZERO)
    line = LineItem(description, category, quantity, unit_cost, ZERO)
    own = checks.check(
        lambda: check_amount(item.own_contribution, f"{where}.own_contribution", maximum=MAX_PLAN_TOTAL),
        ZERO,
    )
    if not checks.broken(f"{where}.quantity", f"{where}.unit_cost", f"{where}.own_contribution") and own > line.total:
        checks.issues.append(
            InvalidInput(
                "the own contribution is at most the line's total ({total})",
                field=f"{where}.own_contribution",
                code="contribution_above_total",
                total=money_text(line.total),
            )
        )
    return LineItem(description, category, quantity, unit_cost, own)


@dataclass(frozen=True, slots=True, init=False)
class InvestmentPlan:
    """Up to 50 lines; every line checked when the plan is made (each broken rule named by its line and field)."""

    items: tuple[LineItem, ...]

    def __init__(self, items: Iterable[LineItem] = ()) -> None:
        given = tuple(items)
        checks = RuleChecks()
        if len(given) > MAX_LINES:
            checks.issues.append(InvalidInput("at most {limit} lines", field="investment_plan", limit=MAX_LINES))
        lines = tuple(_line(item, index, checks) for index, item in enumerate(given[:MAX_LINES]))
        if not checks.issues and sum((line.total for line in lines), ZERO) > MAX_PLAN_TOTAL:
            checks.issues.append(
                InvalidInput(
                    "the plan totals at most {limit}", field="investment_plan", limit=money_text(MAX_PLAN_TOTAL)
                )
            )
        checks.raise_broken()
        object.__setattr__(self, "items", lines)

    @property
    def total(self) -> Decimal:
        return sum((item.total for item in self.items), ZERO)

    @property
    def own_contribution(self) -> Decimal:
        return sum((item.own_contribution for item in self.items), ZERO)

    @property
    def requested(self) -> Decimal:
        return sum((item.requested for item in self.items), ZERO)

    def requested_by_category(self) -> dict[InvestmentCategory, Decimal]:
        """What the plan requests per category, for the categories it has lines in (catalogue order)."""
        found: dict[InvestmentCategory, Decimal] = {}
        for category in InvestmentCategory:
            lines = [item.requested for item in self.items if item.category is category]
            if lines:
                found[category] = sum(lines, ZERO)
        return found

    def snapshot(self) -> list[dict[str, str]]:
        return [item.snapshot() for item in self.items]

    @classmethod
    def from_snapshot(cls, lines: Iterable[Mapping[str, Any]]) -> InvestmentPlan:
        return cls(LineItem.from_snapshot(line) for line in lines)
