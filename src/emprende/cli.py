"""The `emprende` command: serve the API, manage the database, users, demo data and the OpenAPI document."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from emprende.bootstrap import Container, build_container
from emprende.bootstrap.imports import ImportsWiring
from emprende.settings import ConfigurationError, Environment, Settings, describe_validation_error

if TYPE_CHECKING:
    from emprende.services.imports.service import ImportReport

app = typer.Typer(help="emprende: inclusive entrepreneurship programmes API.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
demo_app = typer.Typer(help="Demonstration data.", no_args_is_help=True)
participants_app = typer.Typer(help="The participant registry.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(demo_app, name="demo")
app.add_typer(participants_app, name="participants")

console = Console(stderr=True)
T = TypeVar("T")


def _refuse(error: ConfigurationError) -> typer.Exit:
    """Configuration the command cannot run with: one line on standard error, exit status 2, no traceback."""
    console.print(f"[red]configuration error:[/red] {escape(str(error))}", soft_wrap=True)  # one line, any width
    return typer.Exit(2)


def _settings() -> Settings:
    try:
        settings = Settings.load()
        settings.check()
    except ConfigurationError as error:
        raise _refuse(error) from None
    return settings


class _DatabaseUnreachable(Exception):
    """The configured database cannot be opened: the message is the driver's first line."""


async def _connect(container: Container) -> None:
    from sqlalchemy.exc import DBAPIError

    try:
        async with container.engine.connect():
            pass
    except (OSError, DBAPIError) as error:
        # Only the first line: SQLAlchemy appends its own notes; the driver's reason comes first.
        lines = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise _DatabaseUnreachable(lines[0] if lines else type(error).__name__) from None


def _writable_sqlite_file(settings: Settings) -> None:
    """Checked before connecting: aiosqlite's worker thread outlives a failed connection and complains later."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
        if existing is not None and not os.access(existing, os.W_OK):
            console.print(f"[red]cannot open the database:[/red] {escape(str(path))} cannot be written", soft_wrap=True)
            raise typer.Exit(1)


def _with_container(settings: Settings, work: Callable[[Container], Awaitable[T]]) -> T:
    _writable_sqlite_file(settings)

    async def run() -> T:
        try:
            container = build_container(settings)
        except OSError as error:  # e.g. the SQLite file's directory cannot be created
            raise _DatabaseUnreachable(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")) from None
        try:
            await _connect(container)
            return await work(container)
        finally:
            await container.close()

    try:
        return asyncio.run(run())
    except ConfigurationError as error:
        raise _refuse(error) from None
    except _DatabaseUnreachable as error:
        console.print(f"[red]cannot open the database:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(1) from None


async def _migrated(container: Container, work: Callable[[Container], Awaitable[T]]) -> T:
    """Apply pending migrations first, as `serve` does: a command on a fresh data directory finds its tables."""
    await _upgrade(container)
    return await work(container)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    migrate: Annotated[bool, typer.Option(help="Apply pending migrations first.")] = True,
) -> None:
    """Apply migrations, create the first administrator on an empty development database, and serve the API."""
    from emprende.logs import configure_logging
    from emprende.serving import serve as serve_app

    settings = _settings()
    configure_logging(settings.log_level, json=settings.log_json)
    if migrate:
        _with_container(settings, _upgrade)
    if settings.env is Environment.DEVELOPMENT:
        _with_container(settings, _bootstrap_admin)
    console.print(f"emprende on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    serve_app(
        "emprende.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )


async def _upgrade(container: Container) -> None:
    await container.upgrade_schema()


async def _bootstrap_admin(container: Container) -> None:
    from emprende.domain.shared.errors import InvalidInput
    from emprende.services.identity.users import ensure_bootstrap_admin

    password = os.environ.get("EMPRENDE_ADMIN_PASSWORD") or secrets.token_urlsafe(15)
    try:
        user = await ensure_bootstrap_admin(
            container.settings.bootstrap_admin_email,
            password,
            uow_factory=container.uow,
            hasher=container.hasher,
            clock=container.clock,
        )
    except InvalidInput as error:  # a weak EMPRENDE_ADMIN_PASSWORD, or a malformed EMPRENDE_BOOTSTRAP_ADMIN_EMAIL
        setting = "EMPRENDE_ADMIN_PASSWORD" if error.field == "password" else "EMPRENDE_BOOTSTRAP_ADMIN_EMAIL"
        raise ConfigurationError(f"{setting}: {error} ({error.code}).") from None
    if user is not None:
        console.rule("[bold]First administrator created")
        console.print(f"  e-mail:   [bold]{user.email}[/bold]")
        console.print(f"  password: [bold]{password}[/bold]")
        console.print("  (shown only this once; sign in at /docs with the Authorize button)")
        console.rule()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to a revision (default: the newest)."""
    _with_container(_settings(), lambda c: c.upgrade_schema(revision))
    console.print(f"database upgraded to {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")]) -> None:
    """Revert migrations down to a revision."""
    _with_container(_settings(), lambda c: c.downgrade_schema(revision))
    console.print(f"database downgraded to {revision}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    current = _with_container(_settings(), lambda c: c.schema_revision())
    typer.echo(current or "(empty database: no revision applied)")


@users_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="The administrator's e-mail.")],
    name: Annotated[str, typer.Option(help="Full name.")] = "Administrador",
) -> None:
    """Create an administrator. The password comes from EMPRENDE_ADMIN_PASSWORD or a prompt."""
    from emprende.domain.shared.errors import DomainError
    from emprende.services.identity.users import create_admin as create

    password = os.environ.get("EMPRENDE_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            console.print("[red]set EMPRENDE_ADMIN_PASSWORD or run interactively[/red]")
            raise typer.Exit(2)
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = _with_container(
            _settings(),
            lambda c: _migrated(
                c, lambda c: create(email, name, password, uow_factory=c.uow, hasher=c.hasher, clock=c.clock)
            ),
        )
    except DomainError as error:
        console.print(f"[red]{error.code}:[/red] {error}")
        raise typer.Exit(1) from error
    console.print(f"administrator {user.email} created ({user.id})")


@demo_app.command("load")
def demo_load() -> None:
    """Fill an empty database (migrated first, as `serve` does) with realistic, deterministic demonstration data."""
    from emprende.demo import demo_password, load_demo
    from emprende.domain.shared.errors import DomainError

    settings = _settings()
    if settings.env is Environment.PRODUCTION:
        console.print("[red]demo data is never loaded into a production database[/red]")
        raise typer.Exit(1)
    try:
        password = demo_password()  # checked before anything is written
        summary = _with_container(settings, lambda c: _migrated(c, lambda c: load_demo(c, password)))
    except DomainError as error:
        console.print(f"[red]{error.code}:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(1) from error
    if summary is None:
        console.print("[yellow]the database already has users; demo data is only loaded into an empty one[/yellow]")
        raise typer.Exit(1)
    for line in summary:
        console.print(line)


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


@participants_app.command("import")
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
    settings = _settings()
    # A bulk load allocates millions of short-lived objects: collect young garbage less often (20 % less CPU).
    gc.set_threshold(50_000, 20, 100)
    total = _count_rows(file)

    async def work(container: Container) -> tuple[imports.ImportReport, float]:
        await _upgrade(container)
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
        result, seconds = _with_container(settings, work)
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


@app.command()
def openapi(
    output: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
) -> None:
    """Print the OpenAPI document of API v1."""
    from emprende.api.app import create_app

    try:
        settings = Settings(env=Environment.TEST)
    except ValidationError as error:
        raise _refuse(ConfigurationError(describe_validation_error(error))) from None
    document = json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(document)
    else:
        output.write_text(document, encoding="utf-8")
        console.print(f"wrote {output}")


def main() -> None:
    app()
