"""The `emprende` command: serve the API, manage the database, users, demo data and the OpenAPI document.

The command tree is put together here; the commands are in `operations` (running the service), `imports`
(importing participants) and `certificates` (verifying certificates offline), what they share in `common`."""

from __future__ import annotations

import typer

from emprende.cli import certificates, imports, operations

app = typer.Typer(help="emprende: inclusive entrepreneurship programmes API.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
demo_app = typer.Typer(help="Demonstration data.", no_args_is_help=True)
participants_app = typer.Typer(help="The participant registry.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(demo_app, name="demo")
app.add_typer(participants_app, name="participants")
app.add_typer(certificates.app, name="certificates")

app.command()(operations.serve)
db_app.command("upgrade")(operations.db_upgrade)
db_app.command("downgrade")(operations.db_downgrade)
db_app.command("current")(operations.db_current)
users_app.command("create-admin")(operations.create_admin)
demo_app.command("load")(operations.demo_load)
participants_app.command("import")(imports.participants_import)
app.command()(operations.openapi)


def main() -> None:
    app()
