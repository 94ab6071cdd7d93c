"""Enrolment benchmarks: a cohort's seats under concurrent requests, and enrolment latency with a large registry.

1. Concurrency (`--concurrency`): on a fresh database, `emprende serve --workers 2` (the migrations applied by
   `serve`, the bootstrap administrator from the environment). Everything is set up through the API: a partner with
   a `content_authoring` and a `training_delivery` agreement, a staff account of the partner, a published module, an
   open cohort of 30 seats, and 200 people registered by the partner's staff, each with a `training` consent. Then 200
   connections are opened and, once all are open, one enrolment is written on each; the answers must all be 201, 30
   `enrolled` and 170 `waitlisted` with queue numbers 1..170. Then 10 enrolled people are withdrawn at once, and the
   cohort's `offered` enrolments must be exactly the people with queue numbers 1..10.
2. Latency (`--latency`): a registry of N people (`--people`, 1,000,000 on PostgreSQL by default) loaded before the
   server starts, with `bench/participants_gen.py`'s rows: on PostgreSQL by `registry_load.bulk_load` (COPY, the
   secondary indexes and foreign keys rebuilt after), on SQLite by `executemany` of the same rows. The people the run
   enrols, of the biggest partner in a fixed pseudo-random order, get a `training` consent written the same way. The
   FastAPI floor (`floor_app:fastapi_app` through `bench/serve.py`) and then emprende are served with the same
   workers, one at a time; the same client sends each request once: warm-up enrolments (unmeasured), then distinct
   people enrolled into one cohort of 10,000 seats over 8 keep-alive connections (the target), then one at a time on
   one connection, then over 8 connections into 8 cohorts (the same load without one cohort's lock to wait for).
   The staff account, the module and the cohorts are set up through the API. On PostgreSQL the CPU of the database's
   backends is read from /proc for each pass.

Cleaned up whatever happens (servers stopped, databases dropped, PostgreSQL's registry unless `--keep`); all traffic
goes to 127.0.0.1. Prints the conditions, Markdown tables and the command that reproduces the run; the exit status is
1 when a check failed or a request did not answer as expected.

    .venv/bin/python bench/enrolment.py --db postgresql                  # both parts, a registry of 1,000,000
    .venv/bin/python bench/enrolment.py --db sqlite                      # both parts, a registry of 100,000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import secrets
import shlex
import signal
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
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
    postgres_database,
    run_benchmark,
    server,
    sign_in,
    sqlite_database,
)
from loadgen import (
    HOST,
    CpuSample,
    ProtocolError,
    Summary,
    build_request,
    fetch,
    percentile_ms,
    read_response,
    run_each,
)
from registry_load import PASSWORD, REGISTER_FIRST_INDEX, _dsn, bulk_load, fresh_database, migrate, registration_bodies

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
ADMIN_EMAIL = "bench-admin@emprende.local"
AT_ONCE_TIMEOUT = 120.0  # from writing a burst's requests to its last answer
SQLITE_BATCH = 50_000
LATENCY_TARGET_MS = 20.0
DEFAULT_PEOPLE = {"postgresql": 1_000_000, "sqlite": 100_000}
# `emprende serve` with one worker in the process cProfile watches, timing CPU rather than wall time (an asyncio
# server's idle time would otherwise land on whatever frame is current). uvicorn ends by raising the SIGTERM it caught
# again; turned into SystemExit by this handler (restored after its shutdown), it lets cProfile write the stats.
PROFILED = """
import cProfile, signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
out = sys.argv.pop(1)
sys.argv[0] = "emprende"
from emprende.cli import main
profile = cProfile.Profile(time.process_time)
try:
    profile.runcall(main)
except SystemExit:
    pass
finally:
    profile.dump_stats(out)
"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, checked; defaults that depend on the database filled in."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite", help="database backend")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--concurrency", action=argparse.BooleanOptionalAction, default=True, help="part 1")
    parser.add_argument("--latency", action=argparse.BooleanOptionalAction, default=True, help="part 2")
    part1 = parser.add_argument_group("part 1, concurrency")
    part1.add_argument("--at-once", type=int, default=200, help="people enrolling at once, one connection each")
    part1.add_argument("--seats", type=int, default=30, help="the cohort's capacity")
    part1.add_argument("--withdrawals", type=int, default=10, help="enrolled people withdrawn at once afterwards")
    part2 = parser.add_argument_group("part 2, latency at a registry of N")
    part2.add_argument("--people", type=int, help="people in the registry (default 1,000,000 on PostgreSQL, "
                       "100,000 on SQLite)")  # fmt: skip
    part2.add_argument("--enrolments", type=int, default=2000, help="measured enrolments, each a distinct person")
    part2.add_argument("--connections", type=int, default=8, help="keep-alive connections for the measured ones")
    part2.add_argument("--warmup", type=int, default=200, help="unmeasured enrolments first, on the same connections")
    part2.add_argument("--single", type=int, default=500, help="then enrolments on one connection (0: skip)")
    part2.add_argument(
        "--spread",
        type=int,
        default=2000,
        help="then enrolments on --connections connections into as many cohorts, each request to the next cohort: "
        "the same load without waiting for one cohort's lock (0: skip)",
    )
    part2.add_argument("--capacity", type=int, default=10_000, help="the cohort's capacity (at most 10,000)")
    part2.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    part2.add_argument("--keep", action="store_true", help="PostgreSQL: keep the registry (its name is printed)")
    part2.add_argument("--reuse", metavar="DATABASE", help="PostgreSQL: a registry kept by an earlier run (no load)")
    part2.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="serve emprende with one worker under cProfile (CPU time) and write its stats here, to find where the "
        "time goes; the figures of such a run are not comparable, and on SQLite the database's work (in aiosqlite's "
        "threads) is not seen",
    )
    parser.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto", help="the client's loop")
    args = parser.parse_args(argv)
    if args.people is None:
        args.people = DEFAULT_PEOPLE[args.db]
    if args.profile is not None:
        args.profile = args.profile.resolve()  # the server runs from the repository root
    if (
        args.workers < 1
        or args.connections < 1
        or args.enrolments < 1
        or min(args.warmup, args.single, args.spread) < 0
    ):
        parser.error("--workers, --connections and --enrolments must be >= 1, --warmup, --single and --spread >= 0")
    if not 1 <= args.seats < args.at_once or not 1 <= args.withdrawals <= min(args.seats, args.at_once - args.seats):
        parser.error("need 1 <= --seats < --at-once and 1 <= --withdrawals <= both the seats and the people waiting")
    if args.warmup + args.enrolments + args.single + args.spread > args.capacity or args.capacity > 10_000:
        parser.error("--capacity must hold every enrolment of part 2 and be at most 10,000")
    if not 1000 <= args.people <= REGISTER_FIRST_INDEX:
        parser.error(f"--people must be between 1,000 and {REGISTER_FIRST_INDEX:,}")
    if (args.keep or args.reuse) and args.db != "postgresql":
        parser.error("--keep and --reuse are for --db postgresql")
    if args.loop == "uvloop" and not _has_uvloop():
        parser.error("--loop uvloop: uvloop is not installed")
    if args.loop == "auto":
        args.loop = "uvloop" if _has_uvloop() else "asyncio"
    return args


# -- talking to the API ------------------------------------------------------------------------------------------------


async def call(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: Any = None,
    expect: int = 200,
) -> Any:
    """One request on its own connection; its JSON answer (None when empty), or BenchError on another status."""
    payload = b"" if body is None else json.dumps(body).encode()
    sent = dict(headers or {}) | ({"Content-Type": "application/json"} if body is not None else {})
    status, answer = await fetch(port, build_request(method, path, port, sent, payload))
    if status != expect:
        raise BenchError(f"{method} {path} answered {status}, not {expect}: {answer[:500]!r}")
    return json.loads(answer) if answer else None


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True, slots=True)
class Programme:
    """What the setup made through the API: the partner's staff (their headers) and its open cohorts."""

    partner_id: str
    staff: dict[str, str]
    cohort_ids: list[str]


async def grant_roles(port: int, admin: dict[str, str], partner_id: str, tag: str) -> None:
    """The administrator records a `content_authoring` and a `training_delivery` agreement in force."""
    today = date.today()
    for role in ("content_authoring", "training_delivery"):
        await call(port, "POST", f"/api/v1/partners/{partner_id}/agreements", admin, {
            "code": f"CONV-BENCH-{tag}-{role[:4].upper()}",
            "title": f"Convenio de {role.replace('_', ' ')} (prueba de carga)",
            "roles": [role],
            "start_date": (today - timedelta(days=10)).isoformat(),
            "end_date": (today + timedelta(days=365)).isoformat(),
            "data_sharing": False,
            "activate": True,
        }, expect=201)  # fmt: skip


async def staff_account(port: int, admin: dict[str, str], partner_id: str, tag: str) -> dict[str, str]:
    """A `partner_staff` account of the partner, created by the administrator, its first password changed as the
    API requires, signed in; its headers."""
    email = f"personal.{tag}@bench.example"
    first, second = f"Primera-{secrets.token_urlsafe(12)}", f"Segunda-{secrets.token_urlsafe(12)}"
    await call(port, "POST", "/api/v1/users", admin, {
        "email": email, "full_name": "Personal del socio", "password": first, "role": "partner_staff",
        "partner_id": partner_id,
    }, expect=201)  # fmt: skip
    token = await sign_in(port, email, first)
    await call(port, "POST", "/api/v1/auth/password", bearer(token), {
        "current_password": first, "new_password": second,
    }, expect=204)  # fmt: skip
    return bearer(await sign_in(port, email, second))


async def open_cohort(port: int, admin: dict[str, str], partner_id: str, capacity: int) -> str:
    """A module authored by the partner, its first version published, and a cohort of the partner teaching it, open
    for enrolment, without eligibility rules; the cohort's id."""
    today = date.today()
    module = await call(port, "POST", "/api/v1/training-modules", admin, {
        "translations": {"es": {
            "title": "Educación financiera", "summary": "Ahorro, crédito y costos de un negocio.",
            "learning_outcomes": ["Calcula el costo de un producto"],
        }},
        "hours": "12.5", "modalities": ["virtual", "in_person"], "author_partner_ids": [partner_id],
    }, expect=201)  # fmt: skip
    await call(port, "POST", f"/api/v1/training-modules/{module['id']}/versions/1/publication", admin)
    cohort = await call(port, "POST", "/api/v1/cohorts", admin, {
        "name": "Cohorte de prueba de carga", "curriculum": [{"module_id": module["id"], "version": 1}],
        "modality": "virtual", "start_date": (today + timedelta(days=20)).isoformat(),
        "end_date": (today + timedelta(days=80)).isoformat(), "capacity": capacity,
        "enrolment_opens_on": (today - timedelta(days=1)).isoformat(),
        "enrolment_closes_on": (today + timedelta(days=19)).isoformat(), "offer_hours": 48,
        "eligibility_rules": [], "partner_id": partner_id,
    }, expect=201)  # fmt: skip
    await call(port, "POST", f"/api/v1/cohorts/{cohort['id']}/transitions", admin, {"to": "open"})
    cohort_id: str = cohort["id"]
    return cohort_id


async def programme(
    port: int, admin_password: str, partner_id: str | None, capacity: int, cohorts: int = 1
) -> Programme:
    """Sign in as the administrator and set up the partner (a new one when partner_id is None), its staff account
    and open cohorts."""
    admin = bearer(await sign_in(port, ADMIN_EMAIL, admin_password))
    tag = secrets.token_hex(3).upper()
    if partner_id is None:
        partner = await call(port, "POST", "/api/v1/partners", admin, {
            "name": "Universidad de la Prueba de Carga", "kind": "academia", "country": "ECU",
        }, expect=201)  # fmt: skip
        partner_id = str(partner["id"])
    await grant_roles(port, admin, partner_id, tag)
    staff = await staff_account(port, admin, partner_id, tag.lower())
    return Programme(partner_id, staff, [await open_cohort(port, admin, partner_id, capacity) for _ in range(cohorts)])


def server_env(database_url: str, workdir: Path, admin_password: str) -> dict[str, str]:
    """As http_load.py serves emprende: a clean environment, a fixed signing key, logs at WARNING, and the bootstrap
    administrator (created on an empty database only)."""
    return clean_environment() | {
        "EMPRENDE_ENV": "development",
        "EMPRENDE_DATABASE_URL": database_url,
        "EMPRENDE_DATA_DIR": str(workdir),
        "EMPRENDE_SECRET_KEY": BENCH_SIGNING_KEY,
        "EMPRENDE_LOG_LEVEL": "WARNING",
        "EMPRENDE_ACCESS_TOKEN_MINUTES": "1440",
        "EMPRENDE_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "EMPRENDE_ADMIN_PASSWORD": admin_password,
    }


def emprende_command(workers: int, *extra: str) -> list[str]:
    executable = Path(sys.executable).with_name("emprende")
    if not executable.exists():
        raise BenchError(f"{executable} not found: install the project first")
    return [str(executable), "serve", "--workers", str(workers), *extra]


# -- part 1: all at once -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """One request of a burst: its status (0 when the connection failed), body and latency in seconds."""

    status: int
    body: bytes
    latency: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True, slots=True)
class Burst:
    """Requests sent at once, one per connection: the answers in request order, and the wall time from the first
    request written to the last answer read."""

    label: str
    answers: list[Answer]
    wall: float

    def percentile(self, p: float) -> float:
        return percentile_ms(sorted(a.latency for a in self.answers if a.status), p)

    @property
    def statuses(self) -> Counter[int]:
        return Counter(answer.status for answer in self.answers)


async def all_at_once(label: str, port: int, requests: Sequence[bytes]) -> Burst:
    """Open one connection per request, and only when all are open write every request, then read the answers. A
    request without an answer within AT_ONCE_TIMEOUT (a deadlock, say) or whose connection failed has status 0."""
    connections = await asyncio.gather(*(asyncio.open_connection(HOST, port) for _ in requests))
    try:
        sent: list[float] = []
        for (_, writer), request in zip(connections, requests, strict=True):
            writer.write(request)
            sent.append(time.perf_counter())

        async def answer(reader: asyncio.StreamReader, began: float) -> tuple[Answer, float]:
            try:
                status, body, _ = await read_response(reader)
            except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ProtocolError) as error:
                return Answer(0, repr(error).encode(), math.nan), time.perf_counter()
            done = time.perf_counter()
            return Answer(status, body, done - began), done

        tasks = [asyncio.create_task(answer(r, s)) for (r, _), s in zip(connections, sent, strict=True)]
        await asyncio.wait(tasks, timeout=AT_ONCE_TIMEOUT)
        unanswered = (Answer(0, f"no answer within {AT_ONCE_TIMEOUT:g} s".encode(), math.nan), math.nan)
        results = [task.result() if task.done() else unanswered for task in tasks]
        for task in tasks:
            task.cancel()
    finally:
        for _, writer in connections:
            writer.close()
    last = max((done for _, done in results if not math.isnan(done)), default=math.nan)
    return Burst(label, [a for a, _ in results], last - sent[0])


@dataclass(slots=True)
class Checks:
    """Named checks with what was expected and what came: PASS or FAIL each."""

    rows: list[tuple[str, str, str, bool]] = field(default_factory=list)

    def add(self, name: str, expected: object, got: object) -> None:
        self.rows.append((name, _short(expected), _short(got), expected == got))

    @property
    def failed(self) -> int:
        return sum(not ok for *_, ok in self.rows)


def _short(value: object) -> str:
    """A list of consecutive integers as a..b, a Counter as a plain dict; anything else as repr."""
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        if value == list(range(value[0], value[0] + len(value))):
            return f"{value[0]}..{value[-1]} ({len(value)})"
        return f"{len(value)} numbers, not consecutive: {value[:12]}…"
    if isinstance(value, Counter):
        return str(dict(sorted(value.items())))
    return str(value)


async def register_people(port: int, staff: dict[str, str], count: int, seed: int) -> list[str]:
    """`count` new people registered by the partner's staff, each with a `training` consent, eight at a time."""
    bodies = registration_bodies(seed, REGISTER_FIRST_INDEX, count)
    gate = asyncio.Semaphore(8)

    async def one(body: bytes) -> str:
        async with gate:
            person = await call(port, "POST", "/api/v1/participants", staff, json.loads(body), expect=201)
            await call(port, "POST", f"/api/v1/participants/{person['id']}/consents", staff, {
                "purpose": "training", "notice_version": gen.NOTICE_VERSION, "method": "in_person",
            }, expect=201)  # fmt: skip
            person_id: str = person["id"]
            return person_id

    return list(await asyncio.gather(*(one(body) for body in bodies)))


async def concurrency(args: argparse.Namespace, workdir: Path) -> tuple[list[Burst], Checks]:
    """Part 1 on a fresh database: the burst of enrolments, the burst of withdrawals, and the checks."""
    password = secrets.token_urlsafe(18)
    if args.db == "postgresql":
        database = postgres_database(os.environ.get("EMPRENDE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    else:
        database = sqlite_database(workdir)
    checks = Checks()
    async with database as url:
        command = emprende_command(args.workers)
        print(f"part 1: starting emprende on a fresh {args.db} database ({args.workers} workers)", file=sys.stderr)
        log = workdir / "concurrency.log"
        async with server(command, server_env(url, workdir, password), "/api/v1/health/ready", log) as (port, _):
            setup = await programme(port, password, None, args.seats)
            cohort_id = setup.cohort_ids[0]
            print(f"  registering {args.at_once} people with a training consent", file=sys.stderr, flush=True)
            people = await register_people(port, setup.staff, args.at_once, args.seed)
            path = f"/api/v1/cohorts/{cohort_id}/enrollments"
            headers = setup.staff | {"Content-Type": "application/json"}
            enrolments = [
                build_request("POST", path, port, headers, json.dumps({"participant_id": person}).encode())
                for person in people
            ]
            print(f"  {args.at_once} enrolments at once", file=sys.stderr, flush=True)
            label = "POST /api/v1/cohorts/{id}/enrollments"
            enrolled = await all_at_once(label, port, enrolments)
            answers = [a.json() for a in enrolled.answers if a.status == 201]
            waiting = sorted((a for a in answers if a["status"] == "waitlisted"), key=lambda a: a["queue_number"])
            expected_queue = list(range(1, args.at_once - args.seats + 1))
            checks.add(
                f"every enrolment answered 201 ({args.at_once} at once)",
                Counter({201: args.at_once}),
                enrolled.statuses,
            )
            checks.add("enrolled", args.seats, sum(a["status"] == "enrolled" for a in answers))
            checks.add("waitlisted", len(expected_queue), len(waiting))
            checks.add("queue numbers", expected_queue, [a["queue_number"] for a in waiting])
            checks.add("queue positions as answered", expected_queue, [a["queue_position"] for a in waiting])
            leaving = [a["id"] for a in answers if a["status"] == "enrolled"][: args.withdrawals]
            withdrawals = [build_request("POST", f"{path}/{eid}/withdrawal", port, setup.staff, b"") for eid in leaving]
            print(f"  {len(withdrawals)} withdrawals at once", file=sys.stderr, flush=True)
            withdrawn = await all_at_once(f"{label}/{{eid}}/withdrawal", port, withdrawals)
            checks.add(
                f"every withdrawal answered 200 ({len(withdrawals)} at once)",
                Counter({200: args.withdrawals}),
                withdrawn.statuses,
            )
            offered = (await call(port, "GET", f"{path}?status=offered&limit=200", setup.staff))["items"]
            first = list(range(1, args.withdrawals + 1))
            checks.add("offered: their queue numbers (the list)", first, sorted(o["queue_number"] for o in offered))
            number_of = {a["participant_id"]: a["queue_number"] for a in waiting}
            checks.add(
                "offered: the people's queue numbers (their enrolment answers)",
                first,
                sorted(number_of.get(o["participant_id"], 0) for o in offered),
            )
            cohort = await call(port, "GET", f"/api/v1/cohorts/{cohort_id}", setup.staff)
            checks.add("seats taken (offers hold their seat)", args.seats, cohort["seats_taken"])
    return [enrolled, withdrawn], checks


# -- part 2: a registry of N -------------------------------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy stores it on SQLite: UUIDs as 32 hex digits, timestamps naive UTC with microseconds."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sqlite_insert(connection: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Any]) -> None:
    marks = ", ".join("?" * len(columns))
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our own column names
    connection.executemany(statement, ([_sqlite_value(v) for v in row] for row in rows))


def sqlite_load(path: Path, size: int, seed: int) -> dict[str, float]:
    """The registry on SQLite: the same partners, agreements and people as registry_load.bulk_load, by executemany
    in one transaction; then ANALYZE. Returns timings."""
    timings: dict[str, float] = {}
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        started = time.perf_counter()
        connection.execute("BEGIN")
        partners, agreements = gen.partner_rows(seed)
        _sqlite_insert(connection, "partners", gen.PARTNER_COLUMNS, partners)
        _sqlite_insert(connection, "cooperation_agreements", gen.AGREEMENT_COLUMNS, agreements)
        loaded = 0
        for chunk in gen.bulk_rows(seed, 0, size, SQLITE_BATCH):
            _sqlite_insert(connection, "participants", gen.PARTICIPANT_COLUMNS, chunk.participants)
            _sqlite_insert(connection, "participant_identifiers", gen.IDENTIFIER_COLUMNS, chunk.identifiers)
            _sqlite_insert(connection, "consents", gen.CONSENT_COLUMNS, chunk.consents)
            loaded += len(chunk.participants)
            print(f"  loaded {loaded:,} people in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        connection.execute("COMMIT")
        timings["generate + insert"] = time.perf_counter() - started
        before = time.perf_counter()
        connection.execute("ANALYZE")
        timings["ANALYZE"] = time.perf_counter() - before
        timings["total"] = time.perf_counter() - started
    finally:
        connection.close()
    return timings


def _training_consents(people: Sequence[uuid.UUID]) -> list[tuple[Any, ...]]:
    """COPY-ready `training` consents (gen.CONSENT_COLUMNS) given now, in person."""
    now = datetime.now(UTC)
    return [
        (uuid.uuid4(), person, "training", None, gen.NOTICE_VERSION, "es", "in_person", now, now, None, None)
        for person in people
    ]


async def trainees_postgres(url: str, partner: uuid.UUID, count: int) -> tuple[list[uuid.UUID], int]:
    """`count` of the partner's people without a `training` consent yet (a kept registry gives new ones each run), in
    a fixed pseudo-random order, each given one by COPY; and how many people the partner owns."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        rows = await connection.fetch(
            "SELECT p.id FROM participants p WHERE p.owner_partner_id = $1 AND NOT EXISTS (SELECT 1 FROM consents c "
            "WHERE c.participant_id = p.id AND c.purpose = 'training') ORDER BY md5(p.id::text) LIMIT $2",
            partner,
            count,
        )
        people = [row[0] for row in rows]
        await connection.copy_records_to_table(
            "consents", records=_training_consents(people), columns=gen.CONSENT_COLUMNS
        )
        owned: int = await connection.fetchval("SELECT count(*) FROM participants WHERE owner_partner_id = $1", partner)
    finally:
        await connection.close()
    return people, owned


def trainees_sqlite(path: Path, partner: uuid.UUID, count: int) -> tuple[list[uuid.UUID], int]:
    """As trainees_postgres, on SQLite (ordered by the ids' random bits)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        rows = connection.execute(
            "SELECT id FROM participants WHERE owner_partner_id = ? ORDER BY substr(id, 17) LIMIT ?",
            (partner.hex, count),
        ).fetchall()
        people = [uuid.UUID(hex=row[0]) for row in rows]
        connection.execute("BEGIN")
        _sqlite_insert(connection, "consents", gen.CONSENT_COLUMNS, _training_consents(people))
        connection.execute("COMMIT")
        owned = connection.execute(
            "SELECT count(*) FROM participants WHERE owner_partner_id = ?", (partner.hex,)
        ).fetchone()[0]
    finally:
        connection.close()
    return people, int(owned)


@contextlib.asynccontextmanager
async def registry(args: argparse.Namespace, workdir: Path) -> AsyncIterator[tuple[str, dict[str, float]]]:
    """A migrated database holding the registry: its URL and the load's timings (empty when reused)."""
    env_password = PASSWORD
    if args.db == "postgresql":
        admin_url = os.environ.get("EMPRENDE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        async with fresh_database(admin_url, args.keep, args.reuse) as url:
            await migrate(server_env(url, workdir, env_password))
            timings: dict[str, float] = {}
            if args.reuse is None:
                print(f"part 2: bulk loading {args.people:,} people (COPY)", file=sys.stderr, flush=True)
                timings = await bulk_load(url, args.people, args.seed)
            yield url, timings
        return
    path = workdir / "registry.db"
    url = f"sqlite+aiosqlite:///{path.as_posix()}"
    await migrate(server_env(url, workdir, env_password))
    print(f"part 2: loading {args.people:,} people (executemany)", file=sys.stderr, flush=True)
    yield url, await asyncio.to_thread(sqlite_load, path, args.people, args.seed)


@dataclass(slots=True)
class LatencyRun:
    """What part 2 measured, and the facts the report states."""

    timings: dict[str, float]
    owned: int
    floor: list[Summary] = field(default_factory=list)
    emprende: list[Summary] = field(default_factory=list)
    database_cpu: dict[str, float | None] = field(default_factory=dict)  # CPU seconds of its backends, by label
    checks: Checks = field(default_factory=Checks)


def database_cpu(database: str | None) -> float | None:
    """User + system CPU seconds of the PostgreSQL backends serving `database` (their process titles name it), read
    from /proc; None for SQLite or where there is no /proc. A backend that exits takes its seconds with it."""
    proc = Path("/proc")
    if database is None or not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
            if not title.startswith(b"postgres:") or f" {database} ".encode() not in title:
                continue
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


@dataclass(frozen=True, slots=True)
class Pass:
    """One measured pass of part 2: what the label adds, the connections, the requests, the cohorts they go to."""

    name: str
    connections: int
    count: int
    cohorts: int = 1


def _connections(count: int) -> str:
    return f"{count} connection{'s' if count > 1 else ''}"


def latency_passes(args: argparse.Namespace) -> list[Pass]:
    """One cohort on `--connections`, then one connection, then `--connections` cohorts (each request to the next)."""
    many = _connections(args.connections)
    passes = [Pass(f"{many}, one cohort", args.connections, args.enrolments)]
    if args.single:
        passes.append(Pass("1 connection", 1, args.single))
    if args.spread:
        passes.append(Pass(f"{many}, {args.connections} cohorts", args.connections, args.spread, args.connections))
    return passes


async def measure_passes(
    port: int,
    label: str,
    requests: Sequence[bytes],
    passes: Sequence[Pass],
    args: argparse.Namespace,
    cpu: Callable[[], CpuSample],
    expect: int,
    database: tuple[str | None, dict[str, float | None]] = (None, {}),
) -> list[Summary]:
    """`--warmup` requests on `--connections` (unmeasured, all must answer `expect`), then each pass in turn, taking
    its requests from the rest in order. With a PostgreSQL database's name, each pass's CPU of its backends goes into
    the dictionary beside it, by label."""
    warm, rest = requests[: args.warmup], requests[args.warmup :]
    if warm:
        print(f"  {label}: {len(warm)} warm-up requests", file=sys.stderr, flush=True)
        warmed = await run_each(label, port, warm, connections=args.connections, cpu=cpu, expect=expect)
        if warmed.errors:
            raise BenchError(f"{label}: {warmed.errors} of the warm-up requests failed")
    results = []
    for one in passes:
        batch, rest = rest[: one.count], rest[one.count :]
        name = f"{label} ({one.name})"
        print(f"  {name}: {len(batch)} requests", file=sys.stderr, flush=True)
        before = database_cpu(database[0])
        results.append(await run_each(name, port, batch, connections=one.connections, cpu=cpu, expect=expect))
        after = database_cpu(database[0])
        database[1][name] = None if before is None or after is None else after - before
    return results


def enrolment_requests(
    port: int, setup: Programme, people: Sequence[uuid.UUID], args: argparse.Namespace, passes: Sequence[Pass]
) -> list[bytes]:
    """One enrolment per person, in the order measure_passes takes them: the warm-up's and each pass's, a pass over
    several cohorts sending each request to the next of them."""
    headers = setup.staff | {"Content-Type": "application/json"}
    cohorts = [0] * args.warmup
    for one in passes:
        cohorts += [number % one.cohorts for number in range(one.count)]
    return [
        build_request(
            "POST",
            f"/api/v1/cohorts/{setup.cohort_ids[cohort]}/enrollments",
            port,
            headers,
            json.dumps({"participant_id": str(person)}).encode(),
        )
        for person, cohort in zip(people, cohorts, strict=True)
    ]


async def latency(args: argparse.Namespace, workdir: Path) -> LatencyRun:
    """Part 2: the registry, its trainees, the floor, then emprende; the checks of the cohorts afterwards."""
    passes = latency_passes(args)
    wanted = args.warmup + sum(one.count for one in passes)
    partner = gen.partner_id(args.seed, 0)
    async with registry(args, workdir) as (url, timings):
        if args.db == "postgresql":
            people, owned = await trainees_postgres(url, partner, wanted)
        else:
            people, owned = await asyncio.to_thread(trainees_sqlite, workdir / "registry.db", partner, wanted)
        if len(people) < wanted:
            raise BenchError(f"partner 0 has only {len(people):,} people without a training consent; need {wanted:,}")
        run = LatencyRun(timings, owned)
        floor = [sys.executable, str(BENCH_DIR / "serve.py"), "floor_app:fastapi_app", "--app-dir", str(BENCH_DIR),
                 "--workers", str(args.workers), "--lifespan", "off"]  # fmt: skip
        print(f"part 2: starting floor: FastAPI constant ({args.workers} workers)", file=sys.stderr, flush=True)
        async with server(floor, clean_environment(), "/", workdir / "floor.log") as (port, cpu):
            # The same connections and counts; spreading over cohorts means nothing to a constant.
            same = [
                Pass(_connections(one.connections), one.connections, one.count) for one in passes if one.cohorts == 1
            ]
            requests = [build_request("GET", "/", port)] * (args.warmup + sum(one.count for one in same))
            run.floor = await measure_passes(port, "floor: FastAPI constant", requests, same, args, cpu, 200)
        print(f"part 2: starting emprende ({args.workers} workers)", file=sys.stderr, flush=True)
        env = server_env(url, workdir, PASSWORD)
        command = emprende_command(args.workers, "--no-migrate")
        if args.profile:
            command = [sys.executable, "-c", PROFILED, str(args.profile), "serve", "--workers", "1", "--no-migrate"]
        async with server(command, env, "/api/v1/health/ready", workdir / "latency.log") as (port, cpu):
            cohorts = max(one.cohorts for one in passes)
            setup = await programme(port, PASSWORD, str(partner), args.capacity, cohorts)
            requests = enrolment_requests(port, setup, people, args, passes)
            label = "POST /api/v1/cohorts/{id}/enrollments"
            name = make_url(url).database if args.db == "postgresql" else None
            run.emprende = await measure_passes(port, label, requests, passes, args, cpu, 201, (name, run.database_cpu))
            taken = 0
            for cohort_id in setup.cohort_ids:
                taken += (await call(port, "GET", f"/api/v1/cohorts/{cohort_id}", setup.staff))["seats_taken"]
            run.checks.add("enrolments not answered 201", 0, sum(s.errors for s in run.emprende))
            run.checks.add("seats taken, all cohorts", wanted, taken)
    return run


# -- the report --------------------------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.1f}"


def conditions(args: argparse.Namespace, title: str, revision: str, load: str) -> list[str]:
    return [
        f"emprende {title}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, revision {revision}, load average before the "
        f"run {load}",
        f"{os.cpu_count()} CPUs shared by client, server and database, {platform.platform()}, Python "
        f"{platform.python_version()}, uvicorn {version('uvicorn')}, FastAPI {version('fastapi')}, SQLAlchemy "
        f"{version('sqlalchemy')}" + (f", asyncpg {version('asyncpg')}" if args.db == "postgresql" else ""),
    ]


def checks_table(checks: Checks) -> list[str]:
    lines = ["| check | expected | got | result |", "|---|---|---|---|"]
    lines += [f"| {name} | {want} | {got} | {'PASS' if ok else 'FAIL'} |" for name, want, got, ok in checks.rows]
    return lines


def concurrency_report(args: argparse.Namespace, bursts: list[Burst], checks: Checks) -> list[str]:
    lines = [
        f"part 1: {args.db}, {args.workers} worker(s); {args.at_once} people with a training consent, a cohort of "
        f"{args.seats} seats; {args.at_once} enrolments written at once on {args.at_once} open connections, then "
        f"{args.withdrawals} withdrawals at once; builtin client ({args.loop})",
        "",
        "| requests | at once | wall ms | p50 ms | p95 ms | max ms | statuses |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for burst in bursts:
        lines.append(
            f"| {burst.label} | {len(burst.answers)} | {_ms(burst.wall * 1000)} | {_ms(burst.percentile(50))} "
            f"| {_ms(burst.percentile(95))} | {_ms(burst.percentile(100))} | {_short(burst.statuses)} |"
        )
    return [*lines, "", *checks_table(checks)]


def latency_report(args: argparse.Namespace, run: LatencyRun) -> list[str]:
    load = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.timings.items()) or f"reused {args.reuse}"
    workers = (
        "1 worker under cProfile (--profile: figures not comparable)" if args.profile else f"{args.workers} worker(s)"
    )
    lines = [
        f"part 2: {args.db}, emprende on {workers}, the floor on {args.workers}; a registry of {args.people:,} people "
        f"(load: {load}); partner 0 owns {run.owned:,}; its staff enrols distinct people of it, each with a training "
        f"consent, into cohorts of {args.capacity:,} seats, each request sent once: {args.warmup} warm-up, then the "
        f"passes below; the floor gets as many GET / on the same connections; builtin client ({args.loop})",
        "",
        "| target | requests | req/s | p50 ms | p95 ms | p99 ms | errors | server µs/req | database µs/req "
        "| other CPU |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in (*run.floor, *run.emprende):
        lines.append(
            f"| {r.label} | {r.requests:,} | {_fmt(r.rate)} | {_ms(r.p50)} | {_ms(r.p95)} | {_ms(r.p99)} | {r.errors} "
            f"| {_fmt(r.per_request_us(r.cpu.server))} | {_fmt(r.per_request_us(run.database_cpu.get(r.label)))} "
            f"| {_percent(r.other_cpu, r.duration)} |"
        )
    if run.emprende:
        measured, floor = run.emprende[0], run.floor[0]
        verdict = "met" if measured.p95 < LATENCY_TARGET_MS and not measured.errors else "MISSED"
        others = "; ".join(f"{r.label.rsplit('(', 1)[-1].rstrip(')')}: {_ms(r.p95)} ms" for r in run.emprende[1:])
        lines += [
            "",
            f"target: enrolment p95 < {LATENCY_TARGET_MS:g} ms with {args.people:,} people in the registry, "
            f"{args.connections} connections into one cohort: {verdict} ({_ms(measured.p95)} ms; the floor's "
            f"{_ms(floor.p95)} ms)" + (f"; p95 {others}" if others else ""),
        ]
    return [*lines, "", *checks_table(run.checks)]


def reproduce_command(args: argparse.Namespace) -> str:
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(ROOT)
    command = [str(python), "bench/enrolment.py", "--db", args.db, "--workers", str(args.workers)]
    for name in ("concurrency", "latency"):
        if not getattr(args, name):
            command.append(f"--no-{name}")
    if args.concurrency:
        command += ["--at-once", str(args.at_once), "--seats", str(args.seats), "--withdrawals", str(args.withdrawals)]
    if args.latency:
        command += ["--people", str(args.people), "--enrolments", str(args.enrolments)]
        command += ["--connections", str(args.connections), "--warmup", str(args.warmup), "--single", str(args.single)]
        command += ["--spread", str(args.spread)]
        command += ["--capacity", str(args.capacity), "--seed", str(args.seed)]
        if args.reuse:
            command += ["--reuse", args.reuse]
        if args.profile:
            command += ["--profile", str(args.profile)]
    command += ["--loop", args.loop]
    line = shlex.join(command)
    if args.db == "postgresql" and "EMPRENDE_BENCH_POSTGRES_URL" in os.environ:
        shown = make_url(os.environ["EMPRENDE_BENCH_POSTGRES_URL"]).render_as_string(hide_password=True)
        line = f"EMPRENDE_BENCH_POSTGRES_URL={shlex.quote(shown)} {line}"
    return line


async def run(args: argparse.Namespace) -> int:
    """Both parts, as chosen; everything they start or create is gone when this returns or is cancelled."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    revision = await git_revision()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = conditions(args, "enrolment", revision, load)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="emprende-enrolment-") as tmp:
        workdir = Path(tmp)
        if args.concurrency:
            bursts, checks = await concurrency(args, workdir)
            lines += ["", *concurrency_report(args, bursts, checks)]
            failed += checks.failed
        if args.latency:
            result = await latency(args, workdir)
            lines += ["", *latency_report(args, result)]
            failed += result.checks.failed + sum(s.errors for s in (*result.floor, *result.emprende))
    lines += ["", f"reproduce: {reproduce_command(args)}"]
    print("\n".join(lines))
    if failed:
        print(f"warning: {failed} failed checks or requests; the figures above are not valid", file=sys.stderr)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status is 0 only when every check passed and every request answered as expected."""
    args = parse_args(argv)
    return run_benchmark(run(args), args.loop, "the servers were stopped and the databases removed")


if __name__ == "__main__":
    sys.exit(main())
