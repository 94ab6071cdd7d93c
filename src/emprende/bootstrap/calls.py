"""The calls area's adapters for the entry points: the read side of calls, applications, assignments, rankings."""

from __future__ import annotations

from emprende.adapters.sql.calls.queries import SqlCallsQueries
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.calls.ports import CallsQueries


class CallsWiring(AreaWiring):
    def __init__(self, infrastructure: Infrastructure) -> None:
        super().__init__(infrastructure)
        self.calls: CallsQueries = SqlCallsQueries(infrastructure.reads)
