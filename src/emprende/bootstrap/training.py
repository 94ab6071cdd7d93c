"""The training area's adapters for the entry points: the module catalogue, cohorts and enrolment lists."""

from __future__ import annotations

from emprende.adapters.sql.training.queries import SqlTrainingQueries
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.training.ports import TrainingQueries


class TrainingWiring(AreaWiring):
    def __init__(self, infrastructure: Infrastructure) -> None:
        super().__init__(infrastructure)
        self.training: TrainingQueries = SqlTrainingQueries(infrastructure.reads)
