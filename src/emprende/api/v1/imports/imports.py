"""Bulk import of participants from a CSV, JSON Lines or .xlsx file."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import Field

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.problems import problem_responses
from emprende.api.schemas import ResponseModel
from emprende.api.tenancy import Tenancy, tenancy
from emprende.bootstrap.imports import ImportEncoding, ImportFormat, ImportsWiring, read_rows
from emprende.services.imports import service as import_service
from emprende.services.imports.service import ImportMode, ImportOutcome

IMPORTS_PATH = "/participants/imports"
router = APIRouter(prefix=IMPORTS_PATH, tags=["participants"])

_COLUMN_TABLE: list[tuple[str, str, str]] = [
    ("`given_names`", "given names (1 to 100 characters)", "`María José`"),
    ("`family_names`", "family names (1 to 100 characters)", "`Pérez Gómez`"),
    ("`birth_date`", "date of birth, `YYYY-MM-DD`", "`1990-04-17`"),
    ("`sex`", "`female`, `male`, `intersex`, `not_stated`", "`female`"),
    ("`gender_identity`", "self-described gender identity (sensitive)", "`mujer trans`"),
    ("`population_group`", "`migrant`, `refugee_or_asylum_seeker`, `returnee`, `host_community`", "`migrant`"),
    ("`nationality`", "ISO 3166-1 alpha-3 code", "`VEN`"),
    (
        "`migratory_status`",
        "`regular`, `in_process`, `irregular`, `refugee`, `asylum_seeker`, `not_applicable`, `not_stated`",
        "`regular`",
    ),
    (
        "`document_type`, `document_number`, `document_country`",
        "one identity document: type (`cedula`, `passport`, `refugee_id`, `foreign_id`, `other`), number, "
        "issuing country (alpha-3; ECU for a cédula)",
        "`passport`, `A1234567`, `VEN`",
    ),
    ("`document2_type`, `document2_number`, `document2_country`", "an optional second document", "`cedula`, …"),
    (
        ", ".join(f"`disability_{name}`" for name in ("seeing", "hearing", "walking", "remembering", "self_care"))
        + ", `disability_communicating`",
        "Washington Group Short Set answers: `no_difficulty`, `some_difficulty`, `a_lot_of_difficulty`, "
        "`cannot_do_at_all`",
        "`some_difficulty`",
    ),
    ("`household_size`", "people in the household (0 to 30)", "`4`"),
    ("`dependants`", "dependants, fewer than the household size", "`2`"),
    ("`education_level`", "`none`, `primary`, `secondary`, `technical`, `university`, `postgraduate`", "`secondary`"),
    ("`province_code`, `canton_code`", "INEC codes of the place of residence", "`13`, `1308`"),
    ("`phone`", "E.164 or a local Ecuadorian number", "`+593991234567`"),
    ("`email`", "e-mail address", "`maria@example.org`"),
    ("`preferred_language`", "`es` or `en` (also the consent's language)", "`es`"),
    ("`external_system`, `external_value`", "the person's identifier in your system: the upsert key", "`sigob`, `P-1`"),
    ("`consent_notice_version`", "version of the privacy notice the person accepted", "`2026-01`"),
    ("`consent_method`", "`in_person`, `digital`, `guardian`", "`in_person`"),
    (
        "`consent_given_at`",
        "when consent was given, ISO 8601 with offset (default: now)",
        "`2026-01-15T10:00:00-05:00`",
    ),
]

COLUMNS_DOC = (
    """
**Columns** (CSV or workbook header names, or JSON Lines keys; order free, names case-insensitive, empty cells are "not
given").
Required in every row: `given_names`, `family_names`, `birth_date`, `sex`, `population_group`, `nationality`,
`consent_notice_version`, `consent_method` (registration needs the person's consent).

| column | meaning | example |
|---|---|---|
"""
    + "\n".join(f"| {column} | {meaning} | {example} |" for column, meaning, example in _COLUMN_TABLE)
    + """

**Upsert.** A row whose external identifier (system + value) your partner already holds updates that record
(`updated`), or leaves it alone when nothing changed (`unchanged`); documents left empty keep the stored ones. Any other
row creates a person (`created`). A document or identifier that someone else holds rejects the row
(`duplicate_participant`), and so does one that an earlier row of the same file gave: a file names each person once.
Probable duplicates are created and queued for review (listed in `duplicates`; a dry run lists the registered people
among them: the file's own rows get an id when they are imported). A row's `duplicates` names only records you may see
(your partner's, or shared with it by a `sharing` consent): a probable duplicate held by another partner is queued for
the reviewers who see both records and never named, not even counted.

**Modes.** `dry_run` checks every row against the registry and writes nothing; `atomic` writes every row or none
(one rejected row: nothing is written, `committed` is false); `per_record` keeps each valid row, whatever happens to
others.

**Report.** One entry per data row (row 1 is the first row after the header; blank lines are skipped): `row`,
`outcome`, `participant_id`, `errors` (every problem of the row at once: field, code, message — never the submitted
value) and `duplicates`. Outcomes: `created`, `updated`, `unchanged` or `rejected`; when nothing was written (a dry run,
an atomic import with a rejected row) what the import would do: `would_create` (no `participant_id`: the person does
not exist), `would_update` or `unchanged` (with the id of your existing record), or `rejected`. `counts` has one entry
per outcome, plus `total` and `probable_duplicates`. JSON by default; CSV with `Accept: text/csv` or `?report=csv`.

**Files.** CSV or JSON Lines in UTF-8 (with or without BOM) or Latin-1 (`encoding=latin-1`); bytes the declared
encoding cannot decode reject their row. An Excel workbook (.xlsx) is read whatever its name: the first sheet, its first
row the header, cells as their displayed text would be exported (dates `YYYY-MM-DD`, whole numbers without `.0`). A file
that is neither text nor an .xlsx workbook (an old .xls, a password-protected or damaged workbook), or whose header
names unknown or misses required columns, is refused as a whole (422 `invalid_import_file`, with the reason in
`errors`). Uploads larger than `EMPRENDE_IMPORT_MAX_BYTES` are refused (413).
"""
)


class ImportIssueOut(ResponseModel):
    field: str
    code: str
    message: str


class ImportRowOut(ResponseModel):
    row: int
    outcome: ImportOutcome = Field(
        description="What the import did with the row; `would_create` and `would_update` when it wrote nothing."
    )
    participant_id: uuid.UUID | None = Field(
        None, description="The person created, updated or left unchanged; none for `would_create` and `rejected`."
    )
    errors: list[ImportIssueOut] | None = Field(None, description="Only when the row was rejected: all its problems.")
    duplicates: list[uuid.UUID] | None = Field(
        None, description="Probable duplicates queued for review, those the caller may see (the others are not named)."
    )


class ImportCountsOut(ResponseModel):
    created: int
    updated: int
    unchanged: int
    rejected: int
    would_create: int
    would_update: int
    total: int = Field(description="Data rows read.")
    probable_duplicates: int = Field(description="Probable duplicates listed in the rows.")


class ImportReportOut(ResponseModel):
    mode: ImportMode
    owner_partner_id: uuid.UUID
    committed: bool = Field(
        description="False for a dry run and for an atomic import that wrote nothing; per-record imports keep their "
        "valid rows (true)."
    )
    counts: ImportCountsOut
    rows: list[ImportRowOut]


@router.post(
    "",
    response_model=ImportReportOut,
    operation_id="import_participants",
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The per-row report"},
        **problem_responses(400, 401, 403, 404, 413, 422),
    },
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
    description=COLUMNS_DOC,
)
async def import_participants(
    request: Request,
    principal: CurrentPrincipal,
    container: ContainerDep,
    file: Annotated[UploadFile, File(description="The CSV, JSON Lines or .xlsx file.")],
    format: Annotated[
        ImportFormat | None, Form(description="Default: from the file name, the content type or the content.")
    ] = None,
    mode: Annotated[ImportMode, Form(description="dry_run, atomic or per_record.")] = ImportMode.PER_RECORD,
    encoding: Annotated[ImportEncoding, Form(description="The file's encoding.")] = ImportEncoding.UTF_8,
    owner_partner_id: Annotated[
        uuid.UUID | None, Form(description="Administrators only: the importing partner.")
    ] = None,
    report: Annotated[Literal["json", "csv"] | None, Query(description="Report format (default: JSON).")] = None,
) -> Response:
    """Import participants from a CSV, JSON Lines or .xlsx file, with a report on every row."""
    rows = read_rows(
        file.file, format=format, encoding=encoding, filename=file.filename, content_type=file.content_type
    )
    # A file refused as a whole (ImportFileError) leaves as any domain error does: its reason in the caller's language.
    result = await import_service.import_participants(
        import_service.ImportParticipants(mode=mode, owner_partner_id=owner_partner_id),
        rows,
        principal,
        uow_factory=container.uow,
        sink_factory=container.area(ImportsWiring).sink,
        clock=container.clock,
        ledger=container.area(ImportsWiring).ledger(),
    )
    headers = {"Cache-Control": "no-store"}
    wants_csv = report == "csv" or (report is None and "text/csv" in request.headers.get("accept", ""))
    try:
        if wants_csv:
            body = await run_in_threadpool(import_service.report_csv, result)
            return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
        return Response(
            orjson.dumps(import_service.report_dict(result)), media_type="application/json", headers=headers
        )
    finally:
        result.close()
