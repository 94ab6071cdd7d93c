"""Data-subject rights: export everything held about a person; erase them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from emprende.api.deps import (
    ContainerDep,
    CurrentPrincipal,
)
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.participants.consents import consent_out
from emprende.api.v1.participants.participants import ITEM, PERSONAL, participant_out
from emprende.api.v1.participants.schemas import (
    ExportOut,
    ParticipantOut,
)
from emprende.bootstrap.audit import AuditWiring
from emprende.services.participants import rights as rights_service

router = APIRouter(prefix="/participants", tags=["participants"])


@router.get(
    ITEM + "/export",
    response_model=ExportOut,
    operation_id="export_participant",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def export_participant(
    participant_id: uuid.UUID, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> ExportOut:
    """Everything held about the person, machine-readable: record, consents and who read their sensitive data."""
    export = await rights_service.export_participant(
        principal,
        participant_id,
        uow_factory=container.uow,
        audit=container.area(AuditWiring).trail,
        clock=container.clock,
    )
    response.headers.update(PERSONAL)
    return ExportOut(
        participant=participant_out(export.participant, sensitive=True, today=export.exported_at.date()),
        consents=[consent_out(consent) for consent in export.consents],
        sensitive_reads=[
            {
                "read_at": row.occurred_at,
                "actor_type": row.actor_type,
                "actor_id": row.actor_id,
                "request_id": row.request_id,
            }
            for row in export.sensitive_reads
        ],
        exported_at=export.exported_at,
    )


@router.post(
    ITEM + "/erasure",
    response_model=ParticipantOut,
    response_model_exclude_unset=True,  # sensitive fields are absent, not null, for those who may not see them
    operation_id="erase_participant",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def erase_participant(
    participant_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ParticipantOut:
    """Irreversibly anonymise the person; non-identifying facts stay for aggregates. Cannot be undone."""
    participant = await rights_service.erase_participant(
        principal, participant_id, uow_factory=container.uow, clock=container.clock
    )
    return ParticipantOut(**participant_out(participant, sensitive=False, today=container.clock.now().date()))
