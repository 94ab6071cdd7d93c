"""Constant-response apps for the floor, served by uvicorn with the same options as `emprende serve`."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send

_BODY = b'{"status":"ok"}'
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(_BODY)).encode())]


async def asgi_app(scope: Scope, receive: Receive, send: Send) -> None:
    """A bare ASGI callable answering every request with the same JSON: the server's own cost."""
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})


class Status(BaseModel):
    """The response model of the FastAPI floor."""

    status: str


fastapi_app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@fastapi_app.get("/", response_model=Status)
async def constant() -> Status:
    """The same JSON through FastAPI routing and a response model: the framework's cost."""
    return Status(status="ok")
