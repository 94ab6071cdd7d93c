"""Serving an ASGI app with uvicorn; with several workers on Linux, each worker listens on a socket of its own.

uvicorn's workers share one listening socket, and whichever worker the kernel wakes accepts every connection waiting:
keep-alive connections opened together (a load balancer's, a partner system's pool) can all land on one worker while
the others idle. With `SO_REUSEPORT` each worker binds its own socket to the same address and the kernel spreads new
connections across them by their addresses' hash. Workers that uvicorn restarts bind theirs the same way.
"""

from __future__ import annotations

import socket
import sys
from typing import Any, cast

import uvicorn
from uvicorn.supervisors import Multiprocess


def balances_workers() -> bool:
    """Whether this system spreads connections across sockets bound with `SO_REUSEPORT` (Linux does; others don't)."""
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def serve(app: str, *, host: str, port: int, workers: int = 1, **options: Any) -> None:
    """`uvicorn.run(app, ...)`, with a listening socket per worker where `balances_workers()`."""
    if workers <= 1 or not balances_workers():
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    # Fail here, once and clearly, if the address is taken (by another server too: bound without SO_REUSEPORT, this
    # socket cannot share the port with anyone), rather than in every worker.
    bound_socket(host, port, reuse_port=False).close()
    # Not a socket: unpickled in each (re)started worker as one bound there (see `ReusePortListener`).
    sockets = cast(list[socket.socket], [ReusePortListener(host, port)])
    Multiprocess(config, sockets=sockets).run()


class ReusePortListener:
    """Stands for a listening socket in the list uvicorn hands each worker process: pickled into the worker, it
    becomes a socket bound there, with `SO_REUSEPORT`, to the shared address."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return bound_socket, (self.host, self.port)


def bound_socket(host: str, port: int, *, reuse_port: bool = True) -> socket.socket:
    """A TCP socket bound to (host, port) with `SO_REUSEADDR` (and `SO_REUSEPORT`), not yet listening."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, protocol)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock
