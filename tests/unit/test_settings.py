"""Settings: defaults, environment variables, and the configurations that must refuse to run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from emprende.settings import ConfigurationError, Environment, Settings

GOOD_SECRET = "s" * 32


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("EMPRENDE_"):
            monkeypatch.delenv(name)


def test_defaults_are_a_runnable_development_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.effective_database_url == "sqlite+aiosqlite:///var/emprende.db"
    assert settings.is_sqlite
    assert settings.cors_origins == []
    assert settings.password_hash_memory_kib >= 19 * 1024
    assert settings.password_hash_time_cost >= 2
    settings.check()


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPRENDE_ENV", "production")
    monkeypatch.setenv("EMPRENDE_DATABASE_URL", "postgresql+asyncpg://emprende@db/emprende")
    monkeypatch.setenv("EMPRENDE_SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("EMPRENDE_CORS_ORIGINS", " https://portal.example , https://staff.example ,")
    monkeypatch.setenv("EMPRENDE_ACCESS_TOKEN_MINUTES", "5")
    settings = Settings()
    assert settings.env is Environment.PRODUCTION
    assert not settings.is_sqlite
    assert settings.cors_origins == ["https://portal.example", "https://staff.example"]
    assert settings.access_token_minutes == 5
    settings.check()


def test_secret_is_not_shown_in_repr() -> None:
    settings = Settings(secret_key=GOOD_SECRET)
    assert GOOD_SECRET not in repr(settings)
    assert GOOD_SECRET not in str(settings.model_dump())


def test_settings_are_immutable() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.env = Environment.PRODUCTION


@pytest.mark.parametrize(
    ("name", "value"),
    [("EMPRENDE_ACCESS_TOKEN_MINUTES", "0"), ("EMPRENDE_MAX_BODY_BYTES", "10"), ("EMPRENDE_ENV", "staging")],
)
def test_out_of_range_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EMPRENDE_ENV": "staging"}, "EMPRENDE_ENV: must be one of 'development', 'test' or 'production'."),
        ({"EMPRENDE_MAX_BODY_BYTES": "7"}, "EMPRENDE_MAX_BODY_BYTES: input should be greater than or equal to 1024."),
        (
            {"EMPRENDE_DATABASE_URL": "mysql://root:hunter2-secret@db/emprende"},
            "EMPRENDE_DATABASE_URL: use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://",
        ),
        (
            {"EMPRENDE_DATABASE_URL": "postgresql://root:hunter2-secret@db/emprende", "EMPRENDE_ENV": "live"},
            "EMPRENDE_ENV: must be one of",
        ),
    ],
)
def test_loading_bad_values_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as raised:
        Settings.load()
    text = str(raised.value)
    assert message in text
    assert "\n" not in text
    assert "hunter2-secret" not in text
    for value in variables.values():
        assert value not in text  # values are never repeated: one of them may be a secret
    if len(variables) > 1:
        assert text.count("; ") == len(variables) - 1


def test_an_empty_database_url_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPRENDE_DATABASE_URL", "")
    assert Settings.load().is_sqlite


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"env": "production"}, "EMPRENDE_SECRET_KEY must be set in production"),
        ({"env": "production", "secret_key": GOOD_SECRET}, "EMPRENDE_DATABASE_URL must be set in production"),
        ({"env": "production", "secret_key": "short", "database_url": "postgresql+asyncpg://db/e"}, "at least 32"),
        ({"secret_key": "x" * 31}, "at least 32 bytes"),
    ],
)
def test_configurations_that_must_not_run(values: dict[str, str], message: str) -> None:
    settings = Settings(**values)
    with pytest.raises(ConfigurationError, match=message) as raised:
        settings.check()
    assert "\n" not in str(raised.value)
    with pytest.raises(ConfigurationError):
        settings.resolve_secret()


def test_an_unwritable_data_directory_is_a_configuration_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="EMPRENDE_DATA_DIR: cannot keep the development secret"):
        Settings(data_dir=blocker / "var").resolve_secret()


def test_secret_length_counts_bytes_not_characters() -> None:
    Settings(secret_key="ñ" * 16).check()  # 32 bytes in UTF-8
    with pytest.raises(ConfigurationError):
        Settings(secret_key="ñ" * 15 + "a").check()


def test_configured_secret_wins(tmp_path: Path) -> None:
    settings = Settings(secret_key=GOOD_SECRET, data_dir=tmp_path)
    assert settings.resolve_secret() == GOOD_SECRET
    assert not (tmp_path / "secret.key").exists()


def test_development_secret_is_kept_across_restarts(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    first = Settings(data_dir=data_dir).resolve_secret()
    assert len(first.encode()) >= 32
    path = data_dir / "secret.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert Settings(data_dir=data_dir).resolve_secret() == first
    assert Settings(data_dir=tmp_path / "elsewhere").resolve_secret() != first


def test_a_truncated_development_secret_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("short\n", encoding="utf-8")
    secret = Settings(data_dir=tmp_path).resolve_secret()
    assert secret != "short"
    assert len(secret.encode()) >= 32
    assert (tmp_path / "secret.key").read_text(encoding="utf-8") == secret


def test_development_secret_file_with_trailing_newline_is_accepted(tmp_path: Path) -> None:
    stored = "z" * 40
    (tmp_path / "secret.key").write_text(stored + "\n", encoding="utf-8")
    assert Settings(data_dir=tmp_path).resolve_secret() == stored
