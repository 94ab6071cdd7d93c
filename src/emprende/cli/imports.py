"""Importing participants from a file: progress on the console, a summary, and the rejected rows or a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from emprende.bootstrap import Container
from emprende.bootstrap.imports import ImportsWiring
from emprende.cli.common import apply_migrations, console, load_settings, with_container

if TYPE_CHECKING:
    from emprende.services.imports.service import ImportReport


def _count_rows(path: Path) -> int | None:
    """About how many data rows a text file holds (its lines); None for a workbook (a ZIP archive), which only its
    reading tells."""
    lines = 0
    with path.open("rb") as stream:
        if stream.read(4) == b"PK\x03\x04":
            return None
        stream.seek(0)
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - (0 if path.suffix.lower() in (".jsonl", ".ndjson") else 1), 1)


def participants_import(
    file: Annotated[Path, typer.Argument(help="A CSV, JSON Lines or .xlsx file (see README: Importing participants).")],
    partner: Annotated[str, typer.Option(help="Id of the partner the people are registered for.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
    atomic: Annotated[bool, typer.Option("--atomic", help="All rows or none.")] = False,
    encoding: Annotated[str, typer.Option(help="utf-8 (default, BOM accepted) or latin-1.")] = "utf-8",
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv, jsonl or xlsx (default: from the name or content).")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the per-row report to this .json or .csv file.")] = None,
    show_rejected: Annotated[
        int, typer.Option(min=0, help="Without --report: how many rejected rows to list with their problems.")
    ] = 20,
    admin: Annotated[str | None, typer.Option(help="E-mail of the administrator acting (audit trail).")] = None,
) -> None:
    """Import participants from a file, with a progress bar; exit status 1 when a row was rejected.

    Without --report, the first rejected rows are listed with their problems (row, field, code, message)."""
    import gc
    import time
    import uuid

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from emprende.bootstrap.imports import ImportEncoding, ImportFormat, read_rows
    from emprende.domain.identity.user import Role
    from emprende.domain.shared.errors import DomainError
    from emprende.services.imports import service as imports
    from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind

    if dry_run and atomic:
        console.print("[red]choose --dry-run or --atomic, not both[/red]")
        raise typer.Exit(2)
    try:
        owner = uuid.UUID(partner)
        chosen_encoding = ImportEncoding(encoding.lower())
        chosen_format = ImportFormat(file_format.lower()) if file_format else None
    except ValueError as error:
        console.print(f"[red]invalid option:[/red] {error}")
        raise typer.Exit(2) from error
    if not file.is_file():
        console.print(f"[red]no such file:[/red] {file}")
        raise typer.Exit(2)
    mode = (
        imports.ImportMode.DRY_RUN
        if dry_run
        else imports.ImportMode.ATOMIC
        if atomic
        else imports.ImportMode.PER_RECORD
    )
    settings = load_settings()
    # A bulk load allocates millions of short-lived objects: collect young garbage less often (20 % less CPU).
    gc.set_threshold(50_000, 20, 100)
    total = _count_rows(file)

    async def work(container: Container) -> tuple[imports.ImportReport, float]:
        await apply_migrations(container)
        async with container.uow(SYSTEM, read_only=True) as uow:
            user = await uow.users.get_by_email((admin or container.settings.bootstrap_admin_email).lower())
        if user is None or user.role is not Role.ADMIN or not user.is_active:
            raise typer.BadParameter("no active administrator with that e-mail (see --admin)", param_hint="--admin")
        principal = Principal(kind=PrincipalKind.USER, id=user.id, role=Role.ADMIN)
        with (
            file.open("rb") as stream,
            Progress(
                TextColumn("[bold]importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
            ) as progress,
        ):
            task = progress.add_task("import", total=total)
            began = time.perf_counter()
            imported = await imports.import_participants(
                imports.ImportParticipants(mode=mode, owner_partner_id=owner),
                read_rows(stream, format=chosen_format, encoding=chosen_encoding, filename=file.name),
                principal,
                uow_factory=container.uow,
                sink_factory=container.area(ImportsWiring).sink,
                clock=container.clock,
                progress=lambda done: progress.update(task, completed=done),
                ledger=container.area(ImportsWiring).ledger(),
            )
            return imported, time.perf_counter() - began

    try:
        result, seconds = with_container(settings, work)
    except DomainError as error:
        console.print(f"[red]{error.code}:[/red] {error}", soft_wrap=True)
        raise typer.Exit(1) from error
    counts = result.counts()
    written = result.committed or mode is imports.ImportMode.PER_RECORD
    outcomes = ("created", "updated") if written else ("would_create", "would_update")
    summary = ", ".join(f"{name} {counts[name]}" for name in (*outcomes, "unchanged", "rejected"))
    state = "committed" if result.committed else "nothing written" if mode is not imports.ImportMode.PER_RECORD else ""
    rate = f"{counts['total'] / seconds:,.0f} rows/s" if seconds > 0 else "-"
    console.print(
        f"{counts['total']} rows in {seconds:.1f} s ({rate}): {summary}; "
        f"{counts['probable_duplicates']} probable duplicates{'; ' + state if state else ''}"
    )
    try:
        if report is not None:
            with report.open("w", encoding="utf-8", newline="") as out:  # written as it is read: any size
                if report.suffix.lower() == ".csv":
                    imports.write_report_csv(result, out)
                else:
                    imports.write_report_json(result, out)
            console.print(f"report written to {report}")
        elif counts["rejected"]:
            _print_rejected(result, counts["rejected"], show_rejected)
    finally:
        result.close()
    if counts["rejected"]:
        raise typer.Exit(1)


def _print_rejected(result: ImportReport, rejected: int, limit: int) -> None:
    """The first `limit` rejected rows of an import with every problem of each (never the submitted values), and how
    to get the rest."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from emprende.services.imports.service import ImportOutcome

    shown = 0
    if limit:
        table = Table("row", "field", "code", "message", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        rows = (item for item in result.each_row() if item.outcome is ImportOutcome.REJECTED)
        for item in rows:
            for index, issue in enumerate(item.errors):
                # Text, not markup: a JSON Lines key named in a problem is the file's text.
                table.add_row(
                    str(item.row) if index == 0 else "", Text(issue.field), Text(issue.code), Text(issue.message)
                )
            shown += 1
            if shown == limit:
                break
        console.print(f"rejected rows{' (first ' + str(shown) + ')' if shown < rejected else ''}:")
        console.print(table)
    more = rejected - shown
    if more:
        console.print(
            f"{more} more rejected row{'s' if more > 1 else ''}: --report FILE.csv (or .json) writes every row's "
            "outcome and problems",
            soft_wrap=True,
        )
