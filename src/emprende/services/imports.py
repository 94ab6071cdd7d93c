"""Bulk import of participants: validate rows in pure Python, persist them in batches, report on every row.

Modes: `dry_run` validates only; `atomic` writes everything in one transaction or nothing at all; `per_record` commits
each valid row on its own (batched for speed; a batch that hits a constraint is replayed row by row). A row carrying an
external identifier that the same partner already holds updates (rectifies) that record; an identity document or
external identifier held by anyone else or by an earlier row of the file is refused (`duplicate_participant`);
probable duplicates are queued.

When the sink's database I/O runs on the event loop (PostgreSQL), the next batches are validated while the previous one
is looked up and written: the file is read at most two batches ahead. Rows are held by their batch; what the report and
later batches need of a handled batch (report entries, claimed identifier keys, created people, and in a dry run, which
writes nothing for later batches to find, their sketches) is settled into the import's ledger (`import_ledger`), which
the application keeps in a temporary file: memory holds a few batches whatever the file's size. Reading a row is in
`import_rows`, probable duplicates in `import_duplicates`, the report in `import_report`.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from emprende.domain.consents import ConsentPurpose, NewConsent, new_consent
from emprende.domain.duplicates import DuplicateCandidate
from emprende.domain.errors import DomainError, InvalidInput
from emprende.domain.identity import ExternalIdentifier
from emprende.domain.matching import PersonSketch
from emprende.domain.participants import (
    DuplicateParticipant,
    NewParticipant,
    Participant,
    external_key,
    identifier_keys,
    new_participant,
)
from emprende.services.authorization import authorize
from emprende.services.import_duplicates import (
    NO_SKETCHES,
    EarlierPeople,
    blocking_keys,
    probable_duplicates,
    screen_blocks,
)
from emprende.services.import_ledger import MemoryImportLedger
from emprende.services.import_report import (
    ImportMode,
    ImportReport,
    Outcome,
    RowReport,
    report_csv,
    report_dict,
    write_report_csv,
    write_report_json,
)
from emprende.services.import_rows import (
    COLUMNS,
    KNOWN_COLUMNS,
    REQUIRED_COLUMNS,
    FieldIssue,
    RawRow,
    RowErrors,
    domain_issue,
    read_row,
)
from emprende.services.participants import REGISTERING_ROLES, require_any_partner_role
from emprende.services.ports import (
    Clock,
    ImportLedger,
    ImportSink,
    ImportSinkFactory,
    RegistrySketches,
    UnitOfWorkFactory,
)
from emprende.services.principal import Principal

__all__ = [
    "COLUMNS",
    "DEFAULT_BATCH",
    "KNOWN_COLUMNS",
    "REQUIRED_COLUMNS",
    "FieldIssue",
    "ImportMode",
    "ImportParticipants",
    "ImportReport",
    "Outcome",
    "RawRow",
    "RowReport",
    "import_participants",
    "read_row",
    "report_csv",
    "report_dict",
    "write_report_csv",
    "write_report_json",
]

# Rows per batch: a batch costs a few round trips and, per record, a transaction, whatever its size; at most three are
# held in memory (one written, one waiting, one being read), the one written with its registry blocks (~60 people a
# day in a million).
DEFAULT_BATCH = 2000
_YIELD_EVERY = 16  # rows validated between two turns of the event loop while a batch's database work is in flight
_AHEAD = 1  # validated batches that may wait for their turn to be handled (besides the one handled, the one read)


@dataclass(frozen=True, slots=True)
class ImportParticipants:
    mode: ImportMode
    owner_partner_id: uuid.UUID | None = None
    """Administrators name the importing partner; partner principals always import for their own."""
    batch_size: int = DEFAULT_BATCH


# --- the use case ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Valid:
    """A row that passed validation, waiting for its batch."""

    report: RowReport
    participant: NewParticipant
    consent: NewConsent
    external: ExternalIdentifier | None
    keys: list[str]  # the participant's identifier keys


@dataclass(slots=True)
class _Batch:
    fresh: list[_Valid] = field(default_factory=list)  # the rows of new people
    people: list[tuple[uuid.UUID, PersonSketch]] = field(default_factory=list)  # their (id, sketch), in order
    created: list[tuple[NewParticipant, NewConsent]] = field(default_factory=list)
    updated: list[Participant] = field(default_factory=list)
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    reports: list[RowReport] = field(default_factory=list)


class _Importer:
    def __init__(
        self,
        cmd: ImportParticipants,
        principal: Principal,
        owner: uuid.UUID,
        sink_factory: ImportSinkFactory,
        clock: Clock,
        ledger: ImportLedger,
    ) -> None:
        self.cmd = cmd
        self.dry_run = cmd.mode is ImportMode.DRY_RUN
        self.principal = principal
        self.owner = owner
        self.sinks = sink_factory
        self.clock = clock
        self.ledger = ledger
        self.report = ImportReport(cmd.mode, owner, settled=ledger)
        # What the batch being handled has claimed and created; earlier batches' is in the ledger.
        self.claims: dict[str, uuid.UUID] = {}
        self.created: set[uuid.UUID] = set()
        self.settled_rows = 0  # rows of the file whose batch is handled
        self.rejected = 0
        self.overlap = False  # whether the sinks' I/O leaves the event loop free to validate meanwhile

    def validate(self, raw: RawRow, now: datetime) -> _Valid | None:
        report = RowReport(raw.number, Outcome.REJECTED)
        self.report.pending.append(report)
        try:
            if raw.errors:
                raise RowErrors(list(raw.errors))
            details, given = read_row(raw.values, now)
            participant = new_participant(
                owner_partner_id=self.owner, details=details, now=now, registered_by=self.principal.id
            )
            consent = new_consent(
                participant_id=participant.id,
                purpose=ConsentPurpose.REGISTRATION,
                notice_version=given.notice_version,
                language=given.language,
                method=given.method,
                given_at=given.given_at,
                now=now,
                recorded_by=self.principal.id,
            )
        except RowErrors as error:
            report.errors = tuple(error.issues)
            self.rejected += 1
            return None
        except DomainError as error:
            report.errors = (domain_issue(error, _CONSENT_FIELDS),)
            self.rejected += 1
            return None
        return _Valid(report, participant, consent, given.external, identifier_keys(participant))

    def entered(self, sink: ImportSink) -> ImportSink:
        """The sink just entered; from now on, validate ahead while a batch is written if the sink allows it."""
        self.overlap = sink.overlaps_validation
        return sink

    async def run_batch(self, sink: ImportSink | None, rows: list[_Valid], now: datetime) -> _Batch:
        """Decide each valid row's outcome against the registry (None: no lookups) and the earlier rows of the file,
        probable duplicates included."""
        batch = await self.decide(sink, rows, now)
        batch.duplicates = await self.screen(batch, await self.blocks(sink, batch), now)
        return batch

    async def decide(self, sink: ImportSink | None, rows: list[_Valid], now: datetime) -> _Batch:
        """Each valid row's outcome (created, updated, unchanged or refused), probable duplicates aside."""
        batch = _Batch()
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
        owned = [pid for pid, owner in ext_holders.values() if owner == self.owner]
        existing = await sink.load(owned) if sink is not None and owned and not self.dry_run else {}
        fresh = batch.fresh
        # The keys earlier rows of the file claimed: earlier batches', then this batch's so far.
        seen = self.ledger.claimed(sorted({key for row in rows for key in row.keys}))
        seen.update(self.claims)
        for row in rows:
            holder = ext_holders.get(id(row))
            target_id = holder[0] if holder is not None and holder[1] == self.owner else None
            if any(
                (key in holders and holders[key][0] != target_id) or (key in seen and seen[key] != target_id)
                for key in row.keys
            ):
                self.reject(row.report, "documents", "duplicate_participant", _TAKEN)
                continue
            if target_id is None:
                fresh.append(row)
                self._claim(seen, row.keys, row.participant.id)
                self.created.add(row.participant.id)
                continue
            self._claim(seen, row.keys, target_id)
            row.report.participant_id = target_id
            if self.dry_run:
                row.report.outcome = Outcome.VALID
                continue
            current = existing.get(target_id)
            try:
                if current is None:  # held by the owner but not a visible, live record (merged away)
                    raise InvalidInput("this identifier belongs to a record that cannot be updated", code="not_found")
                changed = self._update(current, row, now)
            except DomainError as error:
                self.reject(row.report, "external_value", error.code, str(error))
                continue
            row.report.outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            if changed:
                batch.updated.append(current)
                batch.reports.append(row.report)
        outcome = Outcome.VALID if self.dry_run else Outcome.CREATED
        for row in fresh:
            row.report.participant_id = row.participant.id
            row.report.outcome = outcome
            batch.created.append((row.participant, row.consent))
            batch.reports.append(row.report)
            batch.people.append((row.participant.id, row.participant.sketch()))
        return batch

    async def blocks(self, sink: ImportSink | None, batch: _Batch) -> RegistrySketches:
        """The registry's people who may be the batch's new people: born the same day, or with the same phone."""
        if sink is None or not batch.people:
            return NO_SKETCHES
        return await sink.sketches(*blocking_keys(batch.people))

    async def screen(self, batch: _Batch, known: RegistrySketches, now: datetime) -> list[DuplicateCandidate]:
        """The batch's new people's probable duplicates (live people and the batch's earlier rows alike), noted on
        their reports as far as the importing principal may see them. Pure CPU work: when the sink's I/O runs on the
        event loop it gives the loop a turn every few rows, so that the batch's writes go on meanwhile."""
        found: list[DuplicateCandidate] = []
        # The names are screened in a worker thread (rapidfuzz scores without the GIL): the event loop goes on.
        screened = await asyncio.to_thread(screen_blocks, batch.people, known) if known.born_on else None
        earlier = None
        if self.dry_run:  # nothing written: the file's earlier new people are in the ledger, not in the registry
            earlier = EarlierPeople()
            for person in self.ledger.people_like(*blocking_keys(batch.people)):
                earlier.add(person)
        pairs_of = probable_duplicates(batch.people, known, now, screened, earlier)
        for index, (row, pairs) in enumerate(zip(batch.fresh, pairs_of, strict=True)):
            row.report.duplicates = pairs.shown  # every pair is queued; the report names only whom the caller sees
            found += pairs.pairs
            if self.overlap and index % _YIELD_EVERY == _YIELD_EVERY - 1:
                await asyncio.sleep(0)
        return found

    @staticmethod
    def _update(current: Participant, row: _Valid, now: datetime) -> bool:
        """Rectify the owner's record from the row; False when nothing would change."""
        new = row.participant.details()
        old = current.details()
        # The row names one external identifier and may leave documents out: keep what the record has besides.
        externals = [e for e in old.external_ids if row.external is None or e.system != row.external.system]
        merged = replace(new, documents=new.documents or old.documents, external_ids=(*externals, *new.external_ids))
        if merged == old:
            return False
        current.rectify(merged, now)
        return True

    def _claim(self, seen: dict[str, uuid.UUID], keys: list[str], holder: uuid.UUID) -> None:
        for key in keys:
            seen[key] = self.claims[key] = holder

    def release(self, row: _Valid) -> None:
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
        if report.outcome is not Outcome.REJECTED or not report.errors:
            self.rejected += 1
        report.outcome = Outcome.REJECTED
        report.participant_id = None
        report.duplicates = ()
        report.errors = (FieldIssue(field_name, code, message),)


_TAKEN = "a person with the same identity document or external identifier is already registered"
_CONSENT_FIELDS = {"notice_version": "consent_notice_version", "given_at": "consent_given_at"}


async def import_participants(
    cmd: ImportParticipants,
    rows: Iterable[RawRow],
    principal: Principal,
    *,
    uow_factory: UnitOfWorkFactory,
    sink_factory: ImportSinkFactory,
    clock: Clock,
    progress: Callable[[int], None] | None = None,
    ledger: ImportLedger | None = None,
) -> ImportReport:
    """Import participants from parsed rows (dry run, atomic or per record); returns a report on every row.

    `ledger` keeps what the import needs of the rows it has handled (default: in memory; the container's keeps it in
    a temporary file). The report reads its entries from it: close the report once it has been read."""
    authorize(principal, "participants.register")
    if principal.partner_id is not None and cmd.owner_partner_id not in (None, principal.partner_id):
        raise InvalidInput(
            "a partner imports people for itself only", field="owner_partner_id", code="owner_not_allowed"
        )
    owner = principal.partner_id or cmd.owner_partner_id
    if owner is None:
        raise InvalidInput("name the partner importing these people", field="owner_partner_id", code="partner_required")
    async with uow_factory(principal, read_only=True) as uow:
        await require_any_partner_role(uow, owner, REGISTERING_ROLES, clock.now())
    importer = _Importer(cmd, principal, owner, sink_factory, clock, ledger or MemoryImportLedger())
    size = max(1, cmd.batch_size)
    try:
        if cmd.mode is ImportMode.PER_RECORD:
            await _per_record(importer, rows, size, progress)
        else:
            await _single_transaction(importer, rows, size, progress)
    except BaseException:
        importer.ledger.close()
        raise
    return importer.report


async def _batches(
    importer: _Importer, rows: Iterable[RawRow], size: int
) -> AsyncGenerator[tuple[list[_Valid], int, datetime]]:
    """Validated rows in batches of `size` rows read (with how many were read so far).

    Validation is pure CPU work: every few rows it gives the event loop a turn, so that a batch whose lookups and
    writes are in flight (see `_pipeline`) makes progress meanwhile."""
    pending: list[_Valid] = []
    read = 0
    now = importer.clock.now()
    for raw in rows:
        read += 1
        valid = importer.validate(raw, now)
        if valid is not None:
            pending.append(valid)
        if read % size == 0:
            yield pending, read, now
            pending = []
            now = importer.clock.now()
        elif importer.overlap and read % _YIELD_EVERY == 0:
            await asyncio.sleep(0)
    if pending or read % size:
        yield pending, read, now


_Handle = Callable[[list[_Valid], int, datetime], Coroutine[Any, Any, None]]


async def _pipeline(importer: _Importer, rows: Iterable[RawRow], size: int, handle: _Handle) -> None:
    """Hand each validated batch to `handle` (its lookups and writes), one batch at a time and in file order.

    When the sink's I/O runs on the event loop, batches are handled by a task of their own while the file is read and
    validated ahead, at most `_AHEAD` batches waiting: whenever one batch's database work is in flight there is
    validation to do, and the next batch's handling starts as soon as the previous one ends. Batches are still
    handled one after the other, so lookups always see every earlier batch written. Otherwise (the sink's I/O holds
    the event loop) each batch is handled before the next is read. If anything fails, the batch in flight is
    cancelled (its transaction rolls back), and an error in reading or validating is the one reported."""
    queue: asyncio.Queue[tuple[list[_Valid], int, datetime] | None] = asyncio.Queue(maxsize=_AHEAD)

    async def consume() -> None:
        while (batch := await queue.get()) is not None:
            try:
                await handle(*batch)
            finally:
                queue.task_done()

    consumer = asyncio.create_task(consume())
    try:
        async with contextlib.aclosing(_batches(importer, rows, size)) as batches:
            async for batch in batches:
                await _unless_failed(queue.put(batch), consumer)
                if not importer.overlap:
                    await _unless_failed(queue.join(), consumer)
        await _unless_failed(queue.put(None), consumer)
        await consumer
    finally:
        if not consumer.done():
            consumer.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await consumer


async def _unless_failed(step: Coroutine[Any, Any, None], consumer: asyncio.Task[None]) -> None:
    """Wait for `step`, unless the consumer of the batches ends first (it failed: raise its error)."""
    waiter = asyncio.ensure_future(step)
    try:
        await asyncio.wait((waiter, consumer), return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not waiter.done():
            waiter.cancel()
    if not waiter.done() or waiter.cancelled():
        consumer.result()  # its error
        raise RuntimeError("the import's batches stopped being handled")
    waiter.result()


async def _single_transaction(
    importer: _Importer, rows: Iterable[RawRow], size: int, progress: Callable[[int], None] | None
) -> None:
    """Dry run and atomic mode: one transaction that is committed only when every row went in."""
    broken = False  # a write failed: the transaction is lost, later rows are only checked against the file

    async with importer.sinks(importer.principal, dry_run=importer.dry_run) as entered:
        sink = importer.entered(entered)

        async def handle(valid: list[_Valid], read: int, now: datetime) -> None:
            nonlocal broken
            people: list[tuple[uuid.UUID, PersonSketch]] = []
            if valid:
                batch = await importer.run_batch(None if broken else sink, valid, now)
                people = batch.people
                if not importer.dry_run and not importer.rejected:
                    try:
                        await sink.write(batch.created, batch.updated, batch.duplicates)
                    except DuplicateParticipant:
                        broken = True
                        for report in batch.reports:
                            importer.reject(report, "documents", "duplicate_participant", _TAKEN)
            importer.settle(read, people)
            if progress is not None:
                progress(read)

        await _pipeline(importer, rows, size, handle)
        if not importer.dry_run and not importer.rejected:
            await sink.commit()
            importer.report.committed = True
    # All or nothing, and if it was nothing, the report says so as it is read (`ImportReport.each_row`).


async def _per_record(
    importer: _Importer, rows: Iterable[RawRow], size: int, progress: Callable[[int], None] | None
) -> None:
    """Each valid row is kept on its own; rows go in by batches and a batch that hits a constraint row by row."""

    async def handle(valid: list[_Valid], read: int, now: datetime) -> None:
        if valid:
            replay = False
            async with importer.sinks(importer.principal) as entered:
                sink = importer.entered(entered)
                batch = await importer.decide(sink, valid, now)
                known = await importer.blocks(sink, batch)
                # The batch's new people are written while their probable duplicates are worked out; the pairs go
                # in last.
                screening = asyncio.create_task(importer.screen(batch, known, now))
                try:
                    await sink.write(batch.created, batch.updated, screening)
                    await sink.commit()
                except DuplicateParticipant:
                    replay = True  # a concurrent writer took a key since the lookup
                finally:
                    if not screening.done():
                        screening.cancel()
                        with contextlib.suppress(Exception, asyncio.CancelledError):
                            await screening
            if replay:
                await _row_by_row(importer, batch.reports, valid, now)
        importer.settle(read, ())
        if progress is not None:
            progress(read)

    await _pipeline(importer, rows, size, handle)
    importer.report.committed = True


async def _row_by_row(importer: _Importer, pending: list[RowReport], rows: list[_Valid], now: datetime) -> None:
    retry = {id(report) for report in pending}
    for row in rows:
        if id(row.report) not in retry:
            continue
        importer.release(row)
        row.report.outcome = Outcome.VALID
        async with importer.sinks(importer.principal) as sink:
            batch = await importer.run_batch(sink, [row], now)
            if not batch.reports:
                continue
            try:
                await sink.write(batch.created, batch.updated, batch.duplicates)
                await sink.commit()
            except DuplicateParticipant:
                importer.reject(row.report, "documents", "duplicate_participant", _TAKEN)
