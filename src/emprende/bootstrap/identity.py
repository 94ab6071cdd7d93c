"""The identity area's adapters for the entry points: reading user accounts."""

from __future__ import annotations

from emprende.adapters.sql.identity.queries import SqlUserQueries
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.identity.ports import UserQueries


class IdentityWiring(AreaWiring):
    def __init__(self, infrastructure: Infrastructure) -> None:
        super().__init__(infrastructure)
        self.users: UserQueries = SqlUserQueries(infrastructure.reads)
