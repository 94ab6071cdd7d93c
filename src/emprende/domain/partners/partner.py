"""Institutional partners: the government bodies, universities, agencies and firms the programme works with."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from emprende.domain.participants.contact import (
    ECUADOR,
    normalize_contact_email,
    normalize_country,
    normalize_phone,
    normalize_ruc,
)
from emprende.domain.shared.errors import Conflict, InvalidInput
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_PARTNER_NAME = 200


class RucTaken(Conflict):
    code = "ruc_taken"


class PartnerKind(StrEnum):
    GOVERNMENT = "government"
    ACADEMIA = "academia"
    INTERNATIONAL_COOPERATION = "international_cooperation"
    NGO = "ngo"
    PRIVATE_SECTOR = "private_sector"
    FINANCIAL_INSTITUTION = "financial_institution"


class PartnerStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


def _check_name(name: str) -> str:
    value = " ".join(name.split())
    if not value or len(value) > MAX_PARTNER_NAME:
        raise InvalidInput("a name of 1 to 200 characters is required", field="name")
    return value


class InstitutionalPartner(Aggregate):
    """A partner institution. What it may do follows from its cooperation agreements."""

    id: uuid.UUID
    name: str
    kind: PartnerKind
    country: str
    ruc: str | None
    contact_email: str | None
    contact_phone: str | None
    status: PartnerStatus
    suspension_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    def __init__(
        self,
        *,
        name: str,
        kind: PartnerKind,
        country: str,
        now: datetime,
        ruc: str | None = None,
        contact_email: str | None = None,
        contact_phone: str | None = None,
    ) -> None:
        self.id = new_id()
        self.name = _check_name(name)
        self.kind = kind
        self.country = normalize_country(country)
        self.ruc = self._check_ruc(ruc, self.country)
        self.contact_email = normalize_contact_email(contact_email) if contact_email else None
        self.contact_phone = normalize_phone(contact_phone, field="contact_phone") if contact_phone else None
        self.status = PartnerStatus.ACTIVE
        self.suspension_reason = None
        self.created_at = now
        self.updated_at = now
        self.version = 1
        self.record(DomainEvent("partner.created", "partner", self.id, {"kind": kind.value}))

    @staticmethod
    def _check_ruc(ruc: str | None, country: str) -> str | None:
        if ruc is None or not ruc.strip():
            return None
        if country != ECUADOR:
            raise InvalidInput("a RUC applies only to partners registered in Ecuador", field="ruc", code="invalid_ruc")
        return normalize_ruc(ruc)

    @property
    def is_active(self) -> bool:
        return self.status is PartnerStatus.ACTIVE

    def update_details(
        self,
        now: datetime,
        *,
        name: str | None = None,
        kind: PartnerKind | None = None,
        country: str | None = None,
        ruc: str | None = None,
        clear_ruc: bool = False,
    ) -> None:
        if name is not None:
            self.name = _check_name(name)
        if kind is not None:
            self.kind = kind
        if country is not None:
            self.country = normalize_country(country)
        if clear_ruc:
            self.ruc = None
        elif ruc is not None:
            self.ruc = self._check_ruc(ruc, self.country)
        elif self.ruc is not None and self.country != ECUADOR:
            raise InvalidInput("a RUC applies only to partners registered in Ecuador", field="ruc", code="invalid_ruc")
        self.updated_at = now

    def update_contact(
        self,
        now: datetime,
        *,
        email: str | None = None,
        phone: str | None = None,
        clear_email: bool = False,
        clear_phone: bool = False,
    ) -> None:
        if clear_email:
            self.contact_email = None
        elif email is not None:
            self.contact_email = normalize_contact_email(email)
        if clear_phone:
            self.contact_phone = None
        elif phone is not None:
            self.contact_phone = normalize_phone(phone, field="contact_phone")
        self.updated_at = now

    def suspend(self, reason: str, now: datetime) -> None:
        reason = " ".join(reason.split())
        if not reason or len(reason) > 500:
            raise InvalidInput("a reason of 1 to 500 characters is required", field="reason")
        if self.status is not PartnerStatus.SUSPENDED:
            self.status = PartnerStatus.SUSPENDED
            self.suspension_reason = reason
            self.updated_at = now
            self.record(DomainEvent("partner.suspended", "partner", self.id))

    def reactivate(self, now: datetime) -> None:
        if self.status is PartnerStatus.SUSPENDED:
            self.status = PartnerStatus.ACTIVE
            self.suspension_reason = None
            self.updated_at = now
            self.record(DomainEvent("partner.reactivated", "partner", self.id))
