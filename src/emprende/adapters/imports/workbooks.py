"""Reading import files that are Excel workbooks (.xlsx): the first sheet, its first row the header, one row at a time.

openpyxl reads the sheet in read-only (streaming) mode: rows are parsed as they are asked for, never the whole sheet at
once; cells are cached values (`data_only`), never formulas. A ZIP archive must be seekable, so a workbook is read from
the whole file (an upload is already spooled to a temporary file), and it is checked through (every part's CRC) before
any row is read: a damaged workbook is refused as a whole. Each cell becomes the text the CSV path would see: dates as
`YYYY-MM-DD`, whole numbers without `.0`, empty cells empty. An old binary workbook (.xls), an encrypted one (stored in
the same old container), an .xlsb or an OpenDocument spreadsheet is refused with what to do instead.

Work: the archive's declared sizes bound what reading it costs (a part is never read past its declared size), and an
archive that declares a hundred times its size is refused before anything is decompressed.

Memory: rows stream, but openpyxl holds the workbook's shared-strings table (each distinct text of the workbook) in
memory, about six times the size of its XML: 15 MB of it (200,000 people, 600,000 distinct texts) took 93 MiB. A
workbook whose table is larger than `MAX_SHARED_STRINGS` is refused (export it as CSV, which streams in flat memory).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time
from typing import IO

from openpyxl import load_workbook

from emprende.services.imports.rows import FieldIssue, ImportFileError, RawRow

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary container: .xls, and every encrypted workbook
ZIP_MAGIC = b"PK\x03\x04"
MAX_SHARED_STRINGS = 32 * 1024 * 1024  # bytes of shared-strings XML: some 400,000 people, about 200 MiB held
# A workbook's XML compresses about tenfold; one that expands a hundredfold is made to keep its reader busy (ZIP bomb).
MAX_EXPANSION = 100
_WORKBOOK_PART = "xl/workbook.xml"
_CheckHeader = Callable[[Sequence[str]], list[str]]


def _damaged() -> ImportFileError:
    return ImportFileError(
        "the workbook is damaged or is not an .xlsx workbook: open it and save it again as .xlsx, or as CSV"
    )


def old_workbook_error() -> ImportFileError:
    return ImportFileError(
        "the file is an old Excel workbook (.xls) or a password-protected one: save it as an .xlsx workbook without "
        "a password, or as CSV"
    )


def cell_text(value: object) -> str:
    """A cell's value as the text a CSV export of the sheet would hold (stripped later, like every cell)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores every number as a float: 4.0 is the 4 a person typed
    return str(value)


def _check_archive(binary: IO[bytes]) -> None:
    """Refuse, before any row is read, a file that is not a whole, readable .xlsx workbook."""
    try:
        with zipfile.ZipFile(binary) as archive:
            names = set(archive.namelist())
            if _WORKBOOK_PART not in names:
                if "xl/workbook.bin" in names:
                    raise ImportFileError("an Excel binary workbook (.xlsb) is not read: save it as .xlsx, or as CSV")
                if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                    raise ImportFileError("an OpenDocument spreadsheet (.ods) is not read: save it as .xlsx, or as CSV")
                raise _damaged()
            # Sizes as the archive declares them, checked before reading anything: testzip then reads each part to
            # its declared end and no further (a part that holds more fails its CRC).
            parts = archive.infolist()
            expanded = sum(info.file_size for info in parts)
            if expanded > MAX_EXPANSION * max(sum(info.compress_size for info in parts), 1 << 20):
                raise ImportFileError(
                    "the workbook expands to far more than a sheet of people holds: save it again as .xlsx, or as CSV"
                )
            strings = sum(info.file_size for info in parts if info.filename.lower().endswith("sharedstrings.xml"))
            if strings > MAX_SHARED_STRINGS:
                raise ImportFileError(
                    "the workbook holds too many distinct texts to be read in bounded memory: save it as CSV"
                )
            if archive.testzip() is not None:  # reads every part through once, in chunks
                raise _damaged()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as error:
        raise _damaged() from error
    finally:
        binary.seek(0)


def workbook_rows(binary: IO[bytes], check_header: _CheckHeader) -> Iterator[RawRow]:
    """Rows of the first sheet of an .xlsx workbook read from a seekable binary stream positioned at its start.

    `check_header` turns the header's cells into column names, or raises ImportFileError."""
    _check_archive(binary)
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception as error:  # a parser of untrusted files: whatever it fails with, the file is at fault
        raise _damaged() from error
    try:
        if not workbook.worksheets:
            raise ImportFileError("the workbook has no sheet")
        sheet = workbook.worksheets[0]
        # Writers set the sheet's declared size wrongly often enough (A1:A1): read every row the sheet holds.
        sheet.reset_dimensions()
        yield from _sheet_rows(iter(sheet.iter_rows(values_only=True)), check_header)
    finally:
        workbook.close()


def _sheet_rows(cells: Iterator[tuple[object, ...]], check_header: _CheckHeader) -> Iterator[RawRow]:
    header: list[str] | None = None
    width = 0
    number = 0
    while True:
        try:
            row = next(cells, None)
        except Exception:  # the sheet's XML broke off: nothing after this point can be read
            number += 1
            issue = FieldIssue("row", "unreadable_workbook", "the rest of the sheet could not be read: it is damaged")
            yield RawRow(number, {}, (issue,))
            return
        if row is None:
            break
        texts = [cell_text(value).strip() for value in row]
        if not any(texts):
            continue  # a blank row
        if header is None:
            while texts and not texts[-1]:
                texts.pop()
            header = check_header(texts)
            width = len(header)
            continue
        number += 1
        used = max(position for position, text in enumerate(texts) if text) + 1
        if used > width:
            issue = FieldIssue("row", "wrong_column_count", f"expected {width} cells, found {used}")
            yield RawRow(number, {}, (issue,))
            continue
        yield RawRow(number, {name: text for name, text in zip(header, texts, strict=False) if text})
    if header is None:
        raise ImportFileError("the workbook's first sheet is empty")
