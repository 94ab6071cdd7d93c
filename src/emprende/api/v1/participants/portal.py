"""The participant portal: a person's own record and consents."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.participants.consents import consent_out
from emprende.api.v1.participants.participants import participant_out
from emprende.api.v1.participants.schemas import ConsentOut, OwnRecordOut
from emprende.bootstrap.participants import ParticipantsWiring
from emprende.services.participants import portal as portal_service

router = APIRouter(prefix="/me/participant", tags=["portal"])
_OWN = ("given_names", "family_names", "birth_date", "age", "sex", "population_group", "nationality",
        "household_size", "dependants", "education_level", "province_code", "canton_code", "preferred_language",
        "registered_at", "updated_at", "gender_identity", "migratory_status", "documents", "disability",
        "has_disability", "phone", "email")  # fmt: skip


@router.get(
    "",
    response_model=OwnRecordOut,
    operation_id="get_my_participant_record",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def get_my_participant_record(
    response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> OwnRecordOut:
    """Your own record as the programme holds it (participant accounts)."""
    row = await portal_service.my_record(
        principal,
        queries=container.area(ParticipantsWiring).participants,
        sensitive_log=container.area(ParticipantsWiring).sensitive_log,
    )
    body = participant_out(row, sensitive=True, today=container.clock.now().date())
    response.headers["Cache-Control"] = "no-store"
    return OwnRecordOut(**{name: body[name] for name in _OWN})


@router.get(
    "/consents",
    response_model=list[ConsentOut],
    operation_id="list_my_consents",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def list_my_consents(principal: CurrentPrincipal, container: ContainerDep) -> list[ConsentOut]:
    """Your consents, withdrawn ones included."""
    consents = await portal_service.my_consents(principal, uow_factory=container.uow)
    return [consent_out(consent) for consent in consents]


@router.post(
    "/consents/{consent_id}/withdrawal",
    response_model=ConsentOut,
    operation_id="withdraw_my_consent",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def withdraw_my_consent(
    consent_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ConsentOut:
    """Withdraw one of your consents, with immediate effect."""
    consent = await portal_service.withdraw_my_consent(
        principal, consent_id, uow_factory=container.uow, clock=container.clock
    )
    return consent_out(consent)
