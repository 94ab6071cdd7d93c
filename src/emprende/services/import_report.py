"""The import's report: one entry per data row (outcome, participant, errors, probable duplicates), as JSON or CSV."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from emprende.services.import_rows import FieldIssue


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
