"""Participant registry use cases: registration with consent, reading (sensitive fields guarded), rectification."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import Consent, ConsentMethod
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.matching import PersonSketch, duplicate_reasons
from emprende.domain.participants.participant import (
    DuplicateParticipant,
    Participant,
    ParticipantDetails,
    identifier_keys,
)
from emprende.domain.participants.registration import ConsentTerms, RegistrationRefused, new_registration
from emprende.domain.partners.agreement import AgreementRequired, AgreementRole
from emprende.domain.shared.errors import InvalidInput, NotFound, PermissionDenied, PreconditionFailed
from emprende.services.participants.permissions import authorize, is_allowed
from emprende.services.participants.ports import (
    ParticipantFilters,
    ParticipantQueries,
    ParticipantRow,
    ParticipantsUnitOfWork,
    SensitiveReadLog,
)
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal

# A partner registers people under an agreement that lets it refer them or train them.
REGISTERING_ROLES = (AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY)


@dataclass(frozen=True, slots=True)
class GivenConsent:
    notice_version: str
    language: Language
    method: ConsentMethod
    given_at: datetime


@dataclass(frozen=True, slots=True)
class RegisterParticipant:
    details: ParticipantDetails
    registration_consent: GivenConsent
    owner_partner_id: uuid.UUID | None = None
    """Administrators name the registering partner; partner principals always register for their own."""


@dataclass(frozen=True, slots=True)
class Registration:
    participant: Participant
    probable_duplicates: list[uuid.UUID]
    """The probable duplicates queued for review that the registering principal may see."""


def may_see_sensitive(principal: Principal) -> bool:
    return is_allowed(principal, "participants.read_sensitive")


def require_sensitive(principal: Principal, what: str) -> None:
    """Filtering, sorting or looking up by a sensitive field needs the same right as seeing it."""
    if not may_see_sensitive(principal):
        raise PermissionDenied("{what} needs the participants:sensitive right", what=what)


async def require_any_partner_role(
    uow: ParticipantsUnitOfWork, partner_id: uuid.UUID, roles: Sequence[AgreementRole], now: datetime
) -> None:
    found = await uow.partners.get_with_agreements(partner_id)
    if found is None:
        raise NotFound("partner")
    partner, agreements = found
    day = now.date()
    if not partner.is_active or not any(a.grants(role, day) for a in agreements for role in roles):
        raise AgreementRequired(
            "no cooperation agreement in force lets this partner register people (referral or training delivery)"
        )


def _queue_probable_duplicates(
    uow: ParticipantsUnitOfWork,
    participant: Participant,
    others: Sequence[tuple[uuid.UUID, PersonSketch, bool]],
    now: datetime,
) -> list[uuid.UUID]:
    """Queue every probable duplicate for review; return those the caller may see. The others are named only to
    reviewers who see both records, never to the caller, not even by their number."""
    sketch = PersonSketch(participant.name_key, participant.birth_date, participant.phone)
    shown: list[uuid.UUID] = []
    for other_id, other, visible in others:
        reasons, similarity = duplicate_reasons(sketch, other)
        if reasons:
            uow.duplicates.add(
                DuplicateCandidate(
                    participant_id=participant.id,
                    other_id=other_id,
                    reasons=frozenset(reasons),
                    similarity=similarity,
                    now=now,
                )
            )
            if visible:
                shown.append(other_id)
    return shown


def _refuse_exact_duplicates(participant: Participant, holders: Sequence[tuple[uuid.UUID, bool]]) -> None:
    others = [(pid, visible) for pid, visible in holders if pid != participant.id]
    if others:
        existing_id, visible = others[0]
        raise DuplicateParticipant(
            "a person with the same identity document or external identifier is already registered",
            existing_id=existing_id if visible else None,  # named only to a caller who may see it
        )


async def register_participant(
    cmd: RegisterParticipant,
    principal: Principal,
    *,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
    clock: Clock,
) -> Registration:
    """Register a person with their registration consent; exact duplicates are refused, probable ones queued."""
    authorize(principal, "participants.register")
    if principal.partner_id is not None and cmd.owner_partner_id not in (None, principal.partner_id):
        raise InvalidInput(
            "a partner registers people for itself only", field="owner_partner_id", code="owner_not_allowed"
        )
    owner = principal.partner_id or cmd.owner_partner_id
    if owner is None:
        raise InvalidInput(
            "name the partner registering this person", field="owner_partner_id", code="partner_required"
        )
    now = clock.now()
    given = cmd.registration_consent
    try:
        registration = new_registration(
            owner_partner_id=owner,
            details=cmd.details,
            consent=ConsentTerms(given.notice_version, given.language, given.method, given.given_at),
            now=now,
            registered_by=principal.id,
        )
    except RegistrationRefused as refused:
        if refused.participant is not None:  # the person's details are answered first, and alone
            raise refused.participant from None
        error = refused.consent
        assert error is not None  # a refusal names what broke
        # The consent is a part of the registration: name its fields there.
        field = f"registration_consent.{error.field}" if error.field else "registration_consent"
        raise InvalidInput(str(error), field=field, code=error.code) from error
    participant = Participant(new=registration.participant)
    consent = Consent(new=registration.consent)
    async with uow_factory(principal) as uow:
        await require_any_partner_role(uow, owner, REGISTERING_ROLES, now)
        known = await uow.participants.lookalikes(
            identifier_keys(participant), participant.birth_date, participant.phone, participant.id
        )
        _refuse_exact_duplicates(participant, known.holders)
        uow.participants.add(participant)
        await uow.participants.save_identifiers(participant)
        uow.consents.add(consent)
        probable = _queue_probable_duplicates(uow, participant, known.sketches, now)
        await uow.commit()
    return Registration(participant, probable)


async def _visible_participant(uow: ParticipantsUnitOfWork, participant_id: uuid.UUID) -> Participant:
    participant = await uow.participants.get(participant_id)
    if participant is None or participant.merged_into_id is not None:
        raise NotFound("participant")
    return participant


async def get_participant(
    principal: Principal,
    participant_id: uuid.UUID,
    *,
    queries: ParticipantQueries,
    sensitive_log: SensitiveReadLog,
) -> ParticipantRow:
    """One participant; sensitive fields only for principals with that right, and such reads are audited."""
    sensitive = may_see_sensitive(principal)
    row = await queries.get_participant(principal.tenant, participant_id, sensitive=sensitive)
    if row is None:
        raise NotFound("participant")
    authorize(principal, "participants.read")
    if sensitive and row.erased_at is None:
        await sensitive_log.record(principal, [row.id])
    return row


async def list_participants(
    principal: Principal,
    filters: ParticipantFilters,
    *,
    after: Sequence[str] | None,
    limit: int,
    queries: ParticipantQueries,
    sensitive_log: SensitiveReadLog,
) -> Sequence[ParticipantRow]:
    """List and search participants the caller may see."""
    authorize(principal, "participants.read")
    if filters.uses_sensitive():
        require_sensitive(principal, "filtering by documents, migratory status or disability")
    sensitive = may_see_sensitive(principal)
    rows = await queries.list_participants(principal.tenant, filters, after, limit, sensitive=sensitive)
    if sensitive and rows:
        await sensitive_log.record(principal, [row.id for row in rows if row.erased_at is None])
    return rows


async def rectify_participant(
    principal: Principal,
    participant_id: uuid.UUID,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
    clock: Clock,
) -> Participant:
    """Correct a participant's record (only the owning partner, or administrators)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        participant = await _visible_participant(uow, participant_id)
        authorize(principal, "participants.update")
        if not await uow.participants.owned_by_tenant(participant):
            raise PermissionDenied("only the registering partner rectifies a record")
        sensitive_changes = set(changes) & {
            "documents",
            "migratory_status",
            "disability",
            "phone",
            "email",
            "gender_identity",
        }
        if sensitive_changes:
            require_sensitive(principal, "changing sensitive fields")
        read_version = participant.version
        participant.rectify(replace(participant.details(), **changes), now)
        # If-Match is weighed once the input is known to be valid: a stale tag does not hide a bad body.
        if expected_version is not None and expected_version != read_version:
            raise PreconditionFailed("the participant changed since it was read")
        _refuse_exact_duplicates(participant, await uow.participants.holders_of(identifier_keys(participant)))
        await uow.participants.save_identifiers(participant)
        await uow.commit()
    return participant
