"""Ports of the training area: modules and their versions, cohorts, sessions, enrolments, attendance, certificates and
the authority that signs them, and the area's reads."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from emprende.domain.identity.user import Language
from emprende.domain.training.attendance_record import AttendanceRecord
from emprende.domain.training.certificate import Certificate, CertificateStatus
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.credential import Verification
from emprende.domain.training.enrollment import Enrollment
from emprende.domain.training.module import ModuleVersion, TrainingModule
from emprende.domain.training.session import CohortSession
from emprende.services.identity.ports import IdentityRepositories
from emprende.services.participants.ports import ParticipantRepositories
from emprende.services.partners.ports import PartnerRepositories
from emprende.services.shared.ports import UnitOfWork


class ModuleRepository(Protocol):
    """Modules are read by everyone signed in: the use cases decide who sees drafts."""

    def add(self, module: TrainingModule) -> None: ...
    def add_version(self, version: ModuleVersion) -> None: ...
    async def get(self, module_id: uuid.UUID) -> TrainingModule | None: ...
    async def version(self, module_id: uuid.UUID, number: int) -> ModuleVersion | None: ...
    async def versions(self, module_id: uuid.UUID) -> Sequence[ModuleVersion]:
        """Every version of the module, oldest first."""
        ...

    async def published(self, items: Sequence[tuple[uuid.UUID, int]]) -> Sequence[ModuleVersion]:
        """Those of these (module, version number) pairs that are published."""
        ...


class CohortRepository(Protocol):
    """Cohorts of the tenant (the delivering partner); administrators see all."""

    def add(self, cohort: Cohort) -> None: ...
    async def get(self, cohort_id: uuid.UUID) -> Cohort | None: ...
    async def lock(self, cohort_id: uuid.UUID) -> Cohort | None:
        """The cohort, locked until the transaction ends: whoever changes its seats takes this first, so seat changes
        on one cohort happen one after another, in arrival order."""
        ...


class SessionRepository(Protocol):
    def add(self, session: CohortSession) -> None: ...
    async def get(self, cohort_id: uuid.UUID, session_id: uuid.UUID) -> CohortSession | None: ...
    async def for_cohort(self, cohort_id: uuid.UUID) -> Sequence[CohortSession]:
        """The cohort's sessions by date and time."""
        ...

    async def remove(self, session: CohortSession) -> None: ...
    async def facilitators_of(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        """For each of these people, the users who facilitated a session of a cohort they were enrolled in."""
        ...


class EnrollmentRepository(Protocol):
    def add(self, enrollment: Enrollment) -> None: ...
    async def get(self, cohort_id: uuid.UUID, enrollment_id: uuid.UUID) -> Enrollment | None: ...
    async def of_participant(self, cohort_id: uuid.UUID, participant_id: uuid.UUID) -> Enrollment | None: ...
    async def first_waiting(self, cohort_id: uuid.UUID, count: int) -> Sequence[Enrollment]:
        """The first `count` people waiting, in queue order."""
        ...

    async def seated_ever(self, cohort_id: uuid.UUID) -> Sequence[Enrollment]:
        """Everyone who took a seat in the cohort (enrolled, completed or not, dropped): whose attendance counts."""
        ...

    async def concludable(self, cohort_id: uuid.UUID) -> Sequence[Enrollment]:
        """Everyone whose completion is judged (enrolled, completed or not)."""
        ...

    async def lapsed_offers(self, cohort_id: uuid.UUID, now: datetime) -> Sequence[Enrollment]:
        """Offers of the cohort that expired by `now`, oldest first."""
        ...

    async def active(self, cohort_id: uuid.UUID) -> Sequence[Enrollment]:
        """Everyone waiting, offered a seat or enrolled."""
        ...

    async def queue_position(self, enrollment: Enrollment) -> int | None:
        """1 for the first person waiting; None when not waiting."""
        ...

    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Enrollment]:
        """The person's enrolments in every cohort, newest first."""
        ...

    async def completed_by(self, participant_id: uuid.UUID) -> CompletedTraining:
        """The cohorts the person completed, the modules those cohorts taught, their best attendance in them."""
        ...


@dataclass(frozen=True, slots=True)
class CompletedTraining:
    cohorts: frozenset[uuid.UUID]
    modules: frozenset[uuid.UUID]
    best_attendance: Decimal | None
    """The highest attendance percent among those cohorts (None when none was completed)."""


def best_attendance(completions: Iterable[Mapping[str, Any] | None]) -> Decimal | None:
    """The highest attendance percent the completion results record."""
    percents = [
        Decimal(str(found["attendance_percent"])) for found in completions if found and "attendance_percent" in found
    ]
    return max(percents, default=None)


class AttendanceRepository(Protocol):
    def add(self, record: AttendanceRecord) -> None: ...
    async def for_session(self, session_id: uuid.UUID) -> Sequence[AttendanceRecord]: ...
    async def for_cohort(self, cohort_id: uuid.UUID) -> Sequence[AttendanceRecord]:
        """Every mark of the cohort's sessions."""
        ...

    async def for_enrollment(self, enrollment_id: uuid.UUID) -> Sequence[AttendanceRecord]: ...


class CertificateRepository(Protocol):
    def add(self, certificate: Certificate) -> None: ...
    async def get(self, certificate_id: uuid.UUID) -> Certificate | None:
        """A certificate of the tenant (the delivering partner)."""
        ...

    async def for_cohort(self, cohort_id: uuid.UUID) -> Sequence[Certificate]: ...
    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Certificate]:
        """The person's certificates, newest first, whichever partner delivered the training."""
        ...

    async def next_status_index(self) -> int:
        """The next free place in the status lists (the database refuses one taken twice)."""
        ...

    async def flagged(self, status: CertificateStatus) -> Sequence[int]:
        """The status-list places of every certificate in this status."""
        ...


@dataclass(frozen=True, slots=True)
class StoredKey:
    """A signing key as kept: the public half in the clear, the private half sealed (None once retired)."""

    kid: str
    created_at: datetime
    retired_at: datetime | None
    public_key: bytes
    sealed_private_key: bytes | None


class SigningKeyStore(Protocol):
    async def load(self) -> Sequence[StoredKey]: ...
    async def replace_active(self, new: StoredKey, retire_at: datetime) -> None:
        """Retire every key still signing (forgetting its private half) and add `new`, in one transaction."""
        ...


@dataclass(frozen=True, slots=True)
class SignedCredential:
    token: str
    """The compact JWS (EdDSA) of the credential."""
    kid: str


class CertificateAuthority(Protocol):
    """Signs certificates and status lists with the programme's current key, publishes every key (rotated ones keep
    verifying), and verifies certificates."""

    @property
    def programme_name(self) -> str: ...
    @property
    def programme_url(self) -> str:
        """The programme's public https address: the issuer's id."""
        ...

    async def ready(self) -> None:
        """Make sure a key can sign (the first is made here): called before the transaction that signs, which must
        not wait on the key store."""
        ...

    async def sign(self, credential: Mapping[str, Any]) -> SignedCredential: ...
    async def key_set(self) -> dict[str, Any]:
        """The JWKS of every signing key, retired ones included."""
        ...

    async def rotate(self) -> str:
        """Retire the current key (it keeps verifying) and sign from now on with a new one; its id."""
        ...

    async def verify(
        self, token: str, *, now: datetime, status_lists: Callable[[str], Mapping[str, Any] | None]
    ) -> Verification: ...


@dataclass(frozen=True, slots=True)
class ModuleRow:
    id: uuid.UUID
    author_partner_ids: list[uuid.UUID]
    version: int
    """The version shown: the newest published, or for its authors the newest."""
    status: str
    language: Language
    title: str
    summary: str
    hours: Decimal
    modalities: list[str]
    available_languages: list[str]
    published_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CohortRow:
    id: uuid.UUID
    partner_id: uuid.UUID
    name: str
    modality: str
    status: str
    province_code: str | None
    canton_code: str | None
    start_date: date
    end_date: date
    capacity: int
    seats_taken: int
    enrolment_opens_on: date
    enrolment_closes_on: date
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    id: uuid.UUID
    cohort_id: uuid.UUID
    participant_id: uuid.UUID
    status: str
    queue_number: int | None
    queue_position: int | None
    sort_key: int
    """The page cursor's first half: the queue number while waiting, then everyone else."""
    requested_at: datetime
    offer_expires_at: datetime | None
    enrolled_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    updated_at: datetime


class TrainingQueries(Protocol):
    async def list_modules(
        self, author: uuid.UUID | None, drafts: bool, language: Language, after: uuid.UUID | None, limit: int
    ) -> Sequence[ModuleRow]:
        """Published modules (their newest published version); with `drafts`, also the newest version of the modules
        `author` writes (None: every module's)."""
        ...

    async def list_cohorts(
        self, tenant: uuid.UUID | None, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[CohortRow]: ...

    async def list_enrollments(
        self,
        tenant: uuid.UUID | None,
        cohort_id: uuid.UUID,
        status: str | None,
        after: tuple[int, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[EnrollmentRow]:
        """A cohort's enrolments, the queue first in its order, then the others by when they asked."""
        ...


class TrainingRepositories(Protocol):
    """The training area's repositories, as every unit of work that reads training offers them."""

    @property
    def modules(self) -> ModuleRepository: ...
    @property
    def cohorts(self) -> CohortRepository: ...
    @property
    def cohort_sessions(self) -> SessionRepository: ...
    @property
    def enrollments(self) -> EnrollmentRepository: ...
    @property
    def attendance(self) -> AttendanceRepository: ...
    @property
    def certificates(self) -> CertificateRepository: ...


class TrainingUnitOfWork(
    UnitOfWork, TrainingRepositories, ParticipantRepositories, PartnerRepositories, IdentityRepositories, Protocol
):
    """What the training area's use cases need: its own repositories, the registry (whom to enrol, their consents),
    the partners (their agreements) and the accounts (facilitators)."""
