"""Probable duplicates: pairs of participants queued for a person to review."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from emprende.domain.shared.errors import Conflict
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id


class CandidateStatus(StrEnum):
    OPEN = "open"
    DISTINCT = "distinct"
    MERGED = "merged"


class CandidateAlreadyReviewed(Conflict):
    code = "candidate_reviewed"


class DuplicateCandidate(Aggregate):
    """Two records that may be the same person, with why and how similar their names are (0 to 100)."""

    id: uuid.UUID
    participant_id: uuid.UUID
    other_id: uuid.UUID
    reasons: frozenset[str]
    similarity: int
    status: CandidateStatus
    created_at: datetime
    reviewed_at: datetime | None
    reviewed_by: uuid.UUID | None
    version: int

    def __init__(
        self,
        *,
        participant_id: uuid.UUID,
        other_id: uuid.UUID,
        reasons: frozenset[str],
        similarity: float,
        now: datetime,
    ) -> None:
        self.id = new_id()
        self.participant_id = participant_id
        self.other_id = other_id
        self.reasons = reasons
        self.similarity = round(similarity)
        self.status = CandidateStatus.OPEN
        self.created_at = now
        self.reviewed_at = None
        self.reviewed_by = None
        self.version = 1

    def _review(self, status: CandidateStatus, reviewer: uuid.UUID | None, now: datetime) -> None:
        if self.status is not CandidateStatus.OPEN:
            raise CandidateAlreadyReviewed("this pair was already marked {status}", status=self.status.value)
        self.status = status
        self.reviewed_at = now
        self.reviewed_by = reviewer
        self.record(DomainEvent(f"duplicate.{status.value}", "duplicate_candidate", self.id))

    def mark_distinct(self, reviewer: uuid.UUID | None, now: datetime) -> None:
        self._review(CandidateStatus.DISTINCT, reviewer, now)

    def mark_merged(self, reviewer: uuid.UUID | None, now: datetime) -> None:
        self._review(CandidateStatus.MERGED, reviewer, now)
