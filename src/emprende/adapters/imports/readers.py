"""Reading import files: CSV or JSON Lines, UTF-8 (with or without BOM) or Latin-1, or an .xlsx workbook
(`import_workbooks`), one row at a time.

Nothing here holds more than one row: the file is read through a decoder as a stream. Problems with the file as a whole
(not text nor a workbook, unknown or missing columns, no header) raise `ImportFileError` on the first row read;
problems with one row (wrong number of cells, an unclosed quote, bytes the declared encoding cannot decode, a line that
is not a JSON object) become that row's errors and the reading goes on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import IO, Any

from emprende.adapters.imports.workbooks import OLE2_MAGIC, ZIP_MAGIC, old_workbook_error, workbook_rows
from emprende.services.imports.rows import KNOWN_COLUMNS, REQUIRED_COLUMNS, FieldIssue, ImportFileError, RawRow

MAX_LINE = 65_536
_SNIFF = 8192
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of bytes the codec refused


class ImportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    XLSX = "xlsx"


class ImportEncoding(StrEnum):
    UTF_8 = "utf-8"
    LATIN_1 = "latin-1"


_CODECS = {ImportEncoding.UTF_8: "utf-8-sig", ImportEncoding.LATIN_1: "latin-1"}
_JSONL_TYPES = ("application/jsonl", "application/x-ndjson", "application/x-jsonlines", "application/json-lines")
_XLSX_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel.sheet.macroenabled.12",
)


def infer_format(
    declared: ImportFormat | None, filename: str | None, content_type: str | None, head: bytes
) -> ImportFormat:
    """A ZIP archive is read as a workbook whatever it is called (no text file starts as one does; an old binary
    workbook is refused); otherwise the declared format, else the file name's extension, else the content type, else
    a look at the first byte."""
    if head.startswith(OLE2_MAGIC):
        raise old_workbook_error()
    if head.startswith(ZIP_MAGIC):
        return ImportFormat.XLSX
    if declared is not None:
        return declared
    name = (filename or "").lower()
    if name.endswith((".jsonl", ".ndjson")):
        return ImportFormat.JSONL
    if name.endswith(".csv"):
        return ImportFormat.CSV
    if name.endswith((".xlsx", ".xlsm")):
        return ImportFormat.XLSX
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _JSONL_TYPES:
        return ImportFormat.JSONL
    if media == "text/csv":
        return ImportFormat.CSV
    if media in _XLSX_TYPES:
        return ImportFormat.XLSX
    return ImportFormat.JSONL if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else ImportFormat.CSV


def read_rows(
    binary: IO[bytes],
    *,
    format: ImportFormat | None = None,
    encoding: ImportEncoding = ImportEncoding.UTF_8,
    filename: str | None = None,
    content_type: str | None = None,
) -> Iterator[RawRow]:
    """Rows of an import file, read lazily from a seekable binary stream positioned at its start."""
    head = binary.read(_SNIFF)
    binary.seek(0)
    if not head.strip():
        raise ImportFileError("the file is empty")
    kind = infer_format(format, filename, content_type, head)
    if kind is ImportFormat.XLSX:
        yield from workbook_rows(binary, _header)
        return
    if b"\x00" in head:
        raise ImportFileError("the file is neither {encoding} text nor an .xlsx workbook", encoding=encoding.value)
    text = io.TextIOWrapper(binary, encoding=_CODECS[encoding], errors="surrogateescape", newline="")
    try:
        if kind is ImportFormat.CSV:
            yield from _csv_rows(text, encoding)
        else:
            yield from _jsonl_rows(text, encoding)
    finally:
        if not binary.closed:  # closed already if the caller gave up on the rows and closed it before they were freed
            text.detach()  # the caller owns the binary stream


def _encoding_issue(encoding: ImportEncoding) -> FieldIssue:
    return FieldIssue("row", "invalid_encoding", f"the row has bytes that are not valid {encoding.value}")


def _column(name: str) -> str:
    return name.strip().lower()


def _header(cells: Sequence[str]) -> list[str]:
    """The columns a header row names; raises ImportFileError unless it names known columns, each once, the required
    ones among them."""
    header = [_column(name) for name in cells]
    if "" in header:
        raise ImportFileError("a column of the header has no name")
    unknown = [name for name in header if name not in KNOWN_COLUMNS]
    if unknown:
        shown = ", ".join(name[:40] for name in unknown[:10])
        raise ImportFileError("unknown columns: {columns} (see the documented column list)", columns=shown)
    if len(set(header)) != len(header):
        raise ImportFileError("a column appears twice in the header")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportFileError("required columns missing: {columns}", columns=", ".join(missing))
    return header


def _csv_rows(text: IO[str], encoding: ImportEncoding) -> Iterator[RawRow]:
    reader = csv.reader(text, strict=True)
    try:
        cells = next(reader)
    except StopIteration:
        raise ImportFileError("the file has no header row") from None
    except csv.Error:
        raise ImportFileError("the header row is not valid CSV") from None
    if any(_UNDECODABLE.search(name) for name in cells):
        raise ImportFileError("the header row is not valid {encoding}", encoding=encoding.value)
    header = _header(cells)
    width = len(header)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            problem = "unexpected end of file inside a quoted cell" if "end of data" in str(error) else str(error)
            yield RawRow(number, {}, (FieldIssue("row", "malformed_csv", problem[:200]),))
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # blank line
        number += 1
        if len(cells) != width:
            issue = FieldIssue("row", "wrong_column_count", f"expected {width} cells, found {len(cells)}")
            yield RawRow(number, {}, (issue,))
            continue
        if _UNDECODABLE.search("".join(cells)):  # one search per row: a cell boundary cannot make a surrogate
            yield RawRow(number, {}, (_encoding_issue(encoding),))
            continue
        yield RawRow(
            number, {name: value for name, cell in zip(header, cells, strict=True) if cell and (value := cell.strip())}
        )


def _jsonl_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError
    return str(value).strip() or None


def _jsonl_rows(text: IO[str], encoding: ImportEncoding) -> Iterator[RawRow]:
    number = 0
    while True:
        line = text.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith("\n"):
            while (rest := text.readline(MAX_LINE)) and not rest.endswith("\n"):
                pass  # skip the rest of an overlong line without holding it
            number += 1
            yield RawRow(number, {}, (FieldIssue("row", "line_too_long", f"at most {MAX_LINE} characters"),))
            continue
        if not line.strip():
            continue
        number += 1
        if _UNDECODABLE.search(line):
            yield RawRow(number, {}, (_encoding_issue(encoding),))
            continue
        try:
            record = json.loads(line)
        except ValueError:
            yield RawRow(number, {}, (FieldIssue("row", "malformed_json", "the line is not valid JSON"),))
            continue
        if not isinstance(record, dict):
            yield RawRow(number, {}, (FieldIssue("row", "malformed_json", "the line is not a JSON object"),))
            continue
        issues: list[FieldIssue] = []
        values: dict[str, str] = {}
        for key, raw in record.items():
            name = _column(str(key))
            if name not in KNOWN_COLUMNS:
                issues.append(FieldIssue(name[:40], "unknown_field", "not a documented column"))
                continue
            try:
                value = _jsonl_value(raw)
            except TypeError:
                issues.append(FieldIssue(name, "invalid_type", "must be a string, a number or null"))
                continue
            if value is not None:
                values[name] = value
        yield RawRow(number, values, tuple(issues))
