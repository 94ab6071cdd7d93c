"""FastAPI dependencies, as Annotated aliases: the container, the acting principal, paging and preconditions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.openapi.models import OAuth2 as OAuth2Model
from fastapi.openapi.models import OAuthFlowClientCredentials
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ValidationError

from emprende.api.etag import parse_if_match
from emprende.api.pagination import CursorCodec, PageRequest, page_request
from emprende.api.problems import ProblemError
from emprende.bootstrap import Container
from emprende.services.identity.auth import authenticate
from emprende.services.shared.authorization import SCOPES
from emprende.services.shared.principal import Principal

SIGN_IN_PATH = "/api/v1/auth/token"
oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl=SIGN_IN_PATH,
    auto_error=False,
    description="People sign in with e-mail (as username) and password; partner systems with their API client's id "
    "and secret (client credentials), asking for the scopes they need.",
)
# Both grants issue the same bearer tokens; the scheme keeps its first name, which every operation refers to.
assert isinstance(oauth2_scheme.model, OAuth2Model)
oauth2_scheme.model.flows.clientCredentials = OAuthFlowClientCredentials(
    tokenUrl=SIGN_IN_PATH, scopes={scope: what for scope, (what, _, _) in SCOPES.items()}
)


async def get_container(request: Request) -> Container:  # async: FastAPI would run a sync one in a thread
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


async def get_principal(container: ContainerDep, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    """The caller, from the bearer token only."""
    if not token:
        raise ProblemError("not_authenticated", headers={"WWW-Authenticate": "Bearer"})
    if len(token) > 4096:
        raise ProblemError("invalid_token", headers={"WWW-Authenticate": "Bearer"})
    return await authenticate(token, auth=container.auth)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
PageDep = Annotated[PageRequest, Depends(page_request)]


async def get_cursor_codec(request: Request) -> CursorCodec:
    codec: CursorCodec = request.app.state.cursor_codec
    return codec


CursorCodecDep = Annotated[CursorCodec, Depends(get_cursor_codec)]


async def expected_version(
    if_match: Annotated[
        str | None,
        Header(max_length=512, description="ETag from your last read; the write is refused (412) if it changed."),
    ] = None,
) -> int | None:
    return parse_if_match(if_match)


ExpectedVersion = Annotated[int | None, Depends(expected_version)]


Model = TypeVar("Model", bound=BaseModel)


def query_values(model: type[Model], parameters: Mapping[str, str]) -> tuple[Model | None, list[dict[str, Any]]]:
    """`model` read from the query string's parameters in one validation, as FastAPI reads `Annotated[model, Query()]`
    (a parameter given twice counts once, with its last value; unknown ones are ignored), with its errors located at
    `query.<field>` as FastAPI locates them. For the hot routes that resolve their parameters by hand: FastAPI extracts
    and checks a query model field by field (≈ 110 µs for one of 18 fields, against ≈ 2 µs for this)."""
    try:
        return model.model_validate(parameters), []
    except ValidationError as error:
        return None, [{**item, "loc": ("query", *item["loc"])} for item in error.errors(include_url=False)]
