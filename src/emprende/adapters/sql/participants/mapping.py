"""How the participants area's entities map onto its tables, and what it registers with the unit of work."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters.sql.participants import tables
from emprende.adapters.sql.shared.repository import NewRowTable, SqlArea
from emprende.domain.participants.consent import Consent
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.participant import DuplicateParticipant, Participant


def _map(mappers: registry) -> None:
    mappers.map_imperatively(Participant, tables.participants, version_id_col=tables.participants.c.version)
    mappers.map_imperatively(Consent, tables.consents)
    mappers.map_imperatively(
        DuplicateCandidate, tables.duplicate_candidates, version_id_col=tables.duplicate_candidates.c.version
    )


def _identifier_taken() -> DuplicateParticipant:
    return DuplicateParticipant("an identity document or external identifier is already registered")


PARTICIPANTS = SqlArea(
    name="participants",
    map_entities=_map,
    audited={Participant: "participant", Consent: "consent", DuplicateCandidate: "duplicate_candidate"},
    unique_violations={
        "pk_participant_identifiers": _identifier_taken,
        "uq_participant_identifiers_key": _identifier_taken,
    },
    new_rows=(
        NewRowTable(tables.participants, Participant),
        NewRowTable(tables.participant_identifiers),
        NewRowTable(tables.consents, Consent),
        NewRowTable(tables.duplicate_candidates, DuplicateCandidate),
    ),
)
