"""Certificates on the command line: verify one offline, from files only (the certificate, the issuer's published key
set, the status lists it names). Nothing is fetched from the network, ever: a status list that was not given is
reported as not checked."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from emprende.cli.common import console

if TYPE_CHECKING:
    from emprende.domain.training.credential_verification import Verification

app = typer.Typer(help="Verifiable certificates (Open Badges 3.0, signed with Ed25519).", no_args_is_help=True)

MAX_FILE_BYTES = 32 * 1024 * 1024
"""No certificate, key set or status list comes near this: a larger file is refused unread."""


def _read(path: Path, what: str) -> str:
    """A file's text, or exit status 2 with one line saying why it cannot be read."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError("the file is too large")
        return path.read_text(encoding="utf-8-sig")
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        console.print(f"[red]cannot read the {what}[/red] {escape(str(path))}: {escape(reason)}", soft_wrap=True)
        raise typer.Exit(2) from None


def _json_object(text: str, path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        console.print(f"[red]the {what} is not a JSON object:[/red] {escape(str(path))}", soft_wrap=True)
        raise typer.Exit(2)
    return value


def _status_list_files(pairs: list[str]) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for pair in pairs:
        url, _, name = pair.rpartition("=")  # a URL may hold "=" in its query; a file name seldom does
        if not url or not name:
            console.print(f"[red]--status-list takes URL=FILE, not[/red] {escape(pair)}", soft_wrap=True)
            raise typer.Exit(2)
        files[url] = Path(name)
    return files


def _load_status_list(path: Path, keys: Mapping[str, Any], now: datetime) -> dict[str, Any] | None:
    """A status list credential from a file: its JSON, or its signed JWT once the signature holds under the key set."""
    from emprende.bootstrap.credentials import verify_status_list

    text = _read(path, "status list").strip()
    if text.startswith("{"):
        return _json_object(text, path, "status list")
    return verify_status_list(text, keys, now=now)


def _node(value: object, name: str) -> str:
    if isinstance(value, Mapping):
        value = value.get(name)
    return value if isinstance(value, str) else "-"


def _modules(value: object) -> str:
    items = value if isinstance(value, list) else []
    return ", ".join(f"{_node(item, 'name')} {_node(item, 'version')}" for item in items) or "-"


def _print_report(verification: Verification) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    credential: Mapping[str, Any] = verification.credential or {}
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    colour = "red" if not verification.valid else "yellow" if verification.status_unchecked else "green"
    table = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("outcome", Text(verification.outcome.value.replace("_", " "), style=f"bold {colour}"))
    table.add_row("", Text(verification.message))
    if credential:
        # Text, never markup: everything below is the certificate's own text.
        rows = {
            "issuer": f"{_node(credential.get('issuer'), 'name')} ({_node(credential.get('issuer'), 'id')})",
            "delivered by": f"{_node(subject.get('source'), 'name')} ({_node(subject.get('source'), 'id')})",
            "subject": _node(subject, "id"),
            "achievement": f"{_node(achievement, 'name')} ({_node(achievement, 'id')})",
            "hours": str(achievement.get("trainingHours", "-")),
            "modules": _modules(achievement.get("trainingModules")),
            "credential id": _node(credential, "id"),
            "awarded": _node(credential, "awardedDate"),
            "valid from": _node(credential, "validFrom"),
            "valid until": _node(credential, "validUntil"),
        }
        for label, value in rows.items():
            table.add_row(label, Text(value))
    table.add_row("key id", Text(verification.kid or "-"))
    Console().print(table)


def verify(
    file: Annotated[Path, typer.Argument(help="The certificate: a file holding its JWT (compact JWS).")],
    jwks_file: Annotated[
        Path | None, typer.Option("--jwks", help="The issuer's published key set, a JSON Web Key Set file.")
    ] = None,
    status_list: Annotated[
        list[str] | None,
        typer.Option(
            "--status-list",
            metavar="URL=FILE",
            help="A status list the certificate names (its URL) saved as a file: its JSON, or its signed JWT. "
            "Repeat for each list.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verification as JSON.")] = False,
) -> None:
    """Verify a certificate offline: exit status 0 when it is valid, 1 when it is not.

    A status list the certificate names but that is not given is reported as not checked (a warning, exit status 0)."""
    from emprende.bootstrap.credentials import public_keys_from_jwks, verify_credential

    token = _read(file, "certificate").strip()
    keys: dict[str, Any] = {"keys": []}
    if jwks_file is not None:
        keys = _json_object(_read(jwks_file, "key set"), jwks_file, "key set")
        try:
            public_keys_from_jwks(keys)
        except ValueError as error:
            console.print(f"[red]the key set cannot be used:[/red] {escape(str(error))}", soft_wrap=True)
            raise typer.Exit(2) from None
    now = datetime.now(UTC)
    files = _status_list_files(status_list or [])
    lists = {url: _load_status_list(path, keys, now) for url, path in files.items()}
    verification = verify_credential(token, keys, now=now, status_lists=lists.get)
    if as_json:
        typer.echo(json.dumps(verification.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_report(verification)
    if jwks_file is None:
        console.print("[yellow]no key set given:[/yellow] pass the issuer's published keys with --jwks FILE")
    for url in verification.status_unchecked:
        why = "the file given is not this list, is out of date or its signature does not hold"
        why = why if url in files else "not given: pass --status-list URL=FILE with the list saved from that URL"
        console.print(
            f"[yellow]warning: status not checked[/yellow] {escape(url)} ({why}); the certificate may have been "
            "revoked or suspended",
            soft_wrap=True,
        )
    if not verification.valid:
        raise typer.Exit(1)


app.command("verify")(verify)
