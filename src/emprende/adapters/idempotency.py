"""Idempotency keys kept in the database, so a retried POST is answered from the first response."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters import tables
from emprende.adapters.database import write_engine
from emprende.services.ports import IdempotencyRecord, StoredResponse

_keys = tables.idempotency_keys
_MATCH = and_(_keys.c.owner == bindparam("o"), _keys.c.key == bindparam("k"))
_SELECT = select(
    _keys.c.fingerprint,
    _keys.c.status_code,
    _keys.c.response_headers,
    _keys.c.response_body,
    _keys.c.expires_at,
).where(_MATCH)


_PURGE_EVERY = 500  # reservations between two purges of expired keys


class SqlIdempotencyStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = write_engine(engine)
        self._reservations = 0

    async def purge_expired(self, now: datetime) -> int:
        """Forget keys past their time to live; returns how many were removed."""
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_keys).where(_keys.c.expires_at <= now))
        return int(result.rowcount or 0)

    async def reserve(
        self, owner: str, key: str, fingerprint: str, now: datetime, expires_at: datetime
    ) -> IdempotencyRecord | None:
        self._reservations += 1
        if self._reservations % _PURGE_EVERY == 1:
            await self.purge_expired(now)
        async with self._engine.begin() as connection:
            row = (await connection.execute(_SELECT, {"o": owner, "k": key})).first()
            if row is not None and row.expires_at > now:
                response = (
                    None
                    if row.status_code is None
                    else StoredResponse(row.status_code, dict(row.response_headers or {}), bytes(row.response_body))
                )
                return IdempotencyRecord(row.fingerprint, response)
            if row is not None:
                await connection.execute(delete(_keys).where(_MATCH), {"o": owner, "k": key})
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    insert(_keys).values(
                        owner=owner, key=key, fingerprint=fingerprint, created_at=now, expires_at=expires_at
                    )
                )
        except IntegrityError:
            # Another request claimed the key between our read and our insert.
            return IdempotencyRecord(fingerprint="", response=None)
        return None

    async def complete(self, owner: str, key: str, response: StoredResponse) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(_keys)
                .where(_MATCH)
                .values(
                    status_code=response.status_code,
                    response_headers=dict(response.headers),
                    response_body=response.body,
                ),
                {"o": owner, "k": key},
            )

    async def release(self, owner: str, key: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(_keys).where(_MATCH), {"o": owner, "k": key})
