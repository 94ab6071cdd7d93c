"""What a registration or a rectification of a participant sets (`ParticipantDetails`), its choices and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from emprende.domain.identity.user import Language
from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.identifiers import ExternalIdentifier, IdentityDocument
from emprende.domain.shared.errors import InvalidInput

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


def check_birth_date(birth_date: date, today: date) -> date:
    if birth_date > today:
        raise InvalidInput("the birth date is in the future", field="birth_date", code="invalid_birth_date")
    if age_on(birth_date, today) > MAX_AGE:
        raise InvalidInput("the birth date is more than 120 years ago", field="birth_date", code="invalid_birth_date")
    return birth_date


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


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
