"""The business-model canvas: nine blocks of text, each of which may stay empty while the idea is a draft."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from emprende.domain.shared.errors import InvalidInput, RuleChecks

MAX_BLOCK = 2000

CANVAS_BLOCKS = (
    "customer_segments",
    "value_propositions",
    "channels",
    "customer_relationships",
    "revenue_streams",
    "key_resources",
    "key_activities",
    "key_partnerships",
    "cost_structure",
)


@dataclass(frozen=True, slots=True)
class Canvas:
    customer_segments: str = ""
    value_propositions: str = ""
    channels: str = ""
    customer_relationships: str = ""
    revenue_streams: str = ""
    key_resources: str = ""
    key_activities: str = ""
    key_partnerships: str = ""
    cost_structure: str = ""

    def blocks(self) -> dict[str, str]:
        """The nine blocks by name, in the canvas' order."""
        return {name: getattr(self, name) for name in CANVAS_BLOCKS}

    def empty_blocks(self) -> list[str]:
        return [name for name, text in self.blocks().items() if not text]

    def changed(self, blocks: Mapping[str, str]) -> Canvas:
        """The canvas with these blocks rewritten (the others kept), checked."""
        unknown = sorted(set(blocks) - set(CANVAS_BLOCKS))
        if unknown:
            raise InvalidInput("not a block of the canvas", field=f"canvas.{unknown[0]}")
        return check_canvas(replace(self, **dict(blocks)))


assert tuple(field.name for field in fields(Canvas)) == CANVAS_BLOCKS


def check_canvas(canvas: Canvas) -> Canvas:
    """The canvas with each block's text trimmed, or every block that is too long."""
    checks = RuleChecks()
    tidy: dict[str, str] = {}
    for name, text in canvas.blocks().items():
        tidy[name] = text.strip()
        if len(tidy[name]) > MAX_BLOCK:
            checks.issues.append(
                InvalidInput("{field} has at most {limit} characters", field=f"canvas.{name}", limit=MAX_BLOCK)
            )
    checks.raise_broken()
    return Canvas(**tidy)
