"""The database health probe."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from emprende.adapters.sql.shared.reads import ReadConnections


class SqlHealthProbe:
    def __init__(self, reads: ReadConnections, timeout_seconds: float = 3.0) -> None:
        self._reads = reads
        self._timeout = timeout_seconds

    async def database_ok(self) -> bool:
        try:
            async with asyncio.timeout(self._timeout), self._reads.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # any failure to reach the database means "not ready"
            return False
        return True
