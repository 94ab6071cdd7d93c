"""Bulk import of participants: validate rows in pure Python, persist them in batches, report on every row.

Modes: `dry_run` validates only; `atomic` writes everything in one transaction or nothing at all; `per_record` commits
each valid row on its own (batched for speed; a batch that hits a constraint is replayed row by row). A row carrying an
external identifier that the same partner already holds updates (rectifies) that record; an identity document or
external identifier held by anyone else is refused (`duplicate_participant`); probable duplicates are queued.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from emprende.domain.disability import Domain, WashingtonGroupShortSet
from emprende.domain.duplicates import DuplicateCandidate
from emprende.domain.errors import DomainError, InvalidInput
from emprende.domain.identity import (
    ExternalIdentifier,
    IdentityDocument,
    external_identifier,
    identity_document,
)
from emprende.domain.matching import PersonSketch, duplicate_reasons
from emprende.domain.participants import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DuplicateParticipant,
    EducationLevel,
    MigratoryStatus,
    Participant,
    ParticipantDetails,
    PopulationGroup,
    Sex,
    external_key,
    identifier_keys,
)
from emprende.domain.users import Language
from emprende.services.authorization import authorize
from emprende.services.participants import REGISTERING_ROLES, require_any_partner_role
from emprende.services.ports import Clock, ImportSink, ImportSinkFactory, UnitOfWorkFactory
from emprende.services.principal import Principal

E = TypeVar("E", bound=StrEnum)
DEFAULT_BATCH = 500
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


class ImportMode(StrEnum):
    DRY_RUN = "dry_run"
    ATOMIC = "atomic"
    PER_RECORD = "per_record"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    VALID = "valid"


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


@dataclass(slots=True)
class RowReport:
    row: int
    outcome: Outcome
    participant_id: uuid.UUID | None = None
    errors: tuple[FieldIssue, ...] = ()
    duplicates: tuple[uuid.UUID, ...] = ()


@dataclass(slots=True)
class ImportReport:
    mode: ImportMode
    owner_partner_id: uuid.UUID
    committed: bool = False
    rows: list[RowReport] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        totals = {outcome.value: 0 for outcome in Outcome}
        for row in self.rows:
            totals[row.outcome.value] += 1
        totals["total"] = len(self.rows)
        totals["probable_duplicates"] = sum(len(row.duplicates) for row in self.rows)
        return totals


@dataclass(frozen=True, slots=True)
class ImportParticipants:
    mode: ImportMode
    owner_partner_id: uuid.UUID | None = None
    """Administrators name the importing partner; partner principals always import for their own."""
    batch_size: int = DEFAULT_BATCH


# --- reading one row into domain values (pure) ----------------------------------------------------------------------


class _RowErrors(Exception):
    def __init__(self, issues: list[FieldIssue]) -> None:
        super().__init__("invalid row")
        self.issues = issues


def _enum(kind: type[E], values: Mapping[str, str], column: str, issues: list[FieldIssue]) -> E | None:
    text = values.get(column)
    if text is None:
        return None
    try:
        return kind(text.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        issues.append(FieldIssue(column, "invalid_choice", f"must be one of: {allowed}"))
        return None


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
    return moment.astimezone(UTC)


def _domain_issue(error: DomainError, prefix: Mapping[str, str]) -> FieldIssue:
    name = getattr(error, "field", None) or "row"
    return FieldIssue(prefix.get(name, name.replace("disability.", "disability_")), error.code, str(error))


def _document(values: Mapping[str, str], columns: tuple[str, str, str]) -> IdentityDocument | None:
    type_column, number_column, country_column = columns
    kind, number, country = (values.get(column) for column in columns)
    if kind is None and number is None and country is None:
        return None
    if kind is None or number is None:
        missing = type_column if kind is None else number_column
        raise _RowErrors([FieldIssue(missing, "missing", "a document needs a type and a number")])
    try:
        return identity_document(kind.strip().lower(), number, country)
    except InvalidInput as error:
        raise _RowErrors(
            [_domain_issue(error, {"type": type_column, "number": number_column, "issuing_country": country_column})]
        ) from error


def _external(values: Mapping[str, str]) -> ExternalIdentifier | None:
    system, value = values.get("external_system"), values.get("external_value")
    if system is None and value is None:
        return None
    if system is None or value is None:
        missing = "external_system" if system is None else "external_value"
        raise _RowErrors([FieldIssue(missing, "missing", "an external identifier needs a system and a value")])
    try:
        return external_identifier(system, value)
    except InvalidInput as error:
        raise _RowErrors([_domain_issue(error, {"system": "external_system", "value": "external_value"})]) from error


def read_row(values: Mapping[str, str], now: datetime) -> tuple[ParticipantDetails, GivenRow]:
    """Turn one row's text into the details and consent the domain checks; raises _RowErrors."""
    issues = [FieldIssue(column, "missing", "required") for column in REQUIRED_COLUMNS if column not in values]
    for column, text in values.items():
        if len(text) > MAX_CELL:
            issues.append(FieldIssue(column, "too_long", f"at most {MAX_CELL} characters"))
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
    answers = {
        column.removeprefix("disability_"): values[column].strip().lower()
        for column in DISABILITY_COLUMNS
        if column in values
    }
    documents: list[IdentityDocument] = []
    external: ExternalIdentifier | None = None
    disability: WashingtonGroupShortSet | None = None
    for columns in (DOCUMENT_COLUMNS, DOCUMENT2_COLUMNS):
        try:
            if (document := _document(values, columns)) is not None:
                documents.append(document)
        except _RowErrors as error:
            issues += error.issues
    try:
        external = _external(values)
    except _RowErrors as error:
        issues += error.issues
    if answers:
        try:
            disability = WashingtonGroupShortSet.from_answers(answers)
        except InvalidInput as error:
            issues.append(_domain_issue(error, {}))
    if issues or birth_date is None or sex is None or population_group is None or method is None:
        raise _RowErrors(issues)
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


@dataclass(frozen=True, slots=True)
class GivenRow:
    notice_version: str
    language: Language
    method: ConsentMethod
    given_at: datetime
    external: ExternalIdentifier | None


# --- the report -----------------------------------------------------------------------------------------------------


def report_dict(report: ImportReport) -> dict[str, Any]:
    """The report as JSON-ready data; empty fields are left out to keep a large report compact."""
    rows: list[dict[str, Any]] = []
    for item in report.rows:
        row: dict[str, Any] = {"row": item.row, "outcome": item.outcome.value}
        if item.participant_id is not None:
            row["participant_id"] = str(item.participant_id)
        if item.errors:
            row["errors"] = [{"field": e.field, "code": e.code, "message": e.message} for e in item.errors]
        if item.duplicates:
            row["duplicates"] = [str(other) for other in item.duplicates]
        rows.append(row)
    return {
        "mode": report.mode.value,
        "owner_partner_id": str(report.owner_partner_id),
        "committed": report.committed,
        "counts": report.counts(),
        "rows": rows,
    }


def report_csv(report: ImportReport) -> str:
    """The report as CSV: one line per data row; errors as `field:code` joined by `;`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "outcome", "participant_id", "errors", "messages", "duplicates"])
    for item in report.rows:
        writer.writerow(
            [
                item.row,
                item.outcome.value,
                item.participant_id or "",
                ";".join(f"{e.field}:{e.code}" for e in item.errors),
                "; ".join(e.message for e in item.errors),
                " ".join(str(other) for other in item.duplicates),
            ]
        )
    return out.getvalue()


# --- the use case ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Valid:
    """A row that passed validation, waiting for its batch."""

    report: RowReport
    participant: Participant
    consent: Consent
    external: ExternalIdentifier | None


@dataclass(slots=True)
class _Batch:
    created: list[tuple[Participant, Consent]] = field(default_factory=list)
    updated: list[Participant] = field(default_factory=list)
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    reports: list[RowReport] = field(default_factory=list)


class _Importer:
    def __init__(
        self,
        cmd: ImportParticipants,
        principal: Principal,
        owner: uuid.UUID,
        sink_factory: ImportSinkFactory,
        clock: Clock,
    ) -> None:
        self.cmd = cmd
        self.dry_run = cmd.mode is ImportMode.DRY_RUN
        self.principal = principal
        self.owner = owner
        self.sinks = sink_factory
        self.clock = clock
        self.report = ImportReport(cmd.mode, owner)
        self.seen: dict[str, uuid.UUID] = {}  # identifier keys claimed by earlier rows of this file
        self.rejected = 0

    def validate(self, raw: RawRow, now: datetime) -> _Valid | None:
        report = RowReport(raw.number, Outcome.REJECTED)
        self.report.rows.append(report)
        try:
            if raw.errors:
                raise _RowErrors(list(raw.errors))
            details, given = read_row(raw.values, now)
            participant = Participant(
                owner_partner_id=self.owner, details=details, now=now, registered_by=self.principal.id
            )
            consent = Consent(
                participant_id=participant.id,
                purpose=ConsentPurpose.REGISTRATION,
                notice_version=given.notice_version,
                language=given.language,
                method=given.method,
                given_at=given.given_at,
                now=now,
                recorded_by=self.principal.id,
            )
        except _RowErrors as error:
            report.errors = tuple(error.issues)
            self.rejected += 1
            return None
        except DomainError as error:
            report.errors = (_domain_issue(error, _CONSENT_FIELDS),)
            self.rejected += 1
            return None
        return _Valid(report, participant, consent, given.external)

    async def run_batch(self, sink: ImportSink | None, rows: list[_Valid], now: datetime) -> _Batch:
        """Decide each valid row's outcome against the registry (None: no lookups) and the earlier rows of the file."""
        batch = _Batch()
        keys = sorted({key for row in rows for key in identifier_keys(row.participant)})
        holders = await sink.holders(keys) if sink is not None and keys else {}
        ext_holders = {
            id(row): holders[external_key(row.external)]
            for row in rows
            if row.external is not None and external_key(row.external) in holders
        }
        owned = [pid for pid, owner in ext_holders.values() if owner == self.owner]
        existing = await sink.load(owned) if sink is not None and owned and not self.dry_run else {}
        fresh: list[_Valid] = []
        for row in rows:
            holder = ext_holders.get(id(row))
            target_id = holder[0] if holder is not None and holder[1] == self.owner else None
            if any(
                (key in holders and holders[key][0] != target_id) or (key in self.seen and self.seen[key] != target_id)
                for key in identifier_keys(row.participant)
            ):
                self.reject(row.report, "documents", "duplicate_participant", _TAKEN)
                continue
            if target_id is None:
                fresh.append(row)
                self._claim(row.participant, row.participant.id)
                continue
            self._claim(row.participant, target_id)
            row.report.participant_id = target_id
            if self.dry_run:
                row.report.outcome = Outcome.VALID
                continue
            current = existing.get(target_id)
            try:
                if current is None:  # held by the owner but not a visible, live record (merged away)
                    raise InvalidInput("this identifier belongs to a record that cannot be updated", code="not_found")
                changed = self._update(current, row, now)
            except DomainError as error:
                self.reject(row.report, "external_value", error.code, str(error))
                continue
            row.report.outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            if changed:
                batch.updated.append(current)
                batch.reports.append(row.report)
        await self._queue_probable(sink, fresh, batch, now)
        for row in fresh:
            row.report.participant_id = row.participant.id
            row.report.outcome = Outcome.VALID if self.dry_run else Outcome.CREATED
            batch.created.append((row.participant, row.consent))
            batch.reports.append(row.report)
        return batch

    @staticmethod
    def _update(current: Participant, row: _Valid, now: datetime) -> bool:
        """Rectify the owner's record from the row; False when nothing would change."""
        new = row.participant.details()
        old = current.details()
        # The row names one external identifier and may leave documents out: keep what the record has besides.
        externals = [e for e in old.external_ids if row.external is None or e.system != row.external.system]
        merged = replace(new, documents=new.documents or old.documents, external_ids=(*externals, *new.external_ids))
        if merged == old:
            return False
        current.rectify(merged, now)
        return True

    async def _queue_probable(self, sink: ImportSink | None, fresh: list[_Valid], batch: _Batch, now: datetime) -> None:
        if not fresh:
            return
        days = sorted({row.participant.birth_date for row in fresh if row.participant.birth_date is not None})
        phones = sorted({row.participant.phone for row in fresh if row.participant.phone is not None})
        known = await sink.sketches(days, phones) if sink is not None else []
        by_day: dict[date, list[tuple[uuid.UUID, PersonSketch]]] = {}
        by_phone: dict[str, list[tuple[uuid.UUID, PersonSketch]]] = {}

        def index(pid: uuid.UUID, sketch: PersonSketch) -> None:
            if sketch.birth_date is not None:
                by_day.setdefault(sketch.birth_date, []).append((pid, sketch))
            if sketch.phone is not None:
                by_phone.setdefault(sketch.phone, []).append((pid, sketch))

        for pid, sketch in known:
            index(pid, sketch)
        for row in fresh:
            person = row.participant
            sketch = PersonSketch(person.name_key, person.birth_date, person.phone)
            same_day = by_day.get(person.birth_date, []) if person.birth_date is not None else []
            same_phone = by_phone.get(person.phone, []) if person.phone is not None else []
            candidates = {pid: other for pid, other in [*same_day, *same_phone] if pid != person.id}
            found: list[uuid.UUID] = []
            for other_id, other in candidates.items():
                reasons, similarity = duplicate_reasons(sketch, other)
                if reasons:
                    found.append(other_id)
                    batch.duplicates.append(
                        DuplicateCandidate(
                            participant_id=person.id,
                            other_id=other_id,
                            reasons=frozenset(reasons),
                            similarity=similarity,
                            now=now,
                        )
                    )
            row.report.duplicates = tuple(found)
            index(person.id, sketch)  # later rows of the same batch are compared with this one too

    def _claim(self, participant: Participant, holder: uuid.UUID) -> None:
        for key in identifier_keys(participant):
            self.seen[key] = holder

    def release(self, participant: Participant) -> None:
        for key in identifier_keys(participant):
            self.seen.pop(key, None)

    def reject(self, report: RowReport, field_name: str, code: str, message: str) -> None:
        if report.outcome is not Outcome.REJECTED or not report.errors:
            self.rejected += 1
        report.outcome = Outcome.REJECTED
        report.participant_id = None
        report.duplicates = ()
        report.errors = (FieldIssue(field_name, code, message),)


_TAKEN = "a person with the same identity document or external identifier is already registered"
_CONSENT_FIELDS = {"notice_version": "consent_notice_version", "given_at": "consent_given_at"}


async def import_participants(
    cmd: ImportParticipants,
    rows: Iterable[RawRow],
    principal: Principal,
    *,
    uow_factory: UnitOfWorkFactory,
    sink_factory: ImportSinkFactory,
    clock: Clock,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import participants from parsed rows (dry run, atomic or per record); returns a report on every row."""
    authorize(principal, "participants.register")
    if principal.partner_id is not None and cmd.owner_partner_id not in (None, principal.partner_id):
        raise InvalidInput(
            "a partner imports people for itself only", field="owner_partner_id", code="owner_not_allowed"
        )
    owner = principal.partner_id or cmd.owner_partner_id
    if owner is None:
        raise InvalidInput("name the partner importing these people", field="owner_partner_id", code="partner_required")
    async with uow_factory(principal, read_only=True) as uow:
        await require_any_partner_role(uow, owner, REGISTERING_ROLES, clock.now())
    importer = _Importer(cmd, principal, owner, sink_factory, clock)
    size = max(1, cmd.batch_size)
    if cmd.mode is ImportMode.PER_RECORD:
        await _per_record(importer, rows, size, progress)
    else:
        await _single_transaction(importer, rows, size, progress)
    return importer.report


def _batches(importer: _Importer, rows: Iterable[RawRow], size: int) -> Iterator[tuple[list[_Valid], int, datetime]]:
    """Validated rows in batches of `size` rows read (with how many were read so far)."""
    pending: list[_Valid] = []
    read = 0
    now = importer.clock.now()
    for raw in rows:
        read += 1
        valid = importer.validate(raw, now)
        if valid is not None:
            pending.append(valid)
        if read % size == 0:
            yield pending, read, now
            pending = []
            now = importer.clock.now()
    if pending or read % size:
        yield pending, read, now


async def _single_transaction(
    importer: _Importer, rows: Iterable[RawRow], size: int, progress: Callable[[int], None] | None
) -> None:
    """Dry run and atomic mode: one transaction that is committed only when every row went in."""
    broken = False  # a write failed: the transaction is lost, later rows are only checked against the file
    async with importer.sinks(importer.principal, dry_run=importer.dry_run) as sink:
        for valid, read, now in _batches(importer, rows, size):
            if valid:
                batch = await importer.run_batch(None if broken else sink, valid, now)
                if not importer.dry_run and not importer.rejected:
                    try:
                        await sink.write(batch.created, batch.updated, batch.duplicates)
                    except DuplicateParticipant:
                        broken = True
                        for report in batch.reports:
                            importer.reject(report, "documents", "duplicate_participant", _TAKEN)
            if progress is not None:
                progress(read)
        if not importer.dry_run and not importer.rejected:
            await sink.commit()
            importer.report.committed = True
    if not importer.dry_run and not importer.report.committed:
        # All or nothing, and it was nothing: no row was created or updated.
        for report in importer.report.rows:
            if report.outcome is not Outcome.REJECTED:
                if report.outcome is Outcome.CREATED:
                    report.participant_id = None
                report.outcome = Outcome.VALID
                report.duplicates = ()


async def _per_record(
    importer: _Importer, rows: Iterable[RawRow], size: int, progress: Callable[[int], None] | None
) -> None:
    """Each valid row is kept on its own; rows go in by batches and a batch that hits a constraint row by row."""
    for valid, read, now in _batches(importer, rows, size):
        if valid:
            replay = False
            async with importer.sinks(importer.principal) as sink:
                batch = await importer.run_batch(sink, valid, now)
                try:
                    await sink.write(batch.created, batch.updated, batch.duplicates)
                    await sink.commit()
                except DuplicateParticipant:
                    replay = True  # a concurrent writer took a key since the lookup
            if replay:
                await _row_by_row(importer, batch.reports, valid, now)
        if progress is not None:
            progress(read)
    importer.report.committed = True


async def _row_by_row(importer: _Importer, pending: list[RowReport], rows: list[_Valid], now: datetime) -> None:
    retry = {id(report) for report in pending}
    for row in rows:
        if id(row.report) not in retry:
            continue
        importer.release(row.participant)
        row.report.outcome = Outcome.VALID
        async with importer.sinks(importer.principal) as sink:
            batch = await importer.run_batch(sink, [row], now)
            if not batch.reports:
                continue
            try:
                await sink.write(batch.created, batch.updated, batch.duplicates)
                await sink.commit()
            except DuplicateParticipant:
                importer.reject(row.report, "documents", "duplicate_participant", _TAKEN)
