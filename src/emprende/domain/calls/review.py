"""A review: one evaluator's scores and comments for one application, on the rubric version in force when they
began. Saved as a draft as often as needed, then submitted once; its weighted total is kept for the ranking."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from emprende.domain.calls.rubric import Rubric
from emprende.domain.shared.errors import Conflict, InvalidInput, RuleChecks
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_COMMENT = 2_000

UNKNOWN_CRITERION = "the rubric has no criterion with this key"
OFF_SCALE = "a score of this criterion is a whole number from {lower} to {upper}"
COMMENT_LENGTH = "a comment has at most {limit} characters"
UNSCORED = "every criterion is scored, with a comment, before the review is submitted"
SUBMITTED = "the review was submitted and no longer changes"

TEMPLATES: tuple[str, ...] = (UNKNOWN_CRITERION, OFF_SCALE, COMMENT_LENGTH, UNSCORED, SUBMITTED)


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ReviewSubmitted(Conflict):
    code = "review_submitted"


@dataclass(frozen=True, slots=True)
class CriterionScore:
    score: int | None
    comment: str

    def to_data(self) -> dict[str, Any]:
        return {"score": self.score, "comment": self.comment}


class Review(Aggregate):
    id: uuid.UUID
    call_id: uuid.UUID
    application_id: uuid.UUID
    evaluator_id: uuid.UUID
    rubric_version: int
    scores: dict[str, dict[str, Any]]
    """Each criterion's key: its score (or None while a draft) and comment."""
    status: ReviewStatus
    total: float | None
    """The weighted total on 0 to 100, once submitted."""
    saved_at: datetime
    submitted_at: datetime | None
    version: int

    def __init__(
        self, *, call_id: uuid.UUID, application_id: uuid.UUID, evaluator_id: uuid.UUID, rubric: Rubric, now: datetime
    ) -> None:
        self.id = new_id()
        self.call_id = call_id
        self.application_id = application_id
        self.evaluator_id = evaluator_id
        self.rubric_version = rubric.version
        self.scores = {}
        self.status = ReviewStatus.DRAFT
        self.total = None
        self.saved_at = now
        self.submitted_at = None
        self.version = 1

    def _event(self, name: str, **payload: object) -> None:
        self.record(
            DomainEvent(
                name,
                "review",
                self.id,
                {"review_id": str(self.id), "call_id": str(self.call_id), "application_id": str(self.application_id)}
                | payload,
            )
        )

    def save(self, rubric: Rubric, scores: Mapping[str, CriterionScore], now: datetime) -> None:
        """Replace the given criteria's scores and comments (others are kept), checked against the rubric."""
        if self.status is ReviewStatus.SUBMITTED:
            raise ReviewSubmitted(SUBMITTED)
        checks = RuleChecks()
        for key, given in scores.items():
            field = f"scores.{key}" if key.isidentifier() and len(key) <= 40 else "scores"
            criterion = rubric.criterion(key)
            if criterion is None:
                checks.issues.append(InvalidInput(UNKNOWN_CRITERION, field=field, code="unknown_criterion"))
                continue
            if given.score is not None and not criterion.scale_min <= given.score <= criterion.scale_max:
                checks.issues.append(
                    InvalidInput(
                        OFF_SCALE,
                        field=f"{field}.score",
                        code="score_off_scale",
                        lower=criterion.scale_min,
                        upper=criterion.scale_max,
                    )
                )
            if len(given.comment.strip()) > MAX_COMMENT:
                checks.issues.append(InvalidInput(COMMENT_LENGTH, field=f"{field}.comment", limit=MAX_COMMENT))
        checks.raise_broken()
        # A new mapping, not one changed in place: the stored document is replaced as a whole.
        self.scores = self.scores | {
            key: CriterionScore(given.score, given.comment.strip()).to_data() for key, given in scores.items()
        }
        self.rubric_version = rubric.version
        self.saved_at = now
        self._event("review.saved")

    def submit(self, rubric: Rubric, now: datetime) -> None:
        if self.status is ReviewStatus.SUBMITTED:
            raise ReviewSubmitted(SUBMITTED)
        missing = [
            criterion.key
            for criterion in rubric.criteria
            if (entry := self.scores.get(criterion.key)) is None or entry["score"] is None or not entry["comment"]
        ]
        if missing:
            raise InvalidInput(UNSCORED, field=f"scores.{missing[0]}", code="review_incomplete")
        self.total = rubric.weighted_total({key: entry["score"] for key, entry in self.scores.items()})
        self.status = ReviewStatus.SUBMITTED
        self.submitted_at = now
        self._event("review.submitted")
