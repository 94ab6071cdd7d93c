"""Data-subject rights: export everything held about a person; erase (irreversibly anonymise) them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from emprende.domain.audit.trail import AuditAction
from emprende.domain.participants.consent import Consent
from emprende.domain.participants.participant import Participant
from emprende.domain.shared.errors import NotFound, PermissionDenied
from emprende.services.audit.ports import AuditFilters, AuditQueries, AuditRow
from emprende.services.participants.permissions import authorize
from emprende.services.participants.ports import ParticipantsUnitOfWork
from emprende.services.participants.registry import require_sensitive
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal

MAX_AUDIT_ROWS = 1000


@dataclass(frozen=True, slots=True)
class ParticipantExport:
    participant: Participant
    consents: Sequence[Consent]
    sensitive_reads: Sequence[AuditRow]
    exported_at: datetime


async def export_participant(
    principal: Principal,
    participant_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
    audit: AuditQueries,
    clock: Clock,
) -> ParticipantExport:
    """Everything held about a person, machine-readable (right of access and portability)."""
    async with uow_factory(principal, read_only=True) as uow:
        participant = await uow.participants.get(participant_id)
        if participant is None or participant.merged_into_id is not None:
            raise NotFound("participant")
        authorize(principal, "participants.rights")
        require_sensitive(principal, "exporting a person's data")
        if not await uow.participants.owned_by_tenant(participant):
            raise PermissionDenied("only the registering partner exports a record")
        consents = await uow.consents.for_participant(participant_id)
    reads = await audit.list_events(
        AuditFilters(entity_type="participant", entity_id=str(participant_id)), None, MAX_AUDIT_ROWS
    )
    sensitive_reads = [row for row in reads if row.action == AuditAction.READ_SENSITIVE.value]
    return ParticipantExport(participant, consents, sensitive_reads, clock.now())


async def erase_participant(
    principal: Principal,
    participant_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[ParticipantsUnitOfWork],
    clock: Clock,
) -> Participant:
    """Irreversibly anonymise a person: names, documents, contacts, exact birth date and free text are gone, and no
    identifying search finds them; non-identifying facts stay for the programme's aggregates."""
    async with uow_factory(principal) as uow:
        participant = await uow.participants.get(participant_id)
        if participant is None or participant.merged_into_id is not None:
            raise NotFound("participant")
        authorize(principal, "participants.rights")
        if not await uow.participants.owned_by_tenant(participant):
            raise PermissionDenied("only the registering partner erases a record")
        now = clock.now()
        participant.erase(now)
        await uow.participants.save_identifiers(participant)
        # Nothing is processed for an erased person any more: their consents end with the erasure.
        for consent in await uow.consents.for_participant(participant_id):
            if consent.is_active:
                consent.withdraw(now)
        await uow.commit()
    return participant
