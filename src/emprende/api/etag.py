"""ETag and If-Match: a resource's version becomes its entity tag; stale writes get 412."""

from __future__ import annotations

import re

_TAG = re.compile(r'^(?:W/)?"v(\d{1,18})"$')


def etag(version: int) -> str:
    return f'"v{version}"'


NO_VERSION = -1
"""What an unusable If-Match stands for: a version no resource has, so the write is refused (412) by the use case
once it has validated the request (a bad body is reported first)."""


def parse_if_match(header: str | None) -> int | None:
    """The version the caller last saw, or None when it sent no If-Match (or `*`)."""
    if header is None or header.strip() == "*":
        return None
    tags = [part.strip() for part in header.split(",") if part.strip()]
    versions = {int(match.group(1)) for tag in tags if (match := _TAG.match(tag))}
    if len(versions) != 1:
        # Unparseable or several versions: nothing can match the one current version reliably.
        return NO_VERSION
    return versions.pop()


def matches_if_none_match(header: str | None, version: int) -> bool:
    if not header:
        return False
    current = etag(version)
    return any(part.strip() in ("*", current, f"W/{current}") for part in header.split(","))
