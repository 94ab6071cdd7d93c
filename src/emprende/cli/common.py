"""What every command shares: the console, the settings, and a container opened on a reachable database."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from emprende.bootstrap import Container, build_container
from emprende.settings import ConfigurationError, Settings

console = Console(stderr=True)
T = TypeVar("T")


def refuse(error: ConfigurationError) -> typer.Exit:
    """Configuration the command cannot run with: one line on standard error, exit status 2, no traceback."""
    console.print(f"[red]configuration error:[/red] {escape(str(error))}", soft_wrap=True)  # one line, any width
    return typer.Exit(2)


def load_settings() -> Settings:
    try:
        settings = Settings.load()
        settings.check()
    except ConfigurationError as error:
        raise refuse(error) from None
    return settings


class DatabaseUnreachable(Exception):
    """The configured database cannot be opened: the message is the driver's first line."""


async def connect(container: Container) -> None:
    from sqlalchemy.exc import DBAPIError

    try:
        async with container.engine.connect():
            pass
    except (OSError, DBAPIError) as error:
        # Only the first line: SQLAlchemy appends its own notes; the driver's reason comes first.
        lines = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise DatabaseUnreachable(lines[0] if lines else type(error).__name__) from None


def writable_sqlite_file(settings: Settings) -> None:
    """Checked before connecting: aiosqlite's worker thread outlives a failed connection and complains later."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
        if existing is not None and not os.access(existing, os.W_OK):
            console.print(f"[red]cannot open the database:[/red] {escape(str(path))} cannot be written", soft_wrap=True)
            raise typer.Exit(1)


def with_container(settings: Settings, work: Callable[[Container], Awaitable[T]]) -> T:
    writable_sqlite_file(settings)

    async def run() -> T:
        try:
            container = build_container(settings)
        except OSError as error:  # e.g. the SQLite file's directory cannot be created
            raise DatabaseUnreachable(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")) from None
        try:
            await connect(container)
            return await work(container)
        finally:
            await container.close()

    try:
        return asyncio.run(run())
    except ConfigurationError as error:
        raise refuse(error) from None
    except DatabaseUnreachable as error:
        console.print(f"[red]cannot open the database:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(1) from None


async def migrated(container: Container, work: Callable[[Container], Awaitable[T]]) -> T:
    """Apply pending migrations first, as `serve` does: a command on a fresh data directory finds its tables."""
    await apply_migrations(container)
    return await work(container)


async def apply_migrations(container: Container) -> None:
    await container.upgrade_schema()
