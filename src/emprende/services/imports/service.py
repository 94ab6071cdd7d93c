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
`import_rows`, what is done with each batch in `import_batch`, probable duplicates in `import_duplicates`, the report
in `import_report`.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emprende.domain.participants.matching import PersonSketch
from emprende.domain.participants.participant import DuplicateParticipant
from emprende.domain.shared.errors import InvalidInput
from emprende.services.imports.batch import TAKEN, YIELD_EVERY, Importer, Row, Valid
from emprende.services.imports.ledger import MemoryImportLedger
from emprende.services.imports.ports import ImportLedger, ImportSinkFactory
from emprende.services.imports.report import (
    ImportMode,
    ImportOutcome,
    ImportReport,
    RowReport,
    report_csv,
    report_dict,
    write_report_csv,
    write_report_json,
)
from emprende.services.imports.rows import (
    COLUMNS,
    KNOWN_COLUMNS,
    REQUIRED_COLUMNS,
    FieldIssue,
    ImportFileError,
    RawRow,
    check_row,
)
from emprende.services.participants.permissions import authorize
from emprende.services.participants.ports import ParticipantsUnitOfWork
from emprende.services.participants.registry import REGISTERING_ROLES, require_any_partner_role
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal

__all__ = [
    "COLUMNS",
    "DEFAULT_BATCH",
    "KNOWN_COLUMNS",
    "REQUIRED_COLUMNS",
    "FieldIssue",
    "ImportFileError",
    "ImportMode",
    "ImportOutcome",
    "ImportParticipants",
    "ImportReport",
    "RawRow",
    "RowReport",
    "check_row",
    "import_participants",
    "report_csv",
    "report_dict",
    "write_report_csv",
    "write_report_json",
]

# Rows per batch: a batch costs a few round trips and, per record, a transaction, whatever its size; at most three are
# held in memory (one written, one waiting, one being read), the one written with its registry blocks (~60 people a
# day in a million).
DEFAULT_BATCH = 2000
_AHEAD = 1  # validated batches that may wait for their turn to be handled (besides the one handled, the one read)


@dataclass(frozen=True, slots=True)
class ImportParticipants:
    mode: ImportMode
    owner_partner_id: uuid.UUID | None = None
    """Administrators name the importing partner; partner principals always import for their own."""
    batch_size: int = DEFAULT_BATCH


# --- the use case ---------------------------------------------------------------------------------------------------


async def import_participants(
    cmd: ImportParticipants,
    rows: Iterable[RawRow],
    principal: Principal,
    *,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
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
    importer = Importer(cmd.mode, principal, owner, sink_factory, clock, ledger or MemoryImportLedger())
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
    importer: Importer, rows: Iterable[RawRow], size: int
) -> AsyncGenerator[tuple[list[Row], int, datetime]]:
    """Validated rows in batches of `size` rows read (with how many were read so far).

    Validation is pure CPU work: every few rows it gives the event loop a turn, so that a batch whose lookups and
    writes are in flight (see `_pipeline`) makes progress meanwhile."""
    pending: list[Row] = []
    read = 0
    now = importer.clock.now()
    for raw in rows:
        read += 1
        row = importer.validate(raw, now)
        if row is not None:
            pending.append(row)
        if read % size == 0:
            yield pending, read, now
            pending = []
            now = importer.clock.now()
        elif importer.overlap and read % YIELD_EVERY == 0:
            await asyncio.sleep(0)
    if pending or read % size:
        yield pending, read, now


_Handle = Callable[[list[Row], int, datetime], Coroutine[Any, Any, None]]


async def _pipeline(importer: Importer, rows: Iterable[RawRow], size: int, handle: _Handle) -> None:
    """Hand each validated batch to `handle` (its lookups and writes), one batch at a time and in file order.

    When the sink's I/O runs on the event loop, batches are handled by a task of their own while the file is read and
    validated ahead, at most `_AHEAD` batches waiting: whenever one batch's database work is in flight there is
    validation to do, and the next batch's handling starts as soon as the previous one ends. Batches are still
    handled one after the other, so lookups always see every earlier batch written. Otherwise (the sink's I/O holds
    the event loop) each batch is handled before the next is read. If anything fails, the batch in flight is
    cancelled (its transaction rolls back), and an error in reading or validating is the one reported."""
    queue: asyncio.Queue[tuple[list[Row], int, datetime] | None] = asyncio.Queue(maxsize=_AHEAD)

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
    importer: Importer, rows: Iterable[RawRow], size: int, progress: Callable[[int], None] | None
) -> None:
    """Dry run and atomic mode: one transaction that is committed only when every row went in."""
    broken = False  # a write failed: the transaction is lost, later rows are only checked against the file

    async with importer.sinks(importer.principal, dry_run=importer.dry_run) as entered:
        sink = importer.entered(entered)

        async def handle(rows: list[Row], read: int, now: datetime) -> None:
            nonlocal broken
            people: list[tuple[uuid.UUID, PersonSketch]] = []
            if rows:
                batch = await importer.run_batch(None if broken else sink, rows, now)
                people = batch.people
                if not importer.dry_run and not importer.rejected:
                    try:
                        await sink.write(batch.created, batch.updated, batch.duplicates)
                    except DuplicateParticipant:
                        broken = True
                        for report in batch.reports:
                            importer.reject(report, "documents", "duplicate_participant", TAKEN)
            importer.settle(read, people)
            if progress is not None:
                progress(read)

        await _pipeline(importer, rows, size, handle)
        if not importer.dry_run and not importer.rejected:
            await sink.commit()
            importer.report.committed = True
    # All or nothing, and if it was nothing, the report says so as it is read (`ImportReport.each_row`).


async def _per_record(
    importer: Importer, rows: Iterable[RawRow], size: int, progress: Callable[[int], None] | None
) -> None:
    """Each valid row is kept on its own; rows go in by batches and a batch that hits a constraint row by row."""

    async def handle(rows: list[Row], read: int, now: datetime) -> None:
        if rows:
            replay = False
            async with importer.sinks(importer.principal) as entered:
                sink = importer.entered(entered)
                batch = await importer.decide(sink, rows, now)
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
                await _row_by_row(importer, batch.reports, rows, now)
        importer.settle(read, ())
        if progress is not None:
            progress(read)

    await _pipeline(importer, rows, size, handle)
    importer.report.committed = True


async def _row_by_row(importer: Importer, pending: list[RowReport], rows: list[Row], now: datetime) -> None:
    retry = {id(report) for report in pending}
    for row in rows:
        if not isinstance(row, Valid) or id(row.report) not in retry:
            continue
        importer.release(row)
        async with importer.sinks(importer.principal) as sink:
            batch = await importer.run_batch(sink, [row], now)
            if not batch.reports:
                continue
            try:
                await sink.write(batch.created, batch.updated, batch.duplicates)
                await sink.commit()
            except DuplicateParticipant:
                importer.reject(row.report, "documents", "duplicate_participant", TAKEN)
