"""A participant's consents: list, record, withdraw."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from emprende.api.deps import (
    ContainerDep,
    CurrentPrincipal,
)
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.participants.participants import ITEM
from emprende.api.v1.participants.schemas import (
    ConsentIn,
    ConsentOut,
)
from emprende.domain.participants.consent import Consent
from emprende.services.participants import consents as consent_service

router = APIRouter(prefix="/participants", tags=["participants"])


def consent_out(consent: Consent) -> ConsentOut:
    return ConsentOut(
        id=consent.id,
        participant_id=consent.participant_id,
        purpose=consent.purpose,
        recipient_partner_id=consent.recipient_partner_id,
        notice_version=consent.notice_version,
        language=consent.language,
        method=consent.method,
        given_at=consent.given_at,
        recorded_at=consent.recorded_at,
        withdrawn_at=consent.withdrawn_at,
        active=consent.is_active,
    )


@router.get(
    ITEM + "/consents",
    response_model=list[ConsentOut],
    operation_id="list_participant_consents",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_participant_consents(
    participant_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> list[ConsentOut]:
    """A person's consents, oldest first, withdrawn ones included."""
    consents = await consent_service.list_consents(principal, participant_id, uow_factory=container.uow)
    return [consent_out(consent) for consent in consents]


@router.post(
    ITEM + "/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentOut,
    operation_id="record_consent",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def record_consent(
    participant_id: uuid.UUID, body: ConsentIn, principal: CurrentPrincipal, container: ContainerDep
) -> ConsentOut:
    """Record a consent the person gave. A `sharing` consent names the partner that may then see the person; an erased
    person gives none (409 `participant_erased`)."""
    consent = await consent_service.record_consent(
        principal,
        participant_id,
        consent_service.RecordConsent(
            purpose=body.purpose,
            notice_version=body.notice_version,
            language=body.language,
            method=body.method,
            given_at=body.given_at,
            recipient_partner_id=body.recipient_partner_id,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )
    return consent_out(consent)


@router.post(
    ITEM + "/consents/{consent_id}/withdrawal",
    response_model=ConsentOut,
    operation_id="withdraw_consent",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def withdraw_consent(
    participant_id: uuid.UUID, consent_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ConsentOut:
    """Withdraw a consent, with immediate effect (a withdrawn sharing consent hides the person at once)."""
    consent = await consent_service.withdraw_consent(
        principal, participant_id, consent_id, uow_factory=container.uow, clock=container.clock
    )
    return consent_out(consent)
