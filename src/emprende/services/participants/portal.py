"""The participant portal: a person signs in to see their own record and consents, and withdraws their consents."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from emprende.domain.identity.passwords import check_password_strength
from emprende.domain.identity.user import Language, PortalAccountExists, Role, User, normalize_email
from emprende.domain.participants.consent import Consent
from emprende.domain.shared.errors import EmailAlreadyRegistered, InvalidInput, NotFound, PermissionDenied
from emprende.services.identity.ports import PasswordHasher
from emprende.services.participants.permissions import authorize
from emprende.services.participants.ports import (
    ParticipantQueries,
    ParticipantRow,
    ParticipantsUnitOfWork,
    SensitiveReadLog,
)
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal


async def open_portal_account(
    principal: Principal,
    participant_id: uuid.UUID,
    email: str,
    password: str,
    *,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
    hasher: PasswordHasher,
    clock: Clock,
) -> User:
    """Give a registered person a `participant` account tied to their record (registering partner's staff); the
    person replaces the password staff chose at first sign-in."""
    check_password_strength(password)
    address = normalize_email(email)
    password_hash = await hasher.hash(password)
    now = clock.now()
    async with uow_factory(principal) as uow:
        participant = await uow.participants.get(participant_id)
        if participant is None or participant.merged_into_id is not None:
            raise NotFound("participant")
        authorize(principal, "participants.portal_accounts")
        if not await uow.participants.owned_by_tenant(participant):
            raise PermissionDenied("only the registering partner opens a portal account")
        if participant.is_erased:
            raise InvalidInput("an erased participant has no account", field="email", code="participant_erased")
        if await uow.users.email_taken(address):
            raise EmailAlreadyRegistered("e-mail already registered", field="email")
        if await uow.users.linked_to(participant.id) is not None:
            raise PortalAccountExists("this person already has a portal account")
        user = User(
            email=address,
            full_name=f"{participant.given_names} {participant.family_names}",
            password_hash=password_hash,
            role=Role.PARTICIPANT,
            preferred_language=Language(participant.preferred_language),
            partner_id=participant.owner_partner_id,
            now=now,
            password_set_by_another=True,
        )
        user.link_participant(participant.id, now)
        uow.users.add(user)
        await uow.commit()
    return user


def _own_record(principal: Principal) -> uuid.UUID:
    authorize(principal, "portal.own_record")
    if principal.participant_id is None:
        raise NotFound("participant")
    return principal.participant_id


async def my_record(
    principal: Principal, *, queries: ParticipantQueries, sensitive_log: SensitiveReadLog
) -> ParticipantRow:
    """The signed-in participant's own record, their personal data included (the read is audited)."""
    participant_id = _own_record(principal)
    row = await queries.get_participant(None, participant_id, sensitive=True)
    if row is None or row.erased_at is not None:
        raise NotFound("participant")
    await sensitive_log.record(principal, [row.id])
    return row


async def my_consents(
    principal: Principal, *, uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork]
) -> Sequence[Consent]:
    """The signed-in participant's consents."""
    participant_id = _own_record(principal)
    async with uow_factory(principal, read_only=True) as uow:
        return await uow.consents.for_participant(participant_id)


async def withdraw_my_consent(
    principal: Principal, consent_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork], clock: Clock
) -> Consent:
    """A participant withdraws one of their own consents, with immediate effect."""
    participant_id = _own_record(principal)
    async with uow_factory(principal) as uow:
        consent = await uow.consents.get(consent_id)
        if consent is None or consent.participant_id != participant_id:
            raise NotFound("consent")
        consent.withdraw(clock.now())
        await uow.commit()
    return consent
