"""Repositories of the partners area: partners, agreements and API clients, through the tenant filter. They never
commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache

from sqlalchemy import (
    Select,
    bindparam,
    exists,
    select,
)

from emprende.adapters.sql.partners import tables as partner_tables
from emprende.adapters.sql.partners.mapping import PARTNERS
from emprende.adapters.sql.shared.repository import AreaRepositories, TenantRepository, repository
from emprende.domain.partners.agreement import CooperationAgreement
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner


class SqlPartnerRepository(TenantRepository):
    _c = partner_tables.partners.c

    def add(self, partner: InstitutionalPartner) -> None:
        self._session.add(partner)

    async def get(self, partner_id: uuid.UUID) -> InstitutionalPartner | None:
        if self._tenant is not None and partner_id != self._tenant:
            return None
        return await self._session.get(InstitutionalPartner, partner_id)

    async def get_with_agreements(
        self, partner_id: uuid.UUID
    ) -> tuple[InstitutionalPartner, list[CooperationAgreement]] | None:
        if self._tenant is not None and partner_id != self._tenant:
            return None
        rows = (await self._session.execute(_partner_with_agreements(), {"partner_id": partner_id})).all()
        if not rows:
            return None
        return rows[0][0], [row[1] for row in rows if row[1] is not None]  # outer join: None without agreements

    async def exists(self, partner_id: uuid.UUID) -> bool:
        return bool(await self._session.scalar(select(exists().where(self._c.id == partner_id))))

    async def ruc_taken(self, ruc: str, *, other_than: uuid.UUID | None = None) -> bool:
        condition = self._c.ruc == ruc
        if other_than is not None:
            condition = condition & (self._c.id != other_than)
        return bool(await self._session.scalar(select(exists().where(condition))))


@cache
def _partner_with_agreements() -> Select[InstitutionalPartner, CooperationAgreement]:
    """Built once, on first use (the entities are mapped at start-up, after this module is imported)."""
    partners, agreements = partner_tables.partners.c, partner_tables.cooperation_agreements.c
    return (
        select(InstitutionalPartner, CooperationAgreement)
        .outerjoin(CooperationAgreement, agreements.partner_id == partners.id)
        .where(partners.id == bindparam("partner_id"))
        .order_by(agreements.id)
    )


class SqlAgreementRepository(TenantRepository):
    _c = partner_tables.cooperation_agreements.c

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


class SqlApiClientRepository(TenantRepository):
    _c = partner_tables.api_clients.c

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


class SqlPartnerRepositories(AreaRepositories):
    """The partners area's repositories on the unit of work."""

    sql_area = PARTNERS
    partners = repository(SqlPartnerRepository)
    agreements = repository(SqlAgreementRepository)
    clients = repository(SqlApiClientRepository)
