"""`emprende participants import`: a file imported from the command line, with a progress bar and a report."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from emprende.cli import app

ADMIN_PASSWORD = "una clave bastante larga"
ROW = (
    "given_names,family_names,birth_date,sex,population_group,nationality,document_type,document_number,"
    "document_country,external_system,external_value,consent_notice_version,consent_method\n"
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("EMPRENDE_"):
            monkeypatch.delenv(name)
    directory = tmp_path / "var"
    monkeypatch.setenv("EMPRENDE_DATA_DIR", str(directory))
    monkeypatch.setenv("EMPRENDE_PASSWORD_HASH_MEMORY_KIB", "64")
    monkeypatch.setenv("EMPRENDE_PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("EMPRENDE_LOG_JSON", "false")
    monkeypatch.setenv("EMPRENDE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    return directory


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


async def _partner_with_agreement() -> str:
    from datetime import timedelta

    from emprende.bootstrap import build_container
    from emprende.domain.identity.user import Role
    from emprende.domain.partners.agreement import AgreementRole
    from emprende.domain.partners.partner import PartnerKind
    from emprende.services.partners.agreements import CreateAgreement, create_agreement
    from emprende.services.partners.partners import CreatePartner, create_partner
    from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind
    from emprende.settings import Settings

    container = build_container(Settings())
    try:
        async with container.uow(SYSTEM, read_only=True) as uow:
            admin = await uow.users.get_by_email("admin@emprende.test")
        assert admin is not None
        acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
        partner = await create_partner(
            CreatePartner(name="Universidad Importadora", kind=PartnerKind.ACADEMIA, country="ECU"),
            acting,
            uow_factory=container.uow,
            clock=container.clock,
        )
        today = container.clock.now().date()
        await create_agreement(
            acting,
            partner.id,
            CreateAgreement(
                code="CONV-IMP-1",
                title="Convenio de referencia",
                roles=frozenset({AgreementRole.REFERRAL}),
                start_date=today - timedelta(days=1),
                end_date=today + timedelta(days=300),
                data_sharing=False,
                activate=True,
            ),
            uow_factory=container.uow,
            clock=container.clock,
        )
        return str(partner.id)
    finally:
        await container.close()


def _file(tmp_path: Path) -> Path:
    lines = [
        "Ana,Quispe,1991-03-04,female,migrant,VEN,passport,A100,VEN,sigob,S-1,2026-01,in_person",
        "Luis,Mora,1985-11-30,male,returnee,ECU,,,,sigob,S-2,2026-01,digital",
        "Sin,Fecha,1985-02-30,male,returnee,ECU,,,,sigob,S-3,2026-01,digital",
    ]
    path = tmp_path / "personas.csv"
    path.write_text(ROW + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_from_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    assert run("db", "upgrade").exit_code == 0
    assert run("users", "create-admin", "--email", "admin@emprende.test").exit_code == 0
    partner = asyncio.run(_partner_with_agreement())
    source = _file(tmp_path)

    report = tmp_path / "report.csv"
    dry = run(
        "participants",
        "import",
        str(source),
        "--partner",
        partner,
        "--dry-run",
        "--report",
        str(report),
        "--admin",
        "admin@emprende.test",
    )
    assert dry.exit_code == 1, dry.output  # one row is rejected
    assert "3 rows in " in dry.output
    assert " rows/s)" in dry.output
    assert "would_create 2" in dry.output
    assert "rejected 1" in dry.output
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8"))))
    assert [row["outcome"] for row in rows] == ["would_create", "would_create", "rejected"]
    assert [row["participant_id"] for row in rows] == ["", "", ""]
    assert rows[2]["errors"] == "birth_date:invalid_date"

    atomic = run(
        "participants", "import", str(source), "--partner", partner, "--atomic", "--admin", "admin@emprende.test"
    )
    assert atomic.exit_code == 1
    assert "would_create 2" in atomic.output
    assert "nothing written" in atomic.output

    json_report = tmp_path / "report.json"
    kept = run(
        "participants",
        "import",
        str(source),
        "--partner",
        partner,
        "--report",
        str(json_report),
        "--admin",
        "admin@emprende.test",
    )
    assert kept.exit_code == 1
    body = json.loads(json_report.read_text(encoding="utf-8"))
    assert [row["outcome"] for row in body["rows"]] == ["created", "created", "rejected"]
    assert body["counts"]["created"] == 2

    again = run("participants", "import", str(source), "--partner", partner, "--admin", "admin@emprende.test")
    assert "unchanged 2" in again.output


def test_rejected_rows_are_listed_without_a_report(data_dir: Path, tmp_path: Path) -> None:
    assert run("db", "upgrade").exit_code == 0
    assert run("users", "create-admin", "--email", "admin@emprende.test").exit_code == 0
    partner = asyncio.run(_partner_with_agreement())
    good = "Ana,Quispe,1991-03-04,female,migrant,VEN,passport,A100,VEN,sigob,S-1,2026-01,in_person"
    # Row 2 has problems of every kind at once: a cell that is no date, a missing sex, an unknown country.
    several = "Luis,Mora,1985-02-30,,returnee,XXX,,,,sigob,S-2,2026-01,digital"
    bad = [f"Sin{n},Fecha,1985-02-30,male,returnee,ECU,,,,sigob,S-{n},2026-01,digital" for n in range(3, 30)]
    source = tmp_path / "personas.csv"
    source.write_text(ROW + "\n".join([good, several, *bad]) + "\n", encoding="utf-8")
    args = ("participants", "import", str(source), "--partner", partner, "--dry-run", "--admin", "admin@emprende.test")

    listed = run(*args, "--show-rejected", "3")
    assert listed.exit_code == 1
    lines = listed.output.splitlines()
    assert "would_create 1, would_update 0, unchanged 0, rejected 28;" in " ".join(listed.output.split())
    problems = [line.split(None, 3) for line in lines if line.strip().startswith(("2 ", "3 ", "4 ", "5 "))]
    assert [(p[0], p[1], p[2]) for p in problems] == [
        ("2", "birth_date", "invalid_date"),
        ("3", "birth_date", "invalid_date"),
        ("4", "birth_date", "invalid_date"),
    ]
    following = [
        line.split() for line in lines if line.startswith(" ") and line.split()[:1] in (["sex"], ["nationality"])
    ]
    assert [words[:2] for words in following] == [["sex", "missing"], ["nationality", "invalid_country"]]
    assert "must be a date YYYY-MM-DD" in listed.output
    assert "25 more rejected rows: --report FILE.csv" in listed.output
    assert "1985-02-30" not in listed.output  # never the submitted values
    assert "XXX" not in listed.output

    everything = run(*args)  # 20 by default
    assert "8 more rejected rows" in everything.output
    none = run(*args, "--show-rejected", "0")
    assert "rejected rows" not in none.output.replace("more rejected rows", "")
    assert "28 more rejected rows" in none.output
    report = tmp_path / "report.json"
    written = run(*args, "--report", str(report))
    assert "report written to" in written.output
    assert "invalid_date" not in written.output  # the report has them all
    body = json.loads(report.read_text(encoding="utf-8"))
    assert [(e["field"], e["code"]) for e in body["rows"][1]["errors"]] == [
        ("birth_date", "invalid_date"),
        ("sex", "missing"),
        ("nationality", "invalid_country"),
    ]


def test_a_workbook_from_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    assert run("db", "upgrade").exit_code == 0
    assert run("users", "create-admin", "--email", "admin@emprende.test").exit_code == 0
    partner = asyncio.run(_partner_with_agreement())
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(ROW.strip().split(","))
    sheet.append(["Ana", "Quispe", date(1991, 3, 4), "female", "migrant", "VEN", "passport", "A100", "VEN"])
    sheet.append(["Luis", "Mora", date(1985, 11, 30), "male", "returnee", "ECU", None, None, None, "sigob", 2])
    for row in sheet.iter_rows(min_row=2):
        row[11].value, row[12].value = "2026-01", "in_person"
    source = tmp_path / "personas.xlsx"
    book.save(source)
    args = ("participants", "import", str(source), "--partner", partner, "--admin", "admin@emprende.test")

    dry = run(*args, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2 rows in " in dry.output
    assert "would_create 2" in dry.output
    kept = run(*args)
    assert kept.exit_code == 0, kept.output
    assert "created 2" in kept.output

    old = tmp_path / "personas.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    refused = run("participants", "import", str(old), "--partner", partner, "--admin", "admin@emprende.test")
    assert refused.exit_code == 1
    assert "invalid_import_file:" in refused.output
    assert "old Excel workbook (.xls)" in refused.output


def test_import_refuses_bad_options(data_dir: Path, tmp_path: Path) -> None:
    assert run("db", "upgrade").exit_code == 0
    source = _file(tmp_path)
    both = run("participants", "import", str(source), "--partner", "x", "--dry-run", "--atomic")
    assert both.exit_code == 2
    bad = run("participants", "import", str(source), "--partner", "not-a-uuid")
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
