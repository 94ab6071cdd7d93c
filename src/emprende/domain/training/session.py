"""A cohort's sessions: when each meets, for how long, which module it teaches and who facilitates it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from emprende.domain.shared.errors import InvalidInput, RuleChecks
from emprende.domain.shared.events import Aggregate
from emprende.domain.shared.ids import new_id

MIN_MINUTES = 15
MAX_MINUTES = 12 * 60
MAX_SESSIONS = 500


@dataclass(frozen=True, slots=True)
class SessionPlan:
    on: date
    starts_at: time
    duration_minutes: int
    module_id: uuid.UUID
    facilitator_id: uuid.UUID | None


def check_session(plan: SessionPlan, *, start: date, end: date, modules: frozenset[uuid.UUID]) -> SessionPlan:
    """A session meets within its cohort's dates and teaches one of its modules."""
    checks = RuleChecks()
    if not start <= plan.on <= end:
        checks.issues.append(
            InvalidInput(
                "a session meets within the cohort's dates ({start} to {end})",
                field="on",
                code="session_outside_cohort",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        )
    if not MIN_MINUTES <= plan.duration_minutes <= MAX_MINUTES:
        checks.issues.append(
            InvalidInput(
                "a session lasts {low} to {high} minutes", field="duration_minutes", low=MIN_MINUTES, high=MAX_MINUTES
            )
        )
    if plan.module_id not in modules:
        checks.issues.append(InvalidInput("the module is not in the cohort's curriculum", field="module_id"))
    if plan.starts_at.tzinfo is not None:
        checks.issues.append(InvalidInput("give the local time without an offset", field="starts_at"))
    checks.raise_broken()
    return plan


class CohortSession(Aggregate):
    """One meeting of a cohort."""

    id: uuid.UUID
    cohort_id: uuid.UUID
    on: date
    starts_at: time
    duration_minutes: int
    module_id: uuid.UUID
    facilitator_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    version: int

    def __init__(self, *, cohort_id: uuid.UUID, plan: SessionPlan, now: datetime) -> None:
        self.id = new_id()
        self.cohort_id = cohort_id
        self._apply(plan)
        self.created_at = self.updated_at = now
        self.version = 1

    def _apply(self, plan: SessionPlan) -> None:
        self.on = plan.on
        self.starts_at = plan.starts_at.replace(second=0, microsecond=0)
        self.duration_minutes = plan.duration_minutes
        self.module_id = plan.module_id
        self.facilitator_id = plan.facilitator_id

    def reschedule(self, plan: SessionPlan, now: datetime) -> None:
        self._apply(plan)
        self.updated_at = now
