"""The `emprende` command, run as an operator would: against a SQLite database in a data directory of its own."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner, Result

from emprende.adapters.sql.shared.migrations import alembic_config
from emprende.cli import app

ADMIN_PASSWORD = "una clave bastante larga"
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment: development mode, the default SQLite database under tmp_path, cheap password hashing."""
    for name in list(os.environ):
        if name.startswith("EMPRENDE_"):
            monkeypatch.delenv(name)
    directory = tmp_path / "var"
    monkeypatch.setenv("EMPRENDE_DATA_DIR", str(directory))
    monkeypatch.setenv("EMPRENDE_PASSWORD_HASH_MEMORY_KIB", "64")
    monkeypatch.setenv("EMPRENDE_PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("EMPRENDE_LOG_JSON", "false")
    return directory


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_db_upgrade_current_downgrade(data_dir: Path) -> None:
    assert run("db", "current").stdout.strip() == "(empty database: no revision applied)"

    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "database upgraded to head" in upgraded.output
    assert (data_dir / "emprende.db").is_file()

    current = run("db", "current")
    assert current.exit_code == 0
    assert HEAD is not None
    assert current.stdout.strip() == f"{HEAD} (head)"

    downgraded = run("db", "downgrade", "base")
    assert downgraded.exit_code == 0, downgraded.output
    assert run("db", "current").stdout.strip() == "(empty database: no revision applied)"

    assert run("db", "upgrade").exit_code == 0
    assert HEAD in run("db", "current").stdout


def test_db_downgrade_needs_a_target(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["db", "downgrade"])
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_create_admin(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("db", "upgrade").exit_code == 0
    monkeypatch.setenv("EMPRENDE_ADMIN_PASSWORD", ADMIN_PASSWORD)

    created = run("users", "create-admin", "--email", "Coordinacion@Emprende.Test", "--name", "Coordinación")
    assert created.exit_code == 0, created.output
    assert "administrator coordinacion@emprende.test created" in created.output
    assert ADMIN_PASSWORD not in created.output

    duplicate = run("users", "create-admin", "--email", "coordinacion@emprende.test")
    assert duplicate.exit_code == 1
    assert "email_taken" in duplicate.output
    assert "already registered" in duplicate.output
    assert "Traceback" not in duplicate.output


def test_create_admin_refuses_weak_passwords_and_bad_emails(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("db", "upgrade").exit_code == 0
    monkeypatch.setenv("EMPRENDE_ADMIN_PASSWORD", "short")
    weak = run("users", "create-admin", "--email", "ana@emprende.test")
    assert weak.exit_code == 1
    assert "weak_password" in weak.output

    monkeypatch.setenv("EMPRENDE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    invalid = run("users", "create-admin", "--email", "not-an-email")
    assert invalid.exit_code == 1
    assert "invalid_email" in invalid.output


def test_create_admin_without_a_password_or_terminal(data_dir: Path) -> None:
    result = run("users", "create-admin", "--email", "ana@emprende.test")
    assert result.exit_code == 2
    assert "EMPRENDE_ADMIN_PASSWORD" in result.output


def _demo_emails(output: str) -> list[str]:
    return [line.split()[0] for line in output.splitlines() if "@" in line]


async def _signs_in_ready(emails: list[str]) -> list[str]:
    """The accounts that sign in with the demo password and may go on at once (no password change required)."""
    from emprende.bootstrap import build_container
    from emprende.services.identity.auth import PasswordLogin, authenticate, login_with_password
    from emprende.settings import Settings

    container = build_container(Settings.load())
    ready = []
    try:
        for email in emails:
            pair = await login_with_password(
                PasswordLogin(email, "demo-emprende-2026", "127.0.0.1"), uow_factory=container.uow, auth=container.auth
            )
            principal = await authenticate(pair.access_token, auth=container.auth)
            if not pair.password_change_required and not principal.password_change_required:
                ready.append(email)
    finally:
        await container.close()
    return ready


def test_demo_load_is_deterministic_and_only_for_empty_databases(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not data_dir.exists()
    first = run("demo", "load")  # a fresh data directory: migrated first, as `serve` does
    assert first.exit_code == 0, first.output
    emails = _demo_emails(first.output)
    assert "coordinacion@emprende.example" in emails
    assert len(emails) >= 5
    assert len(set(emails)) == len(emails)
    assert "password of every demo account: demo-emprende-2026" in first.output
    assert "business ideas: 3 submitted with their investment plans, 1 still a draft" in first.output
    assert HEAD is not None
    assert run("db", "current").stdout.strip() == f"{HEAD} (head)"

    again = run("demo", "load")
    assert again.exit_code == 1
    assert "only loaded into an empty" in again.output
    assert asyncio.run(_signs_in_ready(emails)) == emails  # every demo account works with the printed password

    monkeypatch.setenv("EMPRENDE_DATA_DIR", str(tmp_path / "other"))
    second = run("demo", "load")
    assert second.exit_code == 0, second.output
    assert _demo_emails(second.output) == emails


def test_demo_load_refuses_a_weak_demo_password_before_writing(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPRENDE_DEMO_PASSWORD", "passwordpassword")
    result = run("demo", "load")
    assert result.exit_code == 1
    assert "weak_password" in result.output
    assert "passwordpassword" not in result.output
    assert "Traceback" not in result.output
    assert not (data_dir / "emprende.db").exists()


def test_create_admin_on_a_fresh_data_directory(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPRENDE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    created = run("users", "create-admin", "--email", "ana@emprende.test")
    assert created.exit_code == 0, created.output
    assert "administrator ana@emprende.test created" in created.output


def test_an_unreachable_database_is_one_line(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPRENDE_DATABASE_URL", "postgresql+asyncpg://emprende:s3cr3t-pw@127.0.0.1:1/emprende")
    result = run("db", "current")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("cannot open the database:")
    assert "s3cr3t-pw" not in result.output


def test_openapi_prints_the_document(data_dir: Path, tmp_path: Path) -> None:
    printed = run("openapi")
    assert printed.exit_code == 0
    document = json.loads(printed.stdout)
    assert document["info"]["title"] == "emprende API"
    assert "/api/v1/users" in document["paths"]

    target = tmp_path / "v1.json"
    written = run("openapi", "--output", str(target))
    assert written.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == document
    assert not (data_dir / "emprende.db").exists(), "printing the document must not touch the database"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"EMPRENDE_ENV": "production"}, "EMPRENDE_SECRET_KEY must be set in production"),
        (
            {"EMPRENDE_ENV": "production", "EMPRENDE_SECRET_KEY": "k" * 48},
            "EMPRENDE_DATABASE_URL must be set in production",
        ),
        ({"EMPRENDE_SECRET_KEY": "too-short"}, "EMPRENDE_SECRET_KEY must be at least 32 bytes long"),
        ({"EMPRENDE_ENV": "prod"}, "EMPRENDE_ENV: must be one of 'development', 'test' or 'production'."),
        ({"EMPRENDE_ACCESS_TOKEN_MINUTES": "0"}, "EMPRENDE_ACCESS_TOKEN_MINUTES: input should be greater than or"),
        (
            {"EMPRENDE_ACCESS_TOKEN_MINUTES": "soon", "EMPRENDE_LOG_JSON": "maybe"},
            "EMPRENDE_ACCESS_TOKEN_MINUTES: input should be a valid integer, unable to parse string as an integer; "
            "EMPRENDE_LOG_JSON: input should be a valid boolean",
        ),
        (
            {"EMPRENDE_DATABASE_URL": "postgres://emprende:s3cr3t-pw@db/emprende"},
            "EMPRENDE_DATABASE_URL: use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://",
        ),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["serve"],
        ["db", "upgrade"],
        ["db", "current"],
        ["users", "create-admin", "--email", "a@b.example"],
        ["demo", "load"],
        ["participants", "import", __file__, "--partner", "00000000-0000-0000-0000-000000000000"],
    ],
)
def test_refuses_to_run_misconfigured(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], message: str, command: list[str]
) -> None:
    """Every command that reads the settings: one line naming the setting, exit status 2, nothing written."""
    monkeypatch.setenv("EMPRENDE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run(*command)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("configuration error:")
    assert message in lines[0]
    assert "s3cr3t-pw" not in result.output
    assert not (data_dir / "emprende.db").exists()
    assert not (data_dir / "secret.key").exists()


@pytest.mark.parametrize(
    ("environment", "line"),
    [
        (
            {"EMPRENDE_ENV": "production"},
            "configuration error: EMPRENDE_SECRET_KEY must be set in production (at least 32 bytes).",
        ),
        (
            {"EMPRENDE_ENV": "prod"},
            "configuration error: EMPRENDE_ENV: must be one of 'development', 'test' or 'production'.",
        ),
    ],
)
def test_configuration_errors_in_a_fresh_process(data_dir: Path, environment: dict[str, str], line: str) -> None:
    """What an operator sees from a real process (narrow terminal, no TTY): one line on stderr, exit status 2."""
    completed = subprocess.run(
        [sys.executable, "-c", "from emprende.cli import main; main()", "serve"],
        env={**os.environ, **environment, "COLUMNS": "40"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.strip().splitlines() == [line]


@pytest.mark.parametrize(
    ("environment", "line"),
    [
        (
            {"EMPRENDE_ADMIN_PASSWORD": "Password2026!"},
            "configuration error: EMPRENDE_ADMIN_PASSWORD: the password is one of the most common passwords, or a "
            "simple variant of one (weak_password).",
        ),
        (
            {"EMPRENDE_BOOTSTRAP_ADMIN_EMAIL": "admin-at-nowhere"},
            "configuration error: EMPRENDE_BOOTSTRAP_ADMIN_EMAIL: not a valid e-mail address (invalid_email).",
        ),
    ],
)
def test_serve_refuses_a_bootstrap_administrator_it_cannot_create(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], line: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run("serve")
    assert result.exit_code == 2
    assert [text for text in result.output.splitlines() if text.strip()] == [line]
    assert "Password2026!" not in result.output


def test_openapi_refuses_a_setting_that_does_not_fit(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPRENDE_MAX_BODY_BYTES", "12")
    result = run("openapi")
    assert result.exit_code == 2
    assert [text for text in result.output.splitlines() if text.strip()] == [
        "configuration error: EMPRENDE_MAX_BODY_BYTES: input should be greater than or equal to 1024."
    ]


def test_development_secret_is_generated_once_and_kept(data_dir: Path) -> None:
    assert run("db", "upgrade").exit_code == 0
    secret_file = data_dir / "secret.key"
    first = secret_file.read_text(encoding="utf-8")
    assert len(first.encode()) >= 32
    assert secret_file.stat().st_mode & 0o777 == 0o600

    assert run("db", "current").exit_code == 0  # a restart
    assert secret_file.read_text(encoding="utf-8") == first
