"""The two busiest reads are served by undocumented routes that resolve their parameters by hand: they must answer
exactly as the documented routes, which FastAPI resolves, would — for good requests and bad ones alike."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from starlette.routing import Match

from emprende.api.app import create_app
from emprende.api.deps import query_values
from emprende.api.participant_schemas import ParticipantListQuery
from emprende.api.problems import install_problem_handlers
from emprende.api.v1.participants import get_participant_served, list_participants_served
from emprende.bootstrap import Container
from tests.conftest import PARTICIPANTS, World, register

_HOT = (list_participants_served, get_participant_served)
_COMPARED_HEADERS = ("content-type", "cache-control", "etag", "www-authenticate")


def _served_by(app: FastAPI, path: str) -> object:
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    route = next(route for route in iter_route_contexts(app.router.routes) if route.matches(scope)[0] is Match.FULL)
    return getattr(route, "endpoint", None)


@pytest.fixture
def documented(container: Container) -> FastAPI:
    """The same app with its hot routes taken away: requests reach the documented routes."""
    app = create_app(container=container)
    app.router.routes[:] = [route for route in app.router.routes if getattr(route, "endpoint", None) not in _HOT]
    return app


async def _both(app: FastAPI, documented: FastAPI, path: str, headers: dict[str, str]) -> httpx.Response:
    """The hot route's answer, after checking it against the documented route's."""
    answers = []
    same_request = headers | {"X-Request-ID": "hot-route-check"}  # problem bodies carry it
    for each in (app, documented):
        transport = httpx.ASGITransport(app=each, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answers.append(await client.get(path, headers=same_request))
    hot, reference = answers
    assert hot.status_code == reference.status_code, (path, hot.text, reference.text)
    assert hot.json() == reference.json(), path
    for name in _COMPARED_HEADERS:
        assert hot.headers.get(name) == reference.headers.get(name), (path, name)
    return hot


def test_the_hot_routes_serve_and_the_documented_ones_stand_behind(app: FastAPI, documented: FastAPI) -> None:
    identifier = "0192f0c4-5b1e-7c3a-9d2e-4f5a6b7c8d9e"
    assert _served_by(app, PARTICIPANTS) is list_participants_served
    assert _served_by(app, f"{PARTICIPANTS}/{identifier}") is get_participant_served
    assert _served_by(documented, PARTICIPANTS) is not list_participants_served
    assert _served_by(documented, f"{PARTICIPANTS}/{identifier}") is not get_participant_served


_LIST_QUERIES = [
    "",
    "?population_group=migrant&limit=1",
    "?sort=name&limit=2",
    "?limit=500",
    "?limit=0",
    "?limit=abc&population_group=martian",
    "?cursor=" + "x" * 600,
    "?cursor=not-a-cursor",
    "?name=",
    "?name=ana&sex=female&nationality=col&province_code=17",
    "?registered_from=2026-01-01T00:00:00",
    "?min_age=40&max_age=20",
    "?document_type=passport",
    "?document_type=passport&document_number=X1&external_system=crm&external_value=1",
    "?migratory_status=regular&has_disability=false",
]


@pytest.mark.parametrize("caller", ["manager", "staff", "client"])
async def test_the_list_answers_as_documented(
    client: httpx.AsyncClient, app: FastAPI, documented: FastAPI, world: World, caller: str
) -> None:
    for index in range(3):
        await register(client, world.a.manager_headers, given_names=f"Ana {index}", documents=[], external_ids=[])
    headers = world.a.principals()[caller]
    for query in _LIST_QUERIES:
        await _both(app, documented, f"{PARTICIPANTS}{query}", headers)
    first = (await _both(app, documented, f"{PARTICIPANTS}?limit=1", headers)).json()
    await _both(app, documented, f"{PARTICIPANTS}?limit=1&cursor={first['next_cursor']}", headers)


async def test_one_participant_answers_as_documented(
    client: httpx.AsyncClient, app: FastAPI, documented: FastAPI, world: World
) -> None:
    own = str((await register(client, world.a.manager_headers, documents=[], external_ids=[]))["id"])
    theirs = str(world.b.participant_id)
    for headers in (*world.a.principals().values(), world.admin_headers):
        for identifier in (own, own.upper(), own.replace("-", ""), theirs, "0192f0c4-5b1e-7c3a-9d2e-4f5a6b7c8d9e"):
            await _both(app, documented, f"{PARTICIPANTS}/{identifier}", headers)
        await _both(app, documented, f"{PARTICIPANTS}/not-an-id", headers)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not.a.token"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer " + "x" * 5000},
    ],
)
async def test_without_a_valid_token_both_answer_alike(
    client: httpx.AsyncClient, app: FastAPI, documented: FastAPI, world: World, headers: dict[str, str]
) -> None:
    own = str((await register(client, world.a.manager_headers, documents=[], external_ids=[]))["id"])
    for path in (PARTICIPANTS, f"{PARTICIPANTS}?limit=0", f"{PARTICIPANTS}/{own}"):
        await _both(app, documented, path, headers)


# --- `query_values` against FastAPI's own reading of a query model --------------------------------------------------


def _reader(by_fastapi: bool) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    if by_fastapi:

        @app.get("/list")
        async def read(query: Annotated[ParticipantListQuery, Query()]) -> dict[str, Any]:
            return query.model_dump(mode="json")

    else:

        @app.get("/list")
        async def read_by_hand(request: Request) -> dict[str, Any]:
            query, errors = query_values(ParticipantListQuery, dict(request.query_params))
            if query is None:
                raise RequestValidationError(errors)
            return query.model_dump(mode="json")

    return app


@pytest.mark.parametrize(
    "query",
    [
        "",
        "population_group=migrant&limit=50",
        "sex=female&nationality=VEN&province_code=17&canton_code=1701&min_age=18&max_age=29",
        "registered_from=2026-01-01T00:00:00Z&registered_to=2026-02-01T00:00:00-05:00&sort=name",
        "name=Mar%C3%ADa%20Jos%C3%A9&has_disability=true&migratory_status=regular",
        "document_type=passport&document_number=AB123&document_country=COL",
        "sex=female&sex=male",  # given twice: the last counts
        "unknown=1&population_group=returnee",  # unknown parameters are ignored
        "population_group=martian",
        "min_age=-1&max_age=abc",
        "name=",
        "nationality=VENEZUELA&sort=age",
        "registered_from=yesterday&has_disability=perhaps",
        "external_system=" + "x" * 65,
    ],
)
async def test_query_values_reads_as_fastapi_does(query: str) -> None:
    answers = []
    for by_fastapi in (True, False):
        transport = httpx.ASGITransport(app=_reader(by_fastapi))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answers.append(await client.get(f"/list?{query}"))
    expected, actual = answers
    assert actual.status_code == expected.status_code
    assert actual.json() == expected.json()
