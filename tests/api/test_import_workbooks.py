"""Participants imported from Excel workbooks (.xlsx): detection, cells read as the CSV path reads them, refusals."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import httpx
from openpyxl import Workbook

from emprende.bootstrap import Container
from tests.api.test_imports import HEADER, PEOPLE_TABLES, outcomes, person, upload
from tests.conftest import World, snapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list[object]], *, header: list[str] = HEADER, title: str | None = None) -> bytes:
    """A workbook made as a spreadsheet program makes one: typed cells (dates, numbers), the header on row 1."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title is not None:
        sheet.append([title])  # a first sheet that is not the people's: its first row is the header
        book.create_sheet("personas")
        sheet = book["personas"]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def typed(n: int, **changes: object) -> list[object]:
    """`person(n)` as a spreadsheet holds it: the birth date a date cell, the household size a number."""
    values: dict[str, object] = {**person(n), "birth_date": date(1980 + n, 1 + n % 12, 1 + n % 28), "household_size": 3}
    values.update(changes)
    return [values[name] for name in HEADER]


async def test_a_workbook_is_imported(client: httpx.AsyncClient, container: Container, world: World) -> None:
    headers = world.a.manager_headers
    rows = [
        typed(1, given_names="José Ñandú"),
        typed(2, household_size=4.0, birth_date=datetime(1982, 3, 3)),  # Excel's numbers are floats, dates datetimes
        [None] * len(HEADER),  # a blank row is skipped, as a blank line is
        typed(3, document_number=12345678, external_value=None, external_system=None),  # a number, empty cells
    ]
    response = await upload(client, headers, workbook(rows), filename="personas.xlsx", content_type=XLSX)
    assert outcomes(response) == ["created", "created", "created"]
    ids = [row["participant_id"] for row in response.json()["rows"]]
    read = [(await client.get(f"/api/v1/participants/{pid}", headers=headers)).json() for pid in ids]
    assert read[0]["given_names"] == "José Ñandú"
    assert read[0]["birth_date"] == "1981-02-02"
    assert (read[1]["birth_date"], read[1]["household_size"]) == ("1982-03-03", 4)
    assert read[2]["documents"] == [{"type": "passport", "number": "12345678", "issuing_country": "VEN"}]

    again = await upload(client, headers, workbook([typed(1, given_names="José Ñandú"), typed(2, household_size=5)]))
    assert outcomes(again) == ["unchanged", "updated"]  # named .csv, sent as text/csv: the content is a workbook


async def test_a_workbook_is_known_by_name_type_declaration_or_content(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    content = workbook([typed(1)])
    for filename, content_type, form in (
        ("personas.xlsx", "application/octet-stream", {}),
        ("upload", XLSX, {}),
        ("upload", "application/octet-stream", {}),
        ("personas.csv", "text/csv", {"format": "jsonl"}),  # a ZIP archive is never text: the content decides
        ("upload", "", {"format": "xlsx"}),
    ):
        response = await upload(
            client,
            world.a.manager_headers,
            content,
            filename=filename,
            content_type=content_type,
            mode="dry_run",
            **form,
        )
        assert outcomes(response) == ["would_create"], (filename, content_type, form)


async def test_a_workbook_reports_rows_as_a_csv_file_does(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    rows = [
        typed(1, birth_date="1990-13-45", sex="unknown"),  # text where a date belongs: read as text, and refused
        [*typed(2), "beyond the last column"],
        typed(3),
    ]
    response = await upload(client, world.a.manager_headers, workbook(rows, title="Lista de octubre"), mode="dry_run")
    assert response.status_code == 422  # the first sheet is read: its first row is not a header
    assert response.json()["code"] == "invalid_import_file"

    response = await upload(client, world.a.manager_headers, workbook(rows), mode="dry_run")
    assert outcomes(response) == ["rejected", "rejected", "would_create"]
    body = response.json()["rows"]
    problems = [(e["field"], e["code"]) for e in body[0]["errors"]]
    assert problems == [("birth_date", "invalid_date"), ("sex", "invalid_choice")]
    width = len(HEADER)
    assert body[1]["errors"] == [
        {"field": "row", "code": "wrong_column_count", "message": f"expected {width} cells, found {width + 1}"}
    ]
    assert "1990-13-45" not in response.text

    unknown = await upload(client, world.a.manager_headers, workbook([], header=[*HEADER, "shoe_size"]))
    assert unknown.status_code == 422
    assert "shoe_size" in unknown.json()["errors"][0]["message"]


def _damaged(content: bytes) -> bytes:
    """The workbook with one byte of its sheet's compressed data changed: the archive still opens, its CRC fails."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return content[:middle] + bytes([content[middle] ^ 0xFF]) + content[middle + 1 :]


def _archive(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


async def test_what_is_not_an_xlsx_workbook_is_refused_as_a_whole(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine, *PEOPLE_TABLES)
    good = workbook([typed(n) for n in range(1, 30)])
    old_container = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # .xls, and any password-protected workbook
    csv_text = b"given_names,family_names\nAna,Q\n"
    cases = [
        (old_container, "personas.xls", ".xls", "libro de Excel antiguo (.xls) o protegido con contraseña"),
        (_damaged(good), "personas.xlsx", "damaged", "el libro está dañado"),
        (good[: len(good) // 2], "personas.xlsx", "damaged", "el libro está dañado"),  # cut short
        (_archive({"notes/readme.txt": b"hola"}), "personas.xlsx", "damaged", "el libro está dañado"),
        (csv_text, "personas.xlsx", "damaged", "el libro está dañado"),
        (_archive({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "p.ods", ".ods", "(.ods)"),
        (_archive({"xl/workbook.bin": b"\x00"}), "personas.xlsb", ".xlsb", "(.xlsb)"),
    ]
    for content, filename, english, spanish in cases:
        for language, expected in (("en", english), ("es", spanish)):
            response = await upload(
                client, {**world.a.manager_headers, "Accept-Language": language}, content, filename=filename
            )
            assert response.status_code == 422, (filename, response.text)
            problem = response.json()
            assert problem["code"] == "invalid_import_file"
            assert problem["errors"][0]["field"] == "body.file"
            assert expected in problem["errors"][0]["message"], (filename, language, problem)
    assert await snapshot(container.engine, *PEOPLE_TABLES) == before
