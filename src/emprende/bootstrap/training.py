"""The training area's adapters for the entry points: the module catalogue, cohorts and enrolment lists, and the
certificate authority (its keys kept in the database, their private halves sealed under the application's secret)."""

from __future__ import annotations

from emprende.adapters.credentials.authority import CredentialAuthority
from emprende.adapters.credentials.keys import KeySealer
from emprende.adapters.sql.training.queries import SqlTrainingQueries
from emprende.adapters.sql.training.signing_keys import SqlSigningKeyStore
from emprende.bootstrap.wiring import AreaWiring, Infrastructure
from emprende.services.training.ports import CertificateAuthority, TrainingQueries
from emprende.services.training.status_lists import StatusLists


class TrainingWiring(AreaWiring):
    def __init__(self, infrastructure: Infrastructure) -> None:
        super().__init__(infrastructure)
        settings = infrastructure.settings
        self.training: TrainingQueries = SqlTrainingQueries(infrastructure.reads)
        self.certificates: CertificateAuthority = CredentialAuthority(
            SqlSigningKeyStore(infrastructure.engine),
            KeySealer(settings.resolve_secret()),
            infrastructure.clock,
            programme_name=settings.programme_name,
            programme_url=settings.public_url,
        )
        self.status_lists = StatusLists(
            infrastructure.uow, self.certificates, infrastructure.clock, settings.certificate_status_seconds
        )
