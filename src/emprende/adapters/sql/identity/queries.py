"""Read queries of the identity area: user accounts."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, select

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.domain.identity.user import Role
from emprende.services.identity.ports import UserFilters, UserRow

_users = identity_tables.users


_USER_COLUMNS = (
    _users.c.id,
    _users.c.partner_id,
    _users.c.email,
    _users.c.full_name,
    _users.c.role,
    _users.c.is_active,
    _users.c.preferred_language,
    _users.c.password_reset_required,
    _users.c.created_at,
    _users.c.updated_at,
    _users.c.version,
)


_USER_BY_ID = select(*_USER_COLUMNS).where(_users.c.id == bindparam("uid"))


_USER_BY_ID_IN_TENANT = _USER_BY_ID.where(_users.c.partner_id == bindparam("tenant"))


def _user_row(row: Mapping[Any, Any]) -> UserRow:
    return UserRow(
        id=row["id"],
        partner_id=row["partner_id"],
        email=row["email"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        is_active=row["is_active"],
        preferred_language=str(row["preferred_language"]),
        password_reset_required=row["password_reset_required"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
    )


class SqlUserQueries:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads
        self._by_id = reads.prepare(_USER_BY_ID)
        self._by_id_in_tenant = reads.prepare(_USER_BY_ID_IN_TENANT)

    async def get_user(self, tenant: uuid.UUID | None, user_id: uuid.UUID) -> UserRow | None:
        if tenant is None:
            row = await self._reads.first(self._by_id, {"uid": user_id})
        else:
            row = await self._reads.first(self._by_id_in_tenant, {"uid": user_id, "tenant": tenant})
        return None if row is None else _user_row(row)

    async def list_users(
        self, tenant: uuid.UUID | None, filters: UserFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[UserRow]:
        statement: Select[tuple[object, ...]] = select(*_USER_COLUMNS).order_by(_users.c.id).limit(limit)
        if tenant is not None:
            statement = statement.where(_users.c.partner_id == tenant)
        if filters.partner_id is not None:
            statement = statement.where(_users.c.partner_id == filters.partner_id)
        if filters.role is not None:
            statement = statement.where(_users.c.role == filters.role)
        if filters.is_active is not None:
            statement = statement.where(_users.c.is_active == filters.is_active)
        if filters.email_contains:
            statement = statement.where(_users.c.email.contains(filters.email_contains.lower(), autoescape=True))
        if after is not None:
            statement = statement.where(_users.c.id > after)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [_user_row(row._mapping) for row in rows]
