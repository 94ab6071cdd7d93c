"""Training over HTTP: a session's register of 1,000 people in one request, and certificate verification, each
against the FastAPI constant floor measured in the same run.

Serves emprende (`emprende serve --workers N`) on a fresh database as `http_load.py` does, builds a cohort of
`--people` enrolled people through the API (a partner with its agreements, a published module, the cohort and its
sessions, the people with their `training` consents), then:

1. times `PUT .../sessions/{id}/attendance` with every person's mark: the first register of each session, the same
   register sent again (nothing changes), and a correction of every mark;
2. finishes the cohort (everyone is judged and gets a certificate) and times that request;
3. loads `POST /api/v1/certificates/verification` with one of the certificates over keep-alive connections for
   `--duration` seconds, and the FastAPI constant floor the same way.

    .venv/bin/python bench/training_http.py                     # SQLite, 1 worker
    .venv/bin/python bench/training_http.py --db postgresql     # PostgreSQL at EMPRENDE_BENCH_POSTGRES_URL

All traffic goes to 127.0.0.1; the server is stopped and the database removed whatever happens."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from http_load import (
    ADMIN_EMAIL,
    BENCH_SIGNING_KEY,
    DEFAULT_POSTGRES_URL,
    BenchError,
    _fmt,
    _log_tail,
    clean_environment,
    git_revision,
    measure_floor,
    postgres_database,
    run_benchmark,
    server,
    sign_in,
    sqlite_database,
)
from loadgen import Summary, build_request, run_load

CONCURRENCY = 4  # people set up at once (SQLite serialises writers)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--people", type=int, default=1_000, help="people in the cohort (and in each register)")
    parser.add_argument("--sessions", type=int, default=3, help="sessions whose register is timed")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    args = parser.parse_args(argv)
    args.tool, args.floor = "builtin", True
    if args.loop == "auto":
        try:
            import uvloop  # noqa: F401

            args.loop = "uvloop"
        except ImportError:
            args.loop = "asyncio"
    return args


async def _ok(response: httpx.Response, *expected: int) -> dict[str, Any]:
    if response.status_code not in (expected or (200, 201)):
        raise BenchError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:300]}"
        )
    body: dict[str, Any] = response.json() if response.content else {}
    return body


async def build_cohort(client: httpx.AsyncClient, people: int, sessions: int) -> tuple[str, list[str], list[str]]:
    """A running cohort with `people` enrolled and `sessions` sessions: (cohort id, session ids, participant ids)."""
    today = date.today()
    partner = await _ok(
        await client.post(
            "/api/v1/partners", json={"name": "Universidad de prueba", "kind": "academia", "country": "ECU"}
        )
    )
    await _ok(
        await client.post(
            f"/api/v1/partners/{partner['id']}/agreements",
            json={
                "code": "CONV-BENCH-1",
                "title": "Convenio de prueba",
                "roles": ["content_authoring", "training_delivery", "referral"],
                "start_date": (today - timedelta(days=30)).isoformat(),
                "end_date": (today + timedelta(days=365)).isoformat(),
                "data_sharing": True,
                "activate": True,
            },
        )
    )
    text = {"title": "Educación financiera", "summary": "Ahorro, crédito y costos.", "learning_outcomes": []}
    module = await _ok(
        await client.post(
            "/api/v1/training-modules",
            json={
                "translations": {"es": text},
                "hours": "12",
                "modalities": ["in_person"],
                "author_partner_ids": [partner["id"]],
            },
        )
    )
    await _ok(await client.post(f"/api/v1/training-modules/{module['id']}/versions/1/publication"))
    start = today + timedelta(days=1)
    cohort = await _ok(
        await client.post(
            "/api/v1/cohorts",
            json={
                "name": "Cohorte de prueba",
                "curriculum": [{"module_id": module["id"], "version": 1}],
                "modality": "in_person",
                "province_code": "10",
                "canton_code": "1001",
                "address": "Av. 17 de Julio, Ibarra",
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=60)).isoformat(),
                "capacity": people,
                "enrolment_opens_on": today.isoformat(),
                "enrolment_closes_on": start.isoformat(),
                "partner_id": partner["id"],
            },
        )
    )
    url = f"/api/v1/cohorts/{cohort['id']}"
    await _ok(await client.post(f"{url}/transitions", json={"to": "open"}))
    session_ids = []
    for week in range(sessions):
        body = {
            "on": (start + timedelta(days=7 * week)).isoformat(),
            "starts_at": "09:00:00",
            "duration_minutes": 120,
            "module_id": module["id"],
        }
        session_ids.append((await _ok(await client.post(f"{url}/sessions", json=body)))["id"])
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(index: int) -> str:
        async with gate:
            person = await _ok(
                await client.post(
                    "/api/v1/participants",
                    json={
                        "given_names": f"Aprendiz {index:05d}",
                        "family_names": f"Prueba {index % 97}",
                        "birth_date": (date(1970, 1, 1) + timedelta(days=index * 7)).isoformat(),
                        "sex": "female" if index % 2 else "male",
                        "population_group": "migrant",
                        "nationality": "VEN",
                        "owner_partner_id": partner["id"],
                        "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
                    },
                )
            )
            consent = {"purpose": "training", "notice_version": "2026-01", "method": "in_person"}
            await _ok(await client.post(f"/api/v1/participants/{person['id']}/consents", json=consent))
            await _ok(await client.post(f"{url}/enrollments", json={"participant_id": person["id"]}))
            return str(person["id"])

    ids = list(await asyncio.gather(*(one(index) for index in range(people))))
    await _ok(await client.post(f"{url}/transitions", json={"to": "running"}))
    return str(cohort["id"]), session_ids, ids


async def timed(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = await client.request(method, path, json=body)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, await _ok(response)


async def measure(
    args: argparse.Namespace, workdir: Path, database_url: str
) -> tuple[list[tuple[str, float, str]], Summary]:
    password = secrets.token_urlsafe(18)
    env = clean_environment() | {
        "EMPRENDE_ENV": "development",
        "EMPRENDE_DATABASE_URL": database_url,
        "EMPRENDE_DATA_DIR": str(workdir),
        "EMPRENDE_SECRET_KEY": BENCH_SIGNING_KEY,
        "EMPRENDE_LOG_LEVEL": "WARNING",
        "EMPRENDE_ACCESS_TOKEN_MINUTES": "1440",
        "EMPRENDE_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "EMPRENDE_ADMIN_PASSWORD": password,
        "EMPRENDE_MAX_BODY_BYTES": "4194304",
    }
    executable = Path(sys.executable).with_name("emprende")
    command = [str(executable), "serve", "--workers", str(args.workers)]
    print(f"starting emprende on {args.db}", file=sys.stderr, flush=True)
    async with server(command, env, "/api/v1/health/ready", workdir / "emprende.log") as (port, cpu):
        token = await sign_in(port, ADMIN_EMAIL, password)
        headers = {"Authorization": f"Bearer {token}"}
        timings: list[tuple[str, float, str]] = []
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120) as client:
            print(f"  building a cohort of {args.people} people", file=sys.stderr, flush=True)
            cohort, sessions, people = await build_cohort(client, args.people, args.sessions)
            url = f"/api/v1/cohorts/{cohort}"
            for number, session in enumerate(sessions, start=1):
                marks = [
                    {"participant_id": p, "status": "present" if i % 7 else "absent"} for i, p in enumerate(people)
                ]
                elapsed, body = await timed(client, "PUT", f"{url}/sessions/{session}/attendance", {"marks": marks})
                timings.append(
                    (f"register of {len(people)}, session {number}: first", elapsed, f"{body['recorded']} recorded")
                )
                elapsed, body = await timed(client, "PUT", f"{url}/sessions/{session}/attendance", {"marks": marks})
                timings.append(
                    (
                        f"register of {len(people)}, session {number}: sent again",
                        elapsed,
                        f"{body['unchanged']} unchanged",
                    )
                )
            marks = [{"participant_id": p, "status": "late"} for p in people]
            elapsed, body = await timed(client, "PUT", f"{url}/sessions/{sessions[0]}/attendance", {"marks": marks})
            timings.append(
                (f"register of {len(people)}: every mark corrected", elapsed, f"{body['corrected']} corrected")
            )
            elapsed, _ = await timed(client, "POST", f"{url}/transitions", {"to": "finished"})
            issued = (await client.get(f"{url}/certificates")).json()
            timings.append(
                (f"finish the cohort (judge {len(people)}, issue certificates)", elapsed, f"{len(issued)} certificates")
            )
            certificate = issued[0]["certificate"]
        body = json.dumps({"certificate": certificate}).encode()
        request = build_request(
            "POST", "/api/v1/certificates/verification", port, {"Content-Type": "application/json"}, body
        )
        print(f"  verification: {args.warmup:g} s warm-up + {args.duration:g} s", file=sys.stderr, flush=True)
        summary = await run_load(
            "POST /api/v1/certificates/verification",
            port,
            request,
            connections=args.connections,
            duration=args.duration,
            warmup=args.warmup,
            cpu=cpu,
        )
    return timings, summary


async def run(args: argparse.Namespace) -> int:
    revision = await git_revision()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="emprende-bench-") as tmp:
        workdir = Path(tmp)
        floor = [summary for summary in await measure_floor(args, workdir) if "FastAPI" in summary.label]
        if args.db == "postgresql":
            database = postgres_database(os.environ.get("EMPRENDE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
        else:
            database = sqlite_database(workdir)
        async with database as url:
            try:
                timings, verification = await measure(args, workdir, url)
            except BenchError as error:
                raise BenchError(f"{error}\n{_log_tail(workdir / 'emprende.log')}") from None
    lines = [
        f"emprende training over HTTP, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, revision {revision}, "
        f"load average before the run {load}",
        f"{args.db}, {args.workers} worker(s), {os.cpu_count()} CPUs shared by client and server, "
        f"{platform.platform()}, Python {platform.python_version()}",
        "",
        "| request | ms | result |",
        "|---|--:|---|",
        *(f"| {label} | {elapsed:,.0f} | {result} |" for label, elapsed, result in timings),
        "",
        f"| load ({args.connections} connections, {args.duration:g} s) | req/s | p50 ms | p99 ms | errors "
        "| server µs/req |",
        "|---|--:|--:|--:|--:|--:|",
        *(
            f"| {r.label} | {r.rate:,.0f} | {r.p50:.2f} | {r.p99:.2f} | {r.errors} "
            f"| {_fmt(r.per_request_us(r.cpu.server))} |"
            for r in (*floor, verification)
        ),
        "",
        f"verification runs at {verification.rate / floor[0].rate:.0%} of the FastAPI constant floor"
        if floor and floor[0].rate
        else "",
        "reproduce: .venv/bin/python bench/training_http.py "
        f"--db {args.db} --workers {args.workers} --people {args.people}",
    ]
    print("\n".join(lines))
    return 1 if verification.errors else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_benchmark(run(args), args.loop, "the server was stopped and the database removed")


if __name__ == "__main__":
    sys.exit(main())
