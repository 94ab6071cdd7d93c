"""Cooperation agreements: the framework for action. What a partner may do follows from an active agreement."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from emprende.domain.shared.errors import Conflict, InvalidInput, PermissionDenied
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_CODE = 64
MAX_TITLE = 300
MAX_REASON = 1000
MAX_DOCUMENT_REFERENCE = 500


class AgreementRole(StrEnum):
    TRAINING_DELIVERY = "training_delivery"
    CONTENT_AUTHORING = "content_authoring"
    EVALUATION = "evaluation"
    FUNDING = "funding"
    REFERRAL = "referral"


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class AgreementRequired(PermissionDenied):
    """The partner has no active cooperation agreement granting the role for that date."""

    code = "agreement_required"


class AgreementCodeTaken(Conflict):
    code = "agreement_code_taken"


class AgreementNotAmendable(Conflict):
    code = "agreement_not_amendable"


def _text(value: str, field: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > limit:
        raise InvalidInput("{field} must have 1 to {limit} characters", field=field, limit=limit)
    return cleaned


@dataclass(frozen=True, slots=True)
class Amendment:
    """A change to an agreement, kept as history: never overwritten."""

    number: int
    effective_from: date
    reason: str
    roles_added: frozenset[AgreementRole]
    roles_removed: frozenset[AgreementRole]
    new_end_date: date | None
    recorded_at: datetime
    recorded_by: uuid.UUID | None


class CooperationAgreement(Aggregate):
    """An agreement granting a partner roles for a period, amended over time, possibly terminated early."""

    id: uuid.UUID
    partner_id: uuid.UUID
    code: str
    title: str
    roles: frozenset[AgreementRole]
    start_date: date
    end_date: date
    current_end_date: date
    """The end date after amendments; `end_date` stays as originally agreed."""
    data_sharing: bool
    document_reference: str | None
    is_draft: bool
    terminated_on: date | None
    termination_reason: str | None
    amendments: list[Amendment]
    created_at: datetime
    updated_at: datetime
    version: int

    def __init__(
        self,
        *,
        partner_id: uuid.UUID,
        code: str,
        title: str,
        roles: Iterable[AgreementRole],
        start_date: date,
        end_date: date,
        data_sharing: bool,
        now: datetime,
        document_reference: str | None = None,
    ) -> None:
        self.id = new_id()
        self.partner_id = partner_id
        self.code = _text(code, "code", MAX_CODE).upper()
        self.title = _text(title, "title", MAX_TITLE)
        self.roles = frozenset(roles)
        if not self.roles:
            raise InvalidInput("an agreement grants at least one role", field="roles")
        if end_date < start_date:
            raise InvalidInput("the end date is before the start date", field="end_date", code="invalid_period")
        self.start_date = start_date
        self.end_date = end_date
        self.current_end_date = end_date
        self.data_sharing = data_sharing
        self.document_reference = (
            _text(document_reference, "document_reference", MAX_DOCUMENT_REFERENCE) if document_reference else None
        )
        self.is_draft = True
        self.terminated_on = None
        self.termination_reason = None
        self.amendments = []
        self.created_at = now
        self.updated_at = now
        self.version = 1
        self.record(DomainEvent("agreement.created", "agreement", self.id, {"partner_id": str(partner_id)}))

    def status_on(self, day: date) -> AgreementStatus:
        if self.terminated_on is not None and day >= self.terminated_on:
            return AgreementStatus.TERMINATED
        if self.is_draft:
            return AgreementStatus.DRAFT
        if day > self.current_end_date:
            return AgreementStatus.EXPIRED
        return AgreementStatus.ACTIVE

    def roles_on(self, day: date) -> frozenset[AgreementRole]:
        roles = set(self.roles)
        for amendment in self.amendments:
            if amendment.effective_from <= day:
                roles |= amendment.roles_added
                roles -= amendment.roles_removed
        return frozenset(roles)

    def in_force(self, day: date) -> bool:
        """Active and within its (amended) period on `day`."""
        return self.status_on(day) is AgreementStatus.ACTIVE and self.start_date <= day <= self.current_end_date

    def grants(self, role: AgreementRole, day: date) -> bool:
        """Does this agreement let its partner act in `role` on `day`?"""
        return self.in_force(day) and role in self.roles_on(day)

    def activate(self, now: datetime) -> None:
        if not self.is_draft:
            raise AgreementNotAmendable("only a draft agreement can be activated")
        self.is_draft = False
        self.updated_at = now
        self.record(DomainEvent("agreement.activated", "agreement", self.id))

    def terminate(self, reason: str, on: date, now: datetime) -> None:
        if self.terminated_on is not None:
            raise AgreementNotAmendable("the agreement is already terminated")
        if on < self.start_date:
            raise InvalidInput("termination before the agreement starts", field="terminated_on")
        self.termination_reason = _text(reason, "reason", MAX_REASON)
        self.terminated_on = on
        self.updated_at = now
        self.record(DomainEvent("agreement.terminated", "agreement", self.id, {"on": on.isoformat()}))

    def amend(
        self,
        *,
        reason: str,
        effective_from: date,
        now: datetime,
        roles_added: Iterable[AgreementRole] = (),
        roles_removed: Iterable[AgreementRole] = (),
        new_end_date: date | None = None,
        recorded_by: uuid.UUID | None = None,
    ) -> Amendment:
        """Record an amendment. Amendments follow each other in time and never overlap."""
        added, removed = frozenset(roles_added), frozenset(roles_removed)
        if not added and not removed and new_end_date is None:
            raise InvalidInput("an amendment changes roles or the end date", field="roles_added")
        if added & removed:
            raise InvalidInput("a role cannot be added and removed at once", field="roles_removed")
        status = self.status_on(now.date())
        if status in (AgreementStatus.TERMINATED, AgreementStatus.EXPIRED):
            raise AgreementNotAmendable("an agreement that is {status} cannot be amended", status=status.value)
        if not self.start_date <= effective_from <= self.current_end_date:
            raise InvalidInput(
                "the amendment must take effect within the agreement's period",
                field="effective_from",
                code="invalid_period",
            )
        if self.amendments and effective_from <= self.amendments[-1].effective_from:
            raise AgreementNotAmendable(
                "an amendment must take effect after the previous one (amendments may not overlap)"
            )
        if new_end_date is not None and new_end_date < effective_from:
            raise InvalidInput("the new end date is before the amendment takes effect", field="new_end_date")
        if not (self.roles_on(effective_from) | added) - removed:
            raise InvalidInput("an agreement must keep at least one role", field="roles_removed")
        amendment = Amendment(
            number=len(self.amendments) + 1,
            effective_from=effective_from,
            reason=_text(reason, "reason", MAX_REASON),
            roles_added=added,
            roles_removed=removed,
            new_end_date=new_end_date,
            recorded_at=now,
            recorded_by=recorded_by,
        )
        self.amendments = [*self.amendments, amendment]
        if new_end_date is not None:
            self.current_end_date = new_end_date
        self.updated_at = now
        self.record(DomainEvent("agreement.amended", "agreement", self.id, {"number": amendment.number}))
        return amendment


def may_act(partner_active: bool, agreements: Iterable[CooperationAgreement], role: AgreementRole, day: date) -> bool:
    """May a partner act in `role` on `day`? Only an active partner with an agreement granting it then."""
    return partner_active and any(agreement.grants(role, day) for agreement in agreements)


def require_agreement(
    partner_active: bool, agreements: Iterable[CooperationAgreement], role: AgreementRole, day: date
) -> None:
    if not may_act(partner_active, agreements, role, day):
        raise AgreementRequired(
            "no active cooperation agreement grants {role} on {day}", role=role.value, day=day.isoformat()
        )
