"""Repositories: load and add aggregates within a unit of work. They never commit."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emprende.domain.sessions import LoginSession
from emprende.domain.users import User


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, user: User) -> None:
        self._session.add(user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self._session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        result = await self._session.execute(select(User).where(User.email == email))  # type: ignore[arg-type]
        return result.scalar_one_or_none()

    async def count(self) -> int:
        result = await self._session.execute(select(func.count()).select_from(User))
        return int(result.scalar_one())


class SqlLoginSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, login_session: LoginSession) -> None:
        self._session.add(login_session)

    async def get(self, session_id: uuid.UUID) -> LoginSession | None:
        return await self._session.get(LoginSession, session_id)
