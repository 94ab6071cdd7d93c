"""Domain events: facts recorded by aggregates and written to the outbox with the change that caused them."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

_RECORDED = itertools.count()


@dataclass(frozen=True, slots=True)
class DomainEvent:
    name: str
    aggregate_type: str
    aggregate_id: uuid.UUID
    payload: dict[str, Any] = field(default_factory=dict)
    sequence: int = field(default_factory=lambda: next(_RECORDED), compare=False, repr=False)
    """The order events were recorded in, across aggregates (one transaction writes them to the outbox in it)."""


class Aggregate:
    """Mixin for entities that record domain events."""

    def record(self, event: DomainEvent) -> None:
        pending: list[DomainEvent] | None = self.__dict__.get("_events")
        if pending is None:
            pending = []
            self.__dict__["_events"] = pending
        pending.append(event)

    def pull_events(self) -> list[DomainEvent]:
        pending: list[DomainEvent] = self.__dict__.pop("_events", None) or []
        return pending

    def pending_events(self) -> list[DomainEvent]:
        """The recorded events, left in place (a batch writer that may retry reads them without taking them)."""
        return list(self.__dict__.get("_events") or [])
