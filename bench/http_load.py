"""HTTP load benchmark: serves emprende on a fresh database and measures health and auth/me against a constant floor."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import shlex
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from loadgen import HOST, CpuSample, Summary, build_request, fetch, run_load
from wrk import run_wrk

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
# Fixed so that runs are comparable; it signs benchmark tokens only, never anything real.
BENCH_SIGNING_KEY = "emprende-benchmark-signing-key-0123456789abcdef"
ADMIN_EMAIL = "bench-admin@emprende.local"
READY_TIMEOUT = 120.0  # migrations plus one argon2 hash, on a busy machine
STOP_TIMEOUT = 15.0
LOG_TAIL_LINES = 40


class BenchError(RuntimeError):
    """The benchmark cannot go on; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    """One measured endpoint: the label in the table, the path and any request headers."""

    label: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, checked; `--loop auto` resolved."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite", help="database backend")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each measurement")
    parser.add_argument("--connections", type=int, default=32, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--tool", choices=["builtin", "wrk"], default="builtin", help="load generator")
    parser.add_argument(
        "--loop",
        choices=["auto", "asyncio", "uvloop"],
        default="auto",
        help="event loop of the builtin client (auto: uvloop when installed)",
    )
    parser.add_argument(
        "--floor",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure constant-response apps on the same server stack",
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.warmup < 0 or args.connections < 1 or args.workers < 1:
        parser.error("--duration must be > 0, --warmup >= 0, --connections and --workers >= 1")
    if args.tool == "wrk" and shutil.which("wrk") is None:
        parser.error("--tool wrk: wrk is not installed")
    if args.loop == "uvloop" and not _has_uvloop():
        parser.error("--loop uvloop: uvloop is not installed")
    if args.loop == "auto":
        args.loop = "uvloop" if _has_uvloop() else "asyncio"
    return args


def _has_uvloop() -> bool:
    """Whether uvloop can be imported."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def process_tree_cpu(root: int) -> float | None:
    """User + system CPU seconds of a process and its descendants, read from /proc (None where there is none)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "; fields[0] is the state
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks
    if root not in cpu:
        return None
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    return sum(cpu[pid] for pid in tree)


def machine_cpu() -> float | None:
    """CPU seconds all processors spent busy since boot, from /proc/stat (None where there is none)."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def clean_environment() -> dict[str, str]:
    """This process's environment without any EMPRENDE_* variable, so that a run depends on its arguments only."""
    return {name: value for name, value in os.environ.items() if not name.startswith("EMPRENDE_")}


@contextlib.asynccontextmanager
async def sqlite_database(workdir: Path) -> AsyncIterator[str]:
    """A SQLite file in the run's temporary directory (removed with it)."""
    yield f"sqlite+aiosqlite:///{(workdir / 'emprende.db').as_posix()}"


@contextlib.asynccontextmanager
async def postgres_database(admin_url: str) -> AsyncIterator[str]:
    """A new PostgreSQL database next to admin_url's, dropped afterwards."""
    url = make_url(admin_url)
    if url.get_backend_name() != "postgresql":
        raise BenchError(f"EMPRENDE_BENCH_POSTGRES_URL is not a PostgreSQL URL: {admin_url}")
    name = f"emprende_bench_{secrets.token_hex(4)}"
    engine = create_async_engine(
        url.set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
        finally:
            async with engine.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


def _log_tail(log: Path) -> str:
    """The last lines of a server's log, for error messages."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return "\n".join(lines[-LOG_TAIL_LINES:])


async def _wait_ready(process: asyncio.subprocess.Process, port: int, path: str, log: Path) -> None:
    """Poll path until it answers 200; fail early if the server exits."""
    request = build_request("GET", path, port)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_TIMEOUT
    while loop.time() < deadline:
        if process.returncode is not None:
            raise BenchError(f"the server exited with {process.returncode}:\n{_log_tail(log)}")
        with contextlib.suppress(OSError, TimeoutError, asyncio.IncompleteReadError):
            status, _ = await fetch(port, request)
            if status == 200:
                return
        await asyncio.sleep(0.2)
    raise BenchError(f"the server was not ready on {path} within {READY_TIMEOUT:g} s:\n{_log_tail(log)}")


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM to the server's whole process group (its workers too), SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


@contextlib.asynccontextmanager
async def server(
    command: list[str], env: dict[str, str], ready_path: str, log: Path
) -> AsyncIterator[tuple[int, Callable[[], CpuSample]]]:
    """Start a server on a free port in its own session, wait until ready_path answers 200, and always stop it."""
    port = free_port()
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command,
            "--host",
            HOST,
            "--port",
            str(port),
            env=env,
            cwd=ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only us; we stop the server in order
        )
    try:
        await _wait_ready(process, port, ready_path, log)
        yield port, lambda: CpuSample(process_tree_cpu(process.pid), machine_cpu())
    finally:
        await _stop(process)


async def sign_in(port: int, email: str, password: str) -> str:
    """An access token from the OAuth2 password grant."""
    body = urlencode({"grant_type": "password", "username": email, "password": password}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, payload = await fetch(port, build_request("POST", "/api/v1/auth/token", port, headers, body))
    if status != 200:
        raise BenchError(f"sign-in failed with {status}: {payload[:500]!r}")
    token: str = json.loads(payload)["access_token"]
    return token


async def measure(args: argparse.Namespace, port: int, target: Target, cpu: Callable[[], CpuSample]) -> Summary:
    """Load one endpoint with the chosen generator, after checking that it answers 200."""
    status, payload = await fetch(port, build_request("GET", target.path, port, target.headers))
    if status != 200:
        raise BenchError(f"{target.label} answered {status} before the load: {payload[:500]!r}")
    print(f"  {target.label}: {args.warmup:g} s warm-up + {args.duration:g} s", file=sys.stderr, flush=True)
    if args.tool == "wrk":
        return await run_wrk(
            target.label,
            port,
            target.path,
            target.headers,
            connections=args.connections,
            duration=args.duration,
            warmup=args.warmup,
            cpu=cpu,
        )
    return await run_load(
        target.label,
        port,
        build_request("GET", target.path, port, target.headers),
        connections=args.connections,
        duration=args.duration,
        warmup=args.warmup,
        cpu=cpu,
    )


async def measure_floor(args: argparse.Namespace, workdir: Path) -> list[Summary]:
    """The same uvicorn options as `emprende serve`, serving constant JSON without and with FastAPI."""
    results = []
    for app, label in (("asgi_app", "floor: bare ASGI constant"), ("fastapi_app", "floor: FastAPI constant")):
        # Served as `emprende serve` serves emprende (with several workers, a listening socket per worker).
        command = [
            sys.executable,
            str(BENCH_DIR / "serve.py"),
            f"floor_app:{app}",
            "--app-dir",
            str(BENCH_DIR),
            "--workers",
            str(args.workers),
            "--lifespan",
            "off",
        ]
        print(f"starting {label}", file=sys.stderr, flush=True)
        async with server(command, clean_environment(), "/", workdir / f"{app}.log") as (port, cpu):
            results.append(await measure(args, port, Target(label, "/"), cpu))
    return results


async def measure_emprende(args: argparse.Namespace, workdir: Path, database_url: str) -> list[Summary]:
    """emprende on a fresh database: health, then auth/me as the bootstrap administrator."""
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
    }
    executable = Path(sys.executable).with_name("emprende")
    if not executable.exists():
        raise BenchError(f"{executable} not found: install the project first (make bench does)")
    command = [str(executable), "serve", "--workers", str(args.workers)]
    print(f"starting emprende on {args.db}", file=sys.stderr, flush=True)
    async with server(command, env, "/api/v1/health/ready", workdir / "emprende.log") as (port, cpu):
        token = await sign_in(port, ADMIN_EMAIL, password)
        targets = [
            Target("GET /api/v1/health", "/api/v1/health"),
            Target("GET /api/v1/auth/me", "/api/v1/auth/me", {"Authorization": f"Bearer {token}"}),
        ]
        return [await measure(args, port, target, cpu) for target in targets]


def _fmt(value: float | None, digits: int = 0) -> str:
    """A figure with thousands separators, or n/a."""
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _percent(cpu_seconds: float | None, duration: float) -> str:
    """CPU seconds over a run as a percentage of one core."""
    return "n/a" if cpu_seconds is None else f"{cpu_seconds / duration * 100:.0f} %"


def reproduce_command(args: argparse.Namespace) -> str:
    """The command line that repeats this run from the repository root."""
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(ROOT)
    command = [str(python), "bench/http_load.py", "--db", args.db]
    command += ["--duration", f"{args.duration:g}", "--warmup", f"{args.warmup:g}"]
    command += ["--connections", str(args.connections), "--workers", str(args.workers), "--tool", args.tool]
    if args.tool == "builtin":
        command += ["--loop", args.loop]
    if not args.floor:
        command.append("--no-floor")
    line = shlex.join(command)
    if args.db == "postgresql" and "EMPRENDE_BENCH_POSTGRES_URL" in os.environ:
        shown = make_url(os.environ["EMPRENDE_BENCH_POSTGRES_URL"]).render_as_string(hide_password=True)
        line = f"EMPRENDE_BENCH_POSTGRES_URL={shlex.quote(shown)} {line}"
    return line


def report(args: argparse.Namespace, results: list[Summary], revision: str, load: str) -> str:
    """The run's conditions, a Markdown table of the figures, and the command to reproduce them."""
    client = "wrk -t1" if args.tool == "wrk" else f"builtin asyncio client ({args.loop})"
    lines = [
        f"emprende HTTP load, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, revision {revision}, "
        f"load average before the run {load}",
        f"{args.db}, {args.workers} worker(s), {args.connections} connections, {args.duration:g} s measured "
        f"after {args.warmup:g} s warm-up, {client}",
        f"{os.cpu_count()} CPUs shared by client and server, {platform.platform()}, Python {platform.python_version()}"
        f", uvicorn {version('uvicorn')}, FastAPI {version('fastapi')}, SQLAlchemy {version('sqlalchemy')}",
        "",
        "| target | req/s | p50 ms | p90 ms | p99 ms | errors | server CPU | server µs/req | client µs/req "
        "| other CPU |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r.label} | {_fmt(r.rate)} | {_fmt(r.p50, 2)} | {_fmt(r.p90, 2)} | {_fmt(r.p99, 2)} | {r.errors} "
            f"| {_percent(r.cpu.server, r.duration)} | {_fmt(r.per_request_us(r.cpu.server))} "
            f"| {_fmt(r.per_request_us(r.client_cpu))} | {_percent(r.other_cpu, r.duration)} |"
        )
    lines += ["", f"reproduce: {reproduce_command(args)}"]
    return "\n".join(lines)


async def git_revision() -> str:
    """The checked-out commit, marked dirty when the tree has changes."""
    with contextlib.suppress(OSError):
        process = await asyncio.create_subprocess_exec(
            "git",
            "describe",
            "--always",
            "--dirty",
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        output, _ = await process.communicate()
        if process.returncode == 0:
            return output.decode().strip()
    return "unknown"


async def run(args: argparse.Namespace) -> int:
    """The whole benchmark; everything it starts or creates is gone when it returns or is cancelled."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    revision = await git_revision()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())  # other work on the machine skews the figures
    with tempfile.TemporaryDirectory(prefix="emprende-bench-") as tmp:
        workdir = Path(tmp)
        results = await measure_floor(args, workdir) if args.floor else []
        if args.db == "postgresql":
            database = postgres_database(os.environ.get("EMPRENDE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
        else:
            database = sqlite_database(workdir)
        async with database as url:
            results += await measure_emprende(args, workdir, url)
    print(report(args, results, revision, load))
    errors = sum(r.errors for r in results)
    if errors:
        print(f"warning: {errors} failed requests; the figures above are not valid", file=sys.stderr)
    return 1 if errors else 0


def run_benchmark(benchmark: Coroutine[Any, Any, int], loop: str, interrupted: str) -> int:
    """Run a benchmark's coroutine on the chosen event loop; Ctrl-C and SIGTERM print `interrupted` (the benchmark
    cleans up in its own `finally` blocks) and give 130, a `BenchError` gives 1."""
    loop_factory = None
    if loop == "uvloop":
        import uvloop

        loop_factory = uvloop.new_event_loop
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(benchmark)
    except (KeyboardInterrupt, asyncio.CancelledError):
        print(f"interrupted; {interrupted}", file=sys.stderr)
        return 130
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status is 0 only for a complete run without failed requests."""
    args = parse_args(argv)
    return run_benchmark(run(args), args.loop, "the server was stopped and the database removed")


if __name__ == "__main__":
    sys.exit(main())
