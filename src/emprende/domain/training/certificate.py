"""Certificates: what a person who completed a cohort receives — a signed Open Badges 3.0 credential (its text is
kept as issued) with a place in the programme's status lists, through which it is suspended, reinstated or revoked."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from emprende.domain.shared.errors import Conflict, InvalidInput
from emprende.domain.shared.events import Aggregate, DomainEvent

MAX_REASON = 500


class CertificateStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class CertificateState(Conflict):
    code = "certificate_state"


def _reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned or len(cleaned) > MAX_REASON:
        raise InvalidInput("a reason of 1 to {limit} characters is required", field="reason", limit=MAX_REASON)
    return cleaned


class Certificate(Aggregate):
    id: uuid.UUID
    enrollment_id: uuid.UUID
    cohort_id: uuid.UUID
    participant_id: uuid.UUID
    partner_id: uuid.UUID
    subject_id: str
    """The opaque identifier the credential names the person by: never their name or a document number."""
    status_index: int
    """The certificate's bit in the revocation and the suspension status lists."""
    status: CertificateStatus
    reason: str | None
    token: str
    """The signed credential (a compact JWS), exactly as issued."""
    kid: str
    issued_at: datetime
    updated_at: datetime
    version: int

    def __init__(
        self,
        *,
        certificate_id: uuid.UUID,
        enrollment_id: uuid.UUID,
        cohort_id: uuid.UUID,
        participant_id: uuid.UUID,
        partner_id: uuid.UUID,
        subject_id: str,
        status_index: int,
        token: str,
        kid: str,
        now: datetime,
    ) -> None:
        self.id = certificate_id  # the credential names it before the certificate exists
        self.enrollment_id = enrollment_id
        self.cohort_id = cohort_id
        self.participant_id = participant_id
        self.partner_id = partner_id
        self.subject_id = subject_id
        self.status_index = status_index
        self.status = CertificateStatus.ACTIVE
        self.reason = None
        self.token = token
        self.kid = kid
        self.issued_at = self.updated_at = now
        self.version = 1
        self._event("issued")

    def _event(self, name: str) -> None:
        payload = {"cohort_id": str(self.cohort_id), "participant_id": str(self.participant_id)}
        self.record(DomainEvent(f"certificate.{name}", "certificate", self.id, payload))

    def revoke(self, reason: str, now: datetime) -> None:
        """Withdraw the certificate for good (issued in error, say): verifiers are told it was revoked."""
        if self.status is CertificateStatus.REVOKED:
            raise CertificateState("the certificate is already revoked")
        self.reason = _reason(reason)
        self.status = CertificateStatus.REVOKED
        self.updated_at = now
        self._event("revoked")

    def suspend(self, reason: str, now: datetime) -> None:
        """Hold the certificate while something is looked into; it can be reinstated."""
        if self.status is not CertificateStatus.ACTIVE:
            raise CertificateState(
                "only an active certificate is suspended (this one is {status})", status=self.status.value
            )
        self.reason = _reason(reason)
        self.status = CertificateStatus.SUSPENDED
        self.updated_at = now
        self._event("suspended")

    def reinstate(self, now: datetime) -> None:
        if self.status is not CertificateStatus.SUSPENDED:
            raise CertificateState(
                "only a suspended certificate is reinstated (this one is {status})", status=self.status.value
            )
        self.reason = None
        self.status = CertificateStatus.ACTIVE
        self.updated_at = now
        self._event("reinstated")
