"""Participant registry at scale: emprende against a bare asyncpg floor on a registry of 1,000,000 people.

On PostgreSQL (EMPRENDE_BENCH_POSTGRES_URL) it creates a fresh database, applies the migrations, bulk-loads N synthetic
people (bench/participants_gen.py) with COPY, analyses, creates a manager and a facilitator for the biggest partner,
then for each worker count serves emprende and the floor (bench/registry_floor.py) one after the other and measures:

- GET /api/v1/participants/{id} (ids of the partner's people, in rotation) against the floor's get-by-id;
- GET /api/v1/participants?population_group=migrant&limit=50 against the floor's page of 50;
- POST /api/v1/participants (registration with its exact and probable duplicate checks), each request a new person,
  at low concurrency: latency percentiles.

Reads run as the facilitator: allowed to read, not to see sensitive fields, so no audit event is written per read.
The database is dropped at the end unless --keep; servers are always stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

import participants_gen as gen
from http_load import (
    BENCH_SIGNING_KEY,
    ROOT,
    BenchError,
    _fmt,
    _has_uvloop,
    _percent,
    clean_environment,
    git_revision,
    run_benchmark,
    server,
    sign_in,
)
from loadgen import Summary, build_request, fetch, run_each, run_load

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
BATCH = 50_000
SAMPLE_IDS = 20_000
REGISTER_FIRST_INDEX = 5_900_000  # people registered over HTTP: disjoint from the bulk load and the CSV default
IMPORT_FIRST_INDEX = 5_000_000  # people imported from CSV (participants_gen.py's default --start)
PASSWORD = "bench-Registry-2026!"  # noqa: S105 - a throw-away database; the argon2 hash is made here, as emprende makes it
ADMIN_EMAIL = "bench-admin@emprende.local"
MANAGER_EMAIL = "gestor@socio0.example"
FACILITATOR_EMAIL = "facilitador@socio0.example"
LOADED_TABLES = ("participants", "participant_identifiers", "consents")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000, help="people in the registry")
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="server worker counts to measure, e.g. 1 2")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per read target")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each read target")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections for the reads")
    parser.add_argument(
        "--registrations",
        type=int,
        default=500,
        help="registrations one at a time, then as many on several connections",
    )
    parser.add_argument("--register-connections", type=int, default=4, help="connections for the registrations")
    parser.add_argument(
        "--import-size", type=int, default=100_000, help="rows for `emprende participants import` (0: skip)"
    )
    parser.add_argument(
        "--deep", type=int, default=100_000, help="also load the page of 50 after this many migrants (0: skip)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument(
        "--reuse", metavar="DATABASE", help="measure a database kept by an earlier run (--keep): no load, no drop"
    )
    parser.add_argument("--no-floor", dest="floor", action="store_false", help="skip the floor servers")
    parser.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto")
    args = parser.parse_args(argv)
    if not 1000 <= args.size <= REGISTER_FIRST_INDEX:
        parser.error(f"--size must be between 1,000 and {REGISTER_FIRST_INDEX:,}")
    if args.loop == "auto":
        args.loop = "uvloop" if _has_uvloop() else "asyncio"
    return args


def _dsn(url: str, database: str | None = None) -> str:
    """A libpq URL for asyncpg from a SQLAlchemy one."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def fresh_database(admin_url: str, keep: bool, reuse: str | None = None) -> AsyncIterator[str]:
    """CREATE DATABASE emprende_bench_registry_<random>; DROP … WITH (FORCE) afterwards unless keep."""
    if reuse is not None:
        yield (
            make_url(admin_url)
            .set(drivername="postgresql+asyncpg", database=reuse)
            .render_as_string(hide_password=False)
        )
        return
    name = f"emprende_bench_registry_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(_dsn(admin_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(admin_url).set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        if keep:
            print(f"kept the database: {make_url(url).render_as_string(hide_password=True)}", file=sys.stderr)
        else:
            admin = await asyncpg.connect(_dsn(admin_url))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


def server_env(database_url: str, workdir: Path) -> dict[str, str]:
    return clean_environment() | {
        "EMPRENDE_ENV": "development",
        "EMPRENDE_DATABASE_URL": database_url,
        "EMPRENDE_DATA_DIR": str(workdir),
        "EMPRENDE_SECRET_KEY": BENCH_SIGNING_KEY,
        "EMPRENDE_LOG_LEVEL": "WARNING",
        "EMPRENDE_ACCESS_TOKEN_MINUTES": "1440",
        "EMPRENDE_DB_POOL_SIZE": "32",
        "EMPRENDE_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "EMPRENDE_ADMIN_PASSWORD": secrets.token_urlsafe(18),
    }


def emprende_executable() -> Path:
    executable = Path(sys.executable).with_name("emprende")
    if not executable.exists():
        raise BenchError(f"{executable} not found: install the project first")
    return executable


async def migrate(env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        str(emprende_executable()), "db", "upgrade", env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise BenchError(f"emprende db upgrade failed:\n{output.decode(errors='replace')[-3000:]}")


async def _secondary_objects(
    connection: asyncpg.Connection,
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Indexes (other than constraints') and foreign keys of the loaded tables: dropped for COPY, rebuilt after."""
    indexes = await connection.fetch(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        list(LOADED_TABLES),
    )
    foreign = await connection.fetch(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY($1::text[])
        """,
        list(LOADED_TABLES),
    )
    return [(row[0], row[1]) for row in indexes], [(row[0], row[1], row[2]) for row in foreign]


async def bulk_load(database_url: str, size: int, seed: int) -> dict[str, float]:
    """Partners, agreements, then `size` people with their identifiers and consents, by COPY. Returns timings."""
    timings: dict[str, float] = {}
    connection = await asyncpg.connect(_dsn(database_url))
    try:
        partners, agreements = gen.partner_rows(seed)
        await connection.copy_records_to_table("partners", records=partners, columns=gen.PARTNER_COLUMNS)
        await connection.copy_records_to_table(
            "cooperation_agreements", records=agreements, columns=gen.AGREEMENT_COLUMNS
        )
        indexes, foreign = await _secondary_objects(connection)
        for table, name, _ in foreign:
            await connection.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            await connection.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        generating = 0.0
        loaded = 0
        chunks = gen.bulk_rows(seed, 0, size, BATCH)
        while True:
            before = time.perf_counter()
            chunk = next(chunks, None)
            generating += time.perf_counter() - before
            if chunk is None:
                break
            await connection.copy_records_to_table(
                "participants", records=chunk.participants, columns=gen.PARTICIPANT_COLUMNS
            )
            await connection.copy_records_to_table(
                "participant_identifiers", records=chunk.identifiers, columns=gen.IDENTIFIER_COLUMNS
            )
            await connection.copy_records_to_table("consents", records=chunk.consents, columns=gen.CONSENT_COLUMNS)
            loaded += len(chunk.participants)
            if loaded % 200_000 == 0 or loaded == size:
                print(f"  loaded {loaded:,} people in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        timings["generate + COPY"] = time.perf_counter() - started
        timings["of which generating"] = generating
        before = time.perf_counter()
        await connection.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            await connection.execute(definition)
        for table, name, definition in foreign:
            await connection.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        timings["indexes + foreign keys"] = time.perf_counter() - before
        before = time.perf_counter()
        await connection.execute("VACUUM (ANALYZE)")
        timings["VACUUM ANALYZE"] = time.perf_counter() - before
        timings["total"] = time.perf_counter() - started
    finally:
        await connection.close()
    return timings


async def create_users(database_url: str, seed: int) -> uuid.UUID:
    """An administrator, and a partner manager and a facilitator of the biggest partner (index 0); returns that
    partner's id."""
    from emprende.adapters.identity.security import Argon2PasswordHasher

    hasher = Argon2PasswordHasher(memory_kib=19456, time_cost=2, parallelism=1)
    password_hash = await hasher.hash(PASSWORD)
    partner = gen.partner_id(seed, 0)
    now = datetime.now(UTC)
    connection = await asyncpg.connect(_dsn(database_url))
    try:
        for email, name, role, partner_of in (
            (ADMIN_EMAIL, "Administración del programa", "admin", None),  # acts for `emprende participants import`
            (MANAGER_EMAIL, "Gestora del Socio", "partner_manager", partner),
            (FACILITATOR_EMAIL, "Facilitador del Socio", "facilitator", partner),
        ):
            await connection.execute(
                "INSERT INTO users (id, partner_id, email, full_name, password_hash, role, is_active, "
                "password_reset_required, preferred_language, created_at, updated_at, version) "
                "VALUES ($1, $2, $3, $4, $5, $6, true, false, 'es', $7, $7, 1) ON CONFLICT (email) DO NOTHING",
                uuid.uuid4(),
                partner_of,
                email,
                name,
                password_hash,
                role,
                now,
            )
    finally:
        await connection.close()
    return partner


async def sample_ids(database_url: str, partner: uuid.UUID) -> list[uuid.UUID]:
    """Ids of the partner's people in a fixed pseudo-random order."""
    connection = await asyncpg.connect(_dsn(database_url))
    try:
        rows = await connection.fetch(
            "SELECT id FROM participants WHERE owner_partner_id = $1 ORDER BY md5(id::text) LIMIT $2",
            partner,
            SAMPLE_IDS,
        )
        count = await connection.fetchval("SELECT count(*) FROM participants WHERE owner_partner_id = $1", partner)
        migrants = await connection.fetchval(
            "SELECT count(*) FROM participants WHERE owner_partner_id = $1 AND population_group = 'migrant'", partner
        )
    finally:
        await connection.close()
    print(f"  partner 0 owns {count:,} people, {migrants:,} of them migrants", file=sys.stderr)
    return [row[0] for row in rows]


async def registered_since_load(database_url: str, size: int, by: str | None = None) -> int:
    """People added after the bulk load (by earlier runs on a reused database), all or those registered by the
    account `by`: new people start after them."""
    connection = await asyncpg.connect(_dsn(database_url))
    try:
        if by is None:
            count: int = await connection.fetchval("SELECT count(*) FROM participants") - size
        else:
            count = await connection.fetchval(
                "SELECT count(*) FROM participants WHERE registered_by = (SELECT id FROM users WHERE email = $1)", by
            )
    finally:
        await connection.close()
    return max(0, count) + 1000


def registration_bodies(seed: int, first: int, count: int) -> list[bytes]:
    """New people (indexes far from the loaded ones), each with a unique phone and their own document."""
    bodies = []
    for number, person in enumerate(gen.people(seed, first, count)):
        body: dict[str, Any] = {
            "given_names": person.given_names,
            "family_names": person.family_names,
            "birth_date": person.birth_date.isoformat(),
            "sex": person.sex,
            "population_group": person.population_group,
            "nationality": person.nationality,
            "province_code": person.province_code,
            "canton_code": person.canton_code,
            "phone": f"+593961{(first + number) % 1_000_000:06d}",  # a prefix the bulk load does not use
            "registration_consent": {"notice_version": gen.NOTICE_VERSION, "method": person.consent_method},
        }
        if person.document is not None:
            kind, doc_number, country = person.document
            body["documents"] = [{"type": kind, "number": doc_number, "issuing_country": country}]
        if person.external is not None:
            body["external_ids"] = [{"system": person.external[0], "value": person.external[1]}]
        bodies.append(json.dumps(body).encode())
    return bodies


async def _check(port: int, request: bytes, label: str, expect: int = 200) -> bytes:
    status, payload = await fetch(port, request)
    if status != expect:
        raise BenchError(f"{label} answered {status} before the load: {payload[:500]!r}")
    return payload


FLOORS = {"fastapi": ("fastapi_app", "FastAPI floor"), "asgi": ("app", "ASGI floor")}


async def measure_floor(
    args: argparse.Namespace,
    workers: int,
    workdir: Path,
    database_url: str,
    partner: uuid.UUID,
    ids: list[uuid.UUID],
    floor: str,
) -> dict[str, Summary]:
    app, name = FLOORS[floor]
    env = clean_environment() | {
        "REGISTRY_FLOOR_DSN": _dsn(database_url),
        "REGISTRY_FLOOR_TENANT": str(partner),
        "REGISTRY_FLOOR_POOL": "32",
    }
    # Served as `emprende serve` serves emprende (with several workers, a listening socket per worker).
    command = [
        sys.executable, str(BENCH_DIR / "serve.py"), f"registry_floor:{app}", "--app-dir", str(BENCH_DIR),
        "--workers", str(workers),
    ]  # fmt: skip
    if _has_uvloop():
        command += ["--loop", "uvloop", "--http", "httptools"]
    print(f"starting the {name} ({workers} worker(s))", file=sys.stderr, flush=True)
    results: dict[str, Summary] = {}
    async with server(command, env, "/", workdir / "floor.log") as (port, cpu):
        by_id = [build_request("GET", f"/participants/{pid}", port) for pid in ids]
        await _check(port, by_id[0], f"{name} by id")
        print(f"  {name} by id: {args.warmup:g} s + {args.duration:g} s", file=sys.stderr, flush=True)
        results["by_id"] = await run_load(
            f"{name}: asyncpg get by id", port, by_id, connections=args.connections, duration=args.duration,
            warmup=args.warmup, cpu=cpu,
        )  # fmt: skip
        page = build_request("GET", "/participants?population_group=migrant", port)
        payload = await _check(port, page, f"{name} page")
        assert len(json.loads(payload)["items"]) == 50
        print(f"  {name} page: {args.warmup:g} s + {args.duration:g} s", file=sys.stderr, flush=True)
        results["page"] = await run_load(
            f"{name}: asyncpg page of 50", port, page, connections=args.connections, duration=args.duration,
            warmup=args.warmup, cpu=cpu,
        )  # fmt: skip
    return results


async def measure_emprende(
    args: argparse.Namespace, workers: int, workdir: Path, database_url: str, ids: list[uuid.UUID], first: int
) -> dict[str, Summary]:
    command = [str(emprende_executable()), "serve", "--workers", str(workers), "--no-migrate"]
    print(f"starting emprende ({workers} worker(s))", file=sys.stderr, flush=True)
    results: dict[str, Summary] = {}
    async with server(command, server_env(database_url, workdir), "/api/v1/health/ready", workdir / "emprende.log") as (
        port,
        cpu,
    ):
        token = await sign_in(port, FACILITATOR_EMAIL, PASSWORD)
        auth = {"Authorization": f"Bearer {token}"}
        by_id = [build_request("GET", f"/api/v1/participants/{pid}", port, auth) for pid in ids]
        payload = await _check(port, by_id[0], "emprende by id")
        if "documents" in json.loads(payload):
            raise BenchError("the facilitator sees sensitive fields: reads would be audited")
        print(f"  emprende by id: {args.warmup:g} s + {args.duration:g} s", file=sys.stderr, flush=True)
        results["by_id"] = await run_load(
            "GET /api/v1/participants/{id}", port, by_id, connections=args.connections, duration=args.duration,
            warmup=args.warmup, cpu=cpu,
        )  # fmt: skip
        page = build_request("GET", "/api/v1/participants?population_group=migrant&limit=50", port, auth)
        payload = await _check(port, page, "emprende page")
        if len(json.loads(payload)["items"]) != 50:
            raise BenchError("the emprende page does not have 50 items")
        print(f"  emprende page: {args.warmup:g} s + {args.duration:g} s", file=sys.stderr, flush=True)
        results["page"] = await run_load(
            "GET /api/v1/participants?population_group=migrant&limit=50", port, page, connections=args.connections,
            duration=args.duration, warmup=args.warmup, cpu=cpu,
        )  # fmt: skip
        if args.deep > 0:
            deep = await deep_page(port, auth, args.deep)
            label = f"the same page after {args.deep:,} people (keyset cursor)"
            print(f"  emprende {label}: {args.warmup:g} s + {args.duration:g} s", file=sys.stderr, flush=True)
            results["deep"] = await run_load(
                label, port, deep, connections=args.connections, duration=args.duration, warmup=args.warmup, cpu=cpu
            )
        headers = auth | {"Content-Type": "application/json"}
        bodies = registration_bodies(args.seed, first, 2 * args.registrations + 1)
        await _check(port, build_request("POST", "/api/v1/participants", port, headers, bodies[0]), "register", 201)
        posts = [build_request("POST", "/api/v1/participants", port, headers, body) for body in bodies[1:]]
        # One at a time (the latency of a registration), then several at once (how they queue on one worker).
        for key, connections, batch in (
            ("register_1", 1, posts[: args.registrations]),
            ("register", args.register_connections, posts[args.registrations :]),
        ):
            print(f"  emprende registration: {len(batch)} requests on {connections} connection(s)", file=sys.stderr)
            results[key] = await run_each(
                f"POST /api/v1/participants ({connections} connection{'s' if connections > 1 else ''})",
                port,
                batch,
                connections=connections,
                cpu=cpu,
                expect=201,
            )
    return results


async def deep_page(port: int, auth: dict[str, str], depth: int) -> bytes:
    """The request for the page of 50 migrants after the first `depth`, reached by following `next_cursor` through
    pages of 100 (one request at a time, unmeasured)."""
    path = "/api/v1/participants?population_group=migrant&limit="
    cursor = ""
    for _ in range(depth // 100):
        payload = await _check(port, build_request("GET", f"{path}100{cursor}", port, auth), "walking the pages")
        following = json.loads(payload).get("next_cursor")
        if following is None:
            raise BenchError(f"fewer than {depth:,} migrants: lower --deep")
        cursor = f"&cursor={following}"
    deep = build_request("GET", f"{path}50{cursor}", port, auth)
    if len(json.loads(await _check(port, deep, "the deep page"))["items"]) != 50:
        raise BenchError("the deep page does not have 50 items")
    return deep


async def measure_import(args: argparse.Namespace, workdir: Path, database_url: str, partner: uuid.UUID) -> str:
    """`emprende participants import` of a CSV of new people (bench/participants_gen.py), if the command exists."""
    executable = str(emprende_executable())
    env = server_env(database_url, workdir)
    probe = await asyncio.create_subprocess_exec(
        executable, "participants", "import", "--help", env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    await probe.communicate()
    if probe.returncode != 0:
        return "skipped: `emprende participants import` does not exist in this revision"
    if args.import_size <= 0:
        return "skipped (--import-size 0)"
    start = IMPORT_FIRST_INDEX + await registered_since_load(database_url, args.size)
    path = workdir / "import.csv"
    gen.write_csv(str(path), args.seed, start, args.import_size)
    print(f"importing {args.import_size:,} people with emprende participants import", file=sys.stderr, flush=True)
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        executable, "participants", "import", str(path), "--partner", str(partner), "--admin", ADMIN_EMAIL, env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    elapsed = time.perf_counter() - began
    text = " ".join(output.decode(errors="replace").split())
    tail = " ".join(text.split()[-40:])
    note = (
        f"{args.import_size:,} rows in {elapsed:.1f} s wall ({args.import_size / elapsed:,.0f} rows/s, process start "
        f"included), exit status {process.returncode}; output ends: {tail}"
    )
    # The command reports the import's own time (from the first row read to the last commit), when it does.
    if (found := re.search(r"rows in ([0-9.]+) s \(([0-9,]+) rows/s\)", text)) and process.returncode == 0:
        rate = int(found[2].replace(",", ""))
        verdict = "met" if rate >= 5000 else "MISSED"
        note = f"import >= 5,000 rows/s (PostgreSQL) {verdict} ({rate:,} rows/s, {found[1]} s); " + note
    return note


def _ms(value: float) -> str:
    return _fmt(value, 1)


def report(
    args: argparse.Namespace,
    runs: dict[int, tuple[dict[str, Summary], dict[str, dict[str, Summary]]]],
    timings: dict[str, float],
    revision: str,
    load: str,
    partner_people: str,
    import_note: str,
) -> str:
    lines = [
        f"emprende participant registry at {args.size:,} people, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"revision {revision}, load average before the run {load}",
        f"PostgreSQL, reads: {args.connections} connections, {args.duration:g} s after {args.warmup:g} s warm-up; "
        f"registrations: {args.registrations} one at a time, then {args.registrations} on {args.register_connections} "
        f"connections; builtin client ({args.loop})",
        f"{os.cpu_count()} CPUs shared by client, server and PostgreSQL, {platform.platform()}, Python "
        f"{platform.python_version()}, uvicorn {version('uvicorn')}, FastAPI {version('fastapi')}, SQLAlchemy "
        f"{version('sqlalchemy')}, asyncpg {version('asyncpg')}",
        "",
        "bulk load: " + (", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()) or "reused"),
        partner_people,
        "",
        "| workers | target | req/s | p50 ms | p95 ms | p99 ms | errors | server µs/req | other CPU "
        "| FastAPI floor req/s | floor p50 | floor p99 | floor µs/req | ratio | ASGI floor req/s | ASGI ratio |",
        "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    verdicts = []
    for workers, (emprende, floors) in runs.items():
        for key in ("by_id", "page", "deep", "register_1", "register"):
            if key not in emprende:
                continue
            r = emprende[key]
            f = floors.get("fastapi", {}).get(key)
            bare = floors.get("asgi", {}).get(key)
            floor_cells = "| | | | | "
            if f is not None:
                ratio = r.rate / f.rate if f.rate else float("nan")
                floor_cells = (
                    f"| {_fmt(f.rate)} | {_ms(f.p50)} | {_ms(f.p99)} | {_fmt(f.per_request_us(f.cpu.server))} "
                    f"| {ratio:.2f} "
                )
            floor_cells += f"| {_fmt(bare.rate)} | {r.rate / bare.rate:.2f} |" if bare is not None else "| | |"
            lines.append(
                f"| {workers} | {r.label} | {_fmt(r.rate)} | {_ms(r.p50)} | {_ms(r.p95)} | {_ms(r.p99)} | {r.errors} "
                f"| {_fmt(r.per_request_us(r.cpu.server))} | {_percent(r.other_cpu, r.duration)} {floor_cells}"
            )
            if key == "register_1":
                verdicts.append(
                    f"- {workers} worker(s), registration p95 < 20 ms: "
                    f"{'met' if r.p95 < 20 else 'MISSED'} ({_ms(r.p95)} ms one at a time; "
                    f"{_ms(emprende['register'].p95)} ms with {args.register_connections} at once)"
                )
            elif key == "register":
                continue
            elif key == "deep":
                verdicts.append(
                    f"- {workers} worker(s), {r.label} (no target; compare the first page): {_fmt(r.rate)} req/s, "
                    f"p99 {_ms(r.p99)} ms"
                )
            else:
                ratio_ok = f is not None and r.rate >= 0.5 * f.rate
                ratio_text = f"{r.rate / f.rate:.2f}x the FastAPI floor" if f is not None else "no floor measured"
                if bare is not None:
                    ratio_text += f", {r.rate / bare.rate:.2f}x the ASGI floor"
                verdicts.append(
                    f"- {workers} worker(s), {r.label}: throughput >= 0.5x floor "
                    f"{'met' if ratio_ok else 'MISSED'} ({ratio_text}); p99 < 50 ms "
                    f"{'met' if r.p99 < 50 else 'MISSED'} ({_ms(r.p99)} ms)"
                )
    lines += ["", "targets:", *verdicts, "", f"import: {import_note}", "", f"reproduce: {reproduce_command(args)}"]
    return "\n".join(lines)


def reproduce_command(args: argparse.Namespace) -> str:
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(ROOT)
    command = [str(python), "bench/registry_load.py", "--size", str(args.size), "--seed", str(args.seed)]
    command += ["--workers", *(str(w) for w in args.workers), "--duration", f"{args.duration:g}"]
    command += ["--warmup", f"{args.warmup:g}", "--connections", str(args.connections)]
    command += ["--registrations", str(args.registrations), "--register-connections", str(args.register_connections)]
    command += ["--loop", args.loop, "--deep", str(args.deep)]
    if not args.floor:
        command.append("--no-floor")
    if args.reuse:
        command += ["--reuse", args.reuse]
    line = shlex.join(command)
    if "EMPRENDE_BENCH_POSTGRES_URL" in os.environ:
        shown = make_url(os.environ["EMPRENDE_BENCH_POSTGRES_URL"]).render_as_string(hide_password=True)
        line = f"EMPRENDE_BENCH_POSTGRES_URL={shlex.quote(shown)} {line}"
    return line


async def run(args: argparse.Namespace) -> int:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    revision = await git_revision()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    admin_url = os.environ.get("EMPRENDE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    runs: dict[int, tuple[dict[str, Summary], dict[str, dict[str, Summary]]]] = {}
    with tempfile.TemporaryDirectory(prefix="emprende-registry-") as tmp:
        workdir = Path(tmp)
        async with fresh_database(admin_url, args.keep, args.reuse) as url:
            print(f"database {make_url(url).database}: migrating", file=sys.stderr, flush=True)
            await migrate(server_env(url, workdir))
            timings: dict[str, float] = {}
            if args.reuse is None:
                print(f"bulk loading {args.size:,} people", file=sys.stderr, flush=True)
                timings = await bulk_load(url, args.size, args.seed)
                print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()), file=sys.stderr, flush=True)
            partner = await create_users(url, args.seed)
            ids = await sample_ids(url, partner)
            random.Random(args.seed).shuffle(ids)
            partner_people = f"partner 0 (the biggest) is the tenant; {len(ids):,} of its ids in rotation"
            # The HTTP registrations of earlier runs are the facilitator's: imports do not use up this range.
            first = REGISTER_FIRST_INDEX + await registered_since_load(url, args.size, FACILITATOR_EMAIL)
            for workers in args.workers:
                floors = {}
                if args.floor:
                    for floor in FLOORS:
                        floors[floor] = await measure_floor(args, workers, workdir, url, partner, ids, floor)
                emprende = await measure_emprende(args, workers, workdir, url, ids, first)
                first += 2 * args.registrations + 1
                runs[workers] = (emprende, floors)
            import_note = await measure_import(args, workdir, url, partner)
    print(report(args, runs, timings, revision, load, partner_people, import_note))
    errors = sum(
        s.errors + (s.requests == 0)
        for emprende, floors in runs.values()
        for s in (*emprende.values(), *(summary for floor in floors.values() for summary in floor.values()))
    )
    if errors:
        print(f"warning: {errors} failed requests; the figures above are not valid", file=sys.stderr)
    return 1 if errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_benchmark(run(args), args.loop, "the servers were stopped and the database removed")


if __name__ == "__main__":
    sys.exit(main())
