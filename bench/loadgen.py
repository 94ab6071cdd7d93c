"""A small HTTP/1.1 keep-alive load generator on raw asyncio streams, standard library only."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

HOST = "127.0.0.1"
_GRACE_SECONDS = 10.0  # how long in-flight requests may run past the deadline before they count as timeouts
_FETCH_TIMEOUT = 30.0  # one-off requests (readiness, sign-in): argon2 makes sign-in slow on purpose
_RECONNECT_PAUSE = 0.05  # after a failed connection, so a dead server does not turn the loop into a spin


class ProtocolError(Exception):
    """The server's answer is not an HTTP/1.1 response this client can frame."""


@dataclass(frozen=True, slots=True)
class CpuSample:
    """Cumulative CPU seconds so far: the server's process tree and the whole machine (None where unknown)."""

    server: float | None
    machine: float | None


def cpu_delta(before: CpuSample, after: CpuSample) -> CpuSample:
    """CPU seconds spent between two samples."""
    server = None if before.server is None or after.server is None else after.server - before.server
    machine = None if before.machine is None or after.machine is None else after.machine - before.machine
    return CpuSample(server, machine)


@dataclass(frozen=True, slots=True)
class Summary:
    """The figures of one load run over its measured window; latencies in milliseconds, CPU in seconds."""

    label: str
    requests: int
    duration: float
    p50: float
    p90: float
    p99: float
    errors: int
    cpu: CpuSample
    client_cpu: float | None
    p95: float = math.nan

    @property
    def rate(self) -> float:
        return self.requests / self.duration

    @property
    def other_cpu(self) -> float | None:
        """CPU seconds used by neither the server nor the client: other processes, PostgreSQL included."""
        if self.cpu.machine is None or self.cpu.server is None or self.client_cpu is None:
            return None
        return max(0.0, self.cpu.machine - self.cpu.server - self.client_cpu)

    def per_request_us(self, cpu_seconds: float | None) -> float | None:
        """CPU seconds spread over the completed requests, in microseconds each."""
        if cpu_seconds is None or not self.requests:
            return None
        return cpu_seconds / self.requests * 1e6


@dataclass(slots=True)
class _Tally:
    """What the connections of one run have recorded so far: latencies in seconds and failures."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0


def percentile_ms(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile p of sorted latencies in seconds, in milliseconds."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000


def build_request(
    method: str, path: str, port: int, headers: Mapping[str, str] | None = None, body: bytes = b""
) -> bytes:
    """The bytes of one HTTP/1.1 keep-alive request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: application/json"]
    lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Read one response framed by Content-Length: its status, body and whether the server closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, _, header_block = head[:-4].partition(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError(f"bad status line {status_line!r}")
    status = int(parts[1])
    length: int | None = None
    close = False
    for line in header_block.split(b"\r\n"):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            if not value.strip().isdigit():
                raise ProtocolError(f"bad Content-Length {value!r}")
            length = int(value)
        elif name == b"connection":
            close = value.strip().lower() == b"close"
        elif name == b"transfer-encoding":
            raise ProtocolError("chunked responses are not supported")
    if length is None:
        if status in (204, 304) or status < 200:
            length = 0
        else:
            raise ProtocolError(f"status {status} without Content-Length")
    body = await reader.readexactly(length) if length else b""
    return status, body, close


async def fetch(port: int, request: bytes) -> tuple[int, bytes]:
    """Send one request on a fresh connection and return the status and body."""
    async with asyncio.timeout(_FETCH_TIMEOUT):
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(request)
            status, body, _ = await read_response(reader)
        finally:
            writer.close()
    return status, body


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close a connection, ignoring a peer that is already gone."""
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


async def _connection(
    port: int, requests: Iterator[bytes], start: float, deadline: float, tally: _Tally, *, expect: int | None = None
) -> None:
    """One keep-alive connection sending requests back to back until the deadline or the requests run out.

    `requests` may be shared by several connections (each takes the next one). With `expect`, any other status is
    an error; otherwise any status outside 2xx/3xx is."""
    latencies = tally.latencies
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    try:
        while time.perf_counter() < deadline:
            request = next(requests, None)
            if request is None:
                break
            sent = time.perf_counter()
            try:
                if reader is None or writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                    sent = time.perf_counter()
                writer.write(request)
                status, _, close = await read_response(reader)
            except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ProtocolError):
                if start <= time.perf_counter() <= deadline:
                    tally.errors += 1
                if writer is not None:
                    await _close(writer)
                reader = writer = None
                await asyncio.sleep(_RECONNECT_PAUSE)
                continue
            done = time.perf_counter()
            if start <= done <= deadline:
                latencies.append(done - sent)
                if (status != expect) if expect is not None else not 200 <= status < 400:
                    tally.errors += 1
            if close:
                await _close(writer)
                reader = writer = None
    finally:
        if writer is not None:
            await _close(writer)


async def run_load(
    label: str,
    port: int,
    request: bytes | Sequence[bytes],
    *,
    connections: int,
    duration: float,
    warmup: float,
    cpu: Callable[[], CpuSample],
) -> Summary:
    """Load the server for warmup + duration seconds; measure only the last `duration` seconds.

    `request` is one request sent again and again, or several sent in rotation (e.g. one path per participant id)."""
    tally = _Tally()
    now = time.perf_counter()
    start, deadline = now + warmup, now + warmup + duration
    rotation = itertools.repeat(request) if isinstance(request, bytes) else itertools.cycle(request)
    tasks = [asyncio.create_task(_connection(port, rotation, start, deadline, tally)) for _ in range(connections)]
    try:
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        cpu_before, client_before = cpu(), time.process_time()
        await asyncio.sleep(max(0.0, deadline - time.perf_counter()))
        cpu_after, client_after = cpu(), time.process_time()
        _, pending = await asyncio.wait(tasks, timeout=_GRACE_SECONDS)
        tally.errors += len(pending)  # requests still unanswered long after the deadline
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    ordered = sorted(tally.latencies)
    return Summary(
        label=label,
        requests=len(ordered),
        duration=duration,
        p50=percentile_ms(ordered, 50),
        p90=percentile_ms(ordered, 90),
        p99=percentile_ms(ordered, 99),
        p95=percentile_ms(ordered, 95),
        errors=tally.errors,
        cpu=cpu_delta(cpu_before, cpu_after),
        client_cpu=client_after - client_before,
    )


async def run_each(
    label: str,
    port: int,
    requests: Sequence[bytes],
    *,
    connections: int,
    cpu: Callable[[], CpuSample],
    expect: int | None = None,
    give_up_after: float = 600.0,
) -> Summary:
    """Send each request exactly once over `connections` keep-alive connections; every response is measured.

    For requests that may not be repeated (registrations with unique people). `duration` is the wall time taken."""
    tally = _Tally()
    queue = iter(requests)
    began = time.perf_counter()
    deadline = began + give_up_after
    cpu_before, client_before = cpu(), time.process_time()
    tasks = [
        asyncio.create_task(_connection(port, queue, began, deadline, tally, expect=expect)) for _ in range(connections)
    ]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.perf_counter() - began
    cpu_after, client_after = cpu(), time.process_time()
    ordered = sorted(tally.latencies)
    return Summary(
        label=label,
        requests=len(ordered),
        duration=elapsed,
        p50=percentile_ms(ordered, 50),
        p90=percentile_ms(ordered, 90),
        p99=percentile_ms(ordered, 99),
        p95=percentile_ms(ordered, 95),
        errors=max(tally.errors, len(requests) - len(ordered)),  # a failed connection loses its request
        cpu=cpu_delta(cpu_before, cpu_after),
        client_cpu=client_after - client_before,
    )
