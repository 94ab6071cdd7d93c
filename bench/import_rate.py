"""Throughput of the participant import: N synthetic rows in a temporary CSV, imported through the use case into a
fresh database (SQLite, or PostgreSQL when --postgres-url is given), timed from the first row read to the commit.
Wall time and the client's CPU time are both reported: on a shared machine the CPU time is the steadier figure.

    .venv/bin/python bench/import_rate.py --rows 100000
    .venv/bin/python bench/import_rate.py --rows 100000 --postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

An existing database (e.g. the registry of a million people of bench/registry_load.py) is imported into as it is, by
an administrator for a partner that may register people; new people only (a CSV of bench/participants_gen.py):

    .venv/bin/python bench/participants_gen.py --size 20000 --start 5800000 --csv /tmp/people.csv
    .venv/bin/python bench/import_rate.py --csv /tmp/people.csv --partner PARTNER_ID --admin ADMIN_EMAIL \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/emprende_bench_registry_…
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import random
import resource
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.shared import migrations
from emprende.adapters.sql.shared.database import create_engine
from emprende.bootstrap import Container, build_container
from emprende.bootstrap.imports import ImportEncoding, ImportsWiring, read_rows
from emprende.domain.identity.user import Role
from emprende.domain.partners.agreement import AgreementRole
from emprende.domain.partners.partner import PartnerKind
from emprende.services.identity.users import create_admin
from emprende.services.imports.service import (
    COLUMNS,
    DEFAULT_BATCH,
    ImportMode,
    ImportParticipants,
    ImportReport,
    import_participants,
)
from emprende.services.partners.agreements import CreateAgreement, create_agreement
from emprende.services.partners.partners import CreatePartner, create_partner
from emprende.services.shared.principal import Principal, PrincipalKind
from emprende.settings import Environment, Settings

GIVEN = [
    "María José",
    "Ana",
    "Luis",
    "Carlos",
    "Yusleidy",
    "Daniela",
    "Jorge",
    "Andrea",
    "Pedro",
    "Gabriela",
    "José Luis",
    "Rosa",
    "Miguel",
    "Valentina",
]
FAMILY = [
    "Pérez Gómez",
    "Quispe",
    "Hernández",
    "Mora",
    "Castillo",
    "Rodríguez López",
    "Peña",
    "Núñez",
    "Vera",
    "Cedeño",
    "Zambrano",
    "Torres",
]
BENCH_SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - a throwaway database
PLACES = [("17", "1701"), ("09", "0901"), ("13", "1308"), ("", "")]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Realistic rows: every third with a phone, every fourth with an e-mail, all with a document and an identifier."""
    rng = random.Random(seed)
    start = date(1950, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(COLUMNS))
        writer.writeheader()
        for n in range(rows):
            province, canton = rng.choice(PLACES)
            writer.writerow(
                {
                    "given_names": rng.choice(GIVEN),
                    "family_names": rng.choice(FAMILY),
                    "birth_date": (start + timedelta(days=rng.randrange(20_000))).isoformat(),
                    "sex": rng.choice(("female", "male")),
                    "population_group": rng.choice(("migrant", "refugee_or_asylum_seeker", "host_community")),
                    "nationality": rng.choice(("VEN", "COL", "ECU", "PER")),
                    "migratory_status": rng.choice(("regular", "in_process", "")),
                    "document_type": "passport",
                    "document_number": f"BX{n:08d}",
                    "document_country": "VEN",
                    "disability_seeing": rng.choice(("no_difficulty", "some_difficulty", "")),
                    "household_size": str(rng.randint(1, 8)),
                    "education_level": rng.choice(("primary", "secondary", "university")),
                    "province_code": province,
                    "canton_code": canton,
                    "phone": f"+59399{rng.randrange(10**7):07d}" if n % 3 == 0 else "",
                    "email": f"persona{n}@example.org" if n % 4 == 0 else "",
                    "external_system": "bench",
                    "external_value": f"B-{n}",
                    "consent_notice_version": "2026-01",
                    "consent_method": "in_person",
                }
            )


async def _postgres_database(url: str, name: str, *, drop: bool) -> str:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        if drop:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def run(
    rows: int, mode: ImportMode, batch: int, postgres_url: str | None, workdir: Path, source: Path | None
) -> None:
    """Import into a fresh database, created and dropped here."""
    if source is None:
        source = workdir / "people.csv"
        generate(source, rows)
    name = f"emprende_bench_import_{uuid.uuid4().hex[:8]}"
    url = (
        await _postgres_database(postgres_url, name, drop=False)
        if postgres_url
        else f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    )
    engine = create_engine(url, pool_size=4)
    try:
        await migrations.upgrade(engine)
        container = build_container(_settings(url, workdir), engine=engine)
        admin = await create_admin(
            "bench@emprende.test", "Bench", "a long bench password", **_deps(container), hasher=container.hasher
        )
        acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
        partner = await create_partner(
            CreatePartner(name="Socio de prueba", kind=PartnerKind.NGO, country="ECU"), acting, **_deps(container)
        )
        today = container.clock.now().date()
        await create_agreement(
            acting,
            partner.id,
            CreateAgreement(
                code="CONV-BENCH",
                title="Convenio",
                roles=frozenset({AgreementRole.REFERRAL}),
                start_date=today - timedelta(days=1),
                end_date=today + timedelta(days=30),
                data_sharing=False,
                activate=True,
            ),
            **_deps(container),
        )
        backend = "postgresql" if postgres_url else "sqlite"
        await _timed_import(container, engine, source, acting, partner.id, mode, batch, backend)
    finally:
        await engine.dispose()
        if postgres_url:
            await _postgres_database(postgres_url, name, drop=True)


async def run_existing(
    url: str, source: Path, partner: uuid.UUID, admin_email: str, mode: ImportMode, batch: int, workdir: Path
) -> None:
    """Import into an existing database, as it is (nothing is created or dropped besides the imported people)."""
    engine = create_engine(url, pool_size=4)
    try:
        container = build_container(_settings(url, workdir), engine=engine)
        async with engine.connect() as connection:
            admin_id = await connection.scalar(
                select(identity_tables.users.c.id).where(
                    identity_tables.users.c.email == admin_email, identity_tables.users.c.role == "admin"
                )
            )
        if admin_id is None:
            raise SystemExit(f"no administrator {admin_email} in that database")
        acting = Principal(kind=PrincipalKind.USER, id=admin_id, role=Role.ADMIN)
        await _timed_import(container, engine, source, acting, partner, mode, batch, engine.dialect.name)
    finally:
        await engine.dispose()


async def _timed_import(
    container: Container,
    engine: AsyncEngine,
    source: Path,
    acting: Principal,
    partner: uuid.UUID,
    mode: ImportMode,
    batch: int,
    backend: str,
) -> ImportReport:
    async with engine.connect() as connection:
        before = await connection.scalar(select(func.count()).select_from(participant_tables.participants)) or 0
    with source.open("rb") as stream:
        started, cpu_started = time.perf_counter(), time.process_time()
        report = await import_participants(
            ImportParticipants(mode=mode, owner_partner_id=partner, batch_size=batch),
            read_rows(stream, encoding=ImportEncoding.UTF_8, filename=source.name),
            acting,
            uow_factory=container.uow,
            sink_factory=container.area(ImportsWiring).sink,
            clock=container.clock,
            ledger=container.area(ImportsWiring).ledger(),
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    async with engine.connect() as connection:
        stored = await connection.scalar(select(func.count()).select_from(participant_tables.participants))
    counts = report.counts()
    rows = counts["total"]
    print(
        f"{backend} {mode.value}, batches of {batch}: {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s "
        f"(client CPU {cpu:.2f} s = {rows / cpu:,.0f} rows/s per CPU second) "
        f"(created {counts['created']}, would create {counts['would_create']}, rejected {counts['rejected']}, "
        f"probable duplicates {counts['probable_duplicates']}; participants stored {before:,} before, {stored:,} "
        f"after; peak memory of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB)"
    )
    return report


def _settings(url: str, workdir: Path) -> Settings:
    return Settings(
        env=Environment.TEST,
        database_url=url,
        data_dir=workdir,
        secret_key=BENCH_SECRET,
        password_hash_memory_kib=64,
        password_hash_time_cost=1,
    )


def _deps(container: object) -> dict[str, object]:
    return {"uow_factory": container.uow, "clock": container.clock}  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="Rows to generate (unless --csv is given).")
    parser.add_argument("--csv", type=Path, default=None, help="Import this CSV instead of generated rows.")
    parser.add_argument("--mode", choices=[m.value for m in ImportMode], default=ImportMode.PER_RECORD.value)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="Rows per batch (default: the service's).")
    parser.add_argument("--postgres-url", default=None, help="Run on a fresh database created on this server.")
    parser.add_argument("--database-url", default=None, help="Import into this existing database (needs --csv).")
    parser.add_argument("--partner", type=uuid.UUID, default=None, help="With --database-url: the importing partner.")
    parser.add_argument("--admin", default=None, help="With --database-url: the acting administrator's e-mail.")
    parser.add_argument(
        "--default-gc", action="store_true", help="Keep Python's GC thresholds (the CLI raises them for imports)."
    )
    args = parser.parse_args()
    if args.database_url and not (args.csv and args.partner and args.admin):
        parser.error("--database-url needs --csv, --partner and --admin")
    if not args.default_gc:
        gc.set_threshold(50_000, 20, 100)  # as `emprende participants import` does
    mode = ImportMode(args.mode)
    with tempfile.TemporaryDirectory() as workdir:
        if args.database_url:
            work = run_existing(args.database_url, args.csv, args.partner, args.admin, mode, args.batch, Path(workdir))
        else:
            work = run(args.rows, mode, args.batch, args.postgres_url, Path(workdir), args.csv)
        asyncio.run(work)


if __name__ == "__main__":
    main()
