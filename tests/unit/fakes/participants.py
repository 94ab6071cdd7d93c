"""In-memory fakes for the participant registry's ports: people, their consents, probable duplicates, and the read
side (participant and duplicate queries, the sensitive-read log, the audit trail) over the same tables.

Every fake applies the one visibility rule of `adapters/sql/participants/visibility.py`: a partner sees the people it
registered and those a sharing consent in force names it the recipient of; the operator (no tenant) sees everyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from emprende.domain.audit.trail import Actor, AuditAction
from emprende.domain.participants.consent import Consent, ConsentPurpose
from emprende.domain.participants.duplicate import CandidateStatus, DuplicateCandidate
from emprende.domain.participants.matching import PersonSketch
from emprende.domain.participants.participant import DuplicateParticipant, Participant, identifier_keys
from emprende.services.audit.ports import AuditFilters, AuditRow
from emprende.services.participants.ports import (
    DuplicateCandidateRow,
    DuplicateSide,
    Lookalikes,
    ParticipantFilters,
    ParticipantRow,
    ParticipantSort,
)
from emprende.services.shared.ports import Clock
from emprende.services.shared.principal import Principal
from tests.unit.fakes.shared import FakeAreaRepositories, fake_repository


@dataclass
class RegistryTables:
    """The registry's committed rows; `identifiers` is the registry-wide unique index (key -> holder)."""

    participants: dict[uuid.UUID, Participant] = field(default_factory=dict)
    identifiers: dict[str, uuid.UUID] = field(default_factory=dict)
    consents: dict[uuid.UUID, Consent] = field(default_factory=dict)
    duplicates: dict[uuid.UUID, DuplicateCandidate] = field(default_factory=dict)
    audit: list[AuditRow] = field(default_factory=list)

    def visible(self, tenant: uuid.UUID | None, participant: Participant) -> bool:
        return (
            tenant is None
            or participant.owner_partner_id == tenant
            or any(
                consent.participant_id == participant.id
                and consent.purpose is ConsentPurpose.SHARING
                and consent.recipient_partner_id == tenant
                and consent.is_active
                for consent in self.consents.values()
            )
        )


class FakeParticipantRepository:
    def __init__(self, tables: RegistryTables, tenant: uuid.UUID | None = None) -> None:
        self._tables = tables
        self._tenant = tenant

    def add(self, participant: Participant) -> None:
        self._tables.participants[participant.id] = participant

    async def get(self, participant_id: uuid.UUID) -> Participant | None:
        participant = self._tables.participants.get(participant_id)
        if participant is None or not self._visible(participant):
            return None
        return participant

    async def owned_by_tenant(self, participant: Participant) -> bool:
        return self._tenant is None or participant.owner_partner_id == self._tenant

    async def save_identifiers(self, participant: Participant) -> None:
        """As the unique index does: a key another person holds is refused."""
        index = self._tables.identifiers
        keys = identifier_keys(participant)
        taken = [key for key in keys if index.get(key, participant.id) != participant.id]
        if taken:
            raise DuplicateParticipant("identifier already registered")
        for key in [key for key, holder in index.items() if holder == participant.id]:
            del index[key]
        index.update(dict.fromkeys(keys, participant.id))

    async def holders_of(self, keys: Sequence[str]) -> list[tuple[uuid.UUID, bool]]:
        index, people = self._tables.identifiers, self._tables.participants
        holders = dict.fromkeys(index[key] for key in keys if key in index)
        return [(pid, self._visible(people[pid])) for pid in holders]

    def _visible(self, participant: Participant) -> bool:
        return self._tables.visible(self._tenant, participant)

    async def lookalikes(
        self, keys: Sequence[str], birth_date: date | None, phone: str | None, exclude: uuid.UUID
    ) -> Lookalikes:
        def blocked(person: Participant) -> bool:
            same = (birth_date is not None and person.birth_date == birth_date) or (
                phone is not None and person.phone == phone
            )
            return same and person.id != exclude and person.erased_at is None and person.merged_into_id is None

        sketches = [
            (person.id, PersonSketch(person.name_key, person.birth_date, person.phone), self._visible(person))
            for person in self._tables.participants.values()
            if blocked(person)
        ]
        return Lookalikes(await self.holders_of(keys), sketches)


class FakeConsentRepository:
    def __init__(self, tables: RegistryTables) -> None:
        self._tables = tables

    def add(self, consent: Consent) -> None:
        self._tables.consents[consent.id] = consent

    async def for_participant(self, participant_id: uuid.UUID) -> list[Consent]:
        return sorted(
            (c for c in self._tables.consents.values() if c.participant_id == participant_id), key=lambda c: c.id
        )

    async def get(self, consent_id: uuid.UUID) -> Consent | None:
        return self._tables.consents.get(consent_id)


class FakeDuplicateRepository:
    def __init__(self, tables: RegistryTables) -> None:
        self._tables = tables

    def add(self, candidate: DuplicateCandidate) -> None:
        self._tables.duplicates[candidate.id] = candidate

    async def get(self, candidate_id: uuid.UUID) -> DuplicateCandidate | None:
        return self._tables.duplicates.get(candidate_id)

    async def open_involving_any(self, participant_ids: Sequence[uuid.UUID]) -> list[DuplicateCandidate]:
        ids = set(participant_ids)
        return [
            c
            for c in self._tables.duplicates.values()
            if c.status is CandidateStatus.OPEN and {c.participant_id, c.other_id} & ids
        ]

    async def involving(self, participant_id: uuid.UUID) -> list[DuplicateCandidate]:
        return [c for c in self._tables.duplicates.values() if participant_id in (c.participant_id, c.other_id)]


def participant_row(participant: Participant, *, sensitive: bool) -> ParticipantRow:
    """The read side's view of a record: sensitive fields only when asked for."""
    row = ParticipantRow(
        id=participant.id,
        owner_partner_id=participant.owner_partner_id,
        given_names=participant.given_names,
        family_names=participant.family_names,
        birth_date=participant.birth_date,
        birth_year=participant.birth_year,
        sex=participant.sex.value,
        population_group=participant.population_group.value,
        nationality=participant.nationality,
        household_size=participant.household_size,
        dependants=participant.dependants,
        education_level=participant.education_level.value if participant.education_level else None,
        province_code=participant.province_code,
        canton_code=participant.canton_code,
        preferred_language=participant.preferred_language.value,
        external_ids=list(participant.external_ids),
        registered_at=participant.registered_at,
        updated_at=participant.updated_at,
        erased_at=participant.erased_at,
        version=participant.version,
        sensitive=sensitive,
    )
    if sensitive:
        row.gender_identity = participant.gender_identity
        row.migratory_status = participant.migratory_status.value if participant.migratory_status else None
        row.documents = list(participant.documents)
        row.disability = participant.disability
        row.has_disability = participant.has_disability
        row.phone = participant.phone
        row.email = participant.email
    return row


_EQUALS = ("population_group", "nationality", "sex", "province_code", "canton_code")
_UNSUPPORTED = (
    "born_after",
    "born_before",
    "registered_from",
    "registered_to",
    "name",
    "identifier_key",
    "identifier_is_document",
    "migratory_status",
    "has_disability",
)


class FakeParticipantQueries:
    """Reads the committed records; lists support the equality filters and paging by registration time only."""

    def __init__(self, tables: RegistryTables) -> None:
        self._tables = tables

    def _live(self, tenant: uuid.UUID | None) -> list[Participant]:
        return [
            person
            for person in self._tables.participants.values()
            if person.merged_into_id is None and self._tables.visible(tenant, person)
        ]

    async def get_participant(
        self, tenant: uuid.UUID | None, participant_id: uuid.UUID, *, sensitive: bool
    ) -> ParticipantRow | None:
        found = [person for person in self._live(tenant) if person.id == participant_id]
        return participant_row(found[0], sensitive=sensitive) if found else None

    async def list_participants(
        self,
        tenant: uuid.UUID | None,
        filters: ParticipantFilters,
        after: Sequence[str] | None,
        limit: int,
        *,
        sensitive: bool,
    ) -> list[ParticipantRow]:
        if any(getattr(filters, name) not in (None, False) for name in _UNSUPPORTED) or (
            filters.sort is not ParticipantSort.REGISTERED_AT
        ):
            raise NotImplementedError("the fake lists by equality filters and registration time only")
        rows = [
            participant_row(person, sensitive=sensitive)
            for person in self._live(tenant)
            if all(
                getattr(filters, name) is None
                or str(getattr(getattr(person, name), "value", getattr(person, name))) == getattr(filters, name)
                for name in _EQUALS
            )
        ]
        rows.sort(key=lambda row: (row.registered_at, str(row.id)))
        for row in rows:
            row.sort_value = row.registered_at
        if after is not None:
            rows = [row for row in rows if row.cursor_position > (after[0], after[1])]
        return rows[:limit]


class FakeSensitiveReadLog:
    """Appends to the fake audit trail, as the real log appends to the audit table."""

    def __init__(self, tables: RegistryTables, clock: Clock) -> None:
        self._tables = tables
        self._clock = clock

    async def record(self, principal: Principal, participant_ids: Sequence[uuid.UUID]) -> None:
        actor: Actor = principal.actor
        for participant_id in participant_ids:
            self._tables.audit.append(
                AuditRow(
                    id=uuid.uuid4(),
                    occurred_at=self._clock.now(),
                    actor_type=actor.type.value,
                    actor_id=actor.id,
                    action=AuditAction.READ_SENSITIVE.value,
                    entity_type="participant",
                    entity_id=str(participant_id),
                    changes={},
                    request_id=None,
                )
            )

    def reads_of(self, participant_id: uuid.UUID) -> list[AuditRow]:
        return [row for row in self._tables.audit if row.entity_id == str(participant_id)]


class FakeAuditQueries:
    def __init__(self, tables: RegistryTables) -> None:
        self._tables = tables

    async def list_events(self, filters: AuditFilters, after: uuid.UUID | None, limit: int) -> list[AuditRow]:
        wanted: Mapping[str, object] = {
            "entity_type": filters.entity_type,
            "entity_id": filters.entity_id,
            "actor_id": filters.actor_id,
        }
        rows = [
            row
            for row in reversed(self._tables.audit)  # newest first
            if all(value is None or getattr(row, name) == value for name, value in wanted.items())
        ]
        return rows[:limit]


def _side(person: Participant) -> DuplicateSide:
    return DuplicateSide(
        person.id,
        person.owner_partner_id,
        person.given_names,
        person.family_names,
        person.birth_date,
        person.nationality,
        person.registered_at,
    )


class FakeDuplicateQueries:
    """Pairs whose two live records the tenant may both see."""

    def __init__(self, tables: RegistryTables) -> None:
        self._tables = tables

    async def list_candidates(
        self, tenant: uuid.UUID | None, status: str | None, after: uuid.UUID | None, limit: int
    ) -> list[DuplicateCandidateRow]:
        people = self._tables.participants
        rows = []
        for candidate in sorted(self._tables.duplicates.values(), key=lambda c: c.id):
            first, second = people[candidate.participant_id], people[candidate.other_id]
            if (
                (status is None or candidate.status.value == status)
                and (after is None or candidate.id > after)
                and first.merged_into_id is None
                and second.merged_into_id is None
                and self._tables.visible(tenant, first)
                and self._tables.visible(tenant, second)
            ):
                rows.append(
                    DuplicateCandidateRow(
                        id=candidate.id,
                        status=candidate.status.value,
                        reasons=sorted(candidate.reasons),
                        similarity=candidate.similarity,
                        created_at=candidate.created_at,
                        participant=_side(first),
                        other=_side(second),
                    )
                )
        return rows[:limit]


class FakeParticipantRepositories(FakeAreaRepositories):
    tables = ("participants", "consents", "duplicates")
    indexes = ("identifiers",)
    aggregates = ("participants", "consents", "duplicates")
    participants = fake_repository(lambda uow: FakeParticipantRepository(uow._db, uow.tenant))
    consents = fake_repository(lambda uow: FakeConsentRepository(uow._db))
    duplicates = fake_repository(lambda uow: FakeDuplicateRepository(uow._db))
