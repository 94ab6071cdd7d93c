"""Opening a participant's own portal account."""

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
    PortalAccountIn,
    PortalAccountOut,
)
from emprende.services.participants import portal as portal_service

router = APIRouter(prefix="/participants", tags=["participants"])


@router.post(
    ITEM + "/portal-account",
    status_code=status.HTTP_201_CREATED,
    response_model=PortalAccountOut,
    operation_id="open_portal_account",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def open_portal_account(
    participant_id: uuid.UUID, body: PortalAccountIn, principal: CurrentPrincipal, container: ContainerDep
) -> PortalAccountOut:
    """Give the person a `participant` account tied to their record, for the participant portal."""
    user = await portal_service.open_portal_account(
        principal,
        participant_id,
        body.email,
        body.password,
        uow_factory=container.uow,
        hasher=container.hasher,
        clock=container.clock,
    )
    return PortalAccountOut(user_id=user.id, participant_id=participant_id, email=user.email)
