"""Ports: what the use cases need from the outside world, as typing.Protocols that adapters fill."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self

from emprende.domain.audit.trail import Actor
from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import Role, User
from emprende.domain.participants.consent import Consent, NewConsent
from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.identifiers import ExternalIdentifier, IdentityDocument
from emprende.domain.participants.matching import PersonSketch
from emprende.domain.participants.participant import NewParticipant, Participant
from emprende.domain.partners.agreement import CooperationAgreement
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner
from emprende.services.imports.report import RowReport
from emprende.services.shared.principal import Principal, Scope


class Clock(Protocol):
    def now(self) -> datetime: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    async def get(self, user_id: uuid.UUID) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None:
        """Within the tenant; the system scope finds anyone (sign-in)."""
        ...

    async def email_taken(self, email: str) -> bool:
        """Across all tenants: e-mails are unique in the whole programme."""
        ...

    async def linked_to(self, participant_id: uuid.UUID) -> User | None:
        """The portal account of a participant, if any."""
        ...

    async def count(self) -> int: ...


class LoginSessionRepository(Protocol):
    def add(self, session: LoginSession) -> None: ...
    async def get(self, session_id: uuid.UUID) -> LoginSession | None: ...
    async def active_for_user(self, user_id: uuid.UUID) -> Sequence[LoginSession]: ...


class UnitOfWork(Protocol):
    """One business transaction: changes are committed together (with their audit and events) or not at all.

    Its repositories only see what its scope's tenant may see: a partner's principal gets its own partner's objects
    and nothing else, so a use case cannot forget the tenant filter."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def sessions(self) -> LoginSessionRepository: ...
    @property
    def partners(self) -> PartnerRepository: ...
    @property
    def agreements(self) -> AgreementRepository: ...
    @property
    def clients(self) -> ApiClientRepository: ...
    @property
    def participants(self) -> ParticipantRepository: ...
    @property
    def consents(self) -> ConsentRepository: ...
    @property
    def duplicates(self) -> DuplicateRepository: ...

    def act_as(self, actor: Actor) -> None:
        """Attribute the changes to another actor than the scope's (e.g. the user who just signed in)."""
        ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, scope: Scope, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work for `scope`; a read-only one takes no write lock and refuses to commit."""
        ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password: str, password_hash: str) -> bool: ...
    async def verify_unknown(self, password: str) -> None:
        """Spend the time of a verification when there is no account, so both cases look alike."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class AccessClaims:
    subject: uuid.UUID
    session_id: uuid.UUID | None
    expires_at: datetime
    is_client: bool = False
    scopes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    subject: uuid.UUID
    session_id: uuid.UUID
    token_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


class TokenService(Protocol):
    def issue_access(self, *, subject: uuid.UUID, session_id: uuid.UUID, now: datetime) -> IssuedToken: ...
    def issue_refresh(
        self,
        *,
        subject: uuid.UUID,
        session_id: uuid.UUID,
        token_id: uuid.UUID,
        now: datetime,
        expires_at: datetime,
    ) -> IssuedToken: ...
    def issue_client_access(self, *, client_id: uuid.UUID, scopes: frozenset[str], now: datetime) -> IssuedToken: ...
    def decode_access(self, token: str) -> AccessClaims: ...
    def decode_refresh(self, token: str) -> RefreshClaims: ...
    def subject_of(self, token: str) -> str | None:
        """The verified subject of an access token, or None; for keying per-caller state."""
        ...


class LoginRateLimiter(Protocol):
    def check(self, account: str, client: str, now: datetime) -> None:
        """Raise TooManyAttempts when either the account or the client address is over its limit."""
        ...

    def record_failure(self, account: str, client: str, now: datetime) -> None: ...
    def record_attempt(self, client: str, now: datetime) -> None: ...
    def reset_account(self, account: str) -> None: ...


@dataclass(frozen=True, slots=True)
class PrincipalRecord:
    """What authentication needs to know about a token's subject, read in one query."""

    user_id: uuid.UUID
    role: Role
    is_active: bool
    session_revoked: bool
    partner_id: uuid.UUID | None = None
    partner_active: bool = True
    password_reset_required: bool = False
    session_expires_at: datetime | None = None
    participant_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ClientRecord:
    client_id: uuid.UUID
    partner_id: uuid.UUID
    scopes: frozenset[str]
    usable: bool
    partner_active: bool


class PrincipalLookup(Protocol):
    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None: ...
    async def find_client(self, client_id: uuid.UUID, now: datetime) -> ClientRecord | None: ...


@dataclass(frozen=True, slots=True)
class UserRow:
    id: uuid.UUID
    partner_id: uuid.UUID | None
    email: str
    full_name: str
    role: Role
    is_active: bool
    preferred_language: str
    password_reset_required: bool
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class UserFilters:
    partner_id: uuid.UUID | None = None
    role: Role | None = None
    is_active: bool | None = None
    email_contains: str | None = None


class UserQueries(Protocol):
    async def get_user(self, tenant: uuid.UUID | None, user_id: uuid.UUID) -> UserRow | None:
        """One account as the tenant may see it (None: any account)."""
        ...

    async def list_users(
        self, tenant: uuid.UUID | None, filters: UserFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[UserRow]:
        """`tenant` None lists every account (operator); otherwise that partner's accounts only."""
        ...


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: uuid.UUID
    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str
    changes: Mapping[str, object]
    request_id: str | None


@dataclass(frozen=True, slots=True)
class AuditFilters:
    entity_type: str | None = None
    entity_id: str | None = None
    actor_id: uuid.UUID | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


class AuditQueries(Protocol):
    async def list_events(self, filters: AuditFilters, after: uuid.UUID | None, limit: int) -> Sequence[AuditRow]: ...


class HealthProbe(Protocol):
    async def database_ok(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    same_request: bool
    """Whether the key was claimed by a request with the same fingerprint."""
    response: StoredResponse | None
    """None while the first request with this key is still being processed, or when `unreadable`."""
    unreadable: bool = False
    """A response is stored but can no longer be read (it was sealed under a secret since replaced)."""


class IdempotencyStore(Protocol):
    async def reserve(
        self, owner: str, key: str, fingerprint: str, now: datetime, expires_at: datetime
    ) -> IdempotencyRecord | None:
        """Claim the key for this request; None if claimed now, else the record already held."""
        ...

    async def complete(self, owner: str, key: str, response: StoredResponse) -> None: ...
    async def release(self, owner: str, key: str) -> None: ...


class PartnerRepository(Protocol):
    """Partners visible to the unit of work's tenant: a partner principal sees only its own partner."""

    def add(self, partner: InstitutionalPartner) -> None: ...
    async def get(self, partner_id: uuid.UUID) -> InstitutionalPartner | None: ...
    async def get_with_agreements(
        self, partner_id: uuid.UUID
    ) -> tuple[InstitutionalPartner, Sequence[CooperationAgreement]] | None:
        """The partner and all its cooperation agreements, in one read."""
        ...

    async def ruc_taken(self, ruc: str, *, other_than: uuid.UUID | None = None) -> bool: ...
    async def exists(self, partner_id: uuid.UUID) -> bool:
        """Whether the partner exists at all (for naming a recipient), whatever the tenant."""
        ...


class AgreementRepository(Protocol):
    def add(self, agreement: CooperationAgreement) -> None: ...
    async def get(self, agreement_id: uuid.UUID) -> CooperationAgreement | None: ...
    async def for_partner(self, partner_id: uuid.UUID) -> Sequence[CooperationAgreement]: ...
    async def code_taken(self, code: str) -> bool: ...
    async def expiring(self, today: date, within_days: int) -> Sequence[CooperationAgreement]:
        """Agreements in force today whose end date is within `within_days` days, soonest first."""
        ...


class ApiClientRepository(Protocol):
    def add(self, client: ApiClient) -> None: ...
    async def get(self, client_id: uuid.UUID) -> ApiClient | None: ...
    async def visible(self) -> Sequence[ApiClient]: ...


@dataclass(frozen=True, slots=True)
class PartnerRow:
    id: uuid.UUID
    name: str
    kind: str
    country: str
    ruc: str | None
    contact_email: str | None
    contact_phone: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class PartnerFilters:
    kind: str | None = None
    status: str | None = None
    country: str | None = None
    name_contains: str | None = None


class PartnerQueries(Protocol):
    async def list_partners(
        self, tenant: uuid.UUID | None, filters: PartnerFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[PartnerRow]:
        """`tenant` None lists every partner (operator); otherwise only that partner."""
        ...


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


@dataclass(frozen=True, slots=True)
class NameBlock:
    """The live people born on one day, as parallel lists: the duplicate check scores all their name keys at once.

    Their phones are left out: a person who shares the phone is found by the phone lookup as well."""

    ids: Sequence[uuid.UUID]
    name_keys: Sequence[str]
    visible: Sequence[bool] | None = None
    """Whether the importing principal may see each of them (None: it sees everyone)."""


@dataclass(frozen=True, slots=True)
class RegistrySketches:
    """Live people who share a birth date or a phone with a batch of imported rows (duplicate blocking), and whether
    the importing principal may see them: a probable duplicate it may not see is queued but never named to it."""

    born_on: Mapping[date, NameBlock]
    with_phone: Sequence[tuple[uuid.UUID, PersonSketch, bool]]


class ImportSink(Protocol):
    """Batch persistence for a bulk import: lookups for a whole batch in one query, bulk writes (COPY or executemany).

    A sink is one transaction: `commit()` keeps what was written since it was opened, anything else rolls it back."""

    overlaps_validation: bool
    """True when the sink's I/O runs on the event loop: the importer may validate the next batch while it waits."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def holders(self, keys: Sequence[str]) -> dict[str, tuple[uuid.UUID, uuid.UUID]]:
        """Identifier key → (participant id, owner partner id), across all tenants."""
        ...

    async def sketches(self, birth_dates: Sequence[date], phones: Sequence[str]) -> RegistrySketches:
        """Live people born on any of these days (by day) or with any of these phones (duplicate blocking), each with
        whether the sink's tenant may see them."""
        ...

    async def load(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Participant]:
        """The records to update, loaded for change (tenant-filtered)."""
        ...

    async def write(
        self,
        created: Sequence[tuple[NewParticipant, NewConsent]],
        updated: Sequence[Participant],
        duplicates: Sequence[DuplicateCandidate] | Awaitable[Sequence[DuplicateCandidate]],
    ) -> None:
        """Insert new people with their consents and identifier keys, save updated ones, queue duplicate pairs;
        audit rows and outbox events included. Raises DuplicateParticipant when a unique key is taken.

        The pairs may still be on their way (an awaitable, such as a task working them out): they are awaited when
        everything else is written, so that the work on them and the writes go on at once."""
        ...

    async def commit(self) -> None: ...


class ImportLedger(Protocol):
    """What an import keeps of the batches it has handled until it ends (see `import_ledger`); its calls are quick
    and local (no network), and take whole batches."""

    def settle(
        self,
        reports: Sequence[RowReport],
        claims: Mapping[str, uuid.UUID],
        created: Iterable[uuid.UUID],
        people: Sequence[tuple[uuid.UUID, PersonSketch]],
    ) -> None:
        """Keep a handled batch: its report entries (final), the identifier keys its rows claimed (key → person),
        the people it created, and the (id, sketch) of people later rows must be compared with."""
        ...

    def claimed(self, keys: Sequence[str]) -> dict[str, uuid.UUID]:
        """Which of these keys earlier batches claimed, and for whom."""
        ...

    def created_among(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these people earlier batches created."""
        ...

    def people_like(self, days: Sequence[date], phones: Sequence[str]) -> list[tuple[uuid.UUID, PersonSketch]]:
        """The settled people born on any of these days or with any of these phones, in the order they were kept."""
        ...

    def reports(self) -> Iterator[RowReport]:
        """Every settled report entry, in the order they were kept."""
        ...

    def close(self) -> None:
        """Let go of what the ledger holds (a temporary file): nothing can be read from it afterwards."""
        ...


class ImportSinkFactory(Protocol):
    def __call__(self, scope: Scope, *, dry_run: bool = False) -> ImportSink: ...
