"""Authentication endpoints: OAuth2 password flow, refresh rotation, logout and the current user."""

from __future__ import annotations

import base64
from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import APIRouter, Form, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.etag import etag, matches_if_none_match
from emprende.api.openapi_shape import request_body
from emprende.api.problems import ProblemError, problem_responses
from emprende.api.request_bodies import FORM, JSON, read_body
from emprende.api.schemas import NoNul
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.identity.schemas import PasswordChangeIn, RefreshIn, TokenOut, UserOut
from emprende.bootstrap.identity import IdentityWiring
from emprende.services.identity import auth as auth_service
from emprende.services.identity import users as user_service
from emprende.services.partners import api_clients as client_service
from emprende.services.shared.principal import PrincipalKind

router = APIRouter(prefix="/auth", tags=["auth"])
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# Other values are refused with 400 `unsupported_grant_type`, as OAuth2 answers them (RFC 6749, section 5.2).
GRANT_TYPES = ("password", "client_credentials")


def _token_out(pair: auth_service.TokenPair, response: Response) -> TokenOut:
    response.headers.update(_NO_STORE)
    return TokenOut(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        refresh_expires_at=pair.refresh_expires_at,
        password_change_required=pair.password_change_required,
    )


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError) as error:
        raise ProblemError("invalid_client", headers={"WWW-Authenticate": "Basic"}) from error
    return unquote_plus(client_id), unquote_plus(secret)


@router.post(
    "/token",
    response_model=TokenOut,
    operation_id="create_token",
    responses=problem_responses(400, 401, 422, 429),
    openapi_extra={**tenancy(Tenancy.PUBLIC), "requestBody": {"required": True}},
)
async def create_token(
    request: Request,
    response: Response,
    container: ContainerDep,
    grant_type: Annotated[
        str,
        Form(
            max_length=64,
            description="`password` for people, `client_credentials` for partner systems.",
            json_schema_extra={"enum": list(GRANT_TYPES)},
        ),
    ] = "password",
    username: Annotated[
        str | None, Form(min_length=1, max_length=254, description="The account's e-mail."), NoNul
    ] = None,
    password: Annotated[str | None, Form(min_length=1, max_length=256), NoNul] = None,
    scope: Annotated[
        str, Form(max_length=1024, description="Client credentials: scopes wanted (space-separated).")
    ] = "",
    client_id: Annotated[str | None, Form(max_length=64), NoNul] = None,
    client_secret: Annotated[str | None, Form(max_length=256), NoNul] = None,
) -> TokenOut:
    """Obtain tokens. People: OAuth2 password grant (e-mail as username) → access and refresh token. Partner
    systems: client-credentials grant (client id and secret in the form or HTTP Basic) → an access token."""
    if grant_type == "password":
        missing = [name for name, value in (("username", username), ("password", password)) if not value]
        if missing or username is None or password is None:
            raise ProblemError(
                "validation_failed",
                errors=[{"field": f"body.{name}", "code": "missing", "message": "Field required"} for name in missing],
            )
        client = request.client.host if request.client else "unknown"
        pair = await auth_service.login_with_password(
            auth_service.PasswordLogin(email=username, password=password, client_address=client),
            uow_factory=container.uow,
            auth=container.auth,
        )
        return _token_out(pair, response)
    if grant_type == "client_credentials":
        credentials = _basic_credentials(request) or (client_id, client_secret)
        if not credentials[0] or not credentials[1]:
            raise ProblemError("invalid_client", headers={"WWW-Authenticate": "Basic"})
        requested = frozenset(scope.split()) if scope.strip() else None
        issued = await client_service.client_credentials_token(
            credentials[0], credentials[1], requested, uow_factory=container.uow, auth=container.auth
        )
        response.headers.update(_NO_STORE)
        return TokenOut(
            access_token=issued.access_token, expires_in=issued.expires_in, scope=" ".join(sorted(issued.scopes))
        )
    raise ProblemError("unsupported_grant_type")


@router.post(
    "/refresh",
    response_model=TokenOut,
    operation_id="refresh_token",
    responses=problem_responses(400, 401, 413, 415, 422),
    openapi_extra={**tenancy(Tenancy.PUBLIC), **request_body(RefreshIn, JSON, FORM)},
)
async def refresh_token(request: Request, response: Response, container: ContainerDep) -> TokenOut:
    """Exchange a refresh token for a new pair, sent as JSON or as a form like the token request. Each refresh
    token works once; reusing one ends the session."""
    body = await read_body(request, RefreshIn)
    pair = await auth_service.refresh_session(body.refresh_token, uow_factory=container.uow, auth=container.auth)
    return _token_out(pair, response)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="logout",
    responses=problem_responses(401),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def logout(principal: CurrentPrincipal, container: ContainerDep) -> Response:
    """End the current login session: its access and refresh tokens stop working at once."""
    await auth_service.logout(principal, uow_factory=container.uow, auth=container.auth)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/me",
    response_model=UserOut,
    operation_id="get_current_user",
    responses=problem_responses(401, 403),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def get_current_user(
    request: Request, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> UserOut | Response:
    """The signed-in user (partner API clients have no user: 403)."""
    if principal.kind is not PrincipalKind.USER:
        raise ProblemError("permission_denied")
    user = await user_service.get_user(principal, principal.id, queries=container.area(IdentityWiring).users)
    if matches_if_none_match(request.headers.get("if-none-match"), user.version):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(user.version)})
    response.headers["ETag"] = etag(user.version)
    return UserOut.model_validate(user)


@router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="change_password",
    responses=problem_responses(401, 403, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def change_password(body: PasswordChangeIn, principal: CurrentPrincipal, container: ContainerDep) -> Response:
    """Change your own password (the current one is required); your other sessions end."""
    if principal.kind is not PrincipalKind.USER:
        raise ProblemError("permission_denied")
    await user_service.change_password(
        principal,
        body.current_password,
        body.new_password,
        uow_factory=container.uow,
        hasher=container.hasher,
        clock=container.clock,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
