"""If-Match is weighed after the request is validated: an invalid body is reported (422) whatever the tag says, and a
valid one with a tag that does not match is refused (412); either way nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from emprende.bootstrap import Container
from tests.conftest import PARTICIPANT_TABLES, PARTICIPANTS, World, snapshot

TODAY = date.today().isoformat()  # within the agreement in force that `world` records


@dataclass(frozen=True)
class Write:
    method: str
    url: Callable[[World], str]
    headers: Callable[[World], dict[str, str]]
    valid: dict[str, Any]
    malformed: dict[str, Any]
    """Refused by the request schema."""
    against_a_rule: dict[str, Any]
    """Well-formed, refused by a rule of the programme."""


def _agreement(world: World) -> str:
    return f"/api/v1/partners/{world.a.partner_id}/agreements/{world.a.agreement_id}"


WRITES = {
    "participant": Write(
        "PATCH",
        lambda world: f"{PARTICIPANTS}/{world.a.participant_id}",
        lambda world: world.a.manager_headers,
        {"household_size": 4},
        {"household_size": "four"},
        {"documents": [{"type": "cedula", "number": "1710034066"}]},  # wrong check digit
    ),
    "user": Write(
        "PATCH",
        lambda world: f"/api/v1/users/{world.a.staff.id}",
        lambda world: world.admin_headers,
        {"full_name": "Otro Nombre"},
        {"full_name": 5},
        {"full_name": "   "},
    ),
    "partner": Write(
        "PATCH",
        lambda world: f"/api/v1/partners/{world.a.partner_id}",
        lambda world: world.admin_headers,
        {"name": "Otro Nombre"},
        {"kind": "bank_robber"},
        {"ruc": "0000000000000"},
    ),
    "termination": Write(
        "POST",
        lambda world: f"{_agreement(world)}/termination",
        lambda world: world.admin_headers,
        {"reason": "Fin anticipado"},
        {"reason": ""},
        {"reason": "Fin anticipado", "terminated_on": "2000-01-01"},  # before the agreement starts
    ),
    "amendment": Write(
        "POST",
        lambda world: f"{_agreement(world)}/amendments",
        lambda world: world.admin_headers,
        {"reason": "Evaluación", "effective_from": TODAY, "roles_added": ["evaluation"]},
        {"reason": "Evaluación"},
        {
            "reason": "Evaluación",
            "effective_from": TODAY,
            "roles_added": ["referral"],
            "roles_removed": ["referral"],
        },
    ),
}
TABLES = (*PARTICIPANT_TABLES, "partners", "cooperation_agreements", "users")
UNMATCHED = {"stale": '"v99"', "garbage": "not an entity tag", "two-versions": '"v1", "v2"'}


async def _send(
    client: httpx.AsyncClient, world: World, write: Write, body: dict[str, Any], tag: str
) -> httpx.Response:
    headers = {**write.headers(world), "If-Match": tag}
    return await client.request(write.method, write.url(world), json=body, headers=headers)


@pytest.mark.parametrize("tag", UNMATCHED.values(), ids=UNMATCHED.keys())
@pytest.mark.parametrize("name", WRITES)
async def test_an_invalid_body_is_reported_before_a_tag_that_does_not_match(
    client: httpx.AsyncClient, container: Container, world: World, name: str, tag: str
) -> None:
    write = WRITES[name]
    before = await snapshot(container.engine, *TABLES)
    for body in (write.malformed, write.against_a_rule):
        response = await _send(client, world, write, body, tag)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    refused = await _send(client, world, write, write.valid, tag)
    assert refused.status_code == 412, refused.text
    assert refused.json()["code"] == "precondition_failed"
    assert await snapshot(container.engine, *TABLES) == before
