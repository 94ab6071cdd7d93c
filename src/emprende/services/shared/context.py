"""Per-request context that adapters may read (the request id for logs and the audit trail)."""

from __future__ import annotations

from contextvars import ContextVar

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
