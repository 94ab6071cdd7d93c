"""Training modules: universities with a `content_authoring` agreement author them, versions are immutable once
published, everyone signed in reads the published ones, in Spanish or English."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.training_support import MODULES, TRAINING_TABLES, grant_authoring, module_body, published_module
from tests.conftest import World, snapshot


async def test_a_university_authors_publishes_and_revises_a_module(client: httpx.AsyncClient, world: World) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    author = world.a.manager_headers
    created = await client.post(MODULES, headers={**author, "Accept-Language": "es"}, json=module_body())
    assert created.status_code == 201, created.text
    module = created.json()
    assert module["status"] == "draft"
    assert module["version"] == 1
    assert module["title"] == "Educación financiera"
    assert module["language"] == "es"
    assert created.headers["content-language"] == "es"
    assert module["author_partner_ids"] == [str(world.a.partner_id)]
    module_id = module["id"]

    # Another partner does not see a draft.
    hidden = await client.get(f"{MODULES}/{module_id}", headers=world.b.staff_headers)
    assert hidden.status_code == 404

    published = await client.post(f"{MODULES}/{module_id}/versions/1/publication", headers=author)
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    again = await client.post(f"{MODULES}/{module_id}/versions/1/publication", headers=author)
    assert again.status_code == 409
    assert again.json()["code"] == "module_version_published"

    # Everyone signed in reads the published version, in the language they ask for.
    read = await client.get(f"{MODULES}/{module_id}", headers={**world.b.staff_headers, "Accept-Language": "en"})
    assert read.status_code == 200, read.text
    assert read.json()["title"] == "Financial literacy"
    assert read.headers["content-language"] == "en"

    # A published version never changes: editing it is refused, editing the module makes version 2.
    refused = await client.put(f"{MODULES}/{module_id}/versions/1", headers=author, json=module_body(hours="20"))
    assert refused.status_code == 409
    assert refused.json()["code"] == "module_version_published"
    revised = await client.put(f"{MODULES}/{module_id}", headers=author, json=module_body(hours="20"))
    assert revised.status_code == 200, revised.text
    assert (revised.json()["version"], revised.json()["status"], revised.json()["hours"]) == (2, "draft", "20.0")
    # Editing again changes the draft in place.
    edited = await client.put(f"{MODULES}/{module_id}", headers=author, json=module_body(hours="21"))
    assert (edited.json()["version"], edited.json()["hours"]) == (2, "21.0")

    first = await client.get(f"{MODULES}/{module_id}?version=1", headers=world.b.staff_headers)
    assert first.json()["hours"] == "12.5"
    # Readers still get the published version 1; the draft is the authors' only.
    assert (await client.get(f"{MODULES}/{module_id}", headers=world.b.staff_headers)).json()["version"] == 1
    assert (await client.get(f"{MODULES}/{module_id}?version=2", headers=world.b.staff_headers)).status_code == 404
    versions = await client.get(f"{MODULES}/{module_id}/versions", headers=world.b.staff_headers)
    assert [v["number"] for v in versions.json()] == [1]
    own = await client.get(f"{MODULES}/{module_id}/versions", headers=author)
    assert [(v["number"], v["status"]) for v in own.json()] == [(1, "published"), (2, "draft")]

    catalogue = await client.get(MODULES, headers=world.b.staff_headers)
    assert [(item["id"], item["version"]) for item in catalogue.json()["items"]] == [(module_id, 1)]
    mine = await client.get(MODULES, headers=author)
    assert [(item["id"], item["version"]) for item in mine.json()["items"]] == [(module_id, 2)]


async def test_texts_fall_back_to_the_language_a_version_has(client: httpx.AsyncClient, world: World) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    body = module_body()
    del body["translations"]["en"]
    module_id = await published_module(client, world.a.manager_headers, translations=body["translations"])
    read = await client.get(f"{MODULES}/{module_id}", headers={**world.b.staff_headers, "Accept-Language": "en"})
    assert read.json()["language"] == "es"
    assert read.headers["content-language"] == "es"
    assert read.json()["available_languages"] == ["es"]
    listed = await client.get(MODULES, headers={**world.b.staff_headers, "Accept-Language": "en-GB, es;q=0.5"})
    assert listed.json()["items"][0]["title"] == "Educación financiera"


async def test_only_partners_holding_content_authoring_author(client: httpx.AsyncClient, world: World) -> None:
    refused = await client.post(MODULES, headers=world.a.manager_headers, json=module_body())
    assert refused.status_code == 403
    assert refused.json()["code"] == "agreement_required"
    # A participant-side or evaluator account may not author at all.
    evaluator = await client.post(MODULES, headers=world.b.staff_headers, json=module_body())
    assert evaluator.status_code == 403


async def test_bad_module_input_is_refused_with_nothing_written(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    before = await snapshot(engine, *TRAINING_TABLES)
    cases = {
        "hours in quarter hours": module_body(hours="1.25"),
        "no texts": module_body(translations={}),
        "unknown language": module_body(translations={"fr": module_body()["translations"]["es"]}),
        "not a link": module_body(resources=[{"url": "ftp://x", "kind": "video", "language": "es", "title": "V"}]),
        "no modality": module_body(modalities=[]),
        "blank title": module_body(translations={"es": {**module_body()["translations"]["es"], "title": "   "}}),
        "unknown field": {**module_body(), "price": 3},
    }
    for name, body in cases.items():
        for language in ("en", "es"):
            response = await client.post(
                MODULES, headers={**world.a.manager_headers, "Accept-Language": language}, json=body
            )
            assert response.status_code in (400, 422), (name, response.text)
            problem = response.json()
            assert problem["errors"], name
            assert response.headers["content-language"] == language
    assert await snapshot(engine, *TRAINING_TABLES) == before
