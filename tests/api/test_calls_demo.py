"""The demonstration data holds a seed-capital call in review that shows what the committee does: applications,
reviews, one recusal replaced by another evaluator and one application below its quorum."""

from __future__ import annotations

import uuid

import httpx

from emprende.bootstrap import Container
from emprende.demo import DEFAULT_DEMO_PASSWORD, load_demo
from emprende.domain.identity.user import Role
from tests.api.calls_support import CALLS
from tests.conftest import Account, login


async def test_the_demo_call_has_reviews_a_recusal_and_an_application_below_quorum(
    client: httpx.AsyncClient, container: Container
) -> None:
    lines = await load_demo(container, DEFAULT_DEMO_PASSWORD)
    assert lines is not None
    assert any("seed-capital call" in line for line in lines), lines
    admin = Account(uuid.UUID(int=0), "coordinacion@emprende.example", DEFAULT_DEMO_PASSWORD, Role.ADMIN)
    headers = {"Authorization": f"Bearer {(await login(client, admin))['access_token']}"}
    calls = (await client.get(CALLS, headers=headers)).json()["items"]
    assert [call["status"] for call in calls] == ["in_review"]
    ranking = await client.get(f"{CALLS}/{calls[0]['id']}/ranking", headers=headers)
    assert ranking.status_code == 200, ranking.text
    items = ranking.json()["items"]
    assert len(items) == 3
    assert sum(item["recusals"] for item in items) == 1
    assert [item["below_quorum"] for item in items].count(True) == 1
    assert all(item["reviews"] >= 1 for item in items)
    assert all(item["mean"] is not None for item in items)
