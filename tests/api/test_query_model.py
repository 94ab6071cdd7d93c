"""`query_model`: a query model read in one validation answers exactly as FastAPI's own reading of it."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Query
from fastapi.routing import iter_route_contexts
from starlette.routing import Match

from emprende.api.deps import query_model
from emprende.api.participant_schemas import ParticipantListQuery
from emprende.api.problems import install_problem_handlers
from emprende.api.v1.participants import list_participants_served
from tests.conftest import PARTICIPANTS


def _by_fastapi() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/list")
    async def read(query: Annotated[ParticipantListQuery, Query()]) -> dict[str, Any]:
        return query.model_dump(mode="json")

    return app


def _by_one_validation() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/list")
    async def read(
        query: Annotated[ParticipantListQuery, Depends(query_model(ParticipantListQuery))],
    ) -> dict[str, Any]:
        return query.model_dump(mode="json")

    return app


async def _get(app: FastAPI, query: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(f"/list?{query}")


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
async def test_one_validation_answers_as_fastapi_does(query: str) -> None:
    expected = await _get(_by_fastapi(), query)
    actual = await _get(_by_one_validation(), query)
    assert actual.status_code == expected.status_code
    assert actual.headers["content-type"] == expected.headers["content-type"]
    assert actual.json() == expected.json()


def test_the_list_is_served_by_its_one_validation_route(app: FastAPI) -> None:
    scope = {"type": "http", "method": "GET", "path": PARTICIPANTS, "root_path": ""}
    served = next(route for route in iter_route_contexts(app.router.routes) if route.matches(scope)[0] is Match.FULL)
    assert getattr(served, "endpoint", None) is list_participants_served
