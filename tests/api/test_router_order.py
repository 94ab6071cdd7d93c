"""The areas' routers are mounted from one list whose order decides nothing but the document's: every operation is
matched to the same endpoint whichever order the routers are mounted in."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import iter_route_contexts
from starlette.routing import Match

from emprende.api import v1

_PARAMETER = re.compile(r"\{[a-z_]+(?::[a-z]+)?\}")


def _mounted(routers: tuple[APIRouter, ...]) -> list[Any]:
    """The operations of the routers mounted in this order, as the app matches them (one after another)."""
    mounted = APIRouter(prefix="/api/v1")
    for area_router in routers:
        mounted.include_router(area_router)
    return [route for route in iter_route_contexts(mounted.routes) if route.methods]


def _endpoint(routes: list[Any], method: str, path: str) -> object:
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in routes:
        if route.matches(scope)[0] is Match.FULL:
            return route.endpoint
    return None


FORWARD = _mounted(v1.ROUTERS)
OTHER_ORDERS = (_mounted(tuple(reversed(v1.ROUTERS))), _mounted(v1.ROUTERS[1:] + v1.ROUTERS[:1]))
OPERATIONS = [
    (method, route.path, _PARAMETER.sub(lambda _: str(uuid.uuid4()), route.path))
    for route in FORWARD
    for method in sorted(route.methods)
]


def test_every_area_router_is_mounted() -> None:
    mounted = {route.endpoint for route in FORWARD}
    assert mounted == {route.endpoint for route in iter_route_contexts(v1.router.routes) if route.methods}
    assert len(OPERATIONS) > 40


@pytest.mark.parametrize(("method", "template", "path"), OPERATIONS, ids=[f"{m} {t}" for m, t, _ in OPERATIONS])
def test_an_operation_is_matched_alike_in_any_mounting_order(method: str, template: str, path: str) -> None:
    expected = _endpoint(FORWARD, method, path)
    assert expected is not None, template
    for other in OTHER_ORDERS:
        assert _endpoint(other, method, path) is expected
    # A word where an id goes (as in /participants/imports) reaches the same route, or none, in every order.
    if "{" in template:
        worded = _PARAMETER.sub("imports", template)
        for other in OTHER_ORDERS:
            assert _endpoint(other, method, worded) is _endpoint(FORWARD, method, worded)
