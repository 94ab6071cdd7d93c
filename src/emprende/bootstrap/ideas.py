"""The ideas area's adapters for the entry points: the list of a partner's (or a person's) business ideas."""

from __future__ import annotations

from emprende.adapters.sql.ideas.queries import SqlIdeaQueries
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.ideas.ports import IdeaQueries


class IdeasWiring(AreaWiring):
    def __init__(self, infrastructure: Infrastructure) -> None:
        super().__init__(infrastructure)
        self.ideas: IdeaQueries = SqlIdeaQueries(infrastructure.reads)
