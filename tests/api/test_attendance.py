"""Attendance registers and completion through the API: a register sent again changes nothing, a correction is
audited, someone not enrolled is refused with nothing written; finishing a cohort judges everyone and says which
criterion each person missed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.shared.schema import audit_events
from emprende.bootstrap import Container
from tests.api.training_support import (
    COHORTS,
    TRAINING_TABLES,
    enroll,
    grant_authoring,
    open_cohort,
    published_module,
    seed_trainees,
)
from tests.conftest import World, snapshot


async def _running_cohort(
    client: httpx.AsyncClient, container: Container, world: World, people: int, **changes: Any
) -> tuple[dict[str, Any], list[str], list[uuid.UUID]]:
    """A running cohort with two sessions and `people` enrolled: (cohort, session ids, participant ids)."""
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    cohort = await open_cohort(client, world.a.manager_headers, module_id, **changes)
    url = f"{COHORTS}/{cohort['id']}"
    start = date.fromisoformat(cohort["start_date"])
    sessions = []
    for offset in (0, 7):
        body = {
            "on": (start + timedelta(days=offset)).isoformat(),
            "starts_at": "09:00:00",
            "duration_minutes": 120,
            "module_id": module_id,
        }
        added = await client.post(f"{url}/sessions", headers=world.a.manager_headers, json=body)
        assert added.status_code == 201, added.text
        sessions.append(added.json()["id"])
    ids = await seed_trainees(container, world.a.partner_id, people)
    for person in ids:
        assert (await enroll(client, world.a.staff_headers, cohort["id"], person)).status_code == 201
    running = await client.post(f"{url}/transitions", headers=world.a.manager_headers, json={"to": "running"})
    assert running.status_code == 200, running.text
    return cohort, sessions, ids


def _marks(people: list[uuid.UUID], *statuses: str) -> dict[str, Any]:
    return {"marks": [{"participant_id": str(p), "status": s} for p, s in zip(people, statuses, strict=True)]}


async def _audited_corrections(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = select(func.count()).where(
            audit_events.c.entity_type == "attendance", audit_events.c.action == "update"
        )
        return int(await connection.scalar(query) or 0)


async def test_a_register_sent_again_changes_nothing_and_a_correction_is_audited(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    cohort, sessions, people = await _running_cohort(client, container, world, 3)
    url = f"{COHORTS}/{cohort['id']}/sessions/{sessions[0]}/attendance"
    facilitator = world.a.staff_headers
    first = await client.put(url, headers=facilitator, json=_marks(people, "present", "late", "absent"))
    assert first.status_code == 200, first.text
    assert (first.json()["recorded"], first.json()["corrected"], first.json()["unchanged"]) == (3, 0, 0)
    state = await snapshot(engine, "attendance")
    again = await client.put(url, headers=facilitator, json=_marks(people, "present", "late", "absent"))
    assert (again.json()["recorded"], again.json()["corrected"], again.json()["unchanged"]) == (0, 0, 3)
    assert await snapshot(engine, "attendance") == state
    fixed = await client.put(url, headers=facilitator, json=_marks(people[2:], "excused"))
    assert (fixed.json()["recorded"], fixed.json()["corrected"]) == (0, 1)
    assert await _audited_corrections(engine) == 1
    register = await client.get(url, headers=facilitator)
    assert [(m["participant_id"], m["status"]) for m in register.json()["marks"]] == sorted(
        zip(map(str, people), ["present", "late", "excused"], strict=True)
    )


async def test_a_register_naming_someone_not_enrolled_is_refused_whole(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    cohort, sessions, people = await _running_cohort(client, container, world, 2)
    stranger = (await seed_trainees(container, world.a.partner_id, 1))[0]
    url = f"{COHORTS}/{cohort['id']}/sessions/{sessions[0]}/attendance"
    before = await snapshot(engine, *TRAINING_TABLES, "attendance")
    for language in ("en", "es"):
        body = _marks([people[0], stranger, people[0]], "present", "present", "absent")
        refused = await client.put(url, headers={**world.a.staff_headers, "Accept-Language": language}, json=body)
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == [
            "body.marks[1].participant_id",
            "body.marks[2].participant_id",
        ]
    assert await snapshot(engine, *TRAINING_TABLES, "attendance") == before
    unknown = await client.put(
        f"{COHORTS}/{cohort['id']}/sessions/{uuid.uuid4()}/attendance",
        headers=world.a.staff_headers,
        json=_marks(people[:1], "present"),
    )
    assert unknown.status_code == 404


async def test_attendance_waits_for_the_cohort_to_run(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    cohort = await open_cohort(client, world.a.manager_headers, module_id)
    session = await client.post(
        f"{COHORTS}/{cohort['id']}/sessions",
        headers=world.a.manager_headers,
        json={"on": cohort["start_date"], "starts_at": "09:00:00", "duration_minutes": 60, "module_id": module_id},
    )
    person = (await seed_trainees(container, world.a.partner_id, 1))[0]
    await enroll(client, world.a.staff_headers, cohort["id"], person)
    early = await client.put(
        f"{COHORTS}/{cohort['id']}/sessions/{session.json()['id']}/attendance",
        headers=world.a.staff_headers,
        json=_marks([person], "present"),
    )
    assert early.status_code == 409
    assert early.json()["code"] == "cohort_state"


async def test_finishing_a_cohort_judges_everyone_and_names_the_criteria_missed(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    criteria = {"min_attendance_percent": 50, "min_assessment_score": "60"}
    cohort, sessions, people = await _running_cohort(
        client, container, world, 3, capacity=3, completion_criteria=criteria
    )
    waiting = (await seed_trainees(container, world.a.partner_id, 1))[0]
    late = await enroll(client, world.a.staff_headers, cohort["id"], waiting)
    assert late.json()["status"] == "waitlisted"
    url = f"{COHORTS}/{cohort['id']}"
    staff = world.a.staff_headers
    await client.put(
        f"{url}/sessions/{sessions[0]}/attendance", headers=staff, json=_marks(people, "present", "present", "absent")
    )
    await client.put(
        f"{url}/sessions/{sessions[1]}/attendance", headers=staff, json=_marks(people, "late", "absent", "absent")
    )
    listed = (await client.get(f"{url}/enrollments", headers=staff)).json()["items"]
    by_person = {item["participant_id"]: item["id"] for item in listed}
    for person, score in ((people[0], "80"), (people[1], "55.5")):
        scored = await client.put(
            f"{url}/enrollments/{by_person[str(person)]}/assessment", headers=staff, json={"score": score}
        )
        assert scored.status_code == 200, scored.text
    bad_score = await client.put(
        f"{url}/enrollments/{by_person[str(people[2])]}/assessment", headers=staff, json={"score": "100.001"}
    )
    assert bad_score.status_code == 422

    finished = await client.post(f"{url}/transitions", headers=world.a.manager_headers, json={"to": "finished"})
    assert finished.status_code == 200, finished.text
    results = await client.get(f"{url}/completion", headers={**staff, "Accept-Language": "es"})
    judged = {item["participant_id"]: item for item in results.json()}
    first, second, third = (judged[str(person)] for person in people)
    assert (first["completed"], first["status"], first["attendance_percent"]) == (True, "completed", "100.00")
    assert (second["completed"], [f["criterion"] for f in second["failures"]]) == (False, ["min_assessment_score"])
    assert "55.50" in second["failures"][0]["message"]
    assert [f["criterion"] for f in third["failures"]] == ["min_attendance_percent", "min_assessment_score"]
    assert third["failures"][0]["message"].startswith("asisti")  # in Spanish, as asked
    after = (await client.get(f"{url}/enrollments", headers=staff)).json()["items"]
    assert {item["participant_id"]: (item["status"], item["end_reason"]) for item in after}[str(waiting)] == (
        "withdrawn",
        "cohort_finished",
    )
