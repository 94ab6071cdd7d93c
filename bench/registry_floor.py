"""The floors of the participant registry: asyncpg and orjson serving the same rows as emprende, two ways.

- `fastapi_app`: the floor endpoint of the shared performance notes — a FastAPI route (same framework, server and
  options as emprende) whose handler runs one bare asyncpg query and returns the row as orjson bytes;
- `app`: the same without any framework (a bare ASGI callable), what the server and the driver alone cost.

No authentication, no ORM: one prepared statement per request on a pool. The tenant is fixed by the environment (what
emprende's authentication and principal lookup work out per request), and the queries apply the same tenant check and
filters and select the same public columns as emprende's read side:

- `GET /participants/{id}`: one participant owned by the tenant (404 otherwise);
- `GET /participants?population_group=…`: a page of 50 owned by the tenant in that group, keyset-ordered by
  (registered_at, id), with a cursor for the next page.

Run by bench/registry_load.py with uvicorn (`--lifespan on`):
REGISTRY_FLOOR_DSN=postgresql://… REGISTRY_FLOOR_TENANT=<uuid> uvicorn registry_floor:fastapi_app --app-dir bench
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any
from urllib.parse import parse_qs

import asyncpg
import orjson
from fastapi import FastAPI, Response
from starlette.types import Receive, Scope, Send

PAGE = 50
_PUBLIC = (
    "id, owner_partner_id, given_names, family_names, birth_date, birth_year, sex, population_group, nationality, "
    "household_size, dependants, education_level, province_code, canton_code, preferred_language, external_ids, "
    "registered_at, updated_at, erased_at, version"
)
# Constant SQL (no input is interpolated); parameters are bound by asyncpg.
BY_ID = f"SELECT {_PUBLIC} FROM participants WHERE id = $1 AND merged_into_id IS NULL AND owner_partner_id = $2"  # noqa: S608
PAGE_FIRST = (
    f"SELECT {_PUBLIC} FROM participants WHERE owner_partner_id = $1 AND population_group = $2 "  # noqa: S608
    f"AND merged_into_id IS NULL ORDER BY registered_at, id LIMIT {PAGE + 1}"
)
_JSON = [(b"content-type", b"application/json")]
_NOT_FOUND = b'{"type":"about:blank","title":"Not Found","status":404}'


class _State:
    pool: asyncpg.Pool | None = None
    tenant: uuid.UUID = uuid.UUID(int=0)
    today: date = date.today()


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


async def _init(connection: asyncpg.Connection) -> None:
    """JSONB decoded into Python lists, as emprende does (external_ids)."""
    await connection.set_type_codec("jsonb", encoder=_dumps, decoder=orjson.loads, schema="pg_catalog")


def _body(row: asyncpg.Record) -> dict[str, Any]:
    item = dict(row)
    birth = item["birth_date"]
    today = _State.today
    item["age"] = (
        today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day)) if birth is not None else None
    )
    item["erased"] = item.pop("erased_at") is not None
    del item["birth_year"], item["version"]
    return item


async def _send(send: Send, status: int, body: bytes) -> None:
    headers = [*_JSON, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _open() -> None:
    _State.tenant = uuid.UUID(os.environ["REGISTRY_FLOOR_TENANT"])
    _State.pool = await asyncpg.create_pool(
        os.environ["REGISTRY_FLOOR_DSN"],
        min_size=4,
        max_size=int(os.environ.get("REGISTRY_FLOOR_POOL", "32")),
        init=_init,
    )


async def _close() -> None:
    if _State.pool is not None:
        await _State.pool.close()


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await _open()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """GET /, /participants/{id}, /participants?population_group=… (asyncpg UUIDs serialised with default=str)."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    path: str = scope["path"]
    pool = _State.pool
    assert pool is not None
    if path == "/":
        await _send(send, 200, b'{"status":"ok"}')
    elif path.startswith("/participants/"):
        try:
            participant_id = uuid.UUID(path.rsplit("/", 1)[1])
        except ValueError:
            await _send(send, 404, _NOT_FOUND)
            return
        async with pool.acquire() as connection:
            row = await connection.fetchrow(BY_ID, participant_id, _State.tenant)
        if row is None:
            await _send(send, 404, _NOT_FOUND)
        else:
            await _send(send, 200, orjson.dumps(_body(row), default=str))
    elif path == "/participants":
        query = parse_qs(scope["query_string"].decode())
        group = query.get("population_group", ["migrant"])[0]
        async with pool.acquire() as connection:
            rows = await connection.fetch(PAGE_FIRST, _State.tenant, group)
        await _send(send, 200, _page(rows))
    else:
        await _send(send, 404, _NOT_FOUND)


def _page(rows: list[asyncpg.Record]) -> bytes:
    items = [_body(row) for row in rows[:PAGE]]
    cursor = None
    if len(rows) > PAGE:
        last = rows[PAGE - 1]
        cursor = f"{last['registered_at'].isoformat()}|{last['id']}"
    return orjson.dumps({"items": items, "next_cursor": cursor}, default=str)


@asynccontextmanager
async def _fastapi_lifespan(_app: FastAPI) -> AsyncIterator[None]:
    await _open()
    try:
        yield
    finally:
        await _close()


fastapi_app = FastAPI(lifespan=_fastapi_lifespan, telemetry={"tracing": False, "metrics": False, "logs": False})


@fastapi_app.get("/")
async def health() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


@fastapi_app.get("/participants/{participant_id}")
async def get_participant(participant_id: uuid.UUID) -> Response:
    assert _State.pool is not None
    async with _State.pool.acquire() as connection:
        row = await connection.fetchrow(BY_ID, participant_id, _State.tenant)
    if row is None:
        return Response(_NOT_FOUND, status_code=404, media_type="application/json")
    return Response(orjson.dumps(_body(row), default=str), media_type="application/json")


@fastapi_app.get("/participants")
async def list_participants(population_group: str = "migrant") -> Response:
    assert _State.pool is not None
    async with _State.pool.acquire() as connection:
        rows = await connection.fetch(PAGE_FIRST, _State.tenant, population_group)
    return Response(_page(rows), media_type="application/json")
