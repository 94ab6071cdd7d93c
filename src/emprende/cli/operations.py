"""Running the service: serving the API, schema migrations, the first administrator, demonstration data and the
OpenAPI document."""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape

from emprende.bootstrap import Container
from emprende.cli.common import apply_migrations, console, load_settings, migrated, refuse, with_container
from emprende.settings import ConfigurationError, Environment, Settings, describe_validation_error


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    migrate: Annotated[bool, typer.Option(help="Apply pending migrations first.")] = True,
) -> None:
    """Apply migrations, create the first administrator on an empty development database, and serve the API."""
    from emprende.logs import configure_logging
    from emprende.serving import serve as serve_app

    settings = load_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    if migrate:
        with_container(settings, apply_migrations)
    if settings.env is Environment.DEVELOPMENT:
        with_container(settings, _bootstrap_admin)
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


def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to a revision (default: the newest)."""
    with_container(load_settings(), lambda c: c.upgrade_schema(revision))
    console.print(f"database upgraded to {revision}")


def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")]) -> None:
    """Revert migrations down to a revision."""
    with_container(load_settings(), lambda c: c.downgrade_schema(revision))
    console.print(f"database downgraded to {revision}")


def db_current() -> None:
    """Show the database's current revision."""
    current = with_container(load_settings(), lambda c: c.schema_revision())
    typer.echo(current or "(empty database: no revision applied)")


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
        user = with_container(
            load_settings(),
            lambda c: migrated(
                c, lambda c: create(email, name, password, uow_factory=c.uow, hasher=c.hasher, clock=c.clock)
            ),
        )
    except DomainError as error:
        console.print(f"[red]{error.code}:[/red] {error}")
        raise typer.Exit(1) from error
    console.print(f"administrator {user.email} created ({user.id})")


def demo_load() -> None:
    """Fill an empty database (migrated first, as `serve` does) with realistic, deterministic demonstration data."""
    from emprende.demo import demo_password, load_demo
    from emprende.domain.shared.errors import DomainError

    settings = load_settings()
    if settings.env is Environment.PRODUCTION:
        console.print("[red]demo data is never loaded into a production database[/red]")
        raise typer.Exit(1)
    try:
        password = demo_password()  # checked before anything is written
        summary = with_container(settings, lambda c: migrated(c, lambda c: load_demo(c, password)))
    except DomainError as error:
        console.print(f"[red]{error.code}:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(1) from error
    if summary is None:
        console.print("[yellow]the database already has users; demo data is only loaded into an empty one[/yellow]")
        raise typer.Exit(1)
    for line in summary:
        console.print(line)


def openapi(
    output: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
) -> None:
    """Print the OpenAPI document of API v1."""
    from emprende.api.app import create_app

    try:
        settings = Settings(env=Environment.TEST)
    except ValidationError as error:
        raise refuse(ConfigurationError(describe_validation_error(error))) from None
    document = json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(document)
    else:
        output.write_text(document, encoding="utf-8")
        console.print(f"wrote {output}")
