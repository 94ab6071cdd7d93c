"""Where the certificates' signing keys are kept: public halves in the clear, private halves sealed (the sealing is
the credentials adapter's), each key retired rather than deleted so that what it signed keeps verifying."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.shared.database import write_engine
from emprende.adapters.sql.training.tables import signing_keys
from emprende.services.training.ports import StoredKey


class SqlSigningKeyStore:
    """Reads and writes the keys in short transactions of their own."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def load(self) -> Sequence[StoredKey]:
        c = signing_keys.c
        async with self._engine.connect() as connection:
            rows = (await connection.execute(select(signing_keys).order_by(c.created_at, c.kid))).all()
        return [
            StoredKey(row.kid, row.created_at, row.retired_at, row.public_key, row.sealed_private_key) for row in rows
        ]

    async def replace_active(self, new: StoredKey, retire_at: datetime) -> None:
        """Retire every key still signing (forgetting its private half) and add `new`, in one transaction."""
        c = signing_keys.c
        async with write_engine(self._engine).begin() as connection:
            await connection.execute(
                update(signing_keys).where(c.retired_at.is_(None)).values(retired_at=retire_at, sealed_private_key=None)
            )
            await connection.execute(
                insert(signing_keys).values(
                    kid=new.kid,
                    created_at=new.created_at,
                    retired_at=None,
                    public_key=new.public_key,
                    sealed_private_key=new.sealed_private_key,
                )
            )
