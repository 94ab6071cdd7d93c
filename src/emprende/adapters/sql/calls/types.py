"""Column types of the calls area: a call's terms and its rubric, stored as JSON documents."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Dialect, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

from emprende.domain.calls.rubric import Rubric
from emprende.domain.calls.terms import CallTerms, Quota, RankingMethod, ReviewPhase
from emprende.domain.ideas.plan import InvestmentCategory
from emprende.domain.training.eligibility import parse_rules


class _Json(TypeDecorator[Any]):
    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())


def terms_data(terms: CallTerms) -> dict[str, Any]:
    return {
        "title": terms.title,
        "description": terms.description,
        "budget": str(terms.budget),
        "ceiling": str(terms.ceiling),
        "floor": str(terms.floor),
        "fundable_categories": [category.value for category in terms.fundable_categories],
        "eligibility_rules": [rule.to_data() for rule in terms.eligibility_rules],
        "opens_at": terms.opens_at.isoformat(),
        "closes_at": terms.closes_at.isoformat(),
        "quorum": terms.quorum,
        "review_phases": [phase.to_data() for phase in terms.review_phases],
        "ranking_method": terms.ranking_method.value,
        "disagreement_threshold": str(terms.disagreement_threshold),
        "quotas": [quota.to_data() for quota in terms.quotas],
    }


def terms_from(data: dict[str, Any]) -> CallTerms:
    return CallTerms(
        title=data["title"],
        description=data["description"],
        budget=Decimal(data["budget"]),
        ceiling=Decimal(data["ceiling"]),
        floor=Decimal(data["floor"]),
        fundable_categories=tuple(InvestmentCategory(value) for value in data["fundable_categories"]),
        eligibility_rules=parse_rules(data["eligibility_rules"]),
        opens_at=datetime.fromisoformat(data["opens_at"]),
        closes_at=datetime.fromisoformat(data["closes_at"]),
        quorum=int(data["quorum"]),
        review_phases=tuple(ReviewPhase(phase["name"], bool(phase["blind"])) for phase in data["review_phases"]),
        ranking_method=RankingMethod(data["ranking_method"]),
        disagreement_threshold=Decimal(data["disagreement_threshold"]),
        quotas=tuple(Quota.from_data(quota) for quota in data["quotas"]),
    )


class TermsDocument(_Json):
    cache_ok = True

    def process_bind_param(self, value: CallTerms | None, dialect: Dialect) -> Any:
        return None if value is None else terms_data(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> CallTerms | None:
        return None if value is None else terms_from(value)


class RubricDocument(_Json):
    cache_ok = True

    def process_bind_param(self, value: Rubric | None, dialect: Dialect) -> Any:
        return None if value is None else {"version": value.version, "criteria": value.to_data()}

    def process_result_value(self, value: Any, dialect: Dialect) -> Rubric | None:
        return None if value is None else Rubric.from_data(int(value["version"]), value["criteria"])
