"""A registration: a new participant and their registration consent, made and checked together.

Both ways in, one person at a time (`services/participants/registry.py`) and a file of people
(`services/imports/rows.py`), build a new person here, so that the same rules apply to both."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import ConsentMethod, ConsentPurpose, NewConsent, new_consent
from emprende.domain.participants.participant import NewParticipant, ParticipantDetails, new_participant
from emprende.domain.shared.errors import InvalidInput, InvalidInputs, issues_of

_NO_ONE = uuid.UUID(int=0)
"""The consent's participant while the person's own details are at fault: its rules are still checked, and neither
record is kept."""


@dataclass(frozen=True, slots=True)
class ConsentTerms:
    """What the person agreed to when registering: the privacy notice's version, in which language, how and when."""

    notice_version: str
    language: Language
    method: ConsentMethod
    given_at: datetime


@dataclass(frozen=True, slots=True)
class NewRegistration:
    """The records of a registration: the person and their registration consent, which names them."""

    participant: NewParticipant
    consent: NewConsent


class RegistrationRefused(InvalidInputs):
    """A registration breaking rules: `participant` is what the person's details broke and `consent` what the
    registration consent broke, each None or the InvalidInput its own check raised (InvalidInputs for several).
    It reads as the first broken rule, and `issues` lists the person's, then the consent's."""

    def __init__(self, participant: InvalidInput | None, consent: InvalidInput | None) -> None:
        broken = [error for error in (participant, consent) if error is not None]
        super().__init__([issue for error in broken for issue in issues_of(error)])
        self.participant = participant
        self.consent = consent


def new_registration(
    *,
    owner_partner_id: uuid.UUID,
    details: ParticipantDetails,
    consent: ConsentTerms,
    now: datetime,
    registered_by: uuid.UUID | None,
) -> NewRegistration:
    """A new participant and their registration consent, with new identifiers. Every rule of both is checked, the
    consent's even when the person's details are at fault; raises RegistrationRefused with what each broke."""
    person: NewParticipant | None = None
    person_error: InvalidInput | None = None
    try:
        person = new_participant(
            owner_partner_id=owner_partner_id, details=details, now=now, registered_by=registered_by
        )
    except InvalidInput as error:
        person_error = error
    try:
        given = new_consent(
            participant_id=person.id if person is not None else _NO_ONE,
            purpose=ConsentPurpose.REGISTRATION,
            notice_version=consent.notice_version,
            language=consent.language,
            method=consent.method,
            given_at=consent.given_at,
            now=now,
            recorded_by=registered_by,
        )
    except InvalidInput as error:
        raise RegistrationRefused(person_error, error) from error
    if person is None:
        raise RegistrationRefused(person_error, None) from person_error
    return NewRegistration(person, given)
