"""One row of an import file: its columns, how its text becomes domain values, and what is wrong with it (pure).

A row is checked in one pass and reports every problem at once: the text of each cell first (required, readable,
one of the choices), then every rule of registration, even when some cells could not be read (see `check_row`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import CONSENT_DATE_RULE, ConsentMethod, NewConsent
from emprende.domain.participants.disability import Domain, WashingtonGroupShortSet
from emprende.domain.participants.identifiers import (
    ExternalIdentifier,
    IdentityDocument,
    document_key,
    external_identifier,
    identity_document,
)
from emprende.domain.participants.participant import (
    EducationLevel,
    MigratoryStatus,
    NewParticipant,
    ParticipantDetails,
    PopulationGroup,
    Sex,
    external_key,
)
from emprende.domain.participants.registration import (
    ConsentTerms,
    NewRegistration,
    RegistrationRefused,
    new_registration,
)
from emprende.domain.shared.errors import DomainError, InvalidInput, issues_of

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


class ImportFileError(InvalidInput):
    """A file that cannot be imported as a whole (`invalid_import_file`): what is wrong, as a message template."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message, field="file", code="invalid_import_file", **params)


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A row that passed every check: the person to register and their consent."""

    participant: NewParticipant
    consent: NewConsent
    external: ExternalIdentifier | None


class RowErrors(Exception):
    """Every problem of one row; `keys` are the identifier keys that could be read in it (a duplicate of someone
    else's is one more problem, found against the registry)."""

    def __init__(
        self, issues: Sequence[FieldIssue], keys: Sequence[str] = (), external: ExternalIdentifier | None = None
    ) -> None:
        super().__init__("invalid row")
        self.issues = list(issues)
        self.keys = list(keys)
        self.external = external


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


def domain_issues(error: DomainError, prefix: Mapping[str, str]) -> list[FieldIssue]:
    """The row's issues for a domain error (every rule it reports broken), named by column."""
    found = issues_of(error) if isinstance(error, InvalidInput) else (error,)
    issues: list[FieldIssue] = []
    for each in found:
        name = getattr(each, "field", None) or "row"
        issues.append(FieldIssue(prefix.get(name, name.replace("disability.", "disability_")), each.code, str(each)))
    return issues


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
            domain_issues(error, {"type": type_column, "number": number_column, "issuing_country": country_column})
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
        raise RowErrors(domain_issues(error, {"system": "external_system", "value": "external_value"})) from error


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


# Stand-ins for required values that could not be read, so that the rules of registration can still be checked on the
# row's other fields: each passes the rules about its own field, and it is never stored (the row is rejected).
_STAND_IN_TEXT = "-"
_STAND_IN_COUNTRY = "ECU"
_CONSENT_FIELDS = {"notice_version": "consent_notice_version", "given_at": "consent_given_at"}
_COLUMN_ORDER = {name: position for position, name in enumerate(("row", *COLUMNS))}


def check_row(raw: RawRow, now: datetime, *, owner: uuid.UUID, registered_by: uuid.UUID | None) -> CheckedRow:
    """Turn one row of the file into a new participant and their registration consent; raises RowErrors with every
    problem of the row, one per field, in column order.

    Each cell's text is read first (required, not too long, a date, a number, one of the choices, a readable document
    or identifier). The rules of registration and consent are then checked on what could be read, unreadable required
    values taking a stand-in's place: a row missing its sex still hears that its phone is not a phone. Only what
    depends on a value at fault is left unsaid: a field is reported once (its first problem), and a rule on two
    fields (dependants fewer than the household, a canton in its province, a cédula's check digit) is checked when
    both are readable. A row that could not be read into cells at all (a wrong number of cells, bytes that are not
    text) has nothing more to check."""
    if raw.errors and not raw.values:
        raise RowErrors(raw.errors)
    values = raw.values
    issues = list(raw.errors)  # from reading the file: an unknown key, a value of the wrong type
    issues += [FieldIssue(column, "missing", "required") for column in REQUIRED_COLUMNS if column not in values]
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
        issues += domain_issues(error, {})
    details = ParticipantDetails(
        given_names=values.get("given_names", _STAND_IN_TEXT),
        family_names=values.get("family_names", _STAND_IN_TEXT),
        birth_date=birth_date or now.date(),
        sex=sex or Sex.NOT_STATED,
        population_group=population_group or PopulationGroup.HOST_COMMUNITY,
        nationality=values.get("nationality", _STAND_IN_COUNTRY),
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
    rules: list[FieldIssue] = []
    registration: NewRegistration | None = None
    try:
        registration = new_registration(
            owner_partner_id=owner,
            details=details,
            consent=ConsentTerms(
                notice_version=values.get("consent_notice_version", _STAND_IN_TEXT),
                language=language,
                method=method or ConsentMethod.IN_PERSON,
                given_at=given_at,
            ),
            now=now,
            registered_by=registered_by,
        )
    except RegistrationRefused as refused:
        if refused.participant is not None:
            rules += domain_issues(refused.participant, {})
        if refused.consent is not None:
            rules += domain_issues(refused.consent, _CONSENT_FIELDS)
    if issues or rules or registration is None:
        first: dict[str, FieldIssue] = {}
        for issue in (*issues, *rules):
            first.setdefault(issue.field, issue)
        found = sorted(first.values(), key=lambda issue: _COLUMN_ORDER.get(issue.field, len(_COLUMN_ORDER)))
        keys = [document_key(document) for document in documents]
        keys += [external_key(external)] if external is not None else []
        raise RowErrors(found, keys, external)
    return CheckedRow(registration.participant, registration.consent, external)
