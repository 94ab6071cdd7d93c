"""What an area's wiring is built from: the adapters every area shares (settings, engines, read connections, the
clock, the unit-of-work factory). Each area's wiring (`bootstrap/<area>.py`) is built from it on first use through
`Container.area(...)`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.bootstrap.unit_of_work import UnitOfWorkFactory
from emprende.services.shared.ports import Clock
from emprende.settings import Settings


@dataclass(frozen=True, slots=True)
class Infrastructure:
    settings: Settings
    engine: AsyncEngine
    reads: ReadConnections
    clock: Clock
    uow: UnitOfWorkFactory


class AreaWiring:
    """An area's adapters, as the entry points use them (its read queries, its file readers…)."""

    def __init__(self, infrastructure: Infrastructure) -> None:
        self._infrastructure = infrastructure
