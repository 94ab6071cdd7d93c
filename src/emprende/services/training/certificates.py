"""Certificates: issued on completion as signed Open Badges 3.0 credentials; suspended, reinstated or revoked through
the programme's status lists; verified by anyone; downloaded by the person from the portal."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from emprende.domain.shared.errors import NotFound
from emprende.domain.training.certificate import Certificate
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal
from emprende.services.training.cohorts import visible_cohort
from emprende.services.training.permissions import authorize
from emprende.services.training.ports import CertificateAuthority, TrainingUnitOfWork

MAX_TOKEN = 64_000
REVOKE, SUSPEND, REINSTATE = "revoke", "suspend", "reinstate"


def credential_of(token: str) -> dict[str, Any]:
    """The credential a certificate carries (its JWS payload), as issued."""
    payload = token.split(".")[1]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return data


async def _change(
    principal: Principal,
    certificate_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
    reason: str | None,
    action: str,
) -> Certificate:
    async with uow_factory(principal) as uow:
        certificate = await uow.certificates.get(certificate_id)
        if certificate is None:
            raise NotFound("certificate")
        authorize(principal, "certificates.manage")
        now = clock.now()
        if action == REVOKE:
            certificate.revoke(reason or "", now)
        elif action == SUSPEND:
            certificate.suspend(reason or "", now)
        else:
            certificate.reinstate(now)
        await uow.commit()
    return certificate


async def revoke_certificate(
    principal: Principal,
    certificate_id: uuid.UUID,
    reason: str,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Certificate:
    """Revoke a certificate for good; verifiers see it revoked through the revocation list."""
    return await _change(
        principal, certificate_id, uow_factory=uow_factory, clock=clock, reason=reason, action="revoke"
    )


async def suspend_certificate(
    principal: Principal,
    certificate_id: uuid.UUID,
    reason: str,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Certificate:
    """Suspend a certificate until it is reinstated; verifiers see it suspended."""
    return await _change(
        principal, certificate_id, uow_factory=uow_factory, clock=clock, reason=reason, action="suspend"
    )


async def reinstate_certificate(
    principal: Principal,
    certificate_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Certificate:
    """End a suspension."""
    return await _change(
        principal, certificate_id, uow_factory=uow_factory, clock=clock, reason=None, action="reinstate"
    )


async def get_certificate(
    principal: Principal, certificate_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[TrainingUnitOfWork]
) -> Certificate:
    async with uow_factory(principal, read_only=True) as uow:
        certificate = await uow.certificates.get(certificate_id)
        if certificate is None:
            raise NotFound("certificate")
        authorize(principal, "certificates.read")
        return certificate


async def cohort_certificates(
    principal: Principal, cohort_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[TrainingUnitOfWork]
) -> Sequence[Certificate]:
    """The certificates issued in a cohort of the tenant."""
    async with uow_factory(principal, read_only=True) as uow:
        cohort = await visible_cohort(uow, cohort_id, allowed=lambda: authorize(principal, "certificates.read"))
        return await uow.certificates.for_cohort(cohort.id)


async def my_certificates(
    principal: Principal, *, uow_factory: UnitOfWorkFactory[TrainingUnitOfWork]
) -> Sequence[Certificate]:
    """The signed-in person's certificates, newest first."""
    authorize(principal, "portal.training")
    if principal.participant_id is None:
        raise NotFound("participant")
    async with uow_factory(SYSTEM, read_only=True) as uow:
        return await uow.certificates.for_participant(principal.participant_id)


async def rotate_signing_key(principal: Principal, *, authority: CertificateAuthority) -> str:
    """Sign from now on with a new key; the old one stays in the key set, so what it signed keeps verifying."""
    authorize(principal, "certificates.keys")
    return await authority.rotate()


async def key_set(authority: CertificateAuthority) -> Mapping[str, Any]:
    """The programme's signing keys as a JWKS, rotated ones included (no sign-in needed)."""
    return await authority.key_set()
