"""The participant portal's business ideas: a person drafts, lists, reads, revises, submits and withdraws their own
ideas; anyone else's idea is answered like a missing one; staff of the supporting partner see what the person did."""

from __future__ import annotations

import httpx

from tests.api.ideas_support import CANVAS, IDEAS, MY_IDEAS, create_idea, idea_body, portal_sign_in
from tests.conftest import World, register


async def test_a_person_works_on_their_own_ideas(client: httpx.AsyncClient, world: World) -> None:
    me = await portal_sign_in(client, world.a.staff_headers, world.a.participant_id, "persona.alfa@example.org")
    body = idea_body(canvas={**CANVAS, "key_partnerships": ""})
    created = await client.post(MY_IDEAS, headers={**me, "Accept-Language": "es"}, json=body)
    assert created.status_code == 201, created.text
    idea = created.json()
    assert created.headers["location"] == f"{MY_IDEAS}/{idea['id']}"
    assert (idea["participant_id"], idea["supporting_partner_id"]) == (
        str(world.a.participant_id),
        str(world.a.partner_id),
    )
    assert idea["requested_amount"] == "1650.00"
    assert idea["sector_title"] == "Elaboración de productos alimenticios"

    # The person may not name who the idea is for: it is theirs.
    naming = await client.post(MY_IDEAS, headers=me, json=idea_body(world.b.participant_id))
    assert naming.status_code == 422

    url = f"{MY_IDEAS}/{idea['id']}"
    incomplete = await client.post(f"{url}/submission", headers=me)
    assert (incomplete.status_code, incomplete.json()["code"]) == (422, "idea_incomplete")
    assert [error["field"] for error in incomplete.json()["errors"]] == ["canvas.key_partnerships"]
    stale = await client.patch(url, headers={**me, "If-Match": '"v5"'}, json={"canvas": {"key_partnerships": "x"}})
    assert stale.status_code == 412
    revised = await client.patch(
        url, headers={**me, "If-Match": '"v1"'}, json={"canvas": {"key_partnerships": "Molino local"}}
    )
    assert revised.status_code == 200, revised.text
    assert revised.headers["etag"] == '"v2"'
    submitted = await client.post(f"{url}/submission", headers=me)
    assert submitted.json()["status"] == "submitted"

    listed = await client.get(MY_IDEAS, headers=me)
    assert [(item["id"], item["status"]) for item in listed.json()["items"]] == [(idea["id"], "submitted")]
    read = await client.get(url, headers=me)
    assert (read.status_code, read.headers["etag"]) == (200, '"v2"')

    # The supporting partner's staff see the person's idea and its versions.
    staff_view = await client.get(f"{IDEAS}/{idea['id']}/versions", headers=world.a.staff_headers)
    assert [version["number"] for version in staff_view.json()] == [1, 2]

    withdrawn = await client.post(f"{url}/withdrawal", headers=me)
    assert withdrawn.json()["status"] == "withdrawn"
    edit = await client.patch(url, headers=me, json={"name": "Otra"})
    assert (edit.status_code, edit.json()["code"]) == (409, "idea_withdrawn")


async def test_anyone_elses_idea_is_missing_in_the_portal(client: httpx.AsyncClient, world: World) -> None:
    other = await register(client, world.a.staff_headers, documents=[], phone=None, email=None)
    theirs = await create_idea(client, world.a.staff_headers, other["id"])
    me = await portal_sign_in(client, world.a.staff_headers, world.a.participant_id, "persona.alfa@example.org")
    url = f"{MY_IDEAS}/{theirs['id']}"
    for response in (
        await client.get(url, headers=me),
        await client.patch(url, headers=me, json={"name": "Mía"}),
        await client.post(f"{url}/submission", headers=me),
        await client.post(f"{url}/withdrawal", headers=me),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert (await client.get(MY_IDEAS, headers=me)).json()["items"] == []
    # Staff do not use the portal, and the person does not use the staff's routes.
    assert (await client.get(MY_IDEAS, headers=world.a.staff_headers)).status_code == 403
    assert (await client.get(f"{IDEAS}/{theirs['id']}", headers=me)).status_code in (403, 404)


async def test_an_idea_staff_drafted_for_the_person_is_theirs_in_the_portal(
    client: httpx.AsyncClient, world: World
) -> None:
    drafted = await create_idea(client, world.a.staff_headers, world.a.participant_id)
    me = await portal_sign_in(client, world.a.staff_headers, world.a.participant_id, "persona.alfa@example.org")
    teammate = await register(client, world.a.staff_headers, documents=[], phone=None, email=None)
    revised = await client.patch(f"{MY_IDEAS}/{drafted['id']}", headers=me, json={"team": [teammate["id"]]})
    assert revised.status_code == 200, revised.text
    assert revised.json()["team"] == [teammate["id"]]
    foreign = await client.patch(
        f"{MY_IDEAS}/{drafted['id']}", headers=me, json={"team": [str(world.b.participant_id)]}
    )
    assert (foreign.status_code, foreign.json()["code"]) == (422, "unknown_team_member")
