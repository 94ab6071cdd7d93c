"""Several workers, each listening on a socket of its own (SO_REUSEPORT), so that connections spread across them."""

from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from emprende.serving import ReusePortListener, balances_workers, bound_socket

pytestmark = pytest.mark.skipif(not balances_workers(), reason="SO_REUSEPORT spreads connections on Linux only")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listeners(port: int) -> int:
    """Sockets listening on the port (state 0A in /proc/net/tcp)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "0A")


def test_the_listener_becomes_a_socket_of_its_own_in_each_worker() -> None:
    port = _free_port()
    listener = ReusePortListener("127.0.0.1", port)
    # As multiprocessing hands it to each worker process (this test's own object: nothing untrusted is unpickled).
    first, second = (pickle.loads(pickle.dumps(listener)) for _ in range(2))  # noqa: S301 - our own object, as multiprocessing would
    try:
        for sock in (first, second):
            assert isinstance(sock, socket.socket)
            assert sock.getsockname() == ("127.0.0.1", port)
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
            sock.listen()
        assert _listeners(port) == 2
        # Anyone else (bound without SO_REUSEPORT, as `serve` checks the address first) finds the port taken.
        with pytest.raises(OSError, match="in use"):
            bound_socket("127.0.0.1", port, reuse_port=False)
    finally:
        first.close()
        second.close()


def test_serve_with_two_workers_listens_once_per_worker(tmp_path: Path) -> None:
    port = _free_port()
    environment = {
        **os.environ,
        "EMPRENDE_DATA_DIR": str(tmp_path),
        "EMPRENDE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'emprende.db'}",
        "EMPRENDE_LOG_LEVEL": "INFO",
        "EMPRENDE_LOG_JSON": "false",
        "EMPRENDE_ADMIN_PASSWORD": "a-long-enough-admin-password",
    }
    process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", "from emprende.cli import main; main()", "serve", "--workers", "2", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert process.stderr is not None
        started = 0
        output: list[str] = []
        while started < 2:  # each worker logs this, then starts listening
            line = process.stderr.readline().decode()
            assert line, "the server stopped:\n" + "".join(output)
            output.append(line)
            started += "Application startup complete" in line
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):  # the last worker may still be between its log line and listen()
                assert client.get("/api/v1/health").status_code == 200
                if _listeners(port) == 2:
                    break
        assert _listeners(port) == 2
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert _listeners(port) == 0
