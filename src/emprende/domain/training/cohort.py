"""Cohorts: one edition of training — its curriculum, modality, place, dates, capacity, enrolment window, eligibility
and completion criteria — and the seats it hands out.

A cohort counts the seats it has handed out (`seats_taken`: people enrolled, offered a seat or through the course)
and numbers the people who wait (`queue_tail`); the database holds `seats_taken <= capacity` as a constraint too.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from emprende.domain.participants.places import check_residence
from emprende.domain.shared.errors import Conflict, InvalidInput, RuleChecks
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id
from emprende.domain.training.completion import DEFAULT_CRITERIA, CompletionCriteria, parse_criteria
from emprende.domain.training.eligibility import EligibilityRule, parse_rules
from emprende.domain.training.module import Modality

MAX_NAME = 200
MAX_ADDRESS = 300
MAX_CURRICULUM = 30
MAX_CAPACITY = 10_000
MAX_OFFER_HOURS = 24 * 30
MAX_DURATION = timedelta(days=3 * 366)


class CohortStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


# Where each status may go next.
_NEXT: dict[CohortStatus, frozenset[CohortStatus]] = {
    CohortStatus.DRAFT: frozenset({CohortStatus.OPEN, CohortStatus.CANCELLED}),
    CohortStatus.OPEN: frozenset({CohortStatus.RUNNING, CohortStatus.CANCELLED}),
    CohortStatus.RUNNING: frozenset({CohortStatus.FINISHED, CohortStatus.CANCELLED}),
    CohortStatus.FINISHED: frozenset(),
    CohortStatus.CANCELLED: frozenset(),
}


class CohortStateConflict(Conflict):
    code = "cohort_state"


class CohortCancelled(Conflict):
    code = "cohort_cancelled"


class EnrolmentClosed(Conflict):
    code = "enrolment_closed"


class CapacityBelowSeats(Conflict):
    code = "capacity_below_seats"


@dataclass(frozen=True, slots=True)
class CurriculumItem:
    """A module version the cohort teaches, in the curriculum's order."""

    module_id: uuid.UUID
    version: int


@dataclass(frozen=True, slots=True)
class CohortPlan:
    """What staff set on a cohort: everything but its state and its seats."""

    name: str
    curriculum: tuple[CurriculumItem, ...]
    modality: Modality
    province_code: str | None
    canton_code: str | None
    address: str | None
    start_date: date
    end_date: date
    capacity: int
    enrolment_opens_on: date
    enrolment_closes_on: date
    offer_hours: int
    eligibility_rules: tuple[EligibilityRule, ...]
    completion_criteria: CompletionCriteria = DEFAULT_CRITERIA


def _name(value: str, field: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > limit:
        raise InvalidInput("{field} must have 1 to {limit} characters", field=field, limit=limit)
    return cleaned


def check_plan(plan: CohortPlan) -> CohortPlan:
    """The plan tidied, or every broken rule at once (module versions are checked by the use case)."""
    checks = RuleChecks()
    name = checks.check(lambda: _name(plan.name, "name", MAX_NAME), plan.name)
    if not plan.curriculum or len(plan.curriculum) > MAX_CURRICULUM:
        checks.issues.append(
            InvalidInput("a curriculum has 1 to {limit} modules", field="curriculum", limit=MAX_CURRICULUM)
        )
    if len({item.module_id for item in plan.curriculum}) != len(plan.curriculum):
        checks.issues.append(InvalidInput("a module is taught once per cohort", field="curriculum"))
    address = plan.address
    if plan.modality is Modality.VIRTUAL:
        if plan.province_code or plan.canton_code or plan.address:
            checks.issues.append(InvalidInput("a virtual cohort has no place", field="province_code"))
    else:
        if not plan.province_code or not plan.canton_code or not plan.address:
            checks.issues.append(
                InvalidInput("an in-person or blended cohort gives province, canton and address", field="address")
            )
        else:
            nowhere: tuple[str | None, str | None] = (None, None)
            checks.check(lambda: check_residence(plan.province_code, plan.canton_code), nowhere)
            address = checks.check(lambda: _name(plan.address or "", "address", MAX_ADDRESS), plan.address)
    if plan.end_date < plan.start_date or plan.end_date - plan.start_date > MAX_DURATION:
        checks.issues.append(InvalidInput("a cohort ends on or after its start, within three years", field="end_date"))
    if not 1 <= plan.capacity <= MAX_CAPACITY:
        checks.issues.append(InvalidInput("capacity goes from 1 to {limit}", field="capacity", limit=MAX_CAPACITY))
    if plan.enrolment_closes_on < plan.enrolment_opens_on:
        checks.issues.append(InvalidInput("enrolment closes on or after it opens", field="enrolment_closes_on"))
    if plan.enrolment_opens_on > plan.end_date or plan.enrolment_closes_on > plan.end_date:
        checks.issues.append(InvalidInput("enrolment closes by the cohort's end", field="enrolment_closes_on"))
    if not 1 <= plan.offer_hours <= MAX_OFFER_HOURS:
        checks.issues.append(
            InvalidInput("an offer lasts 1 to {limit} hours", field="offer_hours", limit=MAX_OFFER_HOURS)
        )
    checks.raise_broken()
    return CohortPlan(
        name=name,
        curriculum=plan.curriculum,
        modality=plan.modality,
        province_code=plan.province_code,
        canton_code=plan.canton_code,
        address=address if plan.modality is not Modality.VIRTUAL else None,
        start_date=plan.start_date,
        end_date=plan.end_date,
        capacity=plan.capacity,
        enrolment_opens_on=plan.enrolment_opens_on,
        enrolment_closes_on=plan.enrolment_closes_on,
        offer_hours=plan.offer_hours,
        eligibility_rules=plan.eligibility_rules,
        completion_criteria=plan.completion_criteria,
    )


def rules_data(rules: Sequence[EligibilityRule]) -> list[dict[str, Any]]:
    return [rule.to_data() for rule in rules]


class Cohort(Aggregate):
    """One edition of training, run by one partner holding `training_delivery`."""

    id: uuid.UUID
    partner_id: uuid.UUID
    name: str
    curriculum: Sequence[CurriculumItem]
    modality: Modality
    province_code: str | None
    canton_code: str | None
    address: str | None
    start_date: date
    end_date: date
    capacity: int
    enrolment_opens_on: date
    enrolment_closes_on: date
    offer_hours: int
    eligibility: list[dict[str, Any]]
    """The eligibility rules as data (`parse_rules` reads them)."""
    eligibility_version: int
    completion: dict[str, Any]
    """The completion criteria as data (`parse_criteria` reads them)."""
    status: CohortStatus
    seats_taken: int
    queue_tail: int
    created_at: datetime
    created_by: uuid.UUID | None
    updated_at: datetime
    version: int

    def __init__(self, *, partner_id: uuid.UUID, plan: CohortPlan, now: datetime, by: uuid.UUID | None) -> None:
        self.id = new_id()
        self.partner_id = partner_id
        self.status = CohortStatus.DRAFT
        self.seats_taken = 0
        self.queue_tail = 0
        self.eligibility_version = 0
        self.eligibility = []
        self.created_at = self.updated_at = now
        self.version = 1
        self.created_by = by
        self._apply(check_plan(plan))
        self.record(DomainEvent("cohort.created", "cohort", self.id, {"partner_id": str(partner_id)}))

    # -- the plan ------------------------------------------------------------------------------------------------
    @property
    def plan(self) -> CohortPlan:
        return CohortPlan(
            name=self.name,
            curriculum=tuple(self.curriculum),
            modality=self.modality,
            province_code=self.province_code,
            canton_code=self.canton_code,
            address=self.address,
            start_date=self.start_date,
            end_date=self.end_date,
            capacity=self.capacity,
            enrolment_opens_on=self.enrolment_opens_on,
            enrolment_closes_on=self.enrolment_closes_on,
            offer_hours=self.offer_hours,
            eligibility_rules=self.eligibility_rules,
            completion_criteria=self.completion_criteria,
        )

    @property
    def eligibility_rules(self) -> tuple[EligibilityRule, ...]:
        return parse_rules(self.eligibility)

    @property
    def completion_criteria(self) -> CompletionCriteria:
        return parse_criteria(self.completion)

    def _apply(self, plan: CohortPlan) -> None:
        self.name = plan.name
        self.curriculum = list(plan.curriculum)
        self.modality = plan.modality
        self.province_code = plan.province_code
        self.canton_code = plan.canton_code
        self.address = plan.address
        self.start_date = plan.start_date
        self.end_date = plan.end_date
        self.capacity = plan.capacity
        self.enrolment_opens_on = plan.enrolment_opens_on
        self.enrolment_closes_on = plan.enrolment_closes_on
        self.offer_hours = plan.offer_hours
        rules = rules_data(plan.eligibility_rules)
        if rules != self.eligibility:
            self.eligibility = rules
            self.eligibility_version += 1
        self.completion = plan.completion_criteria.to_data()

    def replan(self, plan: CohortPlan, now: datetime) -> int:
        """Change the plan: all of it while a draft; later, not the curriculum nor the modality, and never once
        finished or cancelled. Returns how many seats a raised capacity freed."""
        if self.status in (CohortStatus.FINISHED, CohortStatus.CANCELLED):
            raise CohortStateConflict("a {status} cohort cannot change", status=self.status.value)
        plan = check_plan(plan)
        if self.status is not CohortStatus.DRAFT and (
            tuple(plan.curriculum) != tuple(self.curriculum) or plan.modality is not self.modality
        ):
            raise CohortStateConflict("the curriculum and modality are fixed once enrolment opens")
        if plan.capacity < self.seats_taken:
            raise CapacityBelowSeats(
                "{seats} seats are already taken: capacity cannot go below them", seats=self.seats_taken
            )
        freed = max(0, plan.capacity - self.capacity)
        self._apply(plan)
        self.updated_at = now
        return freed

    # -- the state -------------------------------------------------------------------------------------------------
    def move_to(self, status: CohortStatus, now: datetime) -> None:
        if status not in _NEXT[self.status]:
            raise CohortStateConflict(
                "a {current} cohort cannot become {status}", current=self.status.value, status=status.value
            )
        self.status = status
        self.updated_at = now
        names = {
            CohortStatus.OPEN: "cohort.opened",
            CohortStatus.RUNNING: "cohort.started",
            CohortStatus.FINISHED: "cohort.finished",
            CohortStatus.CANCELLED: "cohort.cancelled",
        }
        self.record(DomainEvent(names[status], "cohort", self.id, {"partner_id": str(self.partner_id)}))

    def check_enrolment_open(self, today: date) -> None:
        """Enrolment runs while the cohort is open or running, within its window."""
        if self.status is CohortStatus.CANCELLED:
            raise CohortCancelled("this cohort was cancelled")
        if self.status not in (CohortStatus.OPEN, CohortStatus.RUNNING):
            raise EnrolmentClosed("this cohort is not taking enrolments ({status})", status=self.status.value)
        if not self.enrolment_opens_on <= today <= self.enrolment_closes_on:
            raise EnrolmentClosed(
                "enrolment runs from {opens} to {closes}",
                opens=self.enrolment_opens_on.isoformat(),
                closes=self.enrolment_closes_on.isoformat(),
            )

    def check_active(self) -> None:
        """Seats move only while the cohort has not ended."""
        if self.status is CohortStatus.CANCELLED:
            raise CohortCancelled("this cohort was cancelled")
        if self.status is CohortStatus.FINISHED:
            raise CohortStateConflict("a {status} cohort cannot change", status=self.status.value)

    # -- seats -----------------------------------------------------------------------------------------------------
    @property
    def free_seats(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    def take_seat(self) -> bool:
        """Take a seat if one is free."""
        if self.seats_taken >= self.capacity:
            return False
        self.seats_taken += 1
        return True

    def release_seat(self) -> None:
        if self.seats_taken <= 0:
            raise RuntimeError("no seat to release")  # a bug: every release follows a take
        self.seats_taken -= 1

    def next_in_queue(self) -> int:
        """The number of the next person to wait: the back of the queue."""
        self.queue_tail += 1
        return self.queue_tail

    def offer_expires_at(self, now: datetime) -> datetime:
        return now + timedelta(hours=self.offer_hours)

    def summary(self) -> Mapping[str, object]:
        return {"id": str(self.id), "status": self.status.value, "seats_taken": self.seats_taken}
