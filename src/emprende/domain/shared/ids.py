"""Identifiers: time-ordered UUIDv7, generated in the domain."""

from __future__ import annotations

import os
import uuid

import uuid_utils
from uuid_utils.compat import uuid7

# The generator keeps its random state in the process: a forked child draws fresh state, or parent and child would
# hand out the same identifiers.
os.register_at_fork(after_in_child=uuid_utils.reseed_rng)


def new_id() -> uuid.UUID:
    """A new UUIDv7 (RFC 9562): unique, unguessable in its random part, and sortable by creation time.

    Within a millisecond a counter keeps a process's identifiers increasing, so thousands a second (a bulk import) do
    not push their timestamps ahead of the clock."""
    return uuid7()
