"""Small pieces of the import's adapters: the row reader's hold on the caller's stream, packed ids, workbooks."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook

from emprende.adapters.imports import workbooks as import_workbooks
from emprende.adapters.imports.readers import read_rows
from emprende.adapters.imports.workbooks import cell_text
from emprende.adapters.sql.participants.import_lookups import _Flags, _PackedIds
from emprende.services.imports.rows import ImportFileError

CSV = (
    "given_names,family_names,birth_date,sex,population_group,nationality,consent_notice_version,consent_method\n"
    "Ana,Pérez,1990-01-01,female,migrant,VEN,2026-01,in_person\n"
    "Luis,Quispe,1991-02-02,male,migrant,PER,2026-01,in_person\n"
)


def test_rows_given_up_leave_the_stream_to_the_caller() -> None:
    stream = io.BytesIO(CSV.encode())
    rows = read_rows(stream, filename="people.csv")
    assert next(rows).values["given_names"] == "Ana"
    rows.close()
    assert not stream.closed  # the reader never closes what it was given
    assert stream.read(1) == b""  # …and it stays usable


def test_rows_given_up_after_the_caller_closed_the_stream() -> None:
    stream = io.BytesIO(CSV.encode())
    rows = read_rows(stream, filename="people.csv")
    next(rows)
    stream.close()  # an import that failed: its upload is closed before the rows are freed
    rows.close()  # no error about the closed file


def test_packed_ids() -> None:
    ids = [uuid.uuid4() for _ in range(5)]
    packed = _PackedIds(b"".join(each.bytes for each in ids))
    assert len(packed) == 5
    assert list(packed) == ids
    assert packed[0] == ids[0]
    assert packed[-1] == ids[-1]
    assert packed[1:4] == ids[1:4]
    assert packed[::-2] == ids[::-2]
    assert ids[3] in packed
    assert packed.index(ids[2]) == 2
    with pytest.raises(IndexError):
        packed[5]
    with pytest.raises(IndexError):
        packed[-6]
    assert list(_PackedIds(b"")) == []
    with pytest.raises(ValueError, match="16 bytes"):
        _PackedIds(b"\x00" * 17)


# --- workbooks ------------------------------------------------------------------------------------------------------

HEADER = CSV.splitlines()[0].split(",")


def _book(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rezipped(content: bytes, change: Callable[[str], str]) -> bytes:
    """The workbook with its sheet's XML changed, in a whole, well-formed archive (every CRC right)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def _ana(n: int) -> list[object]:
    return [f"Ana{n}", "Pérez", date(1990, 1, 1 + n), "female", "migrant", "VEN", "2026-01", "in_person"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  Ana ", "  Ana "),
        (4, "4"),
        (4.0, "4"),  # Excel keeps every number as a float
        (593991234567.0, "593991234567"),
        (2.5, "2.5"),
        (date(1990, 4, 17), "1990-04-17"),
        (datetime(1990, 4, 17), "1990-04-17"),  # a date cell, read back as midnight
        (datetime(2026, 1, 15, 10, 30), "2026-01-15T10:30:00"),  # no offset: consent_given_at asks for one
        (time(10, 30), "10:30:00"),
        (True, "TRUE"),
    ],
)
def test_a_cell_reads_as_a_csv_export_of_it(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_a_workbook_is_read_row_by_row() -> None:
    content = _book(HEADER, _ana(1), [None] * 8, _ana(2), [*_ana(3), None, None])
    rows = list(read_rows(io.BytesIO(content)))
    assert [row.number for row in rows] == [1, 2, 3]  # a blank row is skipped; empty trailing cells are no cells
    assert rows[0].values["birth_date"] == "1990-01-02"
    assert rows[2].errors == ()


def test_a_workbook_whose_sheet_size_is_declared_wrong_is_read_whole() -> None:
    def declared_wrong(xml: str) -> str:
        assert '<dimension ref="A1:H3"' in xml
        return xml.replace('<dimension ref="A1:H3"', '<dimension ref="A1:A1"')

    content = _rezipped(_book(HEADER, _ana(1), _ana(2)), declared_wrong)
    assert [row.values["given_names"] for row in read_rows(io.BytesIO(content))] == ["Ana1", "Ana2"]


def test_a_damaged_workbook_is_refused_before_any_row() -> None:
    content = _book(HEADER, *(_ana(n % 25) for n in range(3000)))  # a sheet read in many chunks
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    end = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size
    damaged = content[: end - 8] + bytes([content[end - 8] ^ 0x01]) + content[end - 7 :]  # near the sheet's end
    with pytest.raises(ImportFileError, match="damaged"):
        next(read_rows(io.BytesIO(damaged)))


def test_a_sheet_that_breaks_off_ends_with_a_row_that_says_so() -> None:
    """A sheet whose XML is cut short inside a whole archive: the rows before are read, then one row says why the
    rest cannot be."""
    content = _rezipped(_book(HEADER, _ana(1), _ana(2), _ana(3)), lambda xml: xml[: xml.index('<row r="4"')])
    rows = list(read_rows(io.BytesIO(content)))
    assert [row.values.get("given_names") for row in rows] == ["Ana1", "Ana2", None]
    assert rows[-1].errors[0].code == "unreadable_workbook"


def test_an_empty_sheet_and_a_header_alone() -> None:
    with pytest.raises(ImportFileError, match="first sheet is empty"):
        list(read_rows(io.BytesIO(_book())))
    assert list(read_rows(io.BytesIO(_book(HEADER)))) == []
    with pytest.raises(ImportFileError, match="no name"):
        list(read_rows(io.BytesIO(_book([*HEADER[:2], None, *HEADER[2:]]))))


def test_a_workbook_with_too_many_distinct_texts_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    content = _book(HEADER, _ana(1))
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>x</t></si>" * 100 + "</sst>")
    monkeypatch.setattr(import_workbooks, "MAX_SHARED_STRINGS", 1000)
    with pytest.raises(ImportFileError, match="too many distinct texts"):
        next(read_rows(io.BytesIO(out.getvalue())))
    monkeypatch.setattr(import_workbooks, "MAX_SHARED_STRINGS", 10_000)
    assert next(read_rows(io.BytesIO(out.getvalue()))).number == 1


def test_a_workbook_that_expands_far_beyond_its_size_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.BytesIO(_book(HEADER, _ana(1)))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\x00" * (3 << 20))  # 3 MiB that compress to a few KiB
    monkeypatch.setattr(import_workbooks, "MAX_EXPANSION", 2)
    with pytest.raises(ImportFileError, match="expands to far more"):
        next(read_rows(io.BytesIO(out.getvalue())))
    monkeypatch.setattr(import_workbooks, "MAX_EXPANSION", 4)
    assert next(read_rows(io.BytesIO(out.getvalue()))).number == 1


def test_flags() -> None:
    """Whether the importer sees each of a day's people, one character a person, as PostgreSQL sends them."""
    flags = _Flags("1001")
    assert len(flags) == 4
    assert list(flags) == [True, False, False, True]
    assert flags[-1] is True
    assert flags[1:3] == [False, False]
    with pytest.raises(IndexError):
        flags[4]
    assert list(_Flags("")) == []
