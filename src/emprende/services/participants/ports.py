"""Ports of the participant registry: people, consents, duplicate pairs, their reads and the sensitive-read log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from emprende.domain.participants.consent import Consent
from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.identifiers import ExternalIdentifier, IdentityDocument
from emprende.domain.participants.matching import PersonSketch
from emprende.domain.participants.participant import Participant
from emprende.services.identity.ports import IdentityRepositories
from emprende.services.partners.ports import PartnerRepositories
from emprende.services.shared.ports import UnitOfWork
from emprende.services.shared.principal import Principal


@dataclass(frozen=True, slots=True)
class Lookalikes:
    """Who a person being registered may already be in the registry."""

    holders: Sequence[tuple[uuid.UUID, bool]]
    """Exact duplicates: whoever holds one of their identifier keys, and whether the tenant may see them."""
    sketches: Sequence[tuple[uuid.UUID, PersonSketch, bool]]
    """Candidates for probable duplicates: live people who share their birth date or phone (blocking), and whether the
    tenant may see them."""


class ParticipantRepository(Protocol):
    """Participants the tenant owns or that a sharing consent in force shows it."""

    def add(self, participant: Participant) -> None: ...
    async def get(self, participant_id: uuid.UUID) -> Participant | None: ...
    async def owned_by_tenant(self, participant: Participant) -> bool: ...
    async def save_identifiers(self, participant: Participant) -> None:
        """Keep the registry-wide unique index of documents and external identifiers in step."""
        ...

    async def holders_of(self, keys: Sequence[str]) -> list[tuple[uuid.UUID, bool]]:
        """(participant, whether the tenant may see it) holding any of these identifier keys, across tenants."""
        ...

    async def lookalikes(
        self, keys: Sequence[str], birth_date: date | None, phone: str | None, exclude: uuid.UUID
    ) -> Lookalikes:
        """`holders_of(keys)` and the live people other than `exclude` with this birth date or phone, in one read."""
        ...


class ConsentRepository(Protocol):
    def add(self, consent: Consent) -> None: ...
    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Consent]: ...
    async def get(self, consent_id: uuid.UUID) -> Consent | None: ...


class DuplicateRepository(Protocol):
    def add(self, candidate: DuplicateCandidate) -> None: ...
    async def open_involving_any(self, participant_ids: Sequence[uuid.UUID]) -> Sequence[DuplicateCandidate]: ...
    async def get(self, candidate_id: uuid.UUID) -> DuplicateCandidate | None: ...
    async def involving(self, participant_id: uuid.UUID) -> Sequence[DuplicateCandidate]: ...


@dataclass(slots=True)
class ParticipantRow:
    """A participant as the read side returns it; sensitive fields are None unless asked for and allowed.

    Not frozen: pages build thousands of these, and a frozen dataclass takes about seven times longer to build."""

    id: uuid.UUID
    owner_partner_id: uuid.UUID
    given_names: str
    family_names: str
    birth_date: date | None
    birth_year: int | None
    sex: str
    population_group: str
    nationality: str
    household_size: int | None
    dependants: int | None
    education_level: str | None
    province_code: str | None
    canton_code: str | None
    preferred_language: str
    external_ids: list[ExternalIdentifier]
    registered_at: datetime
    updated_at: datetime
    erased_at: datetime | None
    version: int
    sensitive: bool
    sort_value: datetime | str | None = None
    """This row's value of the list's sort key (registration time or name key); None outside lists."""
    gender_identity: str | None = None
    migratory_status: str | None = None
    documents: list[IdentityDocument] | None = None
    disability: WashingtonGroupShortSet | None = None
    has_disability: bool | None = None
    phone: str | None = None
    email: str | None = None

    @property
    def cursor_position(self) -> tuple[str, str]:
        """Sort key and id of this row, for the next page's keyset (worked out for a page's last row only)."""
        value = self.sort_value
        return (value.isoformat() if isinstance(value, datetime) else value or "", str(self.id))


class ParticipantSort(StrEnum):
    REGISTERED_AT = "registered_at"
    NAME = "name"


@dataclass(frozen=True, slots=True)
class ParticipantFilters:
    population_group: str | None = None
    nationality: str | None = None
    sex: str | None = None
    province_code: str | None = None
    canton_code: str | None = None
    born_after: date | None = None
    """Inclusive lower bound of the birth date (from a maximum age)."""
    born_before: date | None = None
    """Inclusive upper bound of the birth date (from a minimum age)."""
    registered_from: datetime | None = None
    registered_to: datetime | None = None
    name: str | None = None
    """Accent- and case-insensitive; matches names containing these words."""
    identifier_key: str | None = None
    """Exact document or external identifier lookup (a document lookup is sensitive)."""
    identifier_is_document: bool = False
    migratory_status: str | None = None
    has_disability: bool | None = None
    sort: ParticipantSort = ParticipantSort.REGISTERED_AT

    def uses_sensitive(self) -> bool:
        return self.identifier_is_document or self.migratory_status is not None or self.has_disability is not None


class ParticipantQueries(Protocol):
    async def get_participant(
        self, tenant: uuid.UUID | None, participant_id: uuid.UUID, *, sensitive: bool
    ) -> ParticipantRow | None: ...

    async def list_participants(
        self,
        tenant: uuid.UUID | None,
        filters: ParticipantFilters,
        after: Sequence[str] | None,
        limit: int,
        *,
        sensitive: bool,
    ) -> Sequence[ParticipantRow]:
        """Keyset pages; `after` is the sort key and id of the last row of the previous page."""
        ...


class SensitiveReadLog(Protocol):
    async def record(self, principal: Principal, participant_ids: Sequence[uuid.UUID]) -> None:
        """Append to the audit trail who read which participants' sensitive data, and when."""
        ...


@dataclass(frozen=True, slots=True)
class DuplicateSide:
    id: uuid.UUID
    owner_partner_id: uuid.UUID
    given_names: str
    family_names: str
    birth_date: date | None
    nationality: str
    registered_at: datetime


@dataclass(frozen=True, slots=True)
class DuplicateCandidateRow:
    id: uuid.UUID
    status: str
    reasons: list[str]
    similarity: int
    created_at: datetime
    participant: DuplicateSide
    other: DuplicateSide


class DuplicateQueries(Protocol):
    async def list_candidates(
        self, tenant: uuid.UUID | None, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[DuplicateCandidateRow]:
        """Pairs whose two records the tenant may both see (None: all), oldest first."""
        ...


class ParticipantRepositories(Protocol):
    """The participants area's repositories, as every unit of work that reads the registry offers them."""

    @property
    def participants(self) -> ParticipantRepository: ...
    @property
    def consents(self) -> ConsentRepository: ...
    @property
    def duplicates(self) -> DuplicateRepository: ...


class ParticipantsUnitOfWork(UnitOfWork, ParticipantRepositories, PartnerRepositories, IdentityRepositories, Protocol):
    """What the participants area's use cases need: the registry, the partners that register people (their
    agreements), and the accounts of the portal."""
