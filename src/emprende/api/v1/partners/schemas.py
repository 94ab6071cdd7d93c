"""Request and response schemas of institutional partners, cooperation agreements and API clients."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from emprende.api.datetimes import DATETIME_RANGE, AwareDateTime
from emprende.api.schemas import RequestModel, ResponseModel
from emprende.domain.partners.agreement import AgreementRole, AgreementStatus
from emprende.domain.partners.partner import PartnerKind, PartnerStatus

Scope = Annotated[str, StringConstraints(min_length=3, max_length=64, pattern=r"^[a-z_]+:[a-z_]+$")]


class PartnerCreateIn(RequestModel):
    name: str = Field(min_length=1, max_length=200, examples=["Universidad Técnica del Norte"])
    kind: PartnerKind
    country: str = Field(min_length=3, max_length=3, description="ISO 3166-1 alpha-3, e.g. ECU.", examples=["ECU"])
    ruc: str | None = Field(None, min_length=13, max_length=13, description="Ecuadorian RUC, when it has one.")
    contact_email: str | None = Field(None, min_length=3, max_length=254)
    contact_phone: str | None = Field(None, min_length=3, max_length=32, description="E.164 or an Ecuadorian number.")


class PartnerUpdateIn(RequestModel):
    """Send only what changes; `null` clears `ruc`, `contact_email` or `contact_phone`."""

    name: str | None = Field(None, min_length=1, max_length=200)
    kind: PartnerKind | None = None
    country: str | None = Field(None, min_length=3, max_length=3)
    ruc: str | None = Field(None, min_length=13, max_length=13)
    contact_email: str | None = Field(None, min_length=3, max_length=254)
    contact_phone: str | None = Field(None, min_length=3, max_length=32)


class PartnerOut(ResponseModel):
    id: uuid.UUID
    name: str
    kind: PartnerKind
    country: str
    ruc: str | None
    contact_email: str | None
    contact_phone: str | None
    status: PartnerStatus
    created_at: datetime
    updated_at: datetime


class SuspensionIn(RequestModel):
    reason: str = Field(min_length=1, max_length=500)


class AgreementCreateIn(RequestModel):
    code: str = Field(min_length=1, max_length=64, examples=["CONV-2026-014"])
    title: str = Field(min_length=1, max_length=300)
    roles: list[AgreementRole] = Field(min_length=1, max_length=5)
    start_date: date
    end_date: date
    data_sharing: bool = Field(description="May the partner receive participants' personal data?")
    document_reference: str | None = Field(None, min_length=1, max_length=500)
    activate: bool = Field(False, description="Bring it into force at once instead of recording a draft.")


class AmendmentIn(RequestModel):
    reason: str = Field(min_length=1, max_length=1000)
    effective_from: date
    roles_added: list[AgreementRole] = Field(default_factory=list, max_length=5)
    roles_removed: list[AgreementRole] = Field(default_factory=list, max_length=5)
    new_end_date: date | None = None


class TerminationIn(RequestModel):
    reason: str = Field(min_length=1, max_length=1000)
    terminated_on: date | None = Field(None, description="Default: today.")


class AmendmentOut(ResponseModel):
    number: int
    effective_from: date
    reason: str
    roles_added: list[AgreementRole]
    roles_removed: list[AgreementRole]
    new_end_date: date | None
    recorded_at: datetime
    recorded_by: uuid.UUID | None


class AgreementOut(ResponseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    code: str
    title: str
    status: AgreementStatus = Field(description="As of today.")
    roles: list[AgreementRole] = Field(description="Roles granted today, after amendments.")
    original_roles: list[AgreementRole]
    start_date: date
    end_date: date = Field(description="The end date in force, after amendments.")
    original_end_date: date
    data_sharing: bool
    document_reference: str | None
    terminated_on: date | None
    termination_reason: str | None
    amendments: list[AmendmentOut]
    created_at: datetime
    updated_at: datetime


class ApiClientCreateIn(RequestModel):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[Scope] = Field(min_length=1, max_length=20)
    partner_id: uuid.UUID | None = Field(None, description="Administrators name the partner; managers omit it.")
    expires_at: AwareDateTime | None = Field(None, description=f"In the future; with a UTC offset. {DATETIME_RANGE}")


class ApiClientOut(ResponseModel):
    id: uuid.UUID = Field(description="The `client_id` for the client-credentials grant.")
    partner_id: uuid.UUID
    name: str
    scopes: list[str]
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    previous_secret_expires_at: datetime | None
    created_at: datetime


class ApiClientSecretOut(ApiClientOut):
    client_secret: str = Field(description="Shown only in this response; store it safely.")
