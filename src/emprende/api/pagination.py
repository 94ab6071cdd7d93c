"""Cursor pagination: opaque, signed cursors bound to the filters of the query that produced them."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel, Field

from emprende.api.problems import ProblemError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 512

T = TypeVar("T")
R = TypeVar("R")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Pass as `cursor` to get the next page; absent on the last page.",
    )


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int
    cursor: str | None


class PageQuery(BaseModel):
    """`page_request`'s parameters as one model, for routes that read their query string by hand."""

    limit: int = Field(DEFAULT_LIMIT, ge=1)
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)

    def request(self) -> PageRequest:
        return PageRequest(limit=min(self.limit, MAX_LIMIT), cursor=self.cursor)


async def page_request(
    limit: Annotated[
        int,
        Query(ge=1, description=f"Items per page (default {DEFAULT_LIMIT}; larger values count as {MAX_LIMIT})."),
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page.")
    ] = None,
) -> PageRequest:
    """Larger limits are clamped to the maximum rather than refused."""
    return PageRequest(limit=min(limit, MAX_LIMIT), cursor=cursor)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    """Encodes a keyset position together with a digest of the filters; both are signed."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"emprende-cursor:" + secret.encode()).digest()

    @staticmethod
    def _bind(scope: str, filters: Mapping[str, object]) -> str:
        canonical = orjson.dumps({"s": scope, "f": {k: str(v) for k, v in sorted(filters.items()) if v is not None}})
        return hashlib.sha256(canonical).hexdigest()[:16]

    def _sign(self, payload: bytes) -> str:
        return _b64(hmac.new(self._key, payload, hashlib.sha256).digest()[:16])

    def encode(self, scope: str, filters: Mapping[str, object], position: Sequence[str]) -> str:
        payload = orjson.dumps({"b": self._bind(scope, filters), "p": list(position)})
        return f"{_b64(payload)}.{self._sign(payload)}"

    def decode(self, cursor: str, scope: str, filters: Mapping[str, object]) -> list[str]:
        try:
            encoded, signature = cursor.split(".", 1)
            payload = _unb64(encoded)
            # Base64 decoding skips stray characters and unused bits: only the one canonical spelling is accepted.
            if _b64(payload) != encoded or not hmac.compare_digest(signature, self._sign(payload)):
                raise ValueError("bad signature")
            data = orjson.loads(payload)
            if data["b"] != self._bind(scope, filters):
                raise ValueError("cursor of another query")
            position = data["p"]
            if not isinstance(position, list) or not all(isinstance(item, str) for item in position):
                raise ValueError("bad position")
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as error:
            raise ProblemError("invalid_cursor") from error
        return position


def split_page(
    codec: CursorCodec,
    scope: str,
    filters: Mapping[str, object],
    rows: Sequence[R],
    limit: int,
    key: str = "id",
) -> tuple[Sequence[R], str | None]:
    """Rows are fetched with `limit + 1`: the extra row only says that another page exists, so the last page never
    carries a cursor (even when the rows fill it exactly)."""
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    position = getattr(page[-1], key)
    return page, codec.encode(
        scope, filters, [str(item) for item in position] if isinstance(position, tuple) else [str(position)]
    )
