"""What the seed-capital call tests share: a funding agreement, a call open for applications, people who apply with
a submitted idea, evaluators of a partner holding `evaluation`, and time passing over a call's window."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from emprende.bootstrap import Container
from emprende.domain.identity.user import Role
from emprende.services.identity.users import CreateUser
from emprende.services.shared.principal import Principal, PrincipalKind
from tests.api.ideas_support import submitted_idea
from tests.conftest import PARTICIPANTS, PASSWORD, Account, World, bearer, create_ready_user, login

CALLS = "/api/v1/seed-capital-calls"
APPLICATIONS = "/api/v1/applications"
ASSIGNMENTS = "/api/v1/review-assignments"
CALL_TABLES = ("seed_capital_calls", "call_evaluators", "applications", "review_assignments", "reviews")

RUBRIC: list[dict[str, Any]] = [
    {
        "key": "viability",
        "title": "Viabilidad",
        "description": "¿El negocio cubre sus costos?",
        "weight": "60",
        "scale_min": 1,
        "scale_max": 5,
        "descriptors": {"1": "No viable", "5": "Claramente viable"},
    },
    {"key": "team", "title": "Equipo", "weight": "40", "scale_min": 0, "scale_max": 10},
]


async def grant(client: httpx.AsyncClient, world: World, partner_id: uuid.UUID, role: str) -> None:
    """The administrator records an agreement in force granting the partner `role`."""
    today = date.today()
    response = await client.post(
        f"/api/v1/partners/{partner_id}/agreements",
        headers=world.admin_headers,
        json={
            "code": f"CONV-{role[:4].upper()}-{partner_id.hex[:6]}-{uuid.uuid4().hex[:4]}",
            "title": f"Convenio de {role}",
            "roles": [role],
            "start_date": (today - timedelta(days=10)).isoformat(),
            "end_date": (today + timedelta(days=365)).isoformat(),
            "data_sharing": False,
            "activate": True,
        },
    )
    assert response.status_code == 201, response.text


def call_body(**changes: Any) -> dict[str, Any]:
    """A call taking applications from an hour ago for thirty days, funding equipment and raw materials."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title": "Capital semilla Manabí 2027",
        "description": "Para quienes completaron la formación en 2026.",
        "budget": "50000.00",
        "ceiling": "3000.00",
        "floor": "500.00",
        "fundable_categories": ["equipment", "raw_materials", "tools"],
        "eligibility_rules": [],
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
        "quorum": 2,
        "review_phases": [{"name": "ciega", "blind": True}, {"name": "panel", "blind": False}],
        "ranking_method": "mean",
        "disagreement_threshold": "15",
        "quotas": [{"dimension": "sex", "value": "female", "kind": "min_share_of_awards", "share": "0.5"}],
        "rubric": RUBRIC,
    }
    body.update(changes)
    return body


async def open_call(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    created = await client.post(CALLS, headers=headers, json=call_body(**changes))
    assert created.status_code == 201, created.text
    opened = await client.post(f"{CALLS}/{created.json()['id']}/transitions", headers=headers, json={"action": "open"})
    assert opened.status_code == 200, opened.text
    body: dict[str, Any] = opened.json()
    return body


async def applicant(
    client: httpx.AsyncClient, headers: dict[str, str], *, consent: bool = True, sex: str = "female", **person: Any
) -> tuple[str, dict[str, Any]]:
    """A person registered by `headers`' partner, with a `seed_capital` consent, and their submitted idea."""
    body = {
        "given_names": f"Emprendedora {uuid.uuid4().hex[:6]}",
        "family_names": "Manabita",
        "birth_date": "1992-02-03",
        "sex": sex,
        "population_group": "migrant",
        "nationality": "VEN",
        "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
        **person,
    }
    registered = await client.post(PARTICIPANTS, headers=headers, json=body)
    assert registered.status_code == 201, registered.text
    participant_id = str(registered.json()["id"])
    if consent:
        given = await client.post(
            f"{PARTICIPANTS}/{participant_id}/consents",
            headers=headers,
            json={"purpose": "seed_capital", "notice_version": "2026-01", "method": "in_person"},
        )
        assert given.status_code == 201, given.text
    return participant_id, await submitted_idea(client, headers, participant_id)


async def apply(client: httpx.AsyncClient, headers: dict[str, str], call_id: str, idea_id: str) -> httpx.Response:
    return await client.post(f"{CALLS}/{call_id}/applications", headers=headers, json={"idea_id": idea_id})


async def evaluators(
    client: httpx.AsyncClient, container: Container, world: World, partner_id: uuid.UUID | None, count: int
) -> list[tuple[Account, dict[str, str]]]:
    """`count` evaluator accounts of the partner (None: the programme's own experts), signed in."""
    acting = Principal(kind=PrincipalKind.USER, id=world.admin.id, role=Role.ADMIN)
    found = []
    for _ in range(count):
        email = f"evaluador.{uuid.uuid4().hex[:8]}@beta.example.org"
        user = await create_ready_user(
            CreateUser(
                email=email, full_name="Evaluador", password=PASSWORD, role=Role.EVALUATOR, partner_id=partner_id
            ),
            acting,
            uow_factory=container.uow,
            hasher=container.hasher,
            clock=container.clock,
        )
        account = Account(user.id, email, PASSWORD, Role.EVALUATOR, partner_id)
        found.append((account, bearer((await login(client, account))["access_token"])))
    return found


async def close_window(container: Container, call_id: str) -> None:
    """Move the call's closing time into the past, as time passing would."""
    from dataclasses import replace

    from emprende.services.shared.principal import SYSTEM

    async with container.uow(SYSTEM) as uow:
        call = await uow.seed_capital_calls.get(uuid.UUID(call_id))
        assert call is not None
        now = container.clock.now()
        call.terms = replace(call.terms, opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1))
        await uow.commit()


async def add_evaluator(client: httpx.AsyncClient, headers: dict[str, str], call_id: str, user_id: uuid.UUID) -> None:
    added = await client.post(f"{CALLS}/{call_id}/evaluators", headers=headers, json={"user_id": str(user_id)})
    assert added.status_code == 201, added.text


async def assigned(
    client: httpx.AsyncClient, container: Container, world: World, *, review: bool = False
) -> tuple[dict[str, Any], str, str, dict[str, str]]:
    """A call of A (already holding `funding`) with one application of A's and one evaluator of B assigned to it:
    (the call, the application's id, the assignment's id, the evaluator's headers). With `review`, the call's window
    has passed, its review has started and the evaluator has declared no conflict."""
    call = await open_call(client, world.a.manager_headers, quorum=1)
    _, idea = await applicant(client, world.a.staff_headers)
    applied = await apply(client, world.a.staff_headers, call["id"], idea["id"])
    assert applied.status_code == 201, applied.text
    [(account, headers)] = await evaluators(client, container, world, world.b.partner_id, 1)
    await add_evaluator(client, world.a.manager_headers, call["id"], account.id)
    run = await client.post(f"{CALLS}/{call['id']}/assignments", headers=world.a.manager_headers)
    assert run.json()["created"] == 1, run.text
    mine = await client.get("/api/v1/me/review-assignments", headers=headers)
    assignment_id = str(mine.json()["items"][0]["id"])
    if review:
        await close_window(container, call["id"])
        started = await client.post(
            f"{CALLS}/{call['id']}/transitions", headers=world.a.manager_headers, json={"action": "start_review"}
        )
        assert started.status_code == 200, started.text
        declared = await client.post(
            f"{ASSIGNMENTS}/{assignment_id}/declaration", headers=headers, json={"conflict": False}
        )
        assert declared.status_code == 200, declared.text
    return call, str(applied.json()["id"]), assignment_id, headers


FULL_REVIEW = {
    "scores": {
        "viability": {"score": 4, "comment": "Mercado claro"},
        "team": {"score": 7, "comment": "Equipo con experiencia"},
    }
}


async def seed_calls(container: Container, world: World) -> None:
    """An open call of the programme's own with one application supported by A and one by B, made from the ideas
    `seed_ideas` left (submitted here), straight through the domain; the applications' ids go into `world.calls`."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from emprende.domain.calls.application import Application, check_request
    from emprende.domain.calls.assignment import Assignment
    from emprende.domain.calls.call import SeedCapitalCall
    from emprende.domain.calls.rubric import Criterion
    from emprende.domain.calls.terms import CallTerms, RankingMethod, ReviewPhase
    from emprende.domain.ideas.plan import InvestmentCategory
    from emprende.services.shared.principal import SYSTEM

    now = datetime.now(UTC)
    terms = CallTerms(
        title="Convocatoria sembrada",
        description="",
        budget=Decimal("10000.00"),
        ceiling=Decimal("3000.00"),
        floor=Decimal("100.00"),
        fundable_categories=(InvestmentCategory.EQUIPMENT,),
        eligibility_rules=(),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        quorum=1,
        review_phases=(ReviewPhase("ciega", True),),
        ranking_method=RankingMethod.MEAN,
        disagreement_threshold=Decimal(15),
    )
    criteria = [Criterion("viability", "Viabilidad", "", Decimal(1), 1, 5, {})]
    call = SeedCapitalCall(owner_partner_id=None, terms=terms, criteria=criteria, now=now)
    call.open(now)
    async with container.uow(SYSTEM) as uow:
        uow.seed_capital_calls.add(call)
        await uow.commit()
    async with container.uow(SYSTEM) as uow:
        applications = []
        for idea_id in world.ideas["idea_id"]:
            idea = await uow.business_ideas.get(idea_id)
            assert idea is not None
            if idea.status.value == "draft":
                idea.submit(now)
            snapshot = idea.snapshot()
            application = Application(
                call_id=call.id,
                owner_partner_id=idea.supporting_partner_id,
                participant_id=idea.participant_id,
                snapshot=snapshot,
                requested=check_request(call.terms, snapshot),
                rules=(),
                now=now,
                by=None,
            )
            uow.applications.add(application)
            applications.append(application)
        await uow.commit()
    # Each application assigned to a staff member of its own partner, standing in for an evaluator.
    assignments = []
    async with container.uow(SYSTEM) as uow:
        for application, side in zip(applications, (world.a, world.b), strict=True):
            assignment = Assignment(
                call_id=call.id,
                application_id=application.id,
                evaluator_id=side.staff.id,
                participant_id=application.participant_id,
                now=now,
            )
            uow.review_assignments.add(assignment)
            assignments.append(assignment.id)
        await uow.commit()
    world.calls["application_id"] = (applications[0].id, applications[1].id)
    world.calls["assignment_id"] = (assignments[0], assignments[1])
