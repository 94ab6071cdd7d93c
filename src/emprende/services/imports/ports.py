"""Ports of bulk imports: batch persistence, the registry's duplicate blocks and the ledger of handled rows."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Protocol, Self

from emprende.domain.participants.consent import NewConsent
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.matching import PersonSketch
from emprende.domain.participants.participant import NewParticipant, Participant
from emprende.services.imports.report import RowReport
from emprende.services.shared.principal import Scope


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
