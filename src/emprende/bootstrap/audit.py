"""The audit area's adapters for the entry points: reading the trail."""

from __future__ import annotations

from emprende.adapters.sql.audit.queries import SqlAuditQueries
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.audit.ports import AuditQueries


class AuditWiring(AreaWiring):
    def __init__(self, infrastructure: Infrastructure) -> None:
        super().__init__(infrastructure)
        self.trail: AuditQueries = SqlAuditQueries(infrastructure.reads)
