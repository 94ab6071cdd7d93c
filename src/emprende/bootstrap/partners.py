"""The partners area's adapters for the entry points: reading partners."""

from __future__ import annotations

from emprende.adapters.sql.partners.queries import SqlPartnerQueries
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.partners.ports import PartnerQueries


class PartnersWiring(AreaWiring):
    def __init__(self, infrastructure: Infrastructure) -> None:
        super().__init__(infrastructure)
        self.partners: PartnerQueries = SqlPartnerQueries(infrastructure.reads)
