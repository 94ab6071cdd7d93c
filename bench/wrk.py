"""The optional `wrk` load generator (`--tool wrk`), run as a subprocess and read into the same Summary."""

from __future__ import annotations

import asyncio
import math
import re
import resource
from collections.abc import Callable, Mapping

from loadgen import HOST, CpuSample, Summary, cpu_delta

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_PERCENTILE = re.compile(r"^\s*(50|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", re.MULTILINE)
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def _wrk(url: str, headers: Mapping[str, str], connections: int, seconds: float) -> str:
    """Run wrk once and return its output."""
    # wrk takes whole seconds only; the summary uses the duration wrk reports.
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, math.ceil(seconds))}s", "--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    process = await asyncio.create_subprocess_exec(
        *command, url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = output.decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{text}")
    return text


def parse(label: str, output: str, cpu: CpuSample, client_cpu: float) -> Summary:
    """Read requests, duration, p50/p90/p99 and errors from `wrk --latency` output."""
    requests = _REQUESTS.search(output)
    if requests is None:
        raise ValueError(f"unrecognised wrk output:\n{output}")
    percentiles = {int(p): float(value) * _UNITS[unit] for p, value, unit in _PERCENTILE.findall(output)}
    socket_errors = _SOCKET_ERRORS.search(output)
    non_2xx = _NON_2XX.search(output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return Summary(
        label=label,
        requests=int(requests.group(1)),
        duration=float(requests.group(2)) * _UNITS[requests.group(3)] / 1000,
        p50=percentiles[50],
        p90=percentiles[90],
        p99=percentiles[99],
        errors=errors + (int(non_2xx.group(1)) if non_2xx else 0),
        cpu=cpu,
        client_cpu=client_cpu,
    )


async def run_wrk(
    label: str,
    port: int,
    path: str,
    headers: Mapping[str, str],
    *,
    connections: int,
    duration: float,
    warmup: float,
    cpu: Callable[[], CpuSample],
) -> Summary:
    """A discarded warm-up run, then the measured run, both with one wrk thread."""
    url = f"http://{HOST}:{port}{path}"
    if warmup > 0:
        await _wrk(url, headers, connections, warmup)
    cpu_before, client_before = cpu(), _children_cpu()
    output = await _wrk(url, headers, connections, duration)
    cpu_after, client_after = cpu(), _children_cpu()
    return parse(label, output, cpu_delta(cpu_before, cpu_after), client_after - client_before)
