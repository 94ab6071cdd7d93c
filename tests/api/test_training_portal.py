"""The participant portal's training: a person sees their own enrolments with their queue position, answers an
offered seat and withdraws; another person's enrolment does not exist for them."""

from __future__ import annotations

import uuid

import httpx

from emprende.bootstrap import Container
from tests.api.training_support import COHORTS, enroll, grant_authoring, open_cohort, published_module, seed_trainees
from tests.conftest import PASSWORD, World, first_sign_in

ME = "/api/v1/me/enrollments"


async def _portal(client: httpx.AsyncClient, world: World, person: uuid.UUID) -> dict[str, str]:
    email = f"persona.{person.hex[:10]}@example.org"
    opened = await client.post(
        f"/api/v1/participants/{person}/portal-account",
        headers=world.a.staff_headers,
        json={"email": email, "password": PASSWORD},
    )
    assert opened.status_code == 201, opened.text
    return await first_sign_in(client, email)


async def test_a_person_follows_their_place_in_the_queue_and_takes_the_offered_seat(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    cohort = await open_cohort(client, world.a.manager_headers, module_id, capacity=1)
    first, second, third = await seed_trainees(container, world.a.partner_id, 3)
    seated = (await enroll(client, world.a.staff_headers, cohort["id"], first)).json()
    for person in (second, third):
        await enroll(client, world.a.staff_headers, cohort["id"], person)
    headers = await _portal(client, world, third)
    (mine,) = (await client.get(ME, headers=headers)).json()
    assert (mine["status"], mine["queue_position"], mine["cohort"]["name"]) == ("waitlisted", 2, cohort["name"])
    assert (mine["attendance"], mine["completion"]) == ([], None)

    # The person in front declines when the seat frees: the offer comes to this person, who takes it.
    await client.post(f"{COHORTS}/{cohort['id']}/enrollments/{seated['id']}/withdrawal", headers=world.a.staff_headers)
    listed = (await client.get(f"{COHORTS}/{cohort['id']}/enrollments", headers=world.a.staff_headers)).json()
    offered = next(item for item in listed["items"] if item["participant_id"] == str(second))
    declined = await client.post(
        f"{COHORTS}/{cohort['id']}/enrollments/{offered['id']}/offer-decline", headers=world.a.staff_headers
    )
    assert declined.status_code == 200, declined.text
    (mine,) = (await client.get(ME, headers=headers)).json()
    assert mine["status"] == "offered"
    assert mine["offer_expires_at"] is not None
    taken = await client.post(f"{ME}/{mine['id']}/offer-acceptance", headers=headers)
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "enrolled"
    # Someone else's enrolment does not exist for this person.
    foreign = await client.post(f"{ME}/{seated['id']}/withdrawal", headers=headers)
    assert foreign.status_code == 404
    left = await client.post(f"{ME}/{mine['id']}/withdrawal", headers=headers)
    assert left.json()["status"] == "withdrawn"
    staff_only = await client.get(f"{COHORTS}/{cohort['id']}", headers=headers)
    assert staff_only.status_code in (403, 404)
