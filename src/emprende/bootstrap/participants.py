"""The participants area's adapters for the entry points: the registry's reads, the audit of sensitive reads, and the
probable-duplicate queue."""

from __future__ import annotations

from emprende.adapters.sql.participants.duplicate_queries import SqlDuplicateQueries
from emprende.adapters.sql.participants.queries import SqlParticipantQueries
from emprende.adapters.sql.participants.sensitive_log import SqlSensitiveReadLog
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.participants.ports import DuplicateQueries, ParticipantQueries, SensitiveReadLog


class ParticipantsWiring(AreaWiring):
    def __init__(self, infrastructure: Infrastructure) -> None:
        super().__init__(infrastructure)
        self.participants: ParticipantQueries = SqlParticipantQueries(infrastructure.reads)
        self.sensitive_log: SensitiveReadLog = SqlSensitiveReadLog(infrastructure.engine, infrastructure.clock)
        self.duplicates: DuplicateQueries = SqlDuplicateQueries(infrastructure.reads)
