"""`Idempotency-Key` on POST: a retried request with the same key and body gets the first response again."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emprende.api.problems import problem_response
from emprende.bootstrap import Container
from emprende.domain.errors import AuthenticationFailed
from emprende.services.auth import authenticate
from emprende.services.ports import IdempotencyStore, StoredResponse

HEADER = b"idempotency-key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_REPLAYED_HEADERS = frozenset({"content-type", "location", "etag", "content-language", "cache-control"})
# Token responses hold secrets and are never stored; imports are large uploads with their own per-row report, and
# buffering them here to fingerprint the body would hold the whole file in memory.
_EXEMPT_PREFIXES = ("/api/v1/auth/", "/api/v1/participants/imports")


class IdempotencyMiddleware:
    """Keys are scoped to the caller (the token's subject); the container is read from the app at request time."""

    def __init__(self, app: ASGIApp, *, ttl: timedelta) -> None:
        self.app = app
        self.ttl = ttl

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].startswith(_EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        raw_key = next((value for name, value in scope["headers"] if name == HEADER), None)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        key = raw_key.decode("latin-1")
        if not _KEY.match(key):
            await problem_response(request, "invalid_idempotency_key")(scope, receive, send)
            return
        container: Container = scope["app"].state.container
        owner = await self._owner(request, container)
        if owner is None:
            # Unauthenticated requests are refused further in; there is nobody to key the response to.
            await self.app(scope, receive, send)
            return

        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            more = message.get("more_body", False)
        fingerprint = hashlib.sha256(
            b"\n".join([scope["path"].encode(), scope.get("query_string", b""), bytes(body)])
        ).hexdigest()

        store = container.idempotency
        now = container.clock.now()
        existing = await store.reserve(owner, key, fingerprint, now, now + self.ttl)
        if existing is not None:
            if existing.response is None:
                await problem_response(request, "idempotency_key_in_progress")(scope, receive, send)
            elif existing.fingerprint != fingerprint:
                await problem_response(request, "idempotency_key_reused")(scope, receive, send)
            else:
                await self._replay(existing.response, send)
            return

        await self._forward(scope, bytes(body), send, store, owner, key)

    @staticmethod
    async def _owner(request: Request, container: Container) -> str | None:
        """The caller, fully authenticated: a deactivated or suspended caller never gets a stored reply back."""
        authorization = request.headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token or len(token) > 4096:
            return None
        try:
            principal = await authenticate(token.strip(), auth=container.auth)
        except AuthenticationFailed:
            return None
        return str(principal.id)

    async def _forward(
        self, scope: Scope, body: bytes, send: Send, store: IdempotencyStore, owner: str, key: str
    ) -> None:
        sent_body = False

        async def replay_receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        status = 500
        headers: dict[str, str] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    decoded = name.decode("latin-1").lower()
                    if decoded in _REPLAYED_HEADERS:
                        headers[decoded] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture)
        except BaseException:
            await store.release(owner, key)
            raise
        if status >= 500 or status in (401, 409, 429):
            # Transient outcomes: let the caller retry with the same key.
            await store.release(owner, key)
        elif "no-store" in headers.get("cache-control", ""):
            # The response holds a secret shown once (a client secret, a temporary password): never persist it.
            await store.release(owner, key)
        else:
            await store.complete(owner, key, StoredResponse(status, headers, b"".join(chunks)))

    @staticmethod
    async def _replay(response: StoredResponse, send: Send) -> None:
        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.items()]
        headers.append((b"idempotent-replayed", b"true"))
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})
