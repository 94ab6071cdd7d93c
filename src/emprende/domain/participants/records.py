"""A participant's stored values, declared once (`ParticipantFields`, `RegisteredFields`), the plain records that hold
them (`ParticipantValues`, `NewParticipant`), and the rules of registration and rectification that make them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, TypeVar

from emprende.domain.identity.user import Language
from emprende.domain.participants.contact import normalize_contact_email, normalize_country, normalize_phone
from emprende.domain.participants.details import (
    MAX_DOCUMENTS,
    MAX_EXTERNAL_IDS,
    MAX_GENDER_IDENTITY,
    MAX_HOUSEHOLD,
    MAX_NAME,
    EducationLevel,
    MigratoryStatus,
    ParticipantDetails,
    PopulationGroup,
    Sex,
    check_birth_date,
)
from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.identifiers import ExternalIdentifier, IdentityDocument, document_key
from emprende.domain.participants.matching import PersonSketch, name_key
from emprende.domain.participants.places import check_residence
from emprende.domain.shared.errors import Conflict, InvalidInput, RuleChecks
from emprende.domain.shared.events import DomainEvent
from emprende.domain.shared.ids import new_id


class ParticipantErased(Conflict):
    code = "participant_erased"


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


def _name(value: str, field: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidInput("{field} must have 1 to {limit} characters", field=field, limit=MAX_NAME)
    return cleaned


def _count(value: int | None, field: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_HOUSEHOLD:
        raise InvalidInput("{field} must be between 0 and {limit}", field=field, limit=MAX_HOUSEHOLD)
    return value


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


def identifier_keys(participant: ParticipantFields) -> list[str]:
    """The registry-wide unique keys of a participant's documents and external identifiers."""
    keys = [document_key(doc) for doc in participant.documents]
    keys += [external_key(item) for item in participant.external_ids]
    return keys


def external_key(identifier: ExternalIdentifier) -> str:
    return f"ext:{identifier.system}:{identifier.value}"
