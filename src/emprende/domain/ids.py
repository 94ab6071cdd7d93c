"""Identifiers: time-ordered UUIDv7, generated in the domain."""

from __future__ import annotations

import uuid

from uuid6 import uuid7


def new_id() -> uuid.UUID:
    """A new UUIDv7: unique, unguessable in its random part, and sortable by creation time."""
    return uuid.UUID(bytes=uuid7().bytes)
