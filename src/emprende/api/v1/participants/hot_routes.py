"""The two busiest reads, `GET /participants` and `GET /participants/{id}`, served ahead of every router."""

from __future__ import annotations

import uuid

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError

from emprende.api.deps import (
    get_principal,
    oauth2_scheme,
    query_values,
)
from emprende.api.pagination import CursorCodec, PageQuery
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.participants.participants import respond_participant, respond_participant_list, router
from emprende.api.v1.participants.schemas import (
    ParticipantListQuery,
)
from emprende.bootstrap import Container

# --- The two busiest reads, as requests reach them ------------------------------------------------------------------
#
# `list_participants` and `get_participant` (`participants.py`) are what the OpenAPI document describes. Requests reach
# the two routes below first (`add_hot_routes`, registered ahead of every router): the same path and method,
# undocumented, with the request as their only parameter. They resolve what the documented routes declare (the caller,
# the page, the filters) by hand, in the same order and with the same errors, and then run the same code. FastAPI would
# solve seven dependencies for a page and match it through two levels of included routers: ≈ 30 % of a page's time in
# the application. Both take only UUID-shaped participant ids, as the documented routes do.
# (`tests/api/test_hot_routes.py` holds both pairs to the same answers.)


async def list_participants_served(request: Request) -> Response:
    container: Container = request.app.state.container
    principal = await get_principal(container, await oauth2_scheme(request))
    parameters = dict(request.query_params)
    page, page_errors = query_values(PageQuery, parameters)
    query, query_errors = query_values(ParticipantListQuery, parameters)
    if page is None or query is None:
        raise RequestValidationError([*page_errors, *query_errors])
    codec: CursorCodec = request.app.state.cursor_codec
    return await respond_participant_list(principal, container, codec, page.request(), query)


async def get_participant_served(request: Request) -> Response:
    container: Container = request.app.state.container
    principal = await get_principal(container, await oauth2_scheme(request))
    participant_id: uuid.UUID = request.path_params["participant_id"]
    return await respond_participant(participant_id, principal, container)


def add_hot_routes(app: FastAPI, prefix: str) -> None:
    """Register the undocumented routes that serve the two busiest reads (see above); before any router."""
    path = f"{prefix}{router.prefix}"
    extra = tenancy(Tenancy.PARTNER_OWNED)
    app.add_api_route(path, list_participants_served, methods=["GET"], include_in_schema=False, openapi_extra=extra)
    app.add_api_route(
        f"{path}/{{participant_id:uuid}}",
        get_participant_served,
        methods=["GET"],
        include_in_schema=False,
        openapi_extra=extra,
    )
