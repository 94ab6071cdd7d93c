"""Enrolments: a person in a cohort, from the waitlist to completion.

waitlisted → offered → enrolled → completed | not_completed, and withdrawn or dropped on the way. A person waits in
the order they asked (`queue_number`, handed out by the cohort); an offer holds a seat until it expires. One enrolment
per person per cohort: enrolling again after withdrawing reuses it, at the back of the queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from emprende.domain.shared.errors import Conflict, InvalidInput
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.completion import NOT_A_SCORE


class EnrollmentStatus(StrEnum):
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"
    WITHDRAWN = "withdrawn"
    DROPPED = "dropped"


class EndReason(StrEnum):
    WITHDREW = "withdrew"
    OFFER_DECLINED = "offer_declined"
    OFFER_EXPIRED = "offer_expired"
    COHORT_CANCELLED = "cohort_cancelled"
    DROPPED_OUT = "dropped_out"
    COHORT_FINISHED = "cohort_finished"


SEATED = frozenset({EnrollmentStatus.OFFERED, EnrollmentStatus.ENROLLED})
"""Statuses that hold a seat while the cohort runs (a finished cohort's seats no longer move)."""
ACTIVE = SEATED | {EnrollmentStatus.WAITLISTED}
ENDED = frozenset({EnrollmentStatus.WITHDRAWN, EnrollmentStatus.DROPPED})
CONCLUDABLE = frozenset({EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED})
"""People whose completion is judged: those who took their seat."""


class AlreadyEnrolled(Conflict):
    code = "already_enrolled"


class EnrollmentStateConflict(Conflict):
    code = "enrollment_state"


class Enrollment(Aggregate):
    """A person's place in a cohort."""

    id: uuid.UUID
    cohort_id: uuid.UUID
    participant_id: uuid.UUID
    partner_id: uuid.UUID
    """The cohort's delivering partner (whose staff manage the enrolment)."""
    status: EnrollmentStatus
    queue_number: int | None
    """Place in the cohort's queue while waiting (lower waits less); kept afterwards as a record."""
    requested_at: datetime
    offered_at: datetime | None
    offer_expires_at: datetime | None
    enrolled_at: datetime | None
    ended_at: datetime | None
    end_reason: EndReason | None
    assessment_score: Decimal | None
    completion: dict[str, Any] | None
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    version: int

    def __init__(self, *, cohort: Cohort, participant_id: uuid.UUID, now: datetime, by: uuid.UUID | None) -> None:
        self.id = new_id()
        self.cohort_id = cohort.id
        self.participant_id = participant_id
        self.partner_id = cohort.partner_id
        self.queue_number = None
        self.offered_at = self.offer_expires_at = self.enrolled_at = self.ended_at = None
        self.end_reason = None
        self.assessment_score = None
        self.completion = None
        self.created_by = by
        self.created_at = now
        self.version = 1
        self._arrive(cohort, now)

    def _event(self, name: str, **payload: object) -> None:
        self.record(
            DomainEvent(
                f"enrollment.{name}",
                "enrollment",
                self.id,
                {"cohort_id": str(self.cohort_id), "participant_id": str(self.participant_id), **payload},
            )
        )

    def _arrive(self, cohort: Cohort, now: datetime) -> None:
        """Take a free seat, or wait at the back of the queue."""
        self.requested_at = self.updated_at = now
        self.ended_at = None
        self.end_reason = None
        self.offered_at = self.offer_expires_at = None
        if cohort.take_seat():
            self.status = EnrollmentStatus.ENROLLED
            self.enrolled_at = now
            self.queue_number = None
            self._event("enrolled")
        else:
            self.status = EnrollmentStatus.WAITLISTED
            self.queue_number = cohort.next_in_queue()
            self._event("waitlisted", queue_number=self.queue_number)

    def enrol_again(self, cohort: Cohort, now: datetime) -> None:
        """Enrol after withdrawing: at the back of the queue, as anyone arriving now."""
        if self.status not in ENDED:
            raise AlreadyEnrolled("this person is already in this cohort ({status})", status=self.status.value)
        self.enrolled_at = None
        self._arrive(cohort, now)

    def offer(self, cohort: Cohort, now: datetime) -> None:
        """A freed seat goes to this person (the first waiting), held for the cohort's offer time."""
        if self.status is not EnrollmentStatus.WAITLISTED or not cohort.take_seat():
            raise RuntimeError("only a waiting person is offered a free seat")  # the use case picks them
        self.status = EnrollmentStatus.OFFERED
        self.offered_at = self.updated_at = now
        self.offer_expires_at = cohort.offer_expires_at(now)
        self._event("offered", expires_at=self.offer_expires_at.isoformat())

    def accept(self, now: datetime) -> None:
        self._require(EnrollmentStatus.OFFERED, "accept")
        if self.offer_expires_at is not None and now >= self.offer_expires_at:
            raise EnrollmentStateConflict("this offer expired")
        self.status = EnrollmentStatus.ENROLLED
        self.enrolled_at = self.updated_at = now
        self._event("enrolled", from_offer=True)

    def decline(self, cohort: Cohort, now: datetime) -> None:
        self._require(EnrollmentStatus.OFFERED, "decline")
        self._end(cohort, EnrollmentStatus.WITHDRAWN, EndReason.OFFER_DECLINED, now, "offer_declined")

    def expire(self, cohort: Cohort, now: datetime) -> None:
        self._require(EnrollmentStatus.OFFERED, "expire")
        self._end(cohort, EnrollmentStatus.WITHDRAWN, EndReason.OFFER_EXPIRED, now, "offer_expired")

    def offer_lapsed(self, now: datetime) -> bool:
        return (
            self.status is EnrollmentStatus.OFFERED
            and self.offer_expires_at is not None
            and now >= self.offer_expires_at
        )

    def withdraw(self, cohort: Cohort, now: datetime, reason: EndReason = EndReason.WITHDREW) -> None:
        """Leave the cohort or the queue (the person's choice, or the cohort's cancellation)."""
        if self.status not in ACTIVE:
            raise EnrollmentStateConflict("a {status} enrolment cannot be withdrawn", status=self.status.value)
        self._end(cohort, EnrollmentStatus.WITHDRAWN, reason, now, "withdrawn")

    def drop(self, cohort: Cohort, now: datetime) -> None:
        """Staff record that an enrolled person stopped coming."""
        self._require(EnrollmentStatus.ENROLLED, "drop")
        self._end(cohort, EnrollmentStatus.DROPPED, EndReason.DROPPED_OUT, now, "dropped")

    def _end(self, cohort: Cohort, status: EnrollmentStatus, reason: EndReason, now: datetime, event: str) -> None:
        if self.status in SEATED:
            cohort.release_seat()
        self.status = status
        self.end_reason = reason
        self.ended_at = self.updated_at = now
        self.offer_expires_at = None
        self._event(event, reason=reason.value)

    def _require(self, status: EnrollmentStatus, action: str) -> None:
        if self.status is not status:
            raise EnrollmentStateConflict(
                "only a {required} enrolment can {action} (this one is {status})",
                required=status.value,
                action=action,
                status=self.status.value,
            )

    def record_score(self, score: Decimal, now: datetime) -> None:
        """The person's final assessment score, 0 to 100 with at most two decimals."""
        if self.status not in CONCLUDABLE:
            raise EnrollmentStateConflict("only an enrolled person has a final assessment score")
        if not Decimal(0) <= score <= Decimal(100) or score != score.quantize(Decimal("0.01")):
            raise InvalidInput(NOT_A_SCORE, field="score")
        self.assessment_score = score
        self.updated_at = now

    def conclude(self, completion: dict[str, Any], completed: bool, now: datetime) -> None:
        """Record the completion result of an enrolled person."""
        if self.status not in CONCLUDABLE:
            raise EnrollmentStateConflict("only an enrolled person completes a cohort")
        before = self.status
        self.status = EnrollmentStatus.COMPLETED if completed else EnrollmentStatus.NOT_COMPLETED
        self.completion = completion
        self.updated_at = now
        if self.status is not before:
            self._event("completed" if completed else "not_completed")
