"""One row of an import file: its columns, how its text becomes domain values, and what is wrong with it (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from emprende.domain.consents import CONSENT_DATE_RULE, ConsentMethod
from emprende.domain.disability import Domain, WashingtonGroupShortSet
from emprende.domain.errors import DomainError, InvalidInput
from emprende.domain.identity import (
    ExternalIdentifier,
    IdentityDocument,
    external_identifier,
    identity_document,
)
from emprende.domain.participants import EducationLevel, MigratoryStatus, ParticipantDetails, PopulationGroup, Sex
from emprende.domain.users import Language

E = TypeVar("E", bound=StrEnum)
MAX_CELL = 300

DISABILITY_COLUMNS = tuple(f"disability_{domain.value}" for domain in Domain)
DOCUMENT_COLUMNS = ("document_type", "document_number", "document_country")
DOCUMENT2_COLUMNS = ("document2_type", "document2_number", "document2_country")
REQUIRED_COLUMNS = (
    "given_names",
    "family_names",
    "birth_date",
    "sex",
    "population_group",
    "nationality",
    "consent_notice_version",
    "consent_method",
)
COLUMNS: tuple[str, ...] = (
    "given_names",
    "family_names",
    "birth_date",
    "sex",
    "gender_identity",
    "population_group",
    "nationality",
    "migratory_status",
    *DOCUMENT_COLUMNS,
    *DOCUMENT2_COLUMNS,
    *DISABILITY_COLUMNS,
    "household_size",
    "dependants",
    "education_level",
    "province_code",
    "canton_code",
    "phone",
    "email",
    "preferred_language",
    "external_system",
    "external_value",
    "consent_notice_version",
    "consent_method",
    "consent_given_at",
)
KNOWN_COLUMNS = frozenset(COLUMNS)


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """What is wrong with one field of one row; never the submitted value."""

    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as read from the file: column → text (empty cells absent), or the reasons it could not be read."""

    number: int
    values: Mapping[str, str]
    errors: tuple[FieldIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class GivenRow:
    notice_version: str
    language: Language
    method: ConsentMethod
    given_at: datetime
    external: ExternalIdentifier | None


class RowErrors(Exception):
    def __init__(self, issues: list[FieldIssue]) -> None:
        super().__init__("invalid row")
        self.issues = issues


class _Choices(Generic[E]):
    """An enumeration's members by value, and the message that lists them (looked up once per row and column)."""

    def __init__(self, kind: type[E]) -> None:
        self.members = {member.value: member for member in kind}
        self.issue_message = f"must be one of: {', '.join(self.members)}"


_CHOICES: dict[type[StrEnum], _Choices[Any]] = {
    kind: _Choices(kind) for kind in (Sex, PopulationGroup, MigratoryStatus, EducationLevel, Language, ConsentMethod)
}
# Answer sets repeat from row to row (four answers to six questions): build each value object once.
_DISABILITY: dict[tuple[tuple[str, str], ...], WashingtonGroupShortSet] = {}
_DISABILITY_MAX = 20_000


def _enum(kind: type[E], values: Mapping[str, str], column: str, issues: list[FieldIssue]) -> E | None:
    text = values.get(column)
    if text is None:
        return None
    choices: _Choices[E] = _CHOICES[kind]
    member = choices.members.get(text.strip().lower())
    if member is None:
        issues.append(FieldIssue(column, "invalid_choice", choices.issue_message))
    return member


def _int(values: Mapping[str, str], column: str, issues: list[FieldIssue]) -> int | None:
    text = values.get(column)
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        issues.append(FieldIssue(column, "invalid_integer", "must be a whole number"))
        return None


def _date(values: Mapping[str, str], column: str, issues: list[FieldIssue]) -> date | None:
    text = values.get(column)
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        issues.append(FieldIssue(column, "invalid_date", "must be a date YYYY-MM-DD"))
        return None


def _given_at(values: Mapping[str, str], issues: list[FieldIssue], now: datetime) -> datetime:
    text = values.get("consent_given_at")
    if text is None:
        return now
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        issues.append(FieldIssue("consent_given_at", "invalid_datetime", "must be an ISO 8601 date and time"))
        return now
    if moment.tzinfo is None:
        issues.append(FieldIssue("consent_given_at", "timezone_required", "include a UTC offset"))
        return now
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, or year 9999 west of it: before or after any plausible consent
        issues.append(FieldIssue("consent_given_at", "invalid_consent_date", CONSENT_DATE_RULE))
        return now


def domain_issue(error: DomainError, prefix: Mapping[str, str]) -> FieldIssue:
    name = getattr(error, "field", None) or "row"
    return FieldIssue(prefix.get(name, name.replace("disability.", "disability_")), error.code, str(error))


def _document(values: Mapping[str, str], columns: tuple[str, str, str]) -> IdentityDocument | None:
    type_column, number_column, country_column = columns
    kind, number, country = values.get(type_column), values.get(number_column), values.get(country_column)
    if kind is None and number is None and country is None:
        return None
    if kind is None or number is None:
        missing = type_column if kind is None else number_column
        raise RowErrors([FieldIssue(missing, "missing", "a document needs a type and a number")])
    try:
        return identity_document(kind.strip().lower(), number, country)
    except InvalidInput as error:
        raise RowErrors(
            [domain_issue(error, {"type": type_column, "number": number_column, "issuing_country": country_column})]
        ) from error


def _external(values: Mapping[str, str]) -> ExternalIdentifier | None:
    system, value = values.get("external_system"), values.get("external_value")
    if system is None and value is None:
        return None
    if system is None or value is None:
        missing = "external_system" if system is None else "external_value"
        raise RowErrors([FieldIssue(missing, "missing", "an external identifier needs a system and a value")])
    try:
        return external_identifier(system, value)
    except InvalidInput as error:
        raise RowErrors([domain_issue(error, {"system": "external_system", "value": "external_value"})]) from error


def _disability(values: Mapping[str, str]) -> WashingtonGroupShortSet | None:
    answers = tuple(
        (column.removeprefix("disability_"), values[column].strip().lower())
        for column in DISABILITY_COLUMNS
        if column in values
    )
    if not answers:
        return None
    found = _DISABILITY.get(answers)
    if found is None:
        found = WashingtonGroupShortSet.from_answers(dict(answers))  # raises InvalidInput: nothing is kept
        if len(_DISABILITY) < _DISABILITY_MAX:
            _DISABILITY[answers] = found
    return found


def read_row(values: Mapping[str, str], now: datetime) -> tuple[ParticipantDetails, GivenRow]:
    """Turn one row's text into the details and consent the domain checks; raises RowErrors."""
    issues = [FieldIssue(column, "missing", "required") for column in REQUIRED_COLUMNS if column not in values]
    if max(map(len, values.values()), default=0) > MAX_CELL:
        issues += [
            FieldIssue(column, "too_long", f"at most {MAX_CELL} characters")
            for column, text in values.items()
            if len(text) > MAX_CELL
        ]
    birth_date = _date(values, "birth_date", issues)
    sex = _enum(Sex, values, "sex", issues)
    population_group = _enum(PopulationGroup, values, "population_group", issues)
    migratory_status = _enum(MigratoryStatus, values, "migratory_status", issues)
    education_level = _enum(EducationLevel, values, "education_level", issues)
    language = _enum(Language, values, "preferred_language", issues) or Language.ES
    method = _enum(ConsentMethod, values, "consent_method", issues)
    household_size = _int(values, "household_size", issues)
    dependants = _int(values, "dependants", issues)
    given_at = _given_at(values, issues, now)
    documents: list[IdentityDocument] = []
    external: ExternalIdentifier | None = None
    disability: WashingtonGroupShortSet | None = None
    for columns in (DOCUMENT_COLUMNS, DOCUMENT2_COLUMNS):
        try:
            if (document := _document(values, columns)) is not None:
                documents.append(document)
        except RowErrors as error:
            issues += error.issues
    try:
        external = _external(values)
    except RowErrors as error:
        issues += error.issues
    try:
        disability = _disability(values)
    except InvalidInput as error:
        issues.append(domain_issue(error, {}))
    if issues or birth_date is None or sex is None or population_group is None or method is None:
        raise RowErrors(issues)
    details = ParticipantDetails(
        given_names=values["given_names"],
        family_names=values["family_names"],
        birth_date=birth_date,
        sex=sex,
        population_group=population_group,
        nationality=values["nationality"],
        gender_identity=values.get("gender_identity"),
        migratory_status=migratory_status,
        documents=tuple(documents),
        disability=disability,
        household_size=household_size,
        dependants=dependants,
        education_level=education_level,
        province_code=values.get("province_code"),
        canton_code=values.get("canton_code"),
        phone=values.get("phone"),
        email=values.get("email"),
        preferred_language=language,
        external_ids=(external,) if external else (),
    )
    return details, GivenRow(values["consent_notice_version"], language, method, given_at, external)
