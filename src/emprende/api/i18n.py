"""Language negotiation: Spanish or English by `Accept-Language`, English by default."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "es"]
SUPPORTED: tuple[Lang, ...] = ("en", "es")
_MAX_HEADER = 512


def negotiate(accept_language: str | None) -> Lang:
    """Pick the supported language with the highest quality; malformed entries are ignored, never an error."""
    if not accept_language:
        return "en"
    best: Lang = "en"
    best_q = -1.0
    for entry in accept_language[:_MAX_HEADER].split(","):
        tag, _, params = entry.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        q = 1.0
        params = params.strip()
        if params:
            name, _, value = params.partition("=")
            if name.strip().lower() != "q":
                continue
            try:
                q = float(value)
            except ValueError:
                continue
            if not 0.0 <= q <= 1.0:
                continue
        if primary == "*":
            primary = "en"
        if primary in SUPPORTED and q > best_q and q > 0:
            best = "es" if primary == "es" else "en"
            best_q = q
    return best
