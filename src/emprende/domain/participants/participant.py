"""Participants: people in the programme, registered with their consent, owned by the partner that registered them.

The entity is here; what a registration sets is in `details`, the stored values and the rules that make them in
`records` (their names are importable from here too)."""

from __future__ import annotations

import uuid
from datetime import datetime
from operator import attrgetter
from typing import Any, ClassVar, overload

from emprende.domain.participants.details import (
    MAX_AGE,
    MAX_DOCUMENTS,
    MAX_EXTERNAL_IDS,
    MAX_GENDER_IDENTITY,
    MAX_HOUSEHOLD,
    MAX_NAME,
    SENSITIVE_FIELDS,
    EducationLevel,
    MigratoryStatus,
    ParticipantDetails,
    PopulationGroup,
    Sex,
    age_on,
    check_birth_date,
)
from emprende.domain.participants.records import (
    REGISTERED_FIELDS,
    VALUE_FIELDS,
    NewParticipant,
    ParticipantErased,
    ParticipantFields,
    ParticipantValues,
    RegisteredFields,
    external_key,
    identifier_keys,
    new_participant,
    participant_values,
)
from emprende.domain.shared.errors import Conflict, InvalidInput
from emprende.domain.shared.events import Aggregate, DomainEvent

__all__ = [
    "MAX_AGE",
    "MAX_DOCUMENTS",
    "MAX_EXTERNAL_IDS",
    "MAX_GENDER_IDENTITY",
    "MAX_HOUSEHOLD",
    "MAX_NAME",
    "SENSITIVE_FIELDS",
    "DuplicateParticipant",
    "EducationLevel",
    "MigratoryStatus",
    "NewParticipant",
    "OwnersDiffer",
    "Participant",
    "ParticipantDetails",
    "ParticipantErased",
    "ParticipantFields",
    "ParticipantValues",
    "PopulationGroup",
    "RegisteredFields",
    "Sex",
    "age_on",
    "check_birth_date",
    "external_key",
    "identifier_keys",
    "new_participant",
    "participant_values",
]

_values_of = attrgetter(*VALUE_FIELDS)
_registered_of = attrgetter(*REGISTERED_FIELDS)


class DuplicateParticipant(Conflict):
    """The same identity document or external identifier is already registered."""

    code = "duplicate_participant"

    def __init__(self, message: str, *, existing_id: uuid.UUID | None = None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class OwnersDiffer(Conflict):
    code = "owners_differ"


class Participant(RegisteredFields, Aggregate):
    """A person in the programme. Sensitive fields are guarded by the services; erasure anonymises for good."""

    # Redacted in the audit trail, which outlives erasure: everything erasure removes (the exact birth date included).
    sensitive_fields: ClassVar[frozenset[str]] = SENSITIVE_FIELDS | {
        "given_names",
        "family_names",
        "name_key",
        "birth_date",
    }

    @overload
    def __init__(
        self,
        *,
        owner_partner_id: uuid.UUID,
        details: ParticipantDetails,
        now: datetime,
        registered_by: uuid.UUID | None,
    ) -> None: ...

    @overload
    def __init__(self, *, new: NewParticipant) -> None: ...

    def __init__(self, *, new: NewParticipant | None = None, **registration: Any) -> None:
        """A new participant, from `details` (validated here) or from the record `new_participant` made of them."""
        if new is None:
            new = new_participant(**registration)
        # Attribute by attribute: on a mapped instance, each assignment is what the ORM tracks.
        for name, value in zip(REGISTERED_FIELDS, _registered_of(new), strict=True):
            setattr(self, name, value)
        self.record(new.registered_event())

    def _apply(self, details: ParticipantDetails, now: datetime) -> None:
        for name, value in zip(VALUE_FIELDS, _values_of(participant_values(details, now)), strict=True):
            setattr(self, name, value)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def rectify(self, details: ParticipantDetails, now: datetime) -> None:
        """Correct the record (data-subject right of rectification)."""
        if self.is_erased:
            raise ParticipantErased("an erased participant cannot be changed")
        self._apply(details, now)
        self.record(DomainEvent("participant.rectified", "participant", self.id))

    def absorb(self, other: Participant, now: datetime) -> None:
        """Merge a duplicate into this record: it keeps its own data, gains the other's documents and identifiers,
        and the other becomes a pointer to it."""
        if self.is_erased or other.is_erased:
            raise ParticipantErased("an erased record cannot be merged")
        if other.id == self.id or other.merged_into_id is not None:
            raise InvalidInput("that record cannot be merged into this one", field="survivor_id")
        if other.owner_partner_id != self.owner_partner_id:
            # Merging would move a person from one partner to another; mark the pair distinct or agree a transfer.
            raise OwnersDiffer("records registered by different partners are not merged")
        known_documents = {(d.type, d.issuing_country, d.number) for d in self.documents}
        known_systems = {e.system for e in self.external_ids}
        self.documents = [
            *self.documents,
            *(d for d in other.documents if (d.type, d.issuing_country, d.number) not in known_documents),
        ][:MAX_DOCUMENTS]
        self.external_ids = [*self.external_ids, *(e for e in other.external_ids if e.system not in known_systems)][
            :MAX_EXTERNAL_IDS
        ]
        self.updated_at = now
        other.documents = []
        other.external_ids = []
        other.merged_into_id = self.id
        other.updated_at = now
        self.record(DomainEvent("participant.merged", "participant", self.id, {"absorbed": str(other.id)}))

    def erase(self, now: datetime) -> None:
        """Irreversibly anonymise: identifying data goes; non-identifying facts stay for aggregates."""
        if self.is_erased:
            return
        self.given_names = "—"
        self.family_names = "—"
        self.name_key = ""
        self.birth_date = None  # the birth year stays for age-group statistics
        self.gender_identity = None
        self.migratory_status = None
        self.documents = []
        self.disability = None
        self.phone = None
        self.email = None
        self.external_ids = []
        self.erased_at = now
        self.updated_at = now
        self.record(DomainEvent("participant.erased", "participant", self.id))
