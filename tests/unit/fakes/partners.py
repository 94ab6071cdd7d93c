"""In-memory fakes of the partners area: partners, agreements, API clients."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from emprende.domain.partners.agreement import AgreementStatus, CooperationAgreement
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner
from tests.unit.fakes.shared import FakeAreaRepositories, fake_repository


class FakePartnerRepository:
    def __init__(
        self,
        partners: dict[uuid.UUID, InstitutionalPartner],
        tenant: uuid.UUID | None = None,
        agreements: dict[uuid.UUID, CooperationAgreement] | None = None,
    ) -> None:
        self._partners = partners
        self._tenant = tenant
        self._agreements = agreements if agreements is not None else {}

    def add(self, partner: InstitutionalPartner) -> None:
        self._partners[partner.id] = partner

    async def get(self, partner_id: uuid.UUID) -> InstitutionalPartner | None:
        return self._partners.get(partner_id) if self._tenant in (None, partner_id) else None

    async def get_with_agreements(
        self, partner_id: uuid.UUID
    ) -> tuple[InstitutionalPartner, list[CooperationAgreement]] | None:
        partner = await self.get(partner_id)
        if partner is None:
            return None
        return partner, sorted((a for a in self._agreements.values() if a.partner_id == partner_id), key=lambda a: a.id)

    async def exists(self, partner_id: uuid.UUID) -> bool:
        return partner_id in self._partners

    async def ruc_taken(self, ruc: str, *, other_than: uuid.UUID | None = None) -> bool:
        return any(item.ruc == ruc and item.id != other_than for item in self._partners.values())


class FakeAgreementRepository:
    def __init__(self, agreements: dict[uuid.UUID, CooperationAgreement], tenant: uuid.UUID | None = None) -> None:
        self._agreements = agreements
        self._tenant = tenant

    def add(self, agreement: CooperationAgreement) -> None:
        self._agreements[agreement.id] = agreement

    async def get(self, agreement_id: uuid.UUID) -> CooperationAgreement | None:
        agreement = self._agreements.get(agreement_id)
        return agreement if agreement is not None and self._tenant in (None, agreement.partner_id) else None

    async def for_partner(self, partner_id: uuid.UUID) -> list[CooperationAgreement]:
        if self._tenant not in (None, partner_id):
            return []
        return sorted((a for a in self._agreements.values() if a.partner_id == partner_id), key=lambda a: a.id)

    async def code_taken(self, code: str) -> bool:
        return any(item.code == code for item in self._agreements.values())

    async def expiring(self, today: date, within_days: int) -> list[CooperationAgreement]:
        horizon = today + timedelta(days=within_days)
        return sorted(
            (
                a
                for a in self._agreements.values()
                if self._tenant in (None, a.partner_id)
                and a.status_on(today) is AgreementStatus.ACTIVE
                and a.start_date <= today <= a.current_end_date <= horizon
            ),
            key=lambda a: (a.current_end_date, a.id),
        )


class FakeApiClientRepository:
    def __init__(self, clients: dict[uuid.UUID, ApiClient], tenant: uuid.UUID | None = None) -> None:
        self._clients = clients
        self._tenant = tenant

    def add(self, client: ApiClient) -> None:
        self._clients[client.id] = client

    async def get(self, client_id: uuid.UUID) -> ApiClient | None:
        client = self._clients.get(client_id)
        return client if client is not None and self._tenant in (None, client.partner_id) else None

    async def visible(self) -> list[ApiClient]:
        return [c for c in self._clients.values() if self._tenant in (None, c.partner_id)]


@dataclass
class PartnerTables:
    partners: dict[uuid.UUID, InstitutionalPartner] = field(default_factory=dict)
    agreements: dict[uuid.UUID, CooperationAgreement] = field(default_factory=dict)
    clients: dict[uuid.UUID, ApiClient] = field(default_factory=dict)


class FakePartnerRepositories(FakeAreaRepositories):
    tables = ("partners", "agreements", "clients")
    aggregates = ("partners", "agreements", "clients")
    partners = fake_repository(lambda uow: FakePartnerRepository(uow._db.partners, uow.tenant, uow._db.agreements))
    agreements = fake_repository(lambda uow: FakeAgreementRepository(uow._db.agreements, uow.tenant))
    clients = fake_repository(lambda uow: FakeApiClientRepository(uow._db.clients, uow.tenant))
