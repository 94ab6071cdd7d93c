"""Repositories of the identity area: load and add users and login sessions within a unit of work. They never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import (
    exists,
    func,
    select,
)

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.identity.mapping import IDENTITY
from emprende.adapters.sql.shared.repository import AreaRepositories, TenantRepository, repository
from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import User


class SqlUserRepository(TenantRepository):
    _c = identity_tables.users.c

    def add(self, user: User) -> None:
        self._session.add(user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        user = await self._session.get(User, user_id)
        if user is None or (self._tenant is not None and user.partner_id != self._tenant):
            return None
        return user

    async def get_by_email(self, email: str) -> User | None:
        statement = select(User).where(self._c.email == email)
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def email_taken(self, email: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(self._c.email == email))))

    async def linked_to(self, participant_id: uuid.UUID) -> User | None:
        statement = select(User).where(self._c.participant_id == participant_id)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def count(self) -> int:
        statement = select(func.count()).select_from(identity_tables.users)
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return int(await self._session.scalar(statement) or 0)


class SqlLoginSessionRepository(TenantRepository):
    def add(self, login_session: LoginSession) -> None:
        self._session.add(login_session)

    async def get(self, session_id: uuid.UUID) -> LoginSession | None:
        return await self._session.get(LoginSession, session_id)

    async def active_for_user(self, user_id: uuid.UUID) -> Sequence[LoginSession]:
        c = identity_tables.login_sessions.c
        statement = select(LoginSession).where(c.user_id == user_id, c.revoked_at.is_(None))
        return list((await self._session.execute(statement)).scalars())


class SqlIdentityRepositories(AreaRepositories):
    """The identity area's repositories on the unit of work."""

    sql_area = IDENTITY
    users = repository(SqlUserRepository)
    sessions = repository(SqlLoginSessionRepository)
