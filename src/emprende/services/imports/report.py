"""The import's report: one entry per data row (outcome, participant, errors, probable duplicates), as JSON or CSV."""

from __future__ import annotations

import csv
import io
import itertools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any, Protocol

from emprende.services.imports.rows import FieldIssue


class ImportMode(StrEnum):
    DRY_RUN = "dry_run"
    ATOMIC = "atomic"
    PER_RECORD = "per_record"


class ImportOutcome(StrEnum):
    """What an import did with a row, or, when it wrote nothing (a dry run, an atomic import with a rejected row),
    what it would have done."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    WOULD_CREATE = "would_create"
    WOULD_UPDATE = "would_update"


# An atomic import that wrote nothing reports what it would have done.
_UNWRITTEN = {ImportOutcome.CREATED: ImportOutcome.WOULD_CREATE, ImportOutcome.UPDATED: ImportOutcome.WOULD_UPDATE}


@dataclass(slots=True)
class RowReport:
    row: int
    outcome: ImportOutcome
    participant_id: uuid.UUID | None = None
    errors: tuple[FieldIssue, ...] = ()
    duplicates: tuple[uuid.UUID, ...] = ()


class ReportRows(Protocol):
    def reports(self) -> Iterator[RowReport]: ...
    def close(self) -> None: ...


@dataclass(slots=True)
class ImportReport:
    """The report of an import, its entries kept where the import's ledger keeps them (`rows` reads them all into a
    list; `each_row` one by one). `close()` lets the ledger go once the report has been read."""

    mode: ImportMode
    owner_partner_id: uuid.UUID
    committed: bool = False
    settled: ReportRows | None = None
    pending: list[RowReport] = field(default_factory=list)  # entries of the batches not settled yet

    @property
    def rows(self) -> list[RowReport]:
        return list(self.each_row())

    def each_row(self) -> Iterator[RowReport]:
        """Every entry, in row order. An atomic import that wrote nothing reports what it would have done: no id for
        a person it would have created (none exists), no pair."""
        unwritten = self.mode is ImportMode.ATOMIC and not self.committed
        for row in itertools.chain(self.settled.reports() if self.settled is not None else (), self.pending):
            if unwritten and row.outcome is not ImportOutcome.REJECTED:
                outcome = _UNWRITTEN.get(row.outcome, row.outcome)
                row = RowReport(row.row, outcome, None if outcome is ImportOutcome.WOULD_CREATE else row.participant_id)
            yield row

    def counts(self) -> dict[str, int]:
        totals = {outcome.value: 0 for outcome in ImportOutcome}
        rows = duplicates = 0
        for row in self.each_row():
            totals[row.outcome.value] += 1
            rows += 1
            duplicates += len(row.duplicates)
        totals["total"] = rows
        totals["probable_duplicates"] = duplicates
        return totals

    def close(self) -> None:
        if self.settled is not None:
            self.settled.close()


def _row_dict(item: RowReport) -> dict[str, Any]:
    """A report entry as JSON-ready data; empty fields are left out to keep a large report compact."""
    row: dict[str, Any] = {"row": item.row, "outcome": item.outcome.value}
    if item.participant_id is not None:
        row["participant_id"] = str(item.participant_id)
    if item.errors:
        row["errors"] = [{"field": e.field, "code": e.code, "message": e.message} for e in item.errors]
    if item.duplicates:
        row["duplicates"] = [str(other) for other in item.duplicates]
    return row


def _header(report: ImportReport) -> dict[str, Any]:
    return {
        "mode": report.mode.value,
        "owner_partner_id": str(report.owner_partner_id),
        "committed": report.committed,
        "counts": report.counts(),
    }


def report_dict(report: ImportReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {**_header(report), "rows": [_row_dict(item) for item in report.each_row()]}


def write_report_json(report: ImportReport, out: IO[str]) -> None:
    """`report_dict` as JSON text, written an entry at a time (one a line)."""
    header = json.dumps(_header(report), ensure_ascii=False)
    out.write(header[:-1] + ', "rows": [')
    for index, item in enumerate(report.each_row()):
        out.write(("\n " if index == 0 else ",\n ") + json.dumps(_row_dict(item), ensure_ascii=False))
    out.write("\n]}\n")


_CSV_HEADER = ["row", "outcome", "participant_id", "errors", "messages", "duplicates"]


def write_report_csv(report: ImportReport, out: IO[str]) -> None:
    """The report as CSV, written a line at a time: one line per data row; errors as `field:code` joined by `;`."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_HEADER)
    for item in report.each_row():
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


def report_csv(report: ImportReport) -> str:
    """`write_report_csv` into a string."""
    out = io.StringIO()
    write_report_csv(report, out)
    return out.getvalue()
