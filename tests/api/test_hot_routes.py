"""The two busiest reads are served by undocumented routes that resolve their parameters by hand: they must answer
exactly as the documented routes, which FastAPI resolves, would — for good requests and bad ones alike."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import ValidationError
from pydantic.fields import FieldInfo
from starlette.routing import Match

from emprende.api.app import create_app
from emprende.api.deps import query_values
from emprende.api.problems import install_problem_handlers
from emprende.api.v1.participants.hot_routes import get_participant_served, list_participants_served
from emprende.api.v1.participants.schemas import ParticipantListQuery
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


# Combinations and bad input picked by hand; every single filter is covered by `_field_cases` below.
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

# Values for the filters whose type alone says too little to pick a meaningful one (text, date-times); the rest are
# derived from their types (every member of an enumeration, both booleans, an integer's bounds). A field of
# `ParticipantListQuery` with neither fails `test_every_list_filter_has_example_values`: add it here.
_EXAMPLES: dict[str, tuple[str, ...]] = {
    "nationality": ("VEN", "ven", "COL"),
    "province_code": ("17", "09"),
    "canton_code": ("1701", "0901"),
    "registered_from": ("2026-01-01T00:00:00Z", "2000-01-01T00:00:00-05:00"),
    "registered_to": ("2099-12-31T23:59:59+00:00", "2000-01-01T00:00:00Z"),
    "name": ("ana", "María José", "PÉREZ gómez", "%_"),
    "document_number": ("AB 123456",),
    "document_country": ("VEN",),
    "external_system": ("sigob",),
    "external_value": ("X-1",),
}
# Filters that mean something only with another one: sent together with these (alone, both routes refuse them).
_COMPANIONS: dict[str, dict[str, str]] = {
    "document_type": {"document_number": "AB 123456"},
    "document_number": {"document_type": "passport"},
    "document_country": {"document_type": "passport", "document_number": "AB 123456"},
    "external_system": {"external_value": "X-1"},
    "external_value": {"external_system": "sigob"},
}


def _bare_type(annotation: Any) -> Any:
    """`X | None`, `Optional[Annotated[X, ...]]` -> X."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
            continue
        arguments = [argument for argument in get_args(annotation) if argument is not type(None)]
        if get_origin(annotation) in (Union, UnionType) and len(arguments) == 1:
            annotation = arguments[0]
            continue
        return annotation


def _values(name: str, field: FieldInfo) -> tuple[list[str], list[str]]:
    """(valid, invalid) query-string values for one filter: from `_EXAMPLES`, or derived from its type."""
    kind = _bare_type(field.annotation)
    lengths = {type(rule).__name__: rule for rule in field.metadata}
    invalid = ["x" * (lengths["MaxLen"].max_length + 1)] if "MaxLen" in lengths else []
    if name in _EXAMPLES:
        return list(_EXAMPLES[name]), invalid + (["yesterday"] if kind is datetime else [])
    if isinstance(kind, type) and issubclass(kind, Enum):
        return [str(member.value) for member in kind], ["not-a-" + name]
    if kind is bool:
        return ["true", "false"], ["perhaps"]
    if kind is int and "Ge" in lengths and "Le" in lengths:
        low, high = lengths["Ge"].ge, lengths["Le"].le
        return [str(low), str((low + high) // 2), str(high)], [str(low - 1), str(high + 1), "abc"]
    return [], []


def _field_cases() -> list[str]:
    """One query string per value of every filter of `ParticipantListQuery` (alone, with its companions), valid
    values and invalid ones: a filter added to the model is sent to both routes without anyone writing a case."""
    missing = []
    cases = []
    for name, field in ParticipantListQuery.model_fields.items():
        valid, invalid = _values(name, field)
        if not valid:
            missing.append(name)
        for value in [*valid, *invalid]:
            cases.append("?" + urlencode({**_COMPANIONS.get(name, {}), name: value}))
    assert not missing, (
        f"ParticipantListQuery has filters with no example values: {', '.join(missing)}. Give each one in _EXAMPLES "
        "(tests/api/test_hot_routes.py) so that the hot route is held to the documented one for it."
    )
    return cases


def test_every_list_filter_has_example_values() -> None:
    """Every filter has values, the valid ones are read as valid and the invalid ones refused, by the model itself."""
    cases = _field_cases()
    for name, field in ParticipantListQuery.model_fields.items():
        valid, invalid = _values(name, field)
        for value in valid:
            ParticipantListQuery.model_validate({**_COMPANIONS.get(name, {}), name: value})
        for value in invalid:
            with pytest.raises(ValidationError):
                ParticipantListQuery.model_validate({name: value})
    assert len(cases) >= 2 * len(ParticipantListQuery.model_fields)


@pytest.mark.parametrize("caller", ["manager", "staff", "client"])
async def test_the_list_answers_as_documented(
    client: httpx.AsyncClient, app: FastAPI, documented: FastAPI, world: World, caller: str
) -> None:
    for index in range(3):
        await register(
            client,
            world.a.manager_headers,
            given_names=f"Ana {index}",
            documents=[{"type": "passport", "number": f"ab 12345{index}", "issuing_country": "VEN"}],
            external_ids=[{"system": "sigob", "value": f"X-{index}"}],
            phone=f"09912345{index:02d}",
        )
    headers = world.a.principals()[caller]
    seen = 0
    for query in [*_LIST_QUERIES, *_field_cases()]:
        answer = await _both(app, documented, f"{PARTICIPANTS}{query}", headers)
        seen += len(answer.json().get("items", []))
    assert seen > 0  # the filters were applied to people, not only to an empty list
    first = (await _both(app, documented, f"{PARTICIPANTS}?limit=1", headers)).json()
    await _both(app, documented, f"{PARTICIPANTS}?limit=1&cursor={first['next_cursor']}", headers)
    for sort in ("registered_at", "name"):  # the next page of a filtered list, in either order, is read alike
        query = f"{PARTICIPANTS}?limit=1&sort={sort}&name=ana"
        first = (await _both(app, documented, query, headers)).json()
        await _both(app, documented, f"{query}&cursor={first['next_cursor']}", headers)


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
