"""`Idempotency-Key` on POST: a retried request with the same key and body gets the first response again.

Which operations take a key is decided here once (`accepts_key`), for the middleware and for the OpenAPI document."""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emprende.api.problems import PROBLEM_JSON, problem_response
from emprende.bootstrap import Container
from emprende.domain.shared.errors import AuthenticationFailed
from emprende.services.identity.auth import authenticate
from emprende.services.shared.ports import IdempotencyStore, StoredResponse

HEADER = b"idempotency-key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_REPLAYED_HEADERS = frozenset({"content-type", "location", "etag", "content-language", "cache-control", "pragma"})
# Sign-in, refresh, sign-out and password change answer with (or end) the caller's own session: a retry signs in again.
# Imports are large uploads with their own per-row report, and buffering them here to fingerprint the body would hold
# the whole file in memory.
EXEMPT_PATHS = ("/api/v1/auth", "/api/v1/participants/imports", "/api/v1/certificates/verification")
# Outcomes that changed nothing and may differ on a retry: the key is let go, so the same key can run the request again.
_RELEASED = frozenset({401, 409, 429})


def accepts_key(method: str, path: str) -> bool:
    """Whether a request takes an `Idempotency-Key`: every POST except those under `EXEMPT_PATHS` (the path may be
    the one requested or a templated one from the OpenAPI document)."""
    return method.upper() == "POST" and not any(
        path == exempt or path.startswith(f"{exempt}/") for exempt in EXEMPT_PATHS
    )


class IdempotencyMiddleware:
    """Keys are scoped to the caller (the token's subject); the container is read from the app at request time."""

    def __init__(self, app: ASGIApp, *, ttl: timedelta) -> None:
        self.app = app
        self.ttl = ttl

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not accepts_key(scope["method"], scope["path"]):
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
            if existing.unreadable:
                # Whatever the first request did stands: never run it a second time.
                await problem_response(request, "idempotency_key_unreadable")(scope, receive, send)
            elif existing.response is None:
                await problem_response(request, "idempotency_key_in_progress")(scope, receive, send)
            elif not existing.same_request:
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
        if status >= 500 or status in _RELEASED:
            # A failure, or a refusal that may not last: the caller may retry with the same key.
            await store.release(owner, key)
        else:
            # Whatever its cache headers say: a response holding a secret shown once (a client secret, a temporary
            # password) is kept too, sealed by the store, so that a retry gets that same secret, not a second one.
            await store.complete(owner, key, StoredResponse(status, headers, b"".join(chunks)))

    @staticmethod
    async def _replay(response: StoredResponse, send: Send) -> None:
        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.items()]
        headers.append((b"idempotent-replayed", b"true"))
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})


_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: the same key with the same request gets the first response again (with "
        "`Idempotent-Replayed: true`) for as long as the key is kept; the same key with another request is 422."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
_PROBLEMS = {
    "400": "`invalid_idempotency_key` (a malformed Idempotency-Key)",
    "409": "`idempotency_key_in_progress` (a request with this Idempotency-Key is still being processed)",
    "422": (
        "`idempotency_key_reused` (this Idempotency-Key came with another request) or `idempotency_key_unreadable` "
        "(the response kept for it can no longer be read)"
    ),
}


def document_idempotency(document: dict[str, Any]) -> dict[str, Any]:
    """Declare the optional `Idempotency-Key` header, and the problems it can bring, on every operation taking it."""
    problem = {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not accepts_key(method, path):
                continue
            operation.setdefault("parameters", []).append(copy.deepcopy(_PARAMETER))
            responses = operation.setdefault("responses", {})
            for status, description in _PROBLEMS.items():
                response = responses.setdefault(status, {})
                known = response.get("description")
                response["description"] = f"{known}, or {description}" if known else description
                response.setdefault("content", {})[PROBLEM_JSON] = problem
            operation["responses"] = dict(sorted(responses.items()))
    return document
