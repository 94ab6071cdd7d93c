"""Authentication endpoints: OAuth2 password flow, refresh rotation, logout and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.etag import etag, matches_if_none_match
from emprende.api.problems import ProblemError, problem_responses
from emprende.api.schemas import NoNul, RefreshIn, TokenOut, UserOut
from emprende.services import auth as auth_service
from emprende.services import users as user_service

router = APIRouter(prefix="/auth", tags=["auth"])
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _token_out(pair: auth_service.TokenPair, response: Response) -> TokenOut:
    response.headers.update(_NO_STORE)
    return TokenOut(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        refresh_expires_at=pair.refresh_expires_at,
    )


@router.post(
    "/token",
    response_model=TokenOut,
    operation_id="create_token",
    responses=problem_responses(400, 401, 422, 429),
)
async def create_token(
    request: Request,
    response: Response,
    container: ContainerDep,
    username: Annotated[str, Form(min_length=1, max_length=254, description="The account's e-mail."), NoNul],
    password: Annotated[str, Form(min_length=1, max_length=256), NoNul],
    grant_type: Annotated[str, Form(max_length=64)] = "password",
    scope: Annotated[str, Form(max_length=1024)] = "",
) -> TokenOut:
    """Sign in with e-mail and password (OAuth2 password grant): an access token and a refresh token."""
    if grant_type != "password":
        raise ProblemError("unsupported_grant_type")
    _ = scope  # scopes come from the account's role; the form field exists for OAuth2 clients
    client = request.client.host if request.client else "unknown"
    pair = await auth_service.login_with_password(
        auth_service.PasswordLogin(email=username, password=password, client_address=client),
        uow_factory=container.uow,
        auth=container.auth,
    )
    return _token_out(pair, response)


@router.post("/refresh", response_model=TokenOut, operation_id="refresh_token", responses=problem_responses(401, 422))
async def refresh_token(body: RefreshIn, response: Response, container: ContainerDep) -> TokenOut:
    """Exchange a refresh token for a new pair. Each refresh token works once; reusing one ends the session."""
    pair = await auth_service.refresh_session(body.refresh_token, uow_factory=container.uow, auth=container.auth)
    return _token_out(pair, response)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, operation_id="logout", responses=problem_responses(401))
async def logout(principal: CurrentPrincipal, container: ContainerDep) -> Response:
    """End the current login session: its access and refresh tokens stop working at once."""
    await auth_service.logout(principal, uow_factory=container.uow, auth=container.auth)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut, operation_id="get_current_user", responses=problem_responses(401))
async def get_current_user(
    request: Request, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> UserOut | Response:
    """The signed-in user."""
    user = await user_service.get_user(principal, principal.id, uow_factory=container.uow)
    if matches_if_none_match(request.headers.get("if-none-match"), user.version):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(user.version)})
    response.headers["ETag"] = etag(user.version)
    return UserOut.model_validate(user)
