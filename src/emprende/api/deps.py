"""FastAPI dependencies, as Annotated aliases: the container, the acting principal, paging and preconditions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ValidationError

from emprende.api.etag import parse_if_match
from emprende.api.pagination import CursorCodec, PageRequest, page_request
from emprende.api.problems import ProblemError
from emprende.bootstrap import Container
from emprende.services.auth import authenticate
from emprende.services.principal import Principal

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    description="Sign in with e-mail (as username) and password.",
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


def query_model(model: type[Model]) -> Callable[[Request], Awaitable[Model]]:
    """A dependency reading `model` from the query string in one validation, as `Annotated[model, Query()]` reads it
    (a parameter given twice counts once, with its last value; unknown ones are ignored; errors are located at
    `query.<field>`), for hot routes: FastAPI extracts and checks a query model field by field (≈ 110 µs for a model
    of 18 fields, against ≈ 2 µs for this). It documents nothing: the route's documented twin declares the model."""

    async def read(request: Request) -> Model:
        try:
            return model.model_validate(dict(request.query_params))
        except ValidationError as error:
            errors = error.errors(include_url=False)
            raise RequestValidationError([{**item, "loc": ("query", *item["loc"])} for item in errors]) from None

    return read
