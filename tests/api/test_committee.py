"""The committee end to end: evaluators assigned free of conflicts, declarations before anything is seen, recusal and
its top-up, blind review, scores on the rubric, the ranked view with every figure, and the freeze when review closes."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from emprende.bootstrap import Container
from tests.api.calls_support import (
    APPLICATIONS,
    ASSIGNMENTS,
    CALLS,
    applicant,
    apply,
    close_window,
    evaluators,
    grant,
    open_call,
)
from tests.conftest import World


async def _committee_call(
    client: httpx.AsyncClient, container: Container, world: World, *, people: int = 2, panel: int = 3, **changes: Any
) -> tuple[dict[str, Any], list[str], list[tuple[Any, dict[str, str]]]]:
    """A call of A (funding) with `people` applications supported by A and `panel` evaluators of B on its committee."""
    await grant(client, world, world.a.partner_id, "funding")
    call = await open_call(client, world.a.manager_headers, **changes)
    applications = []
    for _ in range(people):
        _, idea = await applicant(client, world.a.staff_headers)
        applied = await apply(client, world.a.staff_headers, call["id"], idea["id"])
        assert applied.status_code == 201, applied.text
        applications.append(applied.json()["id"])
    panel_members = await evaluators(client, container, world, world.b.partner_id, panel)
    for account, _ in panel_members:
        added = await client.post(
            f"{CALLS}/{call['id']}/evaluators", headers=world.a.manager_headers, json={"user_id": str(account.id)}
        )
        assert added.status_code == 201, added.text
    return call, applications, panel_members


async def _my_assignments(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/me/review-assignments", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _score(
    client: httpx.AsyncClient, headers: dict[str, str], assignment_id: str, viability: int, team: int
) -> None:
    declared = await client.post(
        f"{ASSIGNMENTS}/{assignment_id}/declaration", headers=headers, json={"conflict": False}
    )
    assert declared.status_code == 200, declared.text
    saved = await client.put(
        f"{ASSIGNMENTS}/{assignment_id}/review",
        headers=headers,
        json={
            "scores": {
                "viability": {"score": viability, "comment": "Mercado claro"},
                "team": {"score": team, "comment": "Equipo con experiencia"},
            }
        },
    )
    assert saved.status_code == 200, saved.text
    submitted = await client.post(f"{ASSIGNMENTS}/{assignment_id}/review/submission", headers=headers)
    assert submitted.status_code == 200, submitted.text


async def test_applications_are_spread_over_the_committee_up_to_the_quorum(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    call, applications, panel = await _committee_call(client, container, world, people=3, panel=3)
    run = await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    assert run.status_code == 200, run.text
    assert run.json() == {"created": 6, "short": 0}
    loads = [len(await _my_assignments(client, headers)) for _, headers in panel]
    assert sorted(loads) == [2, 2, 2]
    again = await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    assert again.json() == {"created": 0, "short": 0}
    assert {item["application_id"] for _, h in panel for item in await _my_assignments(client, h)} == set(applications)


async def test_an_evaluator_sees_nothing_before_declaring_and_only_the_idea_while_blind(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    call, _, panel = await _committee_call(client, container, world, people=1, panel=2)
    await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    headers = panel[0][1]
    assignment = (await _my_assignments(client, headers))[0]
    before = await client.get(f"{ASSIGNMENTS}/{assignment['id']}/application", headers=headers)
    assert before.status_code == 409
    assert before.json()["code"] == "declaration_required"
    other = await client.get(f"{ASSIGNMENTS}/{assignment['id']}/application", headers=panel[1][1])
    assert other.status_code == 404  # another evaluator's assignment
    declared = await client.post(
        f"{ASSIGNMENTS}/{assignment['id']}/declaration", headers=headers, json={"conflict": False}
    )
    assert declared.status_code == 200, declared.text
    seen = await client.get(f"{ASSIGNMENTS}/{assignment['id']}/application", headers=headers)
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["blind"] is True
    assert body["applicant_name"] is None
    assert body["supporting_partner_id"] is None
    assert body["idea"]["name"] == "Panadería La Esperanza"
    assert "participant_id" not in str(body["idea"])
    assert "team" not in body["idea"]
    assert body["idea"]["team_size"] == 0
    # In the open phase the evaluator sees who applied and their partner.
    await close_window(container, call["id"])
    for action in ("start_review", "next_phase"):
        moved = await client.post(
            f"{CALLS}/{call['id']}/transitions", headers=world.a.manager_headers, json={"action": action}
        )
        assert moved.status_code == 200, moved.text
    opened = (await client.get(f"{ASSIGNMENTS}/{assignment['id']}/application", headers=headers)).json()
    assert opened["blind"] is False
    assert opened["applicant_name"].startswith("Emprendedora")
    assert opened["supporting_partner_id"] == str(world.a.partner_id)


async def test_a_declared_conflict_recuses_and_another_evaluator_takes_the_place(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    call, applications, panel = await _committee_call(client, container, world, people=1, panel=3)
    await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    assigned = [(account, headers) for account, headers in panel if await _my_assignments(client, headers)]
    free = [headers for _, headers in panel if not await _my_assignments(client, headers)]
    assert len(assigned) == 2
    assert len(free) == 1
    _, conflicted = assigned[0]
    assignment = (await _my_assignments(client, conflicted))[0]
    declared = await client.post(
        f"{ASSIGNMENTS}/{assignment['id']}/declaration",
        headers=conflicted,
        json={"conflict": True, "relation": "family", "note": "Es mi prima"},
    )
    assert declared.status_code == 200, declared.text
    assert declared.json()["recused"] is True
    assert declared.json()["replaced"] is True
    assert len(await _my_assignments(client, free[0])) == 1
    for path, method in (("application", "get"), ("review", "put")):
        refused = await client.request(
            method.upper(),
            f"{ASSIGNMENTS}/{assignment['id']}/{path}",
            headers=conflicted,
            **({} if method == "get" else {"json": {"scores": {"team": {"score": 5}}}}),
        )
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "recused"
    again = await client.post(
        f"{ASSIGNMENTS}/{assignment['id']}/declaration", headers=conflicted, json={"conflict": False}
    )
    assert again.status_code == 409
    ranking = (await client.get(f"{CALLS}/{call['id']}/ranking", headers=world.a.manager_headers)).json()
    assert ranking["items"][0]["application_id"] == applications[0]
    assert ranking["items"][0]["recusals"] == 1


async def test_the_ranking_counts_only_submitted_independent_reviews(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    call, applications, panel = await _committee_call(client, container, world, people=2, panel=2)
    await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    await close_window(container, call["id"])
    await client.post(
        f"{CALLS}/{call['id']}/transitions", headers=world.a.manager_headers, json={"action": "start_review"}
    )
    by_application: dict[str, list[tuple[dict[str, str], str]]] = {}
    for _, headers in panel:
        for item in await _my_assignments(client, headers):
            by_application.setdefault(item["application_id"], []).append((headers, item["id"]))
    first, second = applications
    # First application: two reviews (viability 5 & team 10 = 100; viability 3 & team 5 = 50).
    await _score(client, *by_application[first][0], 5, 10)
    await _score(client, *by_application[first][1], 3, 5)
    # Second application: one review only — below the quorum of two.
    await _score(client, *by_application[second][0], 4, 5)
    ranking = await client.get(f"{CALLS}/{call['id']}/ranking", headers=world.a.manager_headers)
    assert ranking.status_code == 200, ranking.text
    items = {item["application_id"]: item for item in ranking.json()["items"]}
    assert items[first]["reviews"] == 2
    assert items[first]["mean"] == 75.0
    assert items[first]["median"] == 75.0
    assert items[first]["disagreement"] is True  # stdev 35.36 > 15
    assert items[first]["below_quorum"] is False
    assert items[second]["reviews"] == 1
    assert items[second]["below_quorum"] is True
    assert items[second]["mean"] == 65.0  # 0.6 * 75 + 0.4 * 50
    assert [item["application_id"] for item in ranking.json()["items"]] == [first, second]
    exported = await client.get(f"{CALLS}/{call['id']}/ranking/export", headers=world.a.manager_headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["application_id"] for row in rows] == [first, second]
    assert rows[0]["mean"] == "75.0"
    assert rows[1]["below_quorum"] == "True"
    # Another partner's staff do not see the committee's view.
    refused = await client.get(f"{CALLS}/{call['id']}/ranking", headers=world.b.manager_headers)
    assert refused.status_code in (403, 404)


async def test_scores_freeze_when_the_review_closes_and_the_applicant_sees_how_it_was_judged(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    from tests.api.ideas_support import portal_sign_in

    await grant(client, world, world.a.partner_id, "funding")
    call = await open_call(client, world.a.manager_headers, quorum=1)
    participant_id, idea = await applicant(client, world.a.staff_headers)
    portal = await portal_sign_in(client, world.a.staff_headers, participant_id, "postulante@alfa.example.org")
    applied = await client.post(
        "/api/v1/me/applications", headers=portal, json={"call_id": call["id"], "idea_id": idea["id"]}
    )
    assert applied.status_code == 201, applied.text
    application_id = applied.json()["id"]
    [(account, headers)] = await evaluators(client, container, world, world.b.partner_id, 1)
    await client.post(
        f"{CALLS}/{call['id']}/evaluators", headers=world.a.manager_headers, json={"user_id": str(account.id)}
    )
    await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    await close_window(container, call["id"])
    await client.post(
        f"{CALLS}/{call['id']}/transitions", headers=world.a.manager_headers, json={"action": "start_review"}
    )
    [assignment] = await _my_assignments(client, headers)
    await _score(client, headers, assignment["id"], 4, 8)
    early = (await client.get(f"/api/v1/me/applications/{application_id}", headers=portal)).json()
    assert early["review_closed"] is False
    assert early["criteria"] == []
    closed = await client.post(
        f"{CALLS}/{call['id']}/transitions", headers=world.a.manager_headers, json={"action": "close_review"}
    )
    assert closed.status_code == 200, closed.text
    late = await client.put(
        f"{ASSIGNMENTS}/{assignment['id']}/review", headers=headers, json={"scores": {"team": {"score": 1}}}
    )
    assert late.status_code == 409
    rubric = await client.put(
        f"{CALLS}/{call['id']}/rubric",
        headers=world.a.manager_headers,
        json={"criteria": [call["rubric"]["criteria"][1]]},
    )
    assert rubric.status_code == 409
    assert rubric.json()["code"] == "rubric_frozen"
    explained = await client.get(f"/api/v1/me/applications/{application_id}", headers=portal)
    assert explained.status_code == 200, explained.text
    body = explained.json()
    assert body["review_closed"] is True
    assert [(c["key"], [s["score"] for s in c["scores"]]) for c in body["criteria"]] == [
        ("viability", [4]),
        ("team", [8]),
    ]
    assert body["criteria"][0]["scores"][0]["comment"] == "Mercado claro"
    assert str(account.id) not in explained.text
    assert body["rank"] == 1
    assert body["totals"] == [77.0]  # 0.6 * 75 + 0.4 * 80
    assert body["application"]["status"] == "submitted"
    # The funder reads the application; the idea as submitted.
    read = await client.get(f"{APPLICATIONS}/{application_id}", headers=world.a.manager_headers)
    assert read.status_code == 200


async def test_who_facilitated_the_applicants_cohort_is_never_assigned(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    from sqlalchemy import update

    from emprende.adapters.sql.training import tables as training_tables
    from tests.api.calls_support import add_evaluator
    from tests.api.ideas_support import submitted_idea
    from tests.api.training_support import seed_training

    await seed_training(container, world)  # A's first person is enrolled in a cohort of A's with one session
    await grant(client, world, world.a.partner_id, "funding")
    call = await open_call(client, world.a.manager_headers, quorum=1)
    person = world.a.participant_id
    consent = {"purpose": "seed_capital", "notice_version": "2026-01", "method": "in_person"}
    given = await client.post(f"/api/v1/participants/{person}/consents", headers=world.a.manager_headers, json=consent)
    assert given.status_code == 201, given.text
    idea = await submitted_idea(client, world.a.staff_headers, person)
    assert (await apply(client, world.a.staff_headers, call["id"], idea["id"])).status_code == 201
    [(facilitator, facilitator_headers), (other, other_headers)] = await evaluators(
        client, container, world, world.b.partner_id, 2
    )
    session_id = world.training["session_id"][0]
    async with container.engine.begin() as connection:  # this evaluator facilitated that session before
        await connection.execute(
            update(training_tables.cohort_sessions)
            .where(training_tables.cohort_sessions.c.id == session_id)
            .values(facilitator_id=facilitator.id)
        )
    await add_evaluator(client, world.a.manager_headers, call["id"], facilitator.id)
    alone = await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    assert alone.json() == {"created": 0, "short": 1}
    await add_evaluator(client, world.a.manager_headers, call["id"], other.id)
    topped = await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    assert topped.json() == {"created": 1, "short": 0}
    assert await _my_assignments(client, facilitator_headers) == []
    assert len(await _my_assignments(client, other_headers)) == 1


async def test_an_evaluator_of_the_supporting_partner_is_recused_even_after_declaring_no_conflict(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """Assigned before the records showed the conflict (the evaluator's partner took up the applicant's support
    afterwards in real life; here, the evaluator is simply assigned by hand), a declaration of no conflict still
    recuses them: the records win."""
    from emprende.domain.calls.assignment import Assignment
    from emprende.services.shared.principal import SYSTEM
    from tests.api.calls_support import add_evaluator

    await grant(client, world, world.a.partner_id, "funding")
    await grant(client, world, world.a.partner_id, "evaluation")
    call = await open_call(client, world.a.manager_headers, quorum=1)
    _, idea = await applicant(client, world.a.staff_headers)
    application = (await apply(client, world.a.staff_headers, call["id"], idea["id"])).json()
    [(colleague, headers)] = await evaluators(client, container, world, world.a.partner_id, 1)
    await add_evaluator(client, world.a.manager_headers, call["id"], colleague.id)
    run = await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    assert run.json() == {"created": 0, "short": 1}  # never assigned: they work for the supporting partner
    import uuid

    async with container.uow(SYSTEM) as uow:
        assignment = Assignment(
            call_id=uuid.UUID(call["id"]),
            application_id=uuid.UUID(application["id"]),
            evaluator_id=colleague.id,
            participant_id=uuid.UUID(application["participant_id"]),
            now=container.clock.now(),
        )
        uow.review_assignments.add(assignment)
        await uow.commit()
    declared = await client.post(
        f"{ASSIGNMENTS}/{assignment.id}/declaration", headers=headers, json={"conflict": False}
    )
    assert declared.status_code == 200, declared.text
    assert declared.json()["recused"] is True
    assert declared.json()["relation"] == "same_partner"
    assert declared.json()["source"] == "detected"
    seen = await client.get(f"{ASSIGNMENTS}/{assignment.id}/application", headers=headers)
    assert seen.status_code == 409


async def test_bad_scores_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    from tests.api.calls_support import CALL_TABLES, assigned
    from tests.conftest import snapshot

    await grant(client, world, world.a.partner_id, "funding")
    _, _, assignment, headers = await assigned(client, container, world, review=True)
    url = f"{ASSIGNMENTS}/{assignment}/review"
    before = await snapshot(container.engine, *CALL_TABLES)
    nothing = await client.post(f"{url}/submission", headers=headers)
    assert nothing.status_code == 409
    assert nothing.json()["code"] == "review_not_started"
    for scores, code in (
        ({"viability": {"score": 9, "comment": "x"}}, "score_off_scale"),
        ({"team": {"score": -1}}, "validation_failed"),
        ({"luck": {"score": 3}}, "unknown_criterion"),
        ({"team": {"score": 2.5}}, "validation_failed"),
    ):
        refused = await client.put(url, headers={**headers, "Accept-Language": "es"}, json={"scores": scores})
        assert refused.status_code == 422, refused.text
        assert code in {refused.json()["code"], *(error["code"] for error in refused.json().get("errors", []))}
    assert await snapshot(container.engine, *CALL_TABLES) == before
    saved = await client.put(url, headers=headers, json={"scores": {"viability": {"score": 3, "comment": "Bien"}}})
    assert saved.status_code == 200
    incomplete = await client.post(f"{url}/submission", headers=headers)
    assert incomplete.status_code == 422
    assert incomplete.json()["code"] == "review_incomplete"
