"""Consent use cases: record a consent, list a person's consents, withdraw one (with immediate effect)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import Consent, ConsentMethod, ConsentPurpose
from emprende.domain.participants.participant import Participant
from emprende.domain.shared.errors import InvalidInput, NotFound, PermissionDenied
from emprende.services.participants.permissions import authorize
from emprende.services.participants.ports import ParticipantsUnitOfWork
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal


@dataclass(frozen=True, slots=True)
class RecordConsent:
    purpose: ConsentPurpose
    notice_version: str
    language: Language
    method: ConsentMethod
    given_at: datetime | None = None
    recipient_partner_id: uuid.UUID | None = None


async def _visible_participant(uow: ParticipantsUnitOfWork, participant_id: uuid.UUID) -> Participant:
    participant = await uow.participants.get(participant_id)
    if participant is None or participant.merged_into_id is not None:
        raise NotFound("participant")
    return participant


async def _may_manage_consents(uow: ParticipantsUnitOfWork, principal: Principal, participant: Participant) -> None:
    authorize(principal, "participants.consents")
    if not await uow.participants.owned_by_tenant(participant):
        raise PermissionDenied("only the registering partner records or withdraws consents")


async def record_consent(
    principal: Principal,
    participant_id: uuid.UUID,
    cmd: RecordConsent,
    *,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
    clock: Clock,
) -> Consent:
    """Record a consent the person gave; a sharing consent names the partner that may then see them."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        participant = await _visible_participant(uow, participant_id)
        await _may_manage_consents(uow, principal, participant)
        if participant.is_erased:
            raise InvalidInput("an erased participant gives no consents", field="purpose", code="participant_erased")
        if cmd.recipient_partner_id is not None:
            if not await uow.partners.exists(cmd.recipient_partner_id):
                raise InvalidInput("no such partner", field="recipient_partner_id", code="unknown_partner")
            if cmd.recipient_partner_id == participant.owner_partner_id:
                raise InvalidInput("the registering partner already sees this person", field="recipient_partner_id")
        consent = Consent(
            participant_id=participant.id,
            purpose=cmd.purpose,
            recipient_partner_id=cmd.recipient_partner_id,
            notice_version=cmd.notice_version,
            language=cmd.language,
            method=cmd.method,
            given_at=cmd.given_at or now,
            now=now,
            recorded_by=principal.id,
        )
        uow.consents.add(consent)
        await uow.commit()
    return consent


async def list_consents(
    principal: Principal, participant_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork]
) -> Sequence[Consent]:
    """A person's consents, oldest first, withdrawn ones included."""
    async with uow_factory(principal, read_only=True) as uow:
        participant = await uow.participants.get(participant_id)
        if participant is None or participant.merged_into_id is not None:
            raise NotFound("participant")
        authorize(principal, "participants.read")
        return await uow.consents.for_participant(participant_id)


async def withdraw_consent(
    principal: Principal,
    participant_id: uuid.UUID,
    consent_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
    clock: Clock,
) -> Consent:
    """Withdraw a consent: it takes effect at once (a withdrawn sharing consent hides the person again)."""
    async with uow_factory(principal) as uow:
        participant = await _visible_participant(uow, participant_id)
        consent = await uow.consents.get(consent_id)
        if consent is None or consent.participant_id != participant_id:
            raise NotFound("consent")
        await _may_manage_consents(uow, principal, participant)
        consent.withdraw(clock.now())
        await uow.commit()
    return consent
