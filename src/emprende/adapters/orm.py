"""Imperative mapping of domain entities onto tables: the domain classes stay free of SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters import tables
from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import User
from emprende.domain.participants.consent import Consent
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.participant import Participant
from emprende.domain.partners.agreement import CooperationAgreement
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner

mapper_registry = registry(metadata=tables.metadata)

# Entity class -> the name used for it in the audit trail.
AUDITED_ENTITIES: dict[type, str] = {
    User: "user",
    LoginSession: "login_session",
    InstitutionalPartner: "partner",
    CooperationAgreement: "agreement",
    ApiClient: "api_client",
    Participant: "participant",
    Consent: "consent",
    DuplicateCandidate: "duplicate_candidate",
}

_started = False


def start_mappers() -> None:
    """Map every entity once per process."""
    global _started
    if _started:
        return
    mapper_registry.map_imperatively(User, tables.users, version_id_col=tables.users.c.version)
    mapper_registry.map_imperatively(LoginSession, tables.login_sessions)
    mapper_registry.map_imperatively(InstitutionalPartner, tables.partners, version_id_col=tables.partners.c.version)
    mapper_registry.map_imperatively(
        CooperationAgreement, tables.cooperation_agreements, version_id_col=tables.cooperation_agreements.c.version
    )
    mapper_registry.map_imperatively(ApiClient, tables.api_clients, version_id_col=tables.api_clients.c.version)
    mapper_registry.map_imperatively(Participant, tables.participants, version_id_col=tables.participants.c.version)
    mapper_registry.map_imperatively(Consent, tables.consents)
    mapper_registry.map_imperatively(
        DuplicateCandidate, tables.duplicate_candidates, version_id_col=tables.duplicate_candidates.c.version
    )
    _started = True
