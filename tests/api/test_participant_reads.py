"""The registry's hot reads are serialised by hand (orjson): every body must be exactly what the documented response
model would produce — same fields, same values, same text for dates, times and ids."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from emprende.api.v1.participants.schemas import ParticipantOut
from tests.conftest import PARTICIPANTS, World, register


def as_the_model_would(item: dict[str, Any]) -> dict[str, Any]:
    dumped: dict[str, Any] = ParticipantOut.model_validate(item).model_dump(mode="json", exclude_unset=True)
    return dumped


@pytest.mark.parametrize("caller", ["manager", "staff", "client"])
async def test_read_bodies_are_what_the_response_model_gives(
    client: httpx.AsyncClient, world: World, caller: str
) -> None:
    await register(client, world.a.manager_headers, documents=[], external_ids=[], phone=None, email=None)
    headers = world.a.principals()[caller]
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        listed = await client.get(PARTICIPANTS, headers=headers, params=params)
        assert listed.status_code == 200, listed.text
        assert listed.headers["content-type"] == "application/json"
        assert listed.headers["cache-control"] == "no-store"
        page = listed.json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if cursor is None:
            assert set(page) == {"items"}  # the last page has no next_cursor at all
            break
        assert set(page) == {"items", "next_cursor"}
    assert len(items) >= 2
    for item in items:
        assert item == as_the_model_would(item)
        assert item["registered_at"].endswith("Z")
        single = await client.get(f"{PARTICIPANTS}/{item['id']}", headers=headers)
        assert single.status_code == 200
        assert single.json() == item
        assert single.headers["etag"]
        assert single.headers["cache-control"] == "no-store"
        assert ("documents" in item) == (caller != "client")
        if caller != "client":
            assert "phone" in item  # null when the person gave none: present for a caller who may see it
