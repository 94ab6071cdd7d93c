"""Bulk import of participants (issue 4): modes, upsert, encodings, malformed files, reports, limits and tenancy."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.shared import schema
from emprende.api.app import create_app
from emprende.bootstrap import Container, build_container
from tests.conftest import World, make_settings, snapshot

URL = "/api/v1/participants/imports"
HEADER = [
    "given_names",
    "family_names",
    "birth_date",
    "sex",
    "population_group",
    "nationality",
    "document_type",
    "document_number",
    "document_country",
    "household_size",
    "external_system",
    "external_value",
    "consent_notice_version",
    "consent_method",
]
PEOPLE_TABLES = ("participants", "consents", "participant_identifiers", "audit_events", "outbox")


def person(n: int, **changes: str) -> dict[str, str]:
    row = {
        "given_names": f"Importada{n}",
        "family_names": f"Apellido{n}",
        "birth_date": f"19{70 + n % 30:02d}-0{1 + n % 9}-1{n % 9}",
        "sex": "female",
        "population_group": "migrant",
        "nationality": "VEN",
        "document_type": "passport",
        "document_number": f"P{n:07d}",
        "document_country": "VEN",
        "household_size": "3",
        "external_system": "sigob",
        "external_value": f"S-{n}",
        "consent_notice_version": "2026-01",
        "consent_method": "in_person",
    }
    row.update(changes)
    return row


def csv_bytes(rows: list[dict[str, str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    *,
    filename: str = "people.csv",
    content_type: str = "text/csv",
    params: dict[str, str] | None = None,
    **form: str,
) -> httpx.Response:
    return await client.post(
        URL,
        files={"file": (filename, content, content_type)},
        data={"mode": "per_record", **form},
        headers=headers,
        params=params,
    )


async def people_ids(engine: AsyncEngine) -> set[uuid.UUID]:
    async with engine.connect() as connection:
        return set(await connection.scalars(select(participant_tables.participants.c.id)))


async def count(engine: AsyncEngine, table: str = "participants") -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(schema.metadata.tables[table])) or 0)


def outcomes(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["outcome"] for row in response.json()["rows"]]


async def test_a_dry_run_validates_and_writes_nothing(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine, *PEOPLE_TABLES)
    content = csv_bytes([person(1), person(2, birth_date="1990-13-45"), person(3)])
    response = await upload(client, world.a.manager_headers, content, mode="dry_run")
    assert outcomes(response) == ["would_create", "rejected", "would_create"]
    body = response.json()
    assert body["committed"] is False
    assert body["mode"] == "dry_run"
    assert body["counts"]["would_create"] == 2
    assert body["counts"]["rejected"] == 1
    assert all("participant_id" not in row for row in body["rows"])  # nobody was created: no id to show
    assert body["rows"][1]["errors"] == [
        {"field": "birth_date", "code": "invalid_date", "message": "must be a date YYYY-MM-DD"}
    ]
    assert "1990-13-45" not in response.text
    assert await snapshot(container.engine, *PEOPLE_TABLES) == before


async def test_atomic_writes_nothing_when_one_row_is_rejected(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    before = await snapshot(container.engine, *PEOPLE_TABLES)
    content = csv_bytes([person(1), person(2), person(3, nationality="XXX")])
    response = await upload(client, world.a.manager_headers, content, mode="atomic")
    assert outcomes(response) == ["would_create", "would_create", "rejected"]
    assert response.json()["committed"] is False
    assert all("participant_id" not in row for row in response.json()["rows"])
    assert response.json()["rows"][2]["errors"][0]["field"] == "nationality"
    assert await snapshot(container.engine, *PEOPLE_TABLES) == before

    response = await upload(client, world.a.manager_headers, csv_bytes([person(1), person(2)]), mode="atomic")
    assert outcomes(response) == ["created", "created"]
    assert response.json()["committed"] is True
    assert await count(container.engine) == len(before["participants"]) + 2


async def test_per_record_keeps_the_valid_rows(client: httpx.AsyncClient, container: Container, world: World) -> None:
    start = await count(container.engine)
    content = csv_bytes([person(1), person(2, sex="unknown", household_size="many"), person(3)])
    response = await upload(client, world.a.manager_headers, content)
    assert outcomes(response) == ["created", "rejected", "created"]
    errors = {(e["field"], e["code"]) for e in response.json()["rows"][1]["errors"]}
    assert errors == {("sex", "invalid_choice"), ("household_size", "invalid_integer")}
    assert await count(container.engine) == start + 2
    created = response.json()["rows"][0]["participant_id"]
    read = await client.get(f"/api/v1/participants/{created}", headers=world.a.manager_headers)
    assert read.status_code == 200
    assert read.json()["given_names"] == "Importada1"
    assert read.json()["documents"] == [{"type": "passport", "number": "P0000001", "issuing_country": "VEN"}]
    assert await count(container.engine, "consents") >= start + 2


async def test_upsert_by_external_identifier(client: httpx.AsyncClient, container: Container, world: World) -> None:
    headers = world.a.manager_headers
    first = await upload(client, headers, csv_bytes([person(1), person(2)]))
    assert outcomes(first) == ["created", "created"]
    ids = [row["participant_id"] for row in first.json()["rows"]]

    again = await upload(client, headers, csv_bytes([person(1), person(2, household_size="5"), person(3)]))
    assert outcomes(again) == ["unchanged", "updated", "created"]
    assert [row["participant_id"] for row in again.json()["rows"][:2]] == ids
    read = await client.get(f"/api/v1/participants/{ids[1]}", headers=headers)
    assert read.json()["household_size"] == 5

    async with container.engine.connect() as connection:
        audit = (
            await connection.execute(
                select(schema.audit_events.c.action, schema.audit_events.c.changes).where(
                    schema.audit_events.c.entity_id == ids[1]
                )
            )
        ).all()
    actions = sorted(row.action for row in audit if row.action != "read_sensitive")
    assert actions == ["create", "update"]
    update = next(row.changes for row in audit if row.action == "update")
    assert update["household_size"] == {"before": 3, "after": 5}


async def test_a_dry_run_says_what_it_would_do_with_each_row(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    headers = world.a.manager_headers
    first = await upload(client, headers, csv_bytes([person(1), person(2)]))
    assert outcomes(first) == ["created", "created"]
    ids = [row["participant_id"] for row in first.json()["rows"]]
    before = await snapshot(container.engine, *PEOPLE_TABLES)

    content = csv_bytes([person(1), person(2, household_size="5"), person(3), person(4, sex="unknown")])
    for mode in ("dry_run", "atomic"):  # an atomic import with a rejected row writes nothing either
        response = await upload(client, headers, content, mode=mode)
        assert outcomes(response) == ["unchanged", "would_update", "would_create", "rejected"]
        rows = response.json()["rows"]
        assert [row.get("participant_id") for row in rows] == [ids[0], ids[1], None, None]
        counts = response.json()["counts"]
        assert counts == {
            "created": 0,
            "updated": 0,
            "unchanged": 1,
            "rejected": 1,
            "would_create": 1,
            "would_update": 1,
            "total": 4,
            "probable_duplicates": 0,
        }
        assert await snapshot(container.engine, *PEOPLE_TABLES) == before
    read = await client.get(f"/api/v1/participants/{ids[1]}", headers=headers)
    assert read.json()["household_size"] == 3  # the dry run changed nothing

    kept = await upload(client, headers, content)  # …and the real import does what the dry run said
    assert outcomes(kept) == ["unchanged", "updated", "created", "rejected"]


async def test_a_dry_run_lists_no_id_that_will_never_exist(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """A dry run's probable duplicates are registered people: the file's own rows have no id until imported."""
    twin = {"given_names": "Gemela", "family_names": "Unica Prueba", "birth_date": "1977-07-07"}
    known = {"given_names": "Persona ALFA", "family_names": "Registrada ALFA", "birth_date": "1990-01-15"}
    content = csv_bytes([person(1, **twin), person(2, **twin), person(3, **known)])
    dry = await upload(client, world.a.manager_headers, content, mode="dry_run")
    assert outcomes(dry) == ["would_create"] * 3
    rows = dry.json()["rows"]
    assert "duplicates" not in rows[1]
    assert str(world.a.participant_id) in rows[2]["duplicates"]
    shown = set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", dry.text))
    registered = {str(each) for each in await people_ids(container.engine)}
    assert shown - {str(world.a.partner_id)} <= registered

    kept = await upload(client, world.a.manager_headers, content)
    rows = kept.json()["rows"]
    assert rows[1]["duplicates"] == [rows[0]["participant_id"]]  # once imported, the twins are each other's pair


async def test_a_row_reports_all_its_problems_at_once(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """Problems of the cell's text, of the rules of registration and of identity (a document someone else holds) come
    together: fixing one does not reveal the next."""
    headers = world.a.manager_headers
    assert outcomes(await upload(client, headers, csv_bytes([person(1)]))) == ["created"]  # holds passport P0000001
    header = [*HEADER, "phone", "province_code"]
    faults = {"sex": "", "birth_date": "1990-02-30", "nationality": "XXX", "household_size": "40"}
    bad = {**person(2, document_number="P0000001", **faults), "phone": "12", "province_code": "99"}
    before = await snapshot(container.engine, *PEOPLE_TABLES)
    for mode in ("dry_run", "atomic", "per_record"):
        response = await upload(client, headers, csv_bytes([bad], header=header), mode=mode)
        assert outcomes(response) == ["rejected"]
        assert [(e["field"], e["code"]) for e in response.json()["rows"][0]["errors"]] == [
            ("birth_date", "invalid_date"),
            ("sex", "missing"),
            ("nationality", "invalid_country"),
            ("household_size", "invalid_input"),
            ("province_code", "unknown_place"),
            ("phone", "invalid_phone"),
            ("documents", "duplicate_participant"),
        ]
        assert response.json()["counts"]["rejected"] == 1
        assert "1990-02-30" not in response.text
        assert "P0000001" not in response.text
    assert await snapshot(container.engine, *PEOPLE_TABLES) == before


async def test_exact_duplicates_are_rejected_and_probable_ones_queued(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    headers = world.a.manager_headers
    assert outcomes(await upload(client, headers, csv_bytes([person(1)]))) == ["created"]
    same_document = person(9, document_number="P0000001")
    twice_in_file = [person(10, document_number="X1"), person(11, document_number="X1")]
    similar = person(
        12, given_names=f"Persona {'ALFA'}", family_names="Registrada ALFA", birth_date="1990-01-15", document_number=""
    )
    similar["document_type"] = similar["document_country"] = ""
    response = await upload(client, headers, csv_bytes([same_document, *twice_in_file, similar]))
    assert outcomes(response) == ["rejected", "created", "rejected", "created"]
    rows = response.json()["rows"]
    assert rows[0]["errors"][0]["code"] == "duplicate_participant"
    assert rows[2]["errors"][0]["code"] == "duplicate_participant"
    assert world.a.participant_id in {uuid.UUID(other) for other in rows[3]["duplicates"]}
    assert response.json()["counts"]["probable_duplicates"] == len(rows[3]["duplicates"]) >= 1
    async with container.engine.connect() as connection:
        queued = await connection.scalar(
            select(func.count())
            .select_from(participant_tables.duplicate_candidates)
            .where(participant_tables.duplicate_candidates.c.participant_id == uuid.UUID(rows[3]["participant_id"]))
        )
    assert queued == len(rows[3]["duplicates"])


async def test_encodings(client: httpx.AsyncClient, container: Container, world: World) -> None:
    headers = world.a.manager_headers
    names = person(1, given_names="José Ñandú", family_names="Peña Núñez")
    utf8 = await upload(client, headers, csv_bytes([names]))
    assert outcomes(utf8) == ["created"]
    bom = await upload(client, headers, b"\xef\xbb\xbf" + csv_bytes([person(2, given_names="Ángela")]))
    assert outcomes(bom) == ["created"]
    latin = await upload(
        client, headers, csv_bytes([person(3, given_names="Begoña")], encoding="latin-1"), encoding="latin-1"
    )
    assert outcomes(latin) == ["created"]
    undeclared = await upload(
        client, headers, csv_bytes([person(4, given_names="Begoña"), person(5)], encoding="latin-1")
    )
    assert outcomes(undeclared) == ["rejected", "created"]
    assert undeclared.json()["rows"][0]["errors"][0]["code"] == "invalid_encoding"
    for response, expected in ((utf8, "José Ñandú"), (bom, "Ángela"), (latin, "Begoña")):
        pid = response.json()["rows"][0]["participant_id"]
        read = await client.get(f"/api/v1/participants/{pid}", headers=headers)
        assert read.json()["given_names"] == expected

    binary = await upload(client, headers, b"PK\x03\x04\x00\x00binary spreadsheet", filename="people.xlsx")
    assert binary.status_code == 422
    assert binary.json()["code"] == "invalid_import_file"


async def test_malformed_csv(client: httpx.AsyncClient, container: Container, world: World) -> None:
    headers = world.a.manager_headers
    good = csv_bytes([person(1)])
    wrong_count = good + b"Ana,Sola,1990-01-01\n" + csv_bytes([person(2)]).split(b"\n", 1)[1]
    response = await upload(client, headers, wrong_count)
    assert outcomes(response) == ["created", "rejected", "created"]
    assert response.json()["rows"][1]["errors"][0]["code"] == "wrong_column_count"

    truncated = csv_bytes([person(3)]) + b'"Ana,Sola,1990-01-01,female'
    response = await upload(client, headers, truncated)
    assert outcomes(response) == ["created", "rejected"]
    assert response.json()["rows"][1]["errors"][0]["code"] == "malformed_csv"

    unknown = csv_bytes([{**person(4), "shoe_size": "42"}], header=[*HEADER, "shoe_size"])
    response = await upload(client, headers, unknown)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_import_file"
    assert "shoe_size" in response.json()["errors"][0]["message"]
    spanish = await upload(client, {**headers, "Accept-Language": "es"}, unknown)
    assert spanish.json()["errors"][0]["message"].startswith("columnas desconocidas: shoe_size")

    without = {k: v for k, v in person(5).items() if k != "consent_method"}
    missing = csv_bytes([without], header=[h for h in HEADER if h != "consent_method"])
    response = await upload(client, headers, missing)
    assert response.status_code == 422
    assert "consent_method" in response.json()["errors"][0]["message"]


async def test_jsonl_with_a_bad_line(client: httpx.AsyncClient, container: Container, world: World) -> None:
    lines = [json.dumps(person(1)), "{not json", json.dumps({**person(2), "household_size": 4}), "[1, 2]"]
    content = ("\n".join(lines) + "\n").encode()
    response = await upload(client, world.a.manager_headers, content, filename="people.jsonl", content_type="")
    assert outcomes(response) == ["created", "rejected", "created", "rejected"]
    assert response.json()["rows"][1]["errors"][0]["code"] == "malformed_json"
    unknown = json.dumps({**person(3), "shoe_size": 42}).encode()
    response = await upload(client, world.a.manager_headers, unknown, filename="x.bin", content_type="", format="jsonl")
    assert outcomes(response) == ["rejected"]
    assert response.json()["rows"][0]["errors"][0] == {
        "field": "shoe_size",
        "code": "unknown_field",
        "message": "not a documented column",
    }


async def test_size_limits(container: Container, engine: AsyncEngine, tmp_path: Path, world: World) -> None:
    content = csv_bytes([person(n) for n in range(1, 60)])
    assert len(content) > 4096
    for import_max, expected in ((1_048_576, 200), (4096, 413)):
        settings = make_settings(
            str(engine.url.render_as_string(hide_password=False)),
            tmp_path,
            max_body_bytes=1024,
            import_max_bytes=import_max,
        )
        other = build_container(settings, engine=engine)
        app = create_app(container=other)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await upload(client, world.a.manager_headers, content, mode="dry_run")
        assert response.status_code == expected, response.text
        if expected == 413:
            assert response.json()["code"] == "payload_too_large"


async def test_report_as_csv(client: httpx.AsyncClient, container: Container, world: World) -> None:
    content = csv_bytes([person(1), person(2, birth_date="not a date")])
    for params, accept in (({"report": "csv"}, "*/*"), ({}, "text/csv")):
        response = await upload(
            client, {**world.a.manager_headers, "Accept": accept}, content, params=params, mode="dry_run"
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [row["outcome"] for row in rows] == ["would_create", "rejected"]
        assert rows[0]["participant_id"] == ""
        assert rows[1]["errors"] == "birth_date:invalid_date"
        assert "not a date" not in response.text


async def test_tenant_safety(client: httpx.AsyncClient, container: Container, world: World) -> None:
    before = await snapshot(container.engine, *PEOPLE_TABLES)
    content = csv_bytes([person(1)])
    into_a = await upload(client, world.b.manager_headers, content, owner_partner_id=str(world.a.partner_id))
    assert into_a.status_code == 422
    assert into_a.json()["code"] == "owner_not_allowed"
    no_agreement = await upload(client, world.b.manager_headers, content)
    assert no_agreement.status_code == 403
    assert no_agreement.json()["code"] == "agreement_required"
    no_scope = await upload(client, world.a.client_headers, content)
    assert no_scope.status_code == 403
    evaluator = await upload(client, world.admin_headers, content)
    assert evaluator.status_code == 422
    assert evaluator.json()["code"] == "partner_required"
    assert await snapshot(container.engine, *PEOPLE_TABLES) == before

    # B's person carries an identifier that A's file names: A's upsert must not touch it, nor reveal it.
    b_person = world.b.participant_id
    async with container.engine.begin() as connection:
        await connection.execute(
            participant_tables.participant_identifiers.insert().values(key="ext:sigob:S-1", participant_id=b_person)
        )
    before = await snapshot(container.engine, "participants")
    response = await upload(client, world.a.manager_headers, csv_bytes([person(1, household_size="7")]))
    assert outcomes(response) == ["rejected"]
    assert response.json()["rows"][0]["errors"][0]["code"] == "duplicate_participant"
    assert str(b_person) not in response.text
    assert await snapshot(container.engine, "participants") == before

    as_admin = await upload(
        client, world.admin_headers, csv_bytes([person(2)]), owner_partner_id=str(world.a.partner_id)
    )
    assert outcomes(as_admin) == ["created"]
    assert as_admin.json()["owner_partner_id"] == str(world.a.partner_id)


async def test_audit_and_outbox_rows(client: httpx.AsyncClient, container: Container, world: World) -> None:
    response = await upload(client, world.a.manager_headers, csv_bytes([person(1), person(2)]), mode="atomic")
    ids = [row["participant_id"] for row in response.json()["rows"]]
    async with container.engine.connect() as connection:
        audit = (
            await connection.execute(select(schema.audit_events).where(schema.audit_events.c.entity_id.in_(ids)))
        ).all()
        events = (
            await connection.execute(
                select(schema.outbox.c.event_type, schema.outbox.c.aggregate_id).where(
                    schema.outbox.c.aggregate_id.in_([uuid.UUID(i) for i in ids])
                )
            )
        ).all()
    assert len(audit) == 2
    for row in audit:
        assert row.action == "create"
        assert row.entity_type == "participant"
        assert row.actor_id == world.a.manager.id
        assert row.changes["documents"] == {"before": None, "after": "[redacted]"}
        assert row.changes["given_names"]["after"] == "[redacted]"
        assert "P000000" not in json.dumps(row.changes)
    assert sorted(event for event, _ in events) == ["consent.given"] * 2 + ["participant.registered"] * 2


def _rows(response: httpx.Response) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = response.json()["rows"]
    return rows
