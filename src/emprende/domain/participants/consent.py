"""Consents: a person's consent for one purpose, given once and never edited; withdrawal is a new fact."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import Any, overload

from emprende.domain.identity.user import Language
from emprende.domain.shared.errors import Conflict, InvalidInput, RuleChecks
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id


class ConsentPurpose(StrEnum):
    REGISTRATION = "registration"
    TRAINING = "training"
    SEED_CAPITAL = "seed_capital"
    FOLLOW_UP = "follow_up"
    COMMUNICATIONS = "communications"
    SHARING = "sharing"


class ConsentMethod(StrEnum):
    IN_PERSON = "in_person"
    DIGITAL = "digital"
    GUARDIAN = "guardian"


EARLIEST_CONSENT = datetime(2000, 1, 1, tzinfo=UTC)
"""No consent to the programme was given before this instant: an earlier `given_at` is a typing error."""
CONSENT_CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of the server's clock the device that recorded a consent may be."""
CONSENT_DATE_RULE = "a consent is not given before 2000-01-01 nor in the future"


class ConsentAlreadyWithdrawn(Conflict):
    code = "consent_withdrawn"


@dataclass(init=False, eq=False, repr=False, match_args=False, kw_only=True)
class ConsentFields:
    """A consent's fields, declared once for the plain record (`NewConsent`) and the entity (`Consent`)."""

    id: uuid.UUID
    participant_id: uuid.UUID
    purpose: ConsentPurpose
    recipient_partner_id: uuid.UUID | None
    notice_version: str
    language: Language
    method: ConsentMethod
    given_at: datetime
    recorded_at: datetime
    recorded_by: uuid.UUID | None
    withdrawn_at: datetime | None = None


@dataclass(slots=True, kw_only=True)
class NewConsent(ConsentFields):
    """A consent's record as `Consent(...)` holds it, without the entity: what a bulk writer stores."""

    def given_event(self) -> DomainEvent:
        return DomainEvent(
            "consent.given", "participant", self.participant_id, {"purpose": self.purpose.value, "id": str(self.id)}
        )


CONSENT_FIELDS = tuple(item.name for item in fields(ConsentFields))
_consent_values = attrgetter(*CONSENT_FIELDS)


def check_given_at(given_at: datetime, now: datetime) -> None:
    """A consent is given at a known instant, not before the programme's earliest plausible date nor in the future
    (beyond a device clock running a little fast)."""
    if given_at.utcoffset() is None:
        raise InvalidInput("include a UTC offset", field="given_at", code="timezone_required")
    if not EARLIEST_CONSENT <= given_at <= now + CONSENT_CLOCK_SKEW:
        raise InvalidInput(CONSENT_DATE_RULE, field="given_at", code="invalid_consent_date")


def new_consent(
    *,
    participant_id: uuid.UUID,
    purpose: ConsentPurpose,
    notice_version: str,
    language: Language,
    method: ConsentMethod,
    given_at: datetime,
    now: datetime,
    recipient_partner_id: uuid.UUID | None = None,
    recorded_by: uuid.UUID | None = None,
) -> NewConsent:
    """A consent given now (validated as `Consent(...)` validates it), with a new identifier."""
    if (purpose is ConsentPurpose.SHARING) != (recipient_partner_id is not None):
        raise InvalidInput(
            "a sharing consent names exactly one recipient partner; other purposes name none",
            field="recipient_partner_id",
        )
    checks = RuleChecks()
    version = notice_version.strip()
    if not version or len(version) > 40:
        checks.issues.append(InvalidInput("notice_version must have 1 to 40 characters", field="notice_version"))
    checks.check(lambda: check_given_at(given_at, now), None)
    checks.raise_broken()
    return NewConsent(
        id=new_id(),
        participant_id=participant_id,
        purpose=purpose,
        recipient_partner_id=recipient_partner_id,
        notice_version=version,
        language=language,
        method=method,
        given_at=given_at,
        recorded_at=now,
        recorded_by=recorded_by,
    )


class Consent(ConsentFields, Aggregate):
    """A person's consent for one purpose (and, for sharing, one recipient). Immutable once given; withdrawable."""

    @overload
    def __init__(
        self,
        *,
        participant_id: uuid.UUID,
        purpose: ConsentPurpose,
        notice_version: str,
        language: Language,
        method: ConsentMethod,
        given_at: datetime,
        now: datetime,
        recipient_partner_id: uuid.UUID | None = None,
        recorded_by: uuid.UUID | None = None,
    ) -> None: ...

    @overload
    def __init__(self, *, new: NewConsent) -> None: ...

    def __init__(self, *, new: NewConsent | None = None, **given: Any) -> None:
        """A consent given now, from its terms (validated here) or from the record `new_consent` made of them."""
        if new is None:
            new = new_consent(**given)
        for name, value in zip(CONSENT_FIELDS, _consent_values(new), strict=True):
            setattr(self, name, value)
        self.record(new.given_event())

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def withdraw(self, now: datetime) -> None:
        """Withdrawal is a new fact with immediate effect; the consent itself is never edited."""
        if self.withdrawn_at is not None:
            raise ConsentAlreadyWithdrawn("this consent is already withdrawn")
        self.withdrawn_at = now
        self.record(
            DomainEvent("consent.withdrawn", "participant", self.participant_id, {"purpose": self.purpose.value})
        )


def has_active(consents: Iterable[Consent], purpose: ConsentPurpose) -> bool:
    return any(consent.purpose is purpose and consent.is_active for consent in consents)


class ConsentRequired(Conflict):
    """The person has not given (or has withdrawn) the consent this step needs."""

    code = "consent_required"


def require_active(consents: Iterable[Consent], purpose: ConsentPurpose) -> None:
    """Deny unless the person's consent for `purpose` is in force."""
    if not has_active(consents, purpose):
        raise ConsentRequired("this needs the person's {purpose} consent in force", purpose=purpose.value)
