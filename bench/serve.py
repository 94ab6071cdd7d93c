"""Serve a floor app as `emprende serve` serves emprende (`emprende.serving`: with several workers, a listening socket
per worker), so that both sides of a comparison share out their connections the same way.

    python bench/serve.py registry_floor:fastapi_app --app-dir bench --workers 2 --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import argparse
import sys

from emprende.serving import serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("app", help="module:attribute of the ASGI app")
    parser.add_argument("--app-dir", default=".", help="directory to import the app from")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    parser.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"])
    parser.add_argument("--lifespan", default="on", choices=["auto", "on", "off"])
    args = parser.parse_args()
    sys.path.insert(0, args.app_dir)
    serve(
        args.app,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop=args.loop,
        http=args.http,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=True,
        lifespan=args.lifespan,
    )


if __name__ == "__main__":
    main()
