"""Column types of the ideas area: the canvas, the team and the investment plan, as JSON (JSONB on PostgreSQL)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Dialect, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

from emprende.domain.ideas.canvas import Canvas
from emprende.domain.ideas.plan import InvestmentPlan


class _Json(TypeDecorator[Any]):
    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())


class CanvasBlocks(_Json):
    """The nine blocks by name."""

    cache_ok = True

    def process_bind_param(self, value: Canvas | None, dialect: Dialect) -> Any:
        return None if value is None else value.blocks()

    def process_result_value(self, value: Any, dialect: Dialect) -> Canvas | None:
        return None if value is None else Canvas(**value)


class MemberList(_Json):
    """The team's other members, in order, as a JSON array of ids."""

    cache_ok = True

    def process_bind_param(self, value: tuple[uuid.UUID, ...] | None, dialect: Dialect) -> Any:
        return None if value is None else [str(member) for member in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[uuid.UUID, ...] | None:
        return None if value is None else tuple(uuid.UUID(member) for member in value)


class PlanLines(_Json):
    """The plan's lines with their amounts as two-decimal strings (exact, as the snapshot writes them)."""

    cache_ok = True

    def process_bind_param(self, value: InvestmentPlan | None, dialect: Dialect) -> Any:
        return None if value is None else value.snapshot()

    def process_result_value(self, value: Any, dialect: Dialect) -> InvestmentPlan | None:
        return None if value is None else InvestmentPlan.from_snapshot(value)
