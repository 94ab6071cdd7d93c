"""Partner API clients: machine credentials for partner systems (OAuth2 client credentials)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.partners.schemas import ApiClientCreateIn, ApiClientOut, ApiClientSecretOut
from emprende.services.partners import api_clients as client_service

router = APIRouter(prefix="/api-clients", tags=["api-clients"])
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _secret_out(issued: client_service.IssuedSecret) -> ApiClientSecretOut:
    return ApiClientSecretOut(**ApiClientOut.model_validate(issued.client).model_dump(), client_secret=issued.secret)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiClientSecretOut,
    operation_id="create_api_client",
    responses=problem_responses(400, 401, 403, 404, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def create_api_client(
    body: ApiClientCreateIn, request: Request, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> ApiClientSecretOut:
    """Create a client for a partner system; the secret is shown only in this response."""
    issued = await client_service.create_api_client(
        principal,
        client_service.CreateApiClient(
            name=body.name, scopes=frozenset(body.scopes), partner_id=body.partner_id, expires_at=body.expires_at
        ),
        uow_factory=container.uow,
        auth=container.auth,
    )
    response.headers.update(_NO_STORE)
    response.headers["Location"] = request.url_for("get_api_client", client_id=issued.client.id).path
    return _secret_out(issued)


@router.get(
    "",
    response_model=list[ApiClientOut],
    operation_id="list_api_clients",
    responses=problem_responses(401, 403),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_api_clients(principal: CurrentPrincipal, container: ContainerDep) -> list[ApiClientOut]:
    """The clients you manage: all for administrators, your partner's for its managers."""
    clients = await client_service.list_api_clients(principal, uow_factory=container.uow)
    return [ApiClientOut.model_validate(client) for client in clients]


@router.get(
    "/{client_id}",
    response_model=ApiClientOut,
    operation_id="get_api_client",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_api_client(client_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep) -> ApiClientOut:
    """One client (never its secret)."""
    client = await client_service.get_api_client(principal, client_id, uow_factory=container.uow)
    return ApiClientOut.model_validate(client)


@router.post(
    "/{client_id}/rotation",
    response_model=ApiClientSecretOut,
    operation_id="rotate_api_client_secret",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def rotate_api_client_secret(
    client_id: uuid.UUID, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> ApiClientSecretOut:
    """Issue a new secret; the previous one keeps working for the configured grace period."""
    issued = await client_service.rotate_api_client(
        principal,
        client_id,
        grace=timedelta(hours=container.settings.client_secret_grace_hours),
        uow_factory=container.uow,
        auth=container.auth,
    )
    response.headers.update(_NO_STORE)
    return _secret_out(issued)


@router.post(
    "/{client_id}/revocation",
    response_model=ApiClientOut,
    operation_id="revoke_api_client",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def revoke_api_client(client_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep) -> ApiClientOut:
    """Revoke a client at once: its tokens stop working on their next use."""
    client = await client_service.revoke_api_client(
        principal, client_id, uow_factory=container.uow, auth=container.auth
    )
    return ApiClientOut.model_validate(client)
