"""Configuration: one pydantic-settings class, read from `EMPRENDE_*` variables and injected where needed."""

from __future__ import annotations

import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

MIN_SECRET_BYTES = 32
ENV_PREFIX = "EMPRENDE_"
# The drivers emprende runs on: the embedded default and production's PostgreSQL.
DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """The configuration cannot run: the message is one line meant for the operator."""


class Settings(BaseSettings):
    """Every setting of emprende; the README lists them with their defaults."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    env: Environment = Field(Environment.DEVELOPMENT, description="development, test or production.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy async URL. Default: SQLite file `<data_dir>/emprende.db`.",
    )
    data_dir: Path = Field(Path("var"), description="Where the embedded database and development secret live.")
    secret_key: SecretStr | None = Field(
        None,
        description=(
            "Signing key for tokens and cursors, and the source of the key that encrypts responses kept for "
            "`Idempotency-Key` replays (at least 32 bytes). Required in production."
        ),
    )
    token_issuer: str = Field("emprende", description="`iss` claim of issued tokens.")
    token_audience: str = Field("emprende-api", description="`aud` claim of issued tokens.")
    access_token_minutes: int = Field(15, ge=1, le=24 * 60, description="Lifetime of access tokens.")
    refresh_token_days: int = Field(14, ge=1, le=365, description="Lifetime of a login session's refresh tokens.")
    password_hash_memory_kib: int = Field(19456, ge=8, description="argon2id memory cost (KiB).")
    password_hash_time_cost: int = Field(2, ge=1, description="argon2id iterations.")
    password_hash_parallelism: int = Field(1, ge=1, description="argon2id lanes.")
    login_max_failures_per_account: int = Field(
        5, ge=1, description="Failed logins allowed per e-mail within the login window."
    )
    login_max_attempts_per_client: int = Field(
        30, ge=1, description="Login attempts allowed per client address within the login window."
    )
    login_window_seconds: int = Field(900, ge=1, description="Length of the login rate-limit window.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated origins allowed by CORS (none by default)."
    )
    max_body_bytes: int = Field(1_048_576, ge=1024, description="Largest accepted request body, in bytes.")
    import_max_bytes: int = Field(
        52_428_800, ge=1024, description="Largest accepted participant import upload, in bytes."
    )
    client_secret_grace_hours: int = Field(
        24, ge=0, le=24 * 30, description="How long a rotated API client secret keeps working."
    )
    idempotency_ttl_hours: int = Field(24, ge=1, description="How long an `Idempotency-Key` is remembered.")
    db_pool_size: int = Field(32, ge=1, description="Connections per process (PostgreSQL).")
    db_generic_pool_size: int = Field(
        16,
        ge=1,
        description="Further connections per process for the list reads PostgreSQL runs on a cached generic plan "
        "(pages whose plan does not depend on their filter values).",
    )
    sqlite_busy_timeout_ms: int = Field(5000, ge=0, description="How long SQLite waits for a lock.")
    principal_cache_seconds: float = Field(
        60,
        ge=0,
        le=3600,
        description="How long a worker may reuse a token's user, session and partner status (PostgreSQL; every change "
        "to them clears it at once); 0 reads them on every request.",
    )
    log_level: str = Field("INFO", description="Root log level.")
    log_json: bool = Field(True, description="Write logs as JSON lines (false: plain text).")
    opentelemetry: bool = Field(
        False,
        description="Trace and measure requests through FastAPI's native OpenTelemetry support, to the globally "
        "configured providers (off: no per-request telemetry work).",
    )
    programme_name: str = Field(
        "Programa de emprendimiento inclusivo",
        min_length=1,
        max_length=200,
        description="The programme's name, as certificates name their issuer.",
    )
    public_url: str = Field(
        "https://emprende.example.org",
        pattern=r"^https://[^\s/?#]+(/[^\s?#]*)?$",
        max_length=300,
        description="The programme's public https address: the issuer of certificates, and where their key set and "
        "status lists are published (`/api/v1/certificates/...` under it).",
    )
    certificate_status_seconds: float = Field(
        2,
        ge=0,
        le=300,
        description="How long a worker reuses the certificates' status lists it built (verification and the published "
        "lists); a suspension or revocation shows within this time. 0 builds them on every request.",
    )
    bootstrap_admin_email: str = Field(
        "admin@emprende.local",
        description="E-mail of the administrator created on an empty development database.",
    )

    @classmethod
    def load(cls) -> Settings:
        """The settings from the environment; a value that does not fit is a `ConfigurationError` of one line."""
        try:
            return cls()
        except ValidationError as error:
            raise ConfigurationError(describe_validation_error(error)) from None
        except SettingsError as error:  # a value the environment source could not even parse
            raise ConfigurationError(str(error).splitlines()[0]) from None

    @field_validator("database_url")
    @classmethod
    def _known_database_driver(cls, value: str | None) -> str | None:
        # The URL may hold a password: the message names the accepted forms, never the value.
        if not value:
            return None
        if value.partition("://")[0] not in DATABASE_SCHEMES:
            raise ValueError(
                "use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user:password@host:5432/database"
            )
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'emprende.db').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    def check(self) -> None:
        """Refuse configurations that must not run; the error is one line for the operator."""
        if self.env is Environment.PRODUCTION:
            if self.secret_key is None:
                raise ConfigurationError("EMPRENDE_SECRET_KEY must be set in production (at least 32 bytes).")
            if not self.database_url:
                raise ConfigurationError("EMPRENDE_DATABASE_URL must be set in production.")
            if self.password_hash_memory_kib < 19456 or self.password_hash_time_cost < 2:
                raise ConfigurationError("password hashing below argon2id m=19456 KiB, t=2 is refused in production.")
        if self.secret_key is not None and len(self.secret_key.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ConfigurationError("EMPRENDE_SECRET_KEY must be at least 32 bytes long.")

    def resolve_secret(self) -> str:
        """The signing secret: configured, or in development a random one kept in the data directory."""
        self.check()
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret.key"
        if path.exists():
            stored = path.read_text(encoding="utf-8").strip()
            if len(stored.encode()) >= MIN_SECRET_BYTES:
                return stored
        secret = secrets.token_urlsafe(48)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secret, encoding="utf-8")
            path.chmod(0o600)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise ConfigurationError(
                f"EMPRENDE_DATA_DIR: cannot keep the development secret in {path} ({reason.lower()})."
            ) from None
        return secret


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each setting that does not fit and what it accepts, never the value given (it may be secret)."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        name = ENV_PREFIX + "_".join(str(part) for part in item["loc"][:1]).upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "enum" and "expected" in item.get("ctx", {}):
            message = f"must be one of {item['ctx']['expected']}"
        problems.append(f"{name}: {message[:1].lower()}{message[1:]}")
    return "; ".join(problems) + "."
