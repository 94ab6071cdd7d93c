"""What an import does with its rows, batch by batch: each row checked on its own, each valid row's outcome decided
against the registry and the file's earlier rows, probable duplicates, and what a handled batch leaves in the ledger.

`imports` drives it: it reads the file into batches, hands them to the sink and commits.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from emprende.domain.participants.consent import NewConsent
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.identifiers import ExternalIdentifier
from emprende.domain.participants.matching import PersonSketch
from emprende.domain.participants.participant import (
    NewParticipant,
    Participant,
    ParticipantErased,
    external_key,
    identifier_keys,
    participant_values,
)
from emprende.domain.shared.errors import DomainError, InvalidInput
from emprende.services.imports.duplicates import (
    NO_SKETCHES,
    EarlierPeople,
    blocking_keys,
    probable_duplicates,
    screen_blocks,
)
from emprende.services.imports.ports import ImportLedger, ImportSink, ImportSinkFactory, RegistrySketches
from emprende.services.imports.report import ImportMode, ImportOutcome, ImportReport, RowReport
from emprende.services.imports.rows import FieldIssue, RawRow, RowErrors, check_row
from emprende.services.shared.ports import Clock
from emprende.services.shared.principal import Principal

YIELD_EVERY = 16  # rows validated between two turns of the event loop while a batch's database work is in flight
TAKEN = "a person with the same identity document or external identifier is already registered"


@dataclass(slots=True)
class Valid:
    """A row that passed validation, waiting for its batch."""

    report: RowReport
    participant: NewParticipant
    consent: NewConsent
    external: ExternalIdentifier | None
    keys: list[str]  # the participant's identifier keys


@dataclass(slots=True)
class Refused:
    """A rejected row whose identifiers could be read: it is still checked against the registry and the file's earlier
    rows, so that a duplicate is reported with its other problems. It claims nothing: it will not be imported."""

    report: RowReport
    external: ExternalIdentifier | None
    keys: list[str]


Row = Valid | Refused


@dataclass(slots=True)
class Batch:
    fresh: list[Valid] = field(default_factory=list)  # the rows of new people
    people: list[tuple[uuid.UUID, PersonSketch]] = field(default_factory=list)  # their (id, sketch), in order
    created: list[tuple[NewParticipant, NewConsent]] = field(default_factory=list)
    updated: list[Participant] = field(default_factory=list)
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    reports: list[RowReport] = field(default_factory=list)


class Importer:
    """One import's state while its batches go by: what each row is, and what earlier batches left in the ledger."""

    def __init__(
        self,
        mode: ImportMode,
        principal: Principal,
        owner: uuid.UUID,
        sink_factory: ImportSinkFactory,
        clock: Clock,
        ledger: ImportLedger,
    ) -> None:
        self.dry_run = mode is ImportMode.DRY_RUN
        self.principal = principal
        self.owner = owner
        self.sinks = sink_factory
        self.clock = clock
        self.ledger = ledger
        self.report = ImportReport(mode, owner, settled=ledger)
        # What the batch being handled has claimed and created; earlier batches' is in the ledger.
        self.claims: dict[str, uuid.UUID] = {}
        self.created: set[uuid.UUID] = set()
        self.settled_rows = 0  # rows of the file whose batch is handled
        self.rejected = 0
        self.overlap = False  # whether the sinks' I/O leaves the event loop free to validate meanwhile

    def validate(self, raw: RawRow, now: datetime) -> Row | None:
        """The row checked on its own (every problem at once); None when it is rejected with nothing left to check."""
        report = RowReport(raw.number, ImportOutcome.REJECTED)
        self.report.pending.append(report)
        try:
            row = check_row(raw, now, owner=self.owner, registered_by=self.principal.id)
        except RowErrors as error:
            report.errors = tuple(error.issues)
            self.rejected += 1
            return Refused(report, error.external, error.keys) if error.keys else None
        return Valid(report, row.participant, row.consent, row.external, identifier_keys(row.participant))

    def entered(self, sink: ImportSink) -> ImportSink:
        """The sink just entered; from now on, validate ahead while a batch is written if the sink allows it."""
        self.overlap = sink.overlaps_validation
        return sink

    async def run_batch(self, sink: ImportSink | None, rows: Sequence[Row], now: datetime) -> Batch:
        """Decide each valid row's outcome against the registry (None: no lookups) and the earlier rows of the file,
        probable duplicates included."""
        batch = await self.decide(sink, rows, now)
        batch.duplicates = await self.screen(batch, await self.blocks(sink, batch), now)
        return batch

    async def decide(self, sink: ImportSink | None, rows: Sequence[Row], now: datetime) -> Batch:
        """Each valid row's outcome (created, updated, unchanged or refused), probable duplicates aside; a rejected
        row's identifiers held by someone else are one more of its problems."""
        batch = Batch()
        keys = sorted({key for row in rows for key in row.keys})
        holders = await sink.holders(keys) if sink is not None and keys else {}
        ext_holders = {
            id(row): holders[external_key(row.external)]
            for row in rows
            if row.external is not None and external_key(row.external) in holders
        }
        # A person this file created is not updated by a later row of it, whichever batch that row falls in: the
        # row repeats an identifier of an earlier row (refused, as it is within a batch and in a dry run).
        created = self.ledger.created_among({pid for pid, _ in ext_holders.values()}) | self.created
        ext_holders = {key: holder for key, holder in ext_holders.items() if holder[0] not in created}
        owned = [
            holder[0]
            for row in rows
            if isinstance(row, Valid) and (holder := ext_holders.get(id(row))) is not None and holder[1] == self.owner
        ]
        existing = await sink.load(owned) if sink is not None and owned else {}
        fresh = batch.fresh
        # The keys earlier rows of the file claimed: earlier batches', then this batch's so far.
        seen = self.ledger.claimed(sorted({key for row in rows for key in row.keys}))
        seen.update(self.claims)
        for row in rows:
            holder = ext_holders.get(id(row))
            target_id = holder[0] if holder is not None and holder[1] == self.owner else None
            taken = any(
                (key in holders and holders[key][0] != target_id) or (key in seen and seen[key] != target_id)
                for key in row.keys
            )
            if isinstance(row, Refused):
                if taken and all(issue.field != "documents" for issue in row.report.errors):
                    row.report.errors += (FieldIssue("documents", "duplicate_participant", TAKEN),)
                continue
            if taken:
                self.reject(row.report, "documents", "duplicate_participant", TAKEN)
                continue
            if target_id is None:
                fresh.append(row)
                self._claim(seen, row.keys, row.participant.id)
                self.created.add(row.participant.id)
                continue
            self._claim(seen, row.keys, target_id)
            row.report.participant_id = target_id  # the caller's own record
            current = existing.get(target_id)
            try:
                if current is None:  # held by the owner but not a visible, live record (merged away)
                    raise InvalidInput("this identifier belongs to a record that cannot be updated", code="not_found")
                changed = self._update(current, row, now)
            except DomainError as error:
                self.reject(row.report, "external_value", error.code, str(error))
                continue
            if self.dry_run:
                row.report.outcome = ImportOutcome.WOULD_UPDATE if changed else ImportOutcome.UNCHANGED
                continue
            row.report.outcome = ImportOutcome.UPDATED if changed else ImportOutcome.UNCHANGED
            if changed:
                batch.updated.append(current)
                batch.reports.append(row.report)
        outcome = ImportOutcome.WOULD_CREATE if self.dry_run else ImportOutcome.CREATED
        for row in fresh:
            if not self.dry_run:  # a dry run's new person gets no id: it will never exist under that one
                row.report.participant_id = row.participant.id
            row.report.outcome = outcome
            batch.created.append((row.participant, row.consent))
            batch.reports.append(row.report)
            batch.people.append((row.participant.id, row.participant.sketch()))
        return batch

    async def blocks(self, sink: ImportSink | None, batch: Batch) -> RegistrySketches:
        """The registry's people who may be the batch's new people: born the same day, or with the same phone."""
        if sink is None or not batch.people:
            return NO_SKETCHES
        return await sink.sketches(*blocking_keys(batch.people))

    async def screen(self, batch: Batch, known: RegistrySketches, now: datetime) -> list[DuplicateCandidate]:
        """The batch's new people's probable duplicates (live people and the batch's earlier rows alike), noted on
        their reports as far as the importing principal may see them. Pure CPU work: when the sink's I/O runs on the
        event loop it gives the loop a turn every few rows, so that the batch's writes go on meanwhile."""
        found: list[DuplicateCandidate] = []
        # The names are screened in a worker thread (rapidfuzz scores without the GIL): the event loop goes on.
        screened = await asyncio.to_thread(screen_blocks, batch.people, known) if known.born_on else None
        earlier = None
        unregistered: set[uuid.UUID] = set()
        if self.dry_run:  # nothing written: the file's earlier new people are in the ledger, not in the registry
            earlier = EarlierPeople()
            for person in self.ledger.people_like(*blocking_keys(batch.people)):
                earlier.add(person)
                unregistered.add(person[0])
            # The file's people have ids that will never exist: the report lists registered people only.
            unregistered.update(pid for pid, _ in batch.people)
        pairs_of = probable_duplicates(batch.people, known, now, screened, earlier)
        for index, (row, pairs) in enumerate(zip(batch.fresh, pairs_of, strict=True)):
            # Every pair is queued; the report names only the people the caller sees who exist (or will).
            row.report.duplicates = tuple(other for other in pairs.shown if other not in unregistered)
            found += pairs.pairs
            if self.overlap and index % YIELD_EVERY == YIELD_EVERY - 1:
                await asyncio.sleep(0)
        return found

    def _update(self, current: Participant, row: Valid, now: datetime) -> bool:
        """Rectify the owner's record from the row (in a dry run, only check that it could be); False when nothing
        would change."""
        if current.is_erased:
            raise ParticipantErased("an erased participant cannot be changed")
        new = row.participant.details()
        old = current.details()
        # The row names one external identifier and may leave documents out: keep what the record has besides.
        externals = [e for e in old.external_ids if row.external is None or e.system != row.external.system]
        merged = replace(new, documents=new.documents or old.documents, external_ids=(*externals, *new.external_ids))
        if merged == old:
            return False
        if self.dry_run:
            participant_values(merged, now)  # the rectification's checks; the record is left as it is
        else:
            current.rectify(merged, now)
        return True

    def _claim(self, seen: dict[str, uuid.UUID], keys: list[str], holder: uuid.UUID) -> None:
        for key in keys:
            seen[key] = self.claims[key] = holder

    def release(self, row: Valid) -> None:
        for key in row.keys:
            self.claims.pop(key, None)
        self.created.discard(row.participant.id)

    def settle(self, read: int, people: Sequence[tuple[uuid.UUID, PersonSketch]]) -> None:
        """The batch that ends at row `read` of the file is handled: keep what the report and later batches need of
        it in the ledger (its new people's sketches in a dry run), and let it go."""
        pending = self.report.pending
        count = read - self.settled_rows
        self.ledger.settle(pending[:count], self.claims, self.created, people if self.dry_run else ())
        del pending[:count]
        self.settled_rows = read
        self.claims = {}
        self.created = set()

    def reject(self, report: RowReport, field_name: str, code: str, message: str) -> None:
        if report.outcome is not ImportOutcome.REJECTED or not report.errors:
            self.rejected += 1
        report.outcome = ImportOutcome.REJECTED
        report.participant_id = None
        report.duplicates = ()
        report.errors = (FieldIssue(field_name, code, message),)
