"""Builders of the calls area's domain objects for unit tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from emprende.domain.calls.call import SeedCapitalCall
from emprende.domain.calls.rubric import Criterion, Rubric
from emprende.domain.calls.terms import CallTerms, RankingMethod, ReviewPhase
from emprende.domain.ideas.plan import InvestmentCategory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

CRITERIA = (
    Criterion(
        "viability", "Viability", "Can it pay its way?", Decimal("60"), 1, 5, {1: "Not viable", 5: "Clearly viable"}
    ),
    Criterion("team", "Team", "", Decimal("40"), 0, 10, {}),
)

TERMS = CallTerms(
    title="Capital semilla 2027",
    description="For people who finished training in 2026.",
    budget=Decimal("100000.00"),
    ceiling=Decimal("3000.00"),
    floor=Decimal("500.00"),
    fundable_categories=(InvestmentCategory.EQUIPMENT, InvestmentCategory.TOOLS),
    eligibility_rules=(),
    opens_at=NOW,
    closes_at=NOW + timedelta(days=30),
    quorum=3,
    review_phases=(ReviewPhase("blind", True), ReviewPhase("panel", False)),
    ranking_method=RankingMethod.MEAN,
    disagreement_threshold=Decimal("15"),
)


def terms(**changes: Any) -> CallTerms:
    return replace(TERMS, **changes)


def new_call(**changes: Any) -> SeedCapitalCall:
    return SeedCapitalCall(owner_partner_id=None, terms=terms(**changes), criteria=CRITERIA, now=NOW)


def rubric() -> Rubric:
    return Rubric(1, CRITERIA)


def snapshot(lines: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """An idea's snapshot with these (category, total, own contribution) lines."""
    lines = lines if lines is not None else [("equipment", "1500.00", "300.00")]
    plan = [
        {
            "description": f"line {index}",
            "category": category,
            "quantity": "1.00",
            "unit_cost": total,
            "own_contribution": own,
            "total": total,
            "requested": str(Decimal(total) - Decimal(own)),
        }
        for index, (category, total, own) in enumerate(lines)
    ]
    requested = sum((Decimal(line["requested"]) for line in plan), Decimal("0.00"))
    return {
        "id": "0190a8a0-0000-7000-8000-0000000000aa",
        "version": 3,
        "name": "Panadería La Esperanza",
        "investment_plan": plan,
        "requested": str(requested),
    }
