"""Running Alembic migrations from emprende itself (CLI, server start, tests), sharing an async connection."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import emprende
from emprende.adapters.sql.shared.database import write_engine
from emprende.adapters.sql.shared.schema import metadata


def migrations_dir() -> Path:
    """Inside an installed wheel the scripts ship as `emprende/_migrations`; in a checkout they are `migrations/`."""
    package = Path(emprende.__file__).resolve().parent
    for candidate in (package / "_migrations", package.parent.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("the migration scripts are missing from this installation")


def alembic_config(url: str, output: io.StringIO | None = None) -> Config:
    config = Config(stdout=output) if output is not None else Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def _run(engine: AsyncEngine, action: Any, *args: Any) -> str:
    output = io.StringIO()
    config = alembic_config(engine.url.render_as_string(hide_password=False), output)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        action(config, *args)

    async with write_engine(engine).begin() as connection:
        await connection.run_sync(run)
    return output.getvalue()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, command.upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, command.downgrade, revision)


async def current(engine: AsyncEngine) -> str:
    return (await _run(engine, command.current)).strip()


async def drift(engine: AsyncEngine) -> list[Any]:
    """Differences between the migrated database and the mapped tables; empty when they agree."""

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        return await connection.run_sync(compare)
