"""Read queries of the partners area."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, func, select

from emprende.adapters.sql.partners import tables as partner_tables
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.services.partners.ports import PartnerFilters, PartnerRow

_partners = partner_tables.partners


class SqlPartnerQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads

    async def list_partners(
        self, tenant: uuid.UUID | None, filters: PartnerFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[PartnerRow]:
        c = _partners.c
        statement: Select[tuple[object, ...]] = (
            select(
                c.id,
                c.name,
                c.kind,
                c.country,
                c.ruc,
                c.contact_email,
                c.contact_phone,
                c.status,
                c.created_at,
                c.updated_at,
                c.version,
            )
            .order_by(c.id)
            .limit(limit)
        )
        if tenant is not None:
            statement = statement.where(c.id == tenant)
        if filters.kind is not None:
            statement = statement.where(c.kind == filters.kind)
        if filters.status is not None:
            statement = statement.where(c.status == filters.status)
        if filters.country is not None:
            statement = statement.where(c.country == filters.country)
        if filters.name_contains:
            statement = statement.where(func.lower(c.name).contains(filters.name_contains.lower(), autoescape=True))
        if after is not None:
            statement = statement.where(c.id > after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            PartnerRow(
                id=row.id,
                name=row.name,
                kind=str(row.kind),
                country=row.country,
                ruc=row.ruc,
                contact_email=row.contact_email,
                contact_phone=row.contact_phone,
                status=str(row.status),
                created_at=row.created_at,
                updated_at=row.updated_at,
                version=row.version,
            )
            for row in rows
        ]
