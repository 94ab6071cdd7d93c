"""The seed-capital call: its terms and rubric, and its course — draft, open for applications, in review (through
its phases), review closed (scores frozen) or cancelled."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from emprende.domain.calls.rubric import RUBRIC_FROZEN, Criterion, Rubric, RubricFrozen, check_criteria
from emprende.domain.calls.terms import CallTerms, ReviewPhase, check_terms
from emprende.domain.shared.errors import Conflict
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id


class CallStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IN_REVIEW = "in_review"
    REVIEW_CLOSED = "review_closed"
    CANCELLED = "cancelled"


_NEXT: dict[CallStatus, frozenset[CallStatus]] = {
    CallStatus.DRAFT: frozenset({CallStatus.OPEN, CallStatus.CANCELLED}),
    CallStatus.OPEN: frozenset({CallStatus.IN_REVIEW, CallStatus.CANCELLED}),
    CallStatus.IN_REVIEW: frozenset({CallStatus.REVIEW_CLOSED, CallStatus.CANCELLED}),
    CallStatus.REVIEW_CLOSED: frozenset(),
    CallStatus.CANCELLED: frozenset(),
}

CALL_STATE = "a call that is {status} cannot {action}"
WINDOW_NOT_OVER = "the review starts once applications have closed"
OUTSIDE_WINDOW = "the call takes applications from {opens_at} to {closes_at}"
NOT_IN_REVIEW = "the call's review is not under way ({status})"
LAST_PHASE = "the review is in its last phase"

TEMPLATES: tuple[str, ...] = (CALL_STATE, WINDOW_NOT_OVER, OUTSIDE_WINDOW, NOT_IN_REVIEW, LAST_PHASE, RUBRIC_FROZEN)


class CallStateConflict(Conflict):
    code = "call_state"


class ApplicationWindowClosed(Conflict):
    code = "application_window_closed"


class ReviewNotOpen(Conflict):
    code = "review_not_open"


class SeedCapitalCall(Aggregate):
    """A funding round of a partner holding `funding` (or of the operator)."""

    id: uuid.UUID
    owner_partner_id: uuid.UUID | None
    terms: CallTerms
    rubric: Rubric
    rubric_frozen: bool
    status: CallStatus
    phase: int
    """Which of the terms' review phases is under way (from 0); meaningful in review."""
    created_at: datetime
    updated_at: datetime
    version: int

    def __init__(
        self,
        *,
        owner_partner_id: uuid.UUID | None,
        terms: CallTerms,
        criteria: Sequence[Criterion],
        now: datetime,
    ) -> None:
        self.id = new_id()
        self.owner_partner_id = owner_partner_id
        self.terms = check_terms(terms)
        self.rubric = Rubric(1, check_criteria(criteria))
        self.rubric_frozen = False
        self.status = CallStatus.DRAFT
        self.phase = 0
        self.created_at = self.updated_at = now
        self.version = 1
        self._event("seed_capital_call.created")

    def _event(self, name: str, **payload: object) -> None:
        self.record(DomainEvent(name, "seed_capital_call", self.id, {"call_id": str(self.id), **payload}))

    def _touch(self, now: datetime) -> None:
        self.updated_at = now

    def _require(self, *statuses: CallStatus, action: str) -> None:
        if self.status not in statuses:
            raise CallStateConflict(CALL_STATE, status=self.status.value, action=action)

    @property
    def review_phase(self) -> ReviewPhase:
        return self.terms.review_phases[min(self.phase, len(self.terms.review_phases) - 1)]

    @property
    def blind(self) -> bool:
        """Whether evaluators see only the idea right now: the phase under way, or the first one before the review
        starts."""
        return self.review_phase.blind

    def revise(self, terms: CallTerms, now: datetime) -> None:
        """New terms, while the call is a draft."""
        self._require(CallStatus.DRAFT, action="change its terms")
        self.terms = check_terms(terms)
        self._touch(now)
        self._event("seed_capital_call.revised")

    def set_rubric(self, criteria: Sequence[Criterion], now: datetime) -> None:
        """A new version of the rubric, until the first score is given."""
        if self.rubric_frozen:
            raise RubricFrozen(RUBRIC_FROZEN)
        self._require(CallStatus.DRAFT, CallStatus.OPEN, CallStatus.IN_REVIEW, action="change its rubric")
        self.rubric = Rubric(self.rubric.version + 1, check_criteria(criteria))
        self._touch(now)
        self._event("seed_capital_call.rubric_revised", rubric_version=self.rubric.version)

    def freeze_rubric(self, now: datetime) -> None:
        """The first score is being given: the rubric no longer changes."""
        if not self.rubric_frozen:
            self.rubric_frozen = True
            self._touch(now)
            self._event("seed_capital_call.rubric_frozen", rubric_version=self.rubric.version)

    def open(self, now: datetime) -> None:
        self._require(CallStatus.DRAFT, action="open")
        self.status = CallStatus.OPEN
        self._touch(now)
        self._event("seed_capital_call.opened")

    def check_accepting(self, now: datetime) -> None:
        """Applications are taken now."""
        self._require(CallStatus.OPEN, action="take applications")
        if not self.terms.opens_at <= now < self.terms.closes_at:
            raise ApplicationWindowClosed(
                OUTSIDE_WINDOW, opens_at=self.terms.opens_at.isoformat(), closes_at=self.terms.closes_at.isoformat()
            )

    def start_review(self, now: datetime) -> None:
        self._require(CallStatus.OPEN, action="start its review")
        if now < self.terms.closes_at:
            raise CallStateConflict(WINDOW_NOT_OVER)
        self.status = CallStatus.IN_REVIEW
        self.phase = 0
        self._touch(now)
        self._event("seed_capital_call.review_started", phase=self.review_phase.name)

    def next_phase(self, now: datetime) -> None:
        self._require(CallStatus.IN_REVIEW, action="move to its next review phase")
        if self.phase + 1 >= len(self.terms.review_phases):
            raise CallStateConflict(LAST_PHASE)
        self.phase += 1
        self._touch(now)
        self._event("seed_capital_call.phase_started", phase=self.review_phase.name)

    def close_review(self, now: datetime) -> None:
        """Scores freeze: nothing is scored or changed after this."""
        self._require(CallStatus.IN_REVIEW, action="close its review")
        self.status = CallStatus.REVIEW_CLOSED
        self._touch(now)
        self._event("seed_capital_call.review_closed")

    def cancel(self, now: datetime) -> None:
        if CallStatus.CANCELLED not in _NEXT[self.status]:
            raise CallStateConflict(CALL_STATE, status=self.status.value, action="be cancelled")
        self.status = CallStatus.CANCELLED
        self._touch(now)
        self._event("seed_capital_call.cancelled")

    def check_reviewing(self) -> None:
        """Scores may be given or changed now."""
        if self.status is not CallStatus.IN_REVIEW:
            raise ReviewNotOpen(NOT_IN_REVIEW, status=self.status.value)
