"""Participants: people in the programme, registered with their consent, owned by the partner that registered them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any, ClassVar, TypeVar, overload

from emprende.domain.identity.user import Language
from emprende.domain.participants.contact import normalize_contact_email, normalize_country, normalize_phone
from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.identifiers import ExternalIdentifier, IdentityDocument, document_key
from emprende.domain.participants.matching import PersonSketch, name_key
from emprende.domain.participants.places import check_residence
from emprende.domain.shared.errors import Conflict, InvalidInput, RuleChecks
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_NAME = 100
MAX_GENDER_IDENTITY = 60
MAX_AGE = 120
MAX_HOUSEHOLD = 30
MAX_DOCUMENTS = 5
MAX_EXTERNAL_IDS = 10


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"
    NOT_STATED = "not_stated"


class PopulationGroup(StrEnum):
    MIGRANT = "migrant"
    REFUGEE_OR_ASYLUM_SEEKER = "refugee_or_asylum_seeker"
    RETURNEE = "returnee"
    HOST_COMMUNITY = "host_community"


class MigratoryStatus(StrEnum):
    REGULAR = "regular"
    IN_PROCESS = "in_process"
    IRREGULAR = "irregular"
    REFUGEE = "refugee"
    ASYLUM_SEEKER = "asylum_seeker"
    NOT_APPLICABLE = "not_applicable"
    NOT_STATED = "not_stated"


class EducationLevel(StrEnum):
    NONE = "none"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    TECHNICAL = "technical"
    UNIVERSITY = "university"
    POSTGRADUATE = "postgraduate"


SENSITIVE_FIELDS: frozenset[str] = frozenset(
    {"documents", "migratory_status", "disability", "has_disability", "phone", "email", "gender_identity"}
)


class DuplicateParticipant(Conflict):
    """The same identity document or external identifier is already registered."""

    code = "duplicate_participant"

    def __init__(self, message: str, *, existing_id: uuid.UUID | None = None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class OwnersDiffer(Conflict):
    code = "owners_differ"


class ParticipantErased(Conflict):
    code = "participant_erased"


def _name(value: str, field: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidInput("{field} must have 1 to {limit} characters", field=field, limit=MAX_NAME)
    return cleaned


def check_birth_date(birth_date: date, today: date) -> date:
    if birth_date > today:
        raise InvalidInput("the birth date is in the future", field="birth_date", code="invalid_birth_date")
    if age_on(birth_date, today) > MAX_AGE:
        raise InvalidInput("the birth date is more than 120 years ago", field="birth_date", code="invalid_birth_date")
    return birth_date


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _count(value: int | None, field: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_HOUSEHOLD:
        raise InvalidInput("{field} must be between 0 and {limit}", field=field, limit=MAX_HOUSEHOLD)
    return value


@dataclass(frozen=True, slots=True)
class ParticipantDetails:
    """Everything a registration or a rectification may set. Documents and identifiers are replaced whole."""

    given_names: str
    family_names: str
    birth_date: date
    sex: Sex
    population_group: PopulationGroup
    nationality: str
    gender_identity: str | None = None
    migratory_status: MigratoryStatus | None = None
    documents: tuple[IdentityDocument, ...] = ()
    disability: WashingtonGroupShortSet | None = None
    household_size: int | None = None
    dependants: int | None = None
    education_level: EducationLevel | None = None
    province_code: str | None = None
    canton_code: str | None = None
    phone: str | None = None
    email: str | None = None
    preferred_language: Language = Language.ES
    external_ids: tuple[ExternalIdentifier, ...] = ()


@dataclass(init=False, eq=False, repr=False, match_args=False, kw_only=True)
class ParticipantFields:
    """What a registration or a rectification stores from `ParticipantDetails`, validated and normalised: declared
    once here for the plain records (`ParticipantValues`, `NewParticipant`) and the entity (`Participant`). Only an
    erased entity has no birth date."""

    given_names: str
    family_names: str
    name_key: str
    birth_date: date | None
    birth_year: int | None
    sex: Sex
    gender_identity: str | None
    population_group: PopulationGroup
    nationality: str
    migratory_status: MigratoryStatus | None
    documents: list[IdentityDocument]
    disability: WashingtonGroupShortSet | None
    has_disability: bool | None
    household_size: int | None
    dependants: int | None
    education_level: EducationLevel | None
    province_code: str | None
    canton_code: str | None
    phone: str | None
    email: str | None
    preferred_language: Language
    external_ids: list[ExternalIdentifier]
    updated_at: datetime

    def details(self) -> ParticipantDetails:
        if self.birth_date is None:
            raise ParticipantErased("an erased participant has no details")
        return ParticipantDetails(
            given_names=self.given_names,
            family_names=self.family_names,
            birth_date=self.birth_date,
            sex=self.sex,
            population_group=self.population_group,
            nationality=self.nationality,
            gender_identity=self.gender_identity,
            migratory_status=self.migratory_status,
            documents=tuple(self.documents),
            disability=self.disability,
            household_size=self.household_size,
            dependants=self.dependants,
            education_level=self.education_level,
            province_code=self.province_code,
            canton_code=self.canton_code,
            phone=self.phone,
            email=self.email,
            preferred_language=self.preferred_language,
            external_ids=tuple(self.external_ids),
        )

    def sketch(self) -> PersonSketch:
        """What the probable-duplicate check compares of this person."""
        return PersonSketch(self.name_key, self.birth_date, self.phone)


@dataclass(init=False, eq=False, repr=False, match_args=False, kw_only=True)
class RegisteredFields(ParticipantFields):
    """A registered participant's fields: the stored values, plus who registered them when, and the bookkeeping."""

    id: uuid.UUID
    owner_partner_id: uuid.UUID
    registered_at: datetime
    registered_by: uuid.UUID | None
    erased_at: datetime | None = None
    merged_into_id: uuid.UUID | None = None
    version: int = 1


@dataclass(slots=True, kw_only=True)
class ParticipantValues(ParticipantFields):
    """What a rectification stores: the values validated and normalised."""


@dataclass(slots=True, kw_only=True)
class NewParticipant(RegisteredFields):
    """A registration's record as `Participant(...)` holds it, without the entity: what a bulk writer stores."""

    def registered_event(self) -> DomainEvent:
        return DomainEvent(
            "participant.registered",
            "participant",
            self.id,
            {"owner_partner_id": str(self.owner_partner_id), "population_group": self.population_group.value},
        )


VALUE_FIELDS = tuple(item.name for item in fields(ParticipantFields))
REGISTERED_FIELDS = tuple(item.name for item in fields(RegisteredFields))
_values_of = attrgetter(*VALUE_FIELDS)
_registered_of = attrgetter(*REGISTERED_FIELDS)


_V = TypeVar("_V", ParticipantValues, NewParticipant)


def participant_values(details: ParticipantDetails, now: datetime) -> ParticipantValues:
    """Validate and normalise `details` as of `now`; raises InvalidInput naming the first field at fault."""
    return _checked(ParticipantValues, details, now)


def new_participant(
    *, owner_partner_id: uuid.UUID, details: ParticipantDetails, now: datetime, registered_by: uuid.UUID | None
) -> NewParticipant:
    """A new participant's record (validated as `Participant(...)` validates it), with a new identifier."""
    return _checked(
        NewParticipant,
        details,
        now,
        id=new_id(),
        owner_partner_id=owner_partner_id,
        registered_at=now,
        registered_by=registered_by,
    )


def _checked(kind: type[_V], details: ParticipantDetails, now: datetime, **identity: Any) -> _V:
    """The rules of registration and rectification: `details` validated and normalised, as a `kind` that also holds
    `identity` (the fields a new record adds). Every broken rule is reported at once (InvalidInputs for several)."""
    checks = RuleChecks()
    if len(details.documents) > MAX_DOCUMENTS:
        checks.issues.append(InvalidInput("at most {limit} identity documents", field="documents", limit=MAX_DOCUMENTS))
    if len(details.external_ids) > MAX_EXTERNAL_IDS:
        checks.issues.append(
            InvalidInput("at most {limit} external identifiers", field="external_ids", limit=MAX_EXTERNAL_IDS)
        )
    if len({(d.type, d.issuing_country, d.number) for d in details.documents}) != len(details.documents):
        checks.issues.append(InvalidInput("the same document is listed twice", field="documents"))
    if len({e.system for e in details.external_ids}) != len(details.external_ids):
        checks.issues.append(InvalidInput("one identifier per system", field="external_ids"))
    gender = " ".join(details.gender_identity.split()) if details.gender_identity else None
    if gender is not None and len(gender) > MAX_GENDER_IDENTITY:
        checks.issues.append(InvalidInput("gender identity is too long", field="gender_identity"))
    given_names = checks.check(lambda: _name(details.given_names, "given_names"), "")
    family_names = checks.check(lambda: _name(details.family_names, "family_names"), "")
    birth_date = checks.check(lambda: check_birth_date(details.birth_date, now.date()), details.birth_date)
    nationality = checks.check(lambda: normalize_country(details.nationality, field="nationality"), "")
    household_size = checks.check(lambda: _count(details.household_size, "household_size"), None)
    dependants = checks.check(lambda: _count(details.dependants, "dependants"), None)
    # Compared only when both counts are acceptable on their own.
    if household_size is not None and dependants is not None and dependants >= household_size:
        checks.issues.append(InvalidInput("dependants must be fewer than the household size", field="dependants"))
    nowhere: tuple[str | None, str | None] = (None, None)
    province_code, canton_code = checks.check(
        lambda: check_residence(details.province_code, details.canton_code), nowhere
    )
    phone = checks.check(lambda: normalize_phone(details.phone, field="phone") if details.phone else None, None)
    email = checks.check(lambda: normalize_contact_email(details.email, field="email") if details.email else None, None)
    checks.raise_broken()
    disability = details.disability
    return kind(
        given_names=given_names,
        family_names=family_names,
        name_key=name_key(given_names, family_names),
        birth_date=birth_date,
        birth_year=birth_date.year,
        sex=details.sex,
        gender_identity=gender or None,
        population_group=details.population_group,
        nationality=nationality,
        migratory_status=details.migratory_status,
        documents=list(details.documents),
        disability=disability,
        has_disability=disability.has_disability if disability is not None else None,
        household_size=household_size,
        dependants=dependants,
        education_level=details.education_level,
        province_code=province_code,
        canton_code=canton_code,
        phone=phone,
        email=email,
        preferred_language=details.preferred_language,
        external_ids=list(details.external_ids),
        updated_at=now,
        **identity,
    )


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


def identifier_keys(participant: ParticipantFields) -> list[str]:
    """The registry-wide unique keys of a participant's documents and external identifiers."""
    keys = [document_key(doc) for doc in participant.documents]
    keys += [external_key(item) for item in participant.external_ids]
    return keys


def external_key(identifier: ExternalIdentifier) -> str:
    return f"ext:{identifier.system}:{identifier.value}"
