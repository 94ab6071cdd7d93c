"""Request and response schemas of certificates: issued, verified, suspended, revoked, downloaded."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from emprende.api.schemas import RequestModel, ResponseModel
from emprende.domain.training.certificate import CertificateStatus
from emprende.domain.training.credential import VerificationOutcome


class CertificateOut(ResponseModel):
    id: uuid.UUID
    cohort_id: uuid.UUID
    enrollment_id: uuid.UUID
    participant_id: uuid.UUID
    status: CertificateStatus
    reason: str | None
    subject_id: str = Field(description="The opaque identifier the credential names the person by.")
    kid: str = Field(description="The signing key's id (in the key set at /api/v1/certificates/jwks).")
    certificate: str = Field(description="The signed credential, to hand to the person: a compact JWS (vc+jwt).")
    issued_at: datetime
    updated_at: datetime


class ReasonIn(RequestModel):
    reason: str = Field(min_length=1, max_length=500)


class VerificationIn(RequestModel):
    certificate: str = Field(
        min_length=1, max_length=64_000, description="The certificate as issued: a compact JWS (vc+jwt)."
    )


class VerificationOut(ResponseModel):
    outcome: VerificationOutcome = Field(
        description="valid, revoked, suspended, expired, not_yet_valid, bad_signature, unknown_key or malformed."
    )
    valid: bool
    message: str = Field(description="What the verification found, in the language asked for.")
    kid: str | None
    status_unchecked: list[str] = Field(description="Status lists that could not be consulted.")
    credential: dict[str, Any] | None = Field(
        description="The certificate's content, only when a published key vouches for it."
    )


class KeyRotationOut(ResponseModel):
    kid: str = Field(description="The new signing key's id.")


class MyCertificateOut(ResponseModel):
    id: uuid.UUID
    cohort_id: uuid.UUID
    status: CertificateStatus
    issued_at: datetime
    certificate: str = Field(description="The signed credential to download and share: a compact JWS (vc+jwt).")
    credential: dict[str, Any] = Field(description="Its content: an Open Badges 3.0 credential.")
