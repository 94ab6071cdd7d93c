"""Both import ledgers keep the same things: report entries in order, claims, created people, dry-run sketches."""

from __future__ import annotations

import datetime
import io
import json
import uuid
from collections.abc import Iterator

import pytest

from emprende.adapters.imports.ledger import SqliteImportLedger
from emprende.domain.participants.matching import PersonSketch
from emprende.services.imports.ledger import MemoryImportLedger
from emprende.services.imports.ports import ImportLedger
from emprende.services.imports.report import (
    ImportMode,
    ImportOutcome,
    ImportReport,
    RowReport,
    report_csv,
    report_dict,
    write_report_csv,
    write_report_json,
)
from emprende.services.imports.rows import FieldIssue

DAY = datetime.date(1990, 5, 17)


@pytest.fixture(params=["memory", "sqlite"])
def ledger(request: pytest.FixtureRequest) -> Iterator[ImportLedger]:
    kept: ImportLedger = MemoryImportLedger() if request.param == "memory" else SqliteImportLedger()
    yield kept
    kept.close()


def test_report_entries_come_back_as_they_were_kept(ledger: ImportLedger) -> None:
    ids = [uuid.uuid4() for _ in range(4)]
    first = [
        RowReport(1, ImportOutcome.CREATED, ids[0], (), (ids[1], ids[2])),
        RowReport(2, ImportOutcome.REJECTED, None, (FieldIssue("birth_date", "invalid", "não é uma data ✓"),)),
    ]
    second = [RowReport(3, ImportOutcome.UPDATED, ids[3]), RowReport(4, ImportOutcome.WOULD_CREATE)]
    ledger.settle(first, {}, (), ())
    ledger.settle([], {}, (), ())
    ledger.settle(second, {}, (), ())
    assert list(ledger.reports()) == first + second


def test_claims_and_created_people(ledger: ImportLedger) -> None:
    a, b, c = (uuid.uuid4() for _ in range(3))
    ledger.settle([], {"passport:VEN:1": a, "ext:sigob:1": a}, {a}, ())
    ledger.settle([], {"passport:VEN:2": b}, {b}, ())
    assert ledger.claimed(["passport:VEN:1", "passport:VEN:2", "passport:VEN:3"]) == {
        "passport:VEN:1": a,
        "passport:VEN:2": b,
    }
    assert ledger.claimed([]) == {}
    assert ledger.created_among([a, c]) == {a}
    many = [f"key:{n}" for n in range(1200)]  # more than one lookup's worth
    ledger.settle([], dict.fromkeys(many, c), (), ())
    assert ledger.claimed(many) == dict.fromkeys(many, c)


def test_people_by_birth_date_or_phone_in_the_order_kept(ledger: ImportLedger) -> None:
    people = [
        (uuid.uuid4(), PersonSketch("ana perez", DAY, None)),
        (uuid.uuid4(), PersonSketch("luis quispe", None, "+593991234567")),
        (uuid.uuid4(), PersonSketch("ana peres", DAY, "+593991234567")),
        (uuid.uuid4(), PersonSketch("otra", DAY + datetime.timedelta(days=1), None)),
    ]
    ledger.settle([], {}, (), people[:2])
    ledger.settle([], {}, (), people[2:])
    assert ledger.people_like([DAY], []) == [people[0], people[2]]
    assert ledger.people_like([DAY], ["+593991234567"]) == people[:3]
    assert ledger.people_like([], ["+593990000000"]) == []


def test_an_atomic_report_that_wrote_nothing_says_what_it_would_have_done(ledger: ImportLedger) -> None:
    person, other, same = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    ledger.settle(
        [
            RowReport(1, ImportOutcome.CREATED, person, (), (other,)),
            RowReport(2, ImportOutcome.REJECTED, None, (FieldIssue("sex", "invalid", "no"),)),
            RowReport(3, ImportOutcome.UPDATED, other),
            RowReport(4, ImportOutcome.UNCHANGED, same),
        ],
        {},
        (),
        (),
    )
    report = ImportReport(ImportMode.ATOMIC, uuid.uuid4(), committed=False, settled=ledger)
    assert [(r.outcome, r.participant_id, r.duplicates) for r in report.rows] == [
        (ImportOutcome.WOULD_CREATE, None, ()),  # the person was never written: no id
        (ImportOutcome.REJECTED, None, ()),
        (ImportOutcome.WOULD_UPDATE, other, ()),
        (ImportOutcome.UNCHANGED, same, ()),
    ]
    counts = report.counts()
    assert (counts["would_create"], counts["would_update"], counts["unchanged"], counts["created"]) == (1, 1, 1, 0)
    assert "valid" not in counts
    assert "participant_id" not in report_dict(report)["rows"][0]
    assert report_csv(report).splitlines()[1].startswith("1,would_create,,")
    report.committed = True
    assert report.rows[0].outcome is ImportOutcome.CREATED


def test_a_report_written_entry_by_entry_is_the_report(ledger: ImportLedger) -> None:
    person, other = uuid.uuid4(), uuid.uuid4()
    ledger.settle(
        [
            RowReport(1, ImportOutcome.CREATED, person, (), (other,)),
            RowReport(2, ImportOutcome.REJECTED, None, (FieldIssue("sex", "invalid", "«no» es válido"),)),
        ],
        {},
        (),
        (),
    )
    report = ImportReport(ImportMode.PER_RECORD, uuid.uuid4(), committed=True, settled=ledger)
    out = io.StringIO()
    write_report_json(report, out)
    assert json.loads(out.getvalue()) == report_dict(report)
    assert report_dict(report)["rows"][1]["errors"][0]["message"] == "«no» es válido"
    empty = ImportReport(ImportMode.DRY_RUN, uuid.uuid4(), settled=MemoryImportLedger())
    out = io.StringIO()
    write_report_json(empty, out)
    assert json.loads(out.getvalue()) == report_dict(empty)
    out = io.StringIO()
    write_report_csv(report, out)
    assert out.getvalue() == report_csv(report)
    assert out.getvalue().count("\n") == 3
