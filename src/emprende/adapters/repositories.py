"""Repositories: load and add aggregates within a unit of work, through the tenant filter. They never commit.

`tenant` None is the operator (every partner's rows); a partner id restricts every read to that partner's rows,
so another partner's object looks exactly like a missing one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emprende.adapters import tables
from emprende.domain.agreements import CooperationAgreement
from emprende.domain.clients import ApiClient
from emprende.domain.partners import InstitutionalPartner
from emprende.domain.sessions import LoginSession
from emprende.domain.users import User


class _TenantRepository:
    def __init__(self, session: AsyncSession, tenant: uuid.UUID | None) -> None:
        self._session = session
        self._tenant = tenant


class SqlUserRepository(_TenantRepository):
    _c = tables.users.c

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

    async def count(self) -> int:
        statement = select(func.count()).select_from(tables.users)
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return int(await self._session.scalar(statement) or 0)


class SqlLoginSessionRepository(_TenantRepository):
    def add(self, login_session: LoginSession) -> None:
        self._session.add(login_session)

    async def get(self, session_id: uuid.UUID) -> LoginSession | None:
        return await self._session.get(LoginSession, session_id)

    async def active_for_user(self, user_id: uuid.UUID) -> Sequence[LoginSession]:
        c = tables.login_sessions.c
        statement = select(LoginSession).where(c.user_id == user_id, c.revoked_at.is_(None))
        return list((await self._session.execute(statement)).scalars())


class SqlPartnerRepository(_TenantRepository):
    _c = tables.partners.c

    def add(self, partner: InstitutionalPartner) -> None:
        self._session.add(partner)

    async def get(self, partner_id: uuid.UUID) -> InstitutionalPartner | None:
        if self._tenant is not None and partner_id != self._tenant:
            return None
        return await self._session.get(InstitutionalPartner, partner_id)

    async def ruc_taken(self, ruc: str, *, other_than: uuid.UUID | None = None) -> bool:
        condition = self._c.ruc == ruc
        if other_than is not None:
            condition = condition & (self._c.id != other_than)
        return bool(await self._session.scalar(select(exists().where(condition))))


class SqlAgreementRepository(_TenantRepository):
    _c = tables.cooperation_agreements.c

    def add(self, agreement: CooperationAgreement) -> None:
        self._session.add(agreement)

    async def get(self, agreement_id: uuid.UUID) -> CooperationAgreement | None:
        agreement = await self._session.get(CooperationAgreement, agreement_id)
        if agreement is None or (self._tenant is not None and agreement.partner_id != self._tenant):
            return None
        return agreement

    async def for_partner(self, partner_id: uuid.UUID) -> Sequence[CooperationAgreement]:
        if self._tenant is not None and partner_id != self._tenant:
            return []
        statement = select(CooperationAgreement).where(self._c.partner_id == partner_id).order_by(self._c.id)
        return list((await self._session.execute(statement)).scalars())

    async def code_taken(self, code: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(self._c.code == code))))

    async def expiring(self, today: date, within_days: int) -> Sequence[CooperationAgreement]:
        statement = (
            select(CooperationAgreement)
            .where(
                self._c.is_draft.is_(False),
                self._c.start_date <= today,
                self._c.current_end_date >= today,
                self._c.current_end_date <= today + timedelta(days=within_days),
                (self._c.terminated_on.is_(None)) | (self._c.terminated_on > today),
            )
            .order_by(self._c.current_end_date, self._c.id)
            .limit(1000)
        )
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return list((await self._session.execute(statement)).scalars())


class SqlApiClientRepository(_TenantRepository):
    _c = tables.api_clients.c

    def add(self, client: ApiClient) -> None:
        self._session.add(client)

    async def get(self, client_id: uuid.UUID) -> ApiClient | None:
        client = await self._session.get(ApiClient, client_id)
        if client is None or (self._tenant is not None and client.partner_id != self._tenant):
            return None
        return client

    async def visible(self) -> Sequence[ApiClient]:
        statement = select(ApiClient).order_by(self._c.id).limit(1000)
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return list((await self._session.execute(statement)).scalars())
