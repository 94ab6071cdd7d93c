"""Ports of the partners area: partners, agreements and API clients, and their reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from emprende.domain.partners.agreement import CooperationAgreement
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner
from emprende.services.shared.ports import UnitOfWork


class PartnerRepository(Protocol):
    """Partners visible to the unit of work's tenant: a partner principal sees only its own partner."""

    def add(self, partner: InstitutionalPartner) -> None: ...
    async def get(self, partner_id: uuid.UUID) -> InstitutionalPartner | None: ...
    async def get_with_agreements(
        self, partner_id: uuid.UUID
    ) -> tuple[InstitutionalPartner, Sequence[CooperationAgreement]] | None:
        """The partner and all its cooperation agreements, in one read."""
        ...

    async def ruc_taken(self, ruc: str, *, other_than: uuid.UUID | None = None) -> bool: ...
    async def exists(self, partner_id: uuid.UUID) -> bool:
        """Whether the partner exists at all (for naming a recipient), whatever the tenant."""
        ...


class AgreementRepository(Protocol):
    def add(self, agreement: CooperationAgreement) -> None: ...
    async def get(self, agreement_id: uuid.UUID) -> CooperationAgreement | None: ...
    async def for_partner(self, partner_id: uuid.UUID) -> Sequence[CooperationAgreement]: ...
    async def code_taken(self, code: str) -> bool: ...
    async def expiring(self, today: date, within_days: int) -> Sequence[CooperationAgreement]:
        """Agreements in force today whose end date is within `within_days` days, soonest first."""
        ...


class ApiClientRepository(Protocol):
    def add(self, client: ApiClient) -> None: ...
    async def get(self, client_id: uuid.UUID) -> ApiClient | None: ...
    async def visible(self) -> Sequence[ApiClient]: ...


@dataclass(frozen=True, slots=True)
class PartnerRow:
    id: uuid.UUID
    name: str
    kind: str
    country: str
    ruc: str | None
    contact_email: str | None
    contact_phone: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class PartnerFilters:
    kind: str | None = None
    status: str | None = None
    country: str | None = None
    name_contains: str | None = None


class PartnerQueries(Protocol):
    async def list_partners(
        self, tenant: uuid.UUID | None, filters: PartnerFilters, after: uuid.UUID | None, limit: int
    ) -> Sequence[PartnerRow]:
        """`tenant` None lists every partner (operator); otherwise only that partner."""
        ...


class PartnerRepositories(Protocol):
    """The partners area's repositories, as every unit of work that reads partners offers them."""

    @property
    def partners(self) -> PartnerRepository: ...
    @property
    def agreements(self) -> AgreementRepository: ...
    @property
    def clients(self) -> ApiClientRepository: ...


class PartnersUnitOfWork(UnitOfWork, PartnerRepositories, Protocol):
    """What the partners area's use cases need of a unit of work."""
