"""An `ImportLedger` in a private temporary SQLite database: what an import keeps of its rows, off the heap.

SQLite keeps a private temporary database (the empty file name) in its page cache and spills it to a file of its own,
deleted when the connection closes: an import's memory stays at a few batches and this cache whatever the file's size.
Calls are local and take whole batches (one `executemany`, or one lookup per 500 keys), from the event loop's thread.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import orjson

from emprende.domain.participants.matching import PersonSketch
from emprende.services.imports.report import ImportOutcome, RowReport
from emprende.services.imports.rows import FieldIssue

_CHUNK = 500  # values per IN (...) list: well under SQLite's parameter limit
_CACHE_KIB = 8192  # the page cache, beyond which the database goes to its temporary file
_SCHEMA = """
CREATE TABLE claims (key TEXT PRIMARY KEY, holder BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE created (id BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE people (id BLOB NOT NULL, name_key TEXT NOT NULL, birth_date TEXT, phone TEXT);
CREATE INDEX people_birth_date ON people (birth_date);
CREATE INDEX people_phone ON people (phone);
CREATE TABLE reports (row INTEGER NOT NULL, outcome TEXT NOT NULL, participant_id BLOB, errors BLOB, duplicates BLOB);
"""


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


def _report_row(report: RowReport) -> tuple[Any, ...]:
    return (
        report.row,
        report.outcome.value,
        report.participant_id.bytes if report.participant_id is not None else None,
        orjson.dumps([[e.field, e.code, e.message] for e in report.errors]) if report.errors else None,
        b"".join(other.bytes for other in report.duplicates) if report.duplicates else None,
    )


def _report(row: tuple[Any, ...]) -> RowReport:
    number, outcome, participant_id, errors, duplicates = row
    return RowReport(
        number,
        ImportOutcome(outcome),
        uuid.UUID(bytes=participant_id) if participant_id is not None else None,
        tuple(FieldIssue(*issue) for issue in orjson.loads(errors)) if errors is not None else (),
        tuple(uuid.UUID(bytes=duplicates[i : i + 16]) for i in range(0, len(duplicates), 16)) if duplicates else (),
    )


class SqliteImportLedger:
    """An `ImportLedger` in a private temporary SQLite database, gone when it is closed."""

    def __init__(self) -> None:
        # One import uses it, one call at a time; a report may be read from a worker thread once the import is done.
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.executescript(
            f"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -{_CACHE_KIB};" + _SCHEMA
        )

    def settle(
        self,
        reports: Sequence[RowReport],
        claims: Mapping[str, uuid.UUID],
        created: Iterable[uuid.UUID],
        people: Sequence[tuple[uuid.UUID, PersonSketch]],
    ) -> None:
        db = self._db
        db.execute("BEGIN")
        try:
            db.executemany("INSERT INTO reports VALUES (?, ?, ?, ?, ?)", map(_report_row, reports))
            db.executemany("INSERT OR REPLACE INTO claims VALUES (?, ?)", [(k, v.bytes) for k, v in claims.items()])
            db.executemany("INSERT OR IGNORE INTO created VALUES (?)", [(each.bytes,) for each in created])
            db.executemany(
                "INSERT INTO people VALUES (?, ?, ?, ?)",
                [
                    (pid.bytes, s.name_key, s.birth_date.isoformat() if s.birth_date else None, s.phone)
                    for pid, s in people
                ],
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def claimed(self, keys: Sequence[str]) -> dict[str, uuid.UUID]:
        found: dict[str, uuid.UUID] = {}
        for chunk in _chunks(keys):
            statement = f"SELECT key, holder FROM claims WHERE key IN ({_placeholders(len(chunk))})"  # noqa: S608 - placeholders only; every value is bound
            found.update((key, uuid.UUID(bytes=holder)) for key, holder in self._db.execute(statement, chunk))
        return found

    def created_among(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        found: set[uuid.UUID] = set()
        for chunk in _chunks([each.bytes for each in ids]):
            statement = f"SELECT id FROM created WHERE id IN ({_placeholders(len(chunk))})"  # noqa: S608 - placeholders only; every value is bound
            found.update(uuid.UUID(bytes=each) for (each,) in self._db.execute(statement, chunk))
        return found

    def people_like(self, days: Sequence[date], phones: Sequence[str]) -> list[tuple[uuid.UUID, PersonSketch]]:
        rows: dict[int, tuple[uuid.UUID, PersonSketch]] = {}
        for column, values in (("birth_date", [day.isoformat() for day in days]), ("phone", list(phones))):
            for chunk in _chunks(values):
                statement = (
                    f"SELECT rowid, id, name_key, birth_date, phone FROM people "  # noqa: S608 - placeholders only; every value is bound
                    f"WHERE {column} IN ({_placeholders(len(chunk))})"
                )
                for rowid, pid, key, day, phone in self._db.execute(statement, chunk):
                    born = date.fromisoformat(day) if day is not None else None
                    rows[rowid] = (uuid.UUID(bytes=pid), PersonSketch(key, born, phone))
        return [rows[rowid] for rowid in sorted(rows)]

    def reports(self) -> Iterator[RowReport]:
        cursor = self._db.execute("SELECT row, outcome, participant_id, errors, duplicates FROM reports ORDER BY rowid")
        while batch := cursor.fetchmany(1000):
            yield from map(_report, batch)

    def close(self) -> None:
        self._db.close()
