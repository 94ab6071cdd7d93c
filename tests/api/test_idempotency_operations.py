"""`Idempotency-Key` on every operation the OpenAPI document declares it for: a sequential retry replays the first
response, another request with the same key is refused, and twenty concurrent retries run the operation once.

The operations come from the document itself; each needs a request factory below, so a new POST is covered (or
classified as exempt) as soon as it is documented."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.api.app import create_app
from emprende.bootstrap import Container, metadata
from tests.api.calls_support import (
    ASSIGNMENTS,
    CALLS,
    FULL_REVIEW,
    add_evaluator,
    applicant,
    assigned,
    call_body,
    evaluators,
    grant,
    open_call,
)
from tests.api.ideas_support import IDEAS, MY_IDEAS, create_idea, idea_body, portal_sign_in
from tests.api.training_support import (
    COHORTS,
    MODULES,
    cohort_body,
    grant_authoring,
    lapse_offers,
    module_body,
    published_module,
    seed_trainees,
)
from tests.conftest import PARTICIPANTS, PASSWORD, World, first_sign_in, make_settings, snapshot

HEADER = "Idempotency-Key"
# Operations that take no key, as the README lists them: the session's own tokens, and bulk imports.
EXEMPT = {"create_token", "refresh_token", "logout", "change_password", "import_participants", "verify_certificate"}
# Sign-in bookkeeping changes on every request; the keys themselves are what is under test.
_UNTRACKED = {"login_sessions", "idempotency_keys"}
CONCURRENT = 20


def _document() -> dict[str, Any]:
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:", Path("unused")))
    document: dict[str, Any] = app.openapi()
    return document


def _takes_key(operation: dict[str, Any]) -> bool:
    return any(parameter.get("name") == HEADER for parameter in operation.get("parameters", []))


DOCUMENT = _document()
POSTS = {operation["operationId"] for item in DOCUMENT["paths"].values() if (operation := item.get("post"))}
KEYED = sorted(
    operation["operationId"]
    for item in DOCUMENT["paths"].values()
    for method, operation in item.items()
    if method in {"get", "post", "put", "patch", "delete"} and _takes_key(operation)
)


# --- requests that succeed, one factory per operation --------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    path: str
    headers: dict[str, str]
    json: dict[str, Any] | None = None

    async def send(self, client: httpx.AsyncClient, key: str) -> httpx.Response:
        return await client.post(self.path, json=self.json, headers={**self.headers, HEADER: key})


@dataclass
class Ctx:
    client: httpx.AsyncClient
    container: Container
    world: World
    made: dict[str, Any] = field(default_factory=dict)

    async def ok(self, path: str, headers: dict[str, str], json: dict[str, Any] | None = None) -> httpx.Response:
        """A plain request (no key) that prepares the target of the call under test."""
        response = await self.client.post(path, json=json, headers=headers)
        assert response.status_code in (200, 201), response.text
        return response


Factory = Callable[[Ctx, int], Awaitable[Call]]
FACTORIES: dict[str, Factory] = {}


def factory(operation_id: str) -> Callable[[Factory], Factory]:
    def register(function: Factory) -> Factory:
        FACTORIES[operation_id] = function
        return function

    return register


# Two people who are nobody's probable duplicate: no document, no contact, different names and birth dates.
PEOPLE = [("Rosa Elena", "Quispe Mamani", "1988-03-02"), ("Carlos Andrés", "Vera Loor", "1975-11-23")]


def new_person(n: int) -> dict[str, Any]:
    given, family, born = PEOPLE[n]
    return {
        "given_names": given,
        "family_names": family,
        "birth_date": born,
        "sex": "female" if n == 0 else "male",
        "population_group": "migrant",
        "nationality": "VEN",
        "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
    }


async def registered(ctx: Ctx, n: int) -> tuple[str, str]:
    """A person of partner A registered for the call (plainly), and their registration consent."""
    person = (await ctx.ok(PARTICIPANTS, ctx.world.a.manager_headers, new_person(n))).json()["id"]
    consents = await ctx.client.get(f"{PARTICIPANTS}/{person}/consents", headers=ctx.world.a.manager_headers)
    return person, consents.json()[0]["id"]


def agreement(ctx: Ctx, code: str, **fields: object) -> dict[str, Any]:
    start = ctx.container.clock.now().date() - timedelta(days=10)
    body: dict[str, Any] = {
        "code": code,
        "title": "Convenio específico",
        "roles": ["referral"],
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=200)).isoformat(),
        "data_sharing": False,
    }
    return {**body, **fields}


async def agreement_of_a(ctx: Ctx, code: str, *, activate: bool) -> tuple[str, str]:
    """An agreement of partner A made for the call: its URL and ETag."""
    url = f"/api/v1/partners/{ctx.world.a.partner_id}/agreements"
    response = await ctx.ok(url, ctx.world.admin_headers, agreement(ctx, code, activate=activate))
    return response.headers["location"], response.headers["etag"]


async def client_of_a(ctx: Ctx, n: int) -> str:
    body = {"name": f"Sistema {n}", "scopes": ["partners:read"]}
    return str((await ctx.ok("/api/v1/api-clients", ctx.world.a.manager_headers, body)).json()["id"])


@factory("register_participant")
async def _register(ctx: Ctx, n: int) -> Call:
    return Call(PARTICIPANTS, ctx.world.a.manager_headers, new_person(n))


@factory("record_consent")
async def _record_consent(ctx: Ctx, n: int) -> Call:
    person, _ = await registered(ctx, n)
    body = {"purpose": "training", "notice_version": "2026-01", "method": "in_person"}
    return Call(f"{PARTICIPANTS}/{person}/consents", ctx.world.a.staff_headers, body)


@factory("withdraw_consent")
async def _withdraw_consent(ctx: Ctx, n: int) -> Call:
    person, consent = await registered(ctx, n)
    return Call(f"{PARTICIPANTS}/{person}/consents/{consent}/withdrawal", ctx.world.a.staff_headers)


@factory("erase_participant")
async def _erase(ctx: Ctx, n: int) -> Call:
    person, _ = await registered(ctx, n)
    return Call(f"{PARTICIPANTS}/{person}/erasure", ctx.world.a.manager_headers)


@factory("open_portal_account")
async def _portal_account(ctx: Ctx, n: int) -> Call:
    person, _ = await registered(ctx, n)
    body = {"email": f"persona{n}@example.org", "password": PASSWORD}
    return Call(f"{PARTICIPANTS}/{person}/portal-account", ctx.world.a.staff_headers, body)


@factory("withdraw_my_consent")
async def _withdraw_my_consent(ctx: Ctx, n: int) -> Call:
    person, consent = await registered(ctx, n)
    email = f"persona{n}@example.org"
    await ctx.ok(
        f"{PARTICIPANTS}/{person}/portal-account", ctx.world.a.staff_headers, {"email": email, "password": PASSWORD}
    )
    headers = await first_sign_in(ctx.client, email)  # a staff-chosen password is changed before anything else
    return Call(f"/api/v1/me/participant/consents/{consent}/withdrawal", headers)


@factory("resolve_duplicate_candidate")
async def _resolve_duplicate(ctx: Ctx, n: int) -> Call:
    candidate = (ctx.world.a, ctx.world.b)[n].candidate_id
    return Call(
        f"/api/v1/duplicate-candidates/{candidate}/resolution", ctx.world.admin_headers, {"decision": "distinct"}
    )


@factory("create_user")
async def _create_user(ctx: Ctx, n: int) -> Call:
    body = {"email": f"nueva{n}@emprende.test", "full_name": "Inés Paredes", "password": PASSWORD, "role": "admin"}
    return Call("/api/v1/users", ctx.world.admin_headers, body)


@factory("reset_user_password")
async def _reset_password(ctx: Ctx, n: int) -> Call:
    user = (ctx.world.a, ctx.world.b)[n].staff.id
    return Call(f"/api/v1/users/{user}/password-reset", ctx.world.admin_headers)


@factory("create_partner")
async def _create_partner(ctx: Ctx, n: int) -> Call:
    return Call("/api/v1/partners", ctx.world.admin_headers, {"name": f"Socio {n}", "kind": "ngo", "country": "ECU"})


@factory("suspend_partner")
async def _suspend_partner(ctx: Ctx, n: int) -> Call:
    partner = (
        await ctx.ok(
            "/api/v1/partners", ctx.world.admin_headers, {"name": f"Socio {n}", "kind": "ngo", "country": "ECU"}
        )
    ).json()
    return Call(f"/api/v1/partners/{partner['id']}/suspension", ctx.world.admin_headers, {"reason": "Incumplimiento"})


@factory("create_agreement")
async def _create_agreement(ctx: Ctx, n: int) -> Call:
    url = f"/api/v1/partners/{ctx.world.a.partner_id}/agreements"
    return Call(url, ctx.world.admin_headers, agreement(ctx, f"CONV-IDEM-{n}"))


@factory("activate_agreement")
async def _activate_agreement(ctx: Ctx, n: int) -> Call:
    url, tag = await agreement_of_a(ctx, f"CONV-ACT-{n}", activate=False)
    return Call(f"{url}/activation", {**ctx.world.admin_headers, "If-Match": tag})


@factory("terminate_agreement")
async def _terminate_agreement(ctx: Ctx, n: int) -> Call:
    url, tag = await agreement_of_a(ctx, f"CONV-TER-{n}", activate=True)
    return Call(f"{url}/termination", {**ctx.world.admin_headers, "If-Match": tag}, {"reason": "Fin acordado"})


@factory("amend_agreement")
async def _amend_agreement(ctx: Ctx, n: int) -> Call:
    url, tag = await agreement_of_a(ctx, f"CONV-AMD-{n}", activate=True)
    body = {
        "reason": "Adenda",
        "effective_from": ctx.container.clock.now().date().isoformat(),
        "roles_added": ["evaluation"],
    }
    return Call(f"{url}/amendments", {**ctx.world.admin_headers, "If-Match": tag}, body)


@factory("create_api_client")
async def _create_api_client(ctx: Ctx, n: int) -> Call:
    return Call(
        "/api/v1/api-clients", ctx.world.a.manager_headers, {"name": f"Sistema {n}", "scopes": ["partners:read"]}
    )


@factory("rotate_api_client_secret")
async def _rotate_client(ctx: Ctx, n: int) -> Call:
    return Call(f"/api/v1/api-clients/{await client_of_a(ctx, n)}/rotation", ctx.world.a.manager_headers)


@factory("revoke_api_client")
async def _revoke_client(ctx: Ctx, n: int) -> Call:
    return Call(f"/api/v1/api-clients/{await client_of_a(ctx, n)}/revocation", ctx.world.a.manager_headers)


# --- training ---------------------------------------------------------------------------------------------------------


async def _module(ctx: Ctx) -> str:
    """A published module of partner A, made once per test."""
    if "module" not in ctx.made:
        await grant_authoring(ctx.client, ctx.world, ctx.world.a.partner_id)
        ctx.made["module"] = await published_module(ctx.client, ctx.world.a.manager_headers)
    return str(ctx.made["module"])


async def _cohort(ctx: Ctx, n: int, *, opened: bool = True, capacity: int = 25) -> str:
    body = cohort_body(await _module(ctx), name=f"Cohorte {n}", capacity=capacity)
    cohort = (await ctx.ok(COHORTS, ctx.world.a.manager_headers, body)).json()["id"]
    if opened:
        await ctx.ok(f"{COHORTS}/{cohort}/transitions", ctx.world.a.manager_headers, {"to": "open"})
    return str(cohort)


async def _enrolled(ctx: Ctx, cohort: str, count: int) -> list[str]:
    """`count` new people of partner A enrolled (or waiting) in the cohort, in that order: their enrolments."""
    people = await seed_trainees(ctx.container, ctx.world.a.partner_id, count)
    url = f"{COHORTS}/{cohort}/enrollments"
    return [
        str((await ctx.ok(url, ctx.world.a.staff_headers, {"participant_id": str(person)})).json()["id"])
        for person in people
    ]


async def _offered(ctx: Ctx, n: int) -> tuple[str, str]:
    """A cohort of one seat whose second person was just offered the seat the first left: (cohort, their enrolment)."""
    cohort = await _cohort(ctx, n, capacity=1)
    first, second = await _enrolled(ctx, cohort, 2)
    await ctx.ok(f"{COHORTS}/{cohort}/enrollments/{first}/withdrawal", ctx.world.a.staff_headers)
    return cohort, second


async def _their_portal(ctx: Ctx, cohort: str, enrollment: str, n: int) -> dict[str, str]:
    """The enrolled person's own portal sign-in."""
    person = await ctx.client.get(f"{COHORTS}/{cohort}/enrollments/{enrollment}", headers=ctx.world.a.staff_headers)
    email = f"aprendiz{n}@example.org"
    await ctx.ok(
        f"{PARTICIPANTS}/{person.json()['participant_id']}/portal-account",
        ctx.world.a.staff_headers,
        {"email": email, "password": PASSWORD},
    )
    return await first_sign_in(ctx.client, email)


@factory("create_training_module")
async def _create_module(ctx: Ctx, n: int) -> Call:
    await _module(ctx)
    return Call(MODULES, ctx.world.a.manager_headers, module_body())


@factory("publish_training_module_version")
async def _publish_module(ctx: Ctx, n: int) -> Call:
    await _module(ctx)
    draft = (await ctx.ok(MODULES, ctx.world.a.manager_headers, module_body())).json()["id"]
    return Call(f"{MODULES}/{draft}/versions/1/publication", ctx.world.a.manager_headers)


@factory("create_cohort")
async def _create_cohort(ctx: Ctx, n: int) -> Call:
    return Call(COHORTS, ctx.world.a.manager_headers, cohort_body(await _module(ctx), name=f"Cohorte {n}"))


@factory("move_cohort")
async def _move_cohort(ctx: Ctx, n: int) -> Call:
    cohort = await _cohort(ctx, n, opened=False)
    return Call(f"{COHORTS}/{cohort}/transitions", ctx.world.a.manager_headers, {"to": "open"})


@factory("add_cohort_session")
async def _add_session(ctx: Ctx, n: int) -> Call:
    cohort = await _cohort(ctx, n, opened=False)
    day = (ctx.container.clock.now().date() + timedelta(days=25)).isoformat()
    body = {"on": day, "starts_at": "09:00:00", "duration_minutes": 120, "module_id": await _module(ctx)}
    return Call(f"{COHORTS}/{cohort}/sessions", ctx.world.a.manager_headers, body)


@factory("enroll_participant")
async def _enroll(ctx: Ctx, n: int) -> Call:
    cohort = await _cohort(ctx, n)
    person = (await seed_trainees(ctx.container, ctx.world.a.partner_id, 1))[0]
    return Call(f"{COHORTS}/{cohort}/enrollments", ctx.world.a.staff_headers, {"participant_id": str(person)})


@factory("withdraw_enrollment")
async def _withdraw(ctx: Ctx, n: int) -> Call:
    cohort = await _cohort(ctx, n)
    enrollment = (await _enrolled(ctx, cohort, 1))[0]
    return Call(f"{COHORTS}/{cohort}/enrollments/{enrollment}/withdrawal", ctx.world.a.staff_headers)


@factory("drop_enrollment")
async def _drop(ctx: Ctx, n: int) -> Call:
    cohort = await _cohort(ctx, n)
    enrollment = (await _enrolled(ctx, cohort, 1))[0]
    return Call(f"{COHORTS}/{cohort}/enrollments/{enrollment}/drop", ctx.world.a.staff_headers)


@factory("accept_enrollment_offer")
async def _accept(ctx: Ctx, n: int) -> Call:
    cohort, offered = await _offered(ctx, n)
    return Call(f"{COHORTS}/{cohort}/enrollments/{offered}/offer-acceptance", ctx.world.a.staff_headers)


@factory("decline_enrollment_offer")
async def _decline(ctx: Ctx, n: int) -> Call:
    cohort, offered = await _offered(ctx, n)
    return Call(f"{COHORTS}/{cohort}/enrollments/{offered}/offer-decline", ctx.world.a.staff_headers)


@factory("evaluate_completion")
async def _evaluate(ctx: Ctx, n: int) -> Call:
    """A finished cohort judged again after a final score was recorded late: the results are recorded anew."""
    criteria = {"min_assessment_score": "60"}
    body = cohort_body(await _module(ctx), name=f"Cohorte {n}", completion_criteria=criteria)
    cohort = (await ctx.ok(COHORTS, ctx.world.a.manager_headers, body)).json()["id"]
    for step in ("open", "running"):
        await ctx.ok(f"{COHORTS}/{cohort}/transitions", ctx.world.a.manager_headers, {"to": step})
    enrollment = (await _enrolled(ctx, cohort, 1))[0]
    await ctx.ok(f"{COHORTS}/{cohort}/transitions", ctx.world.a.manager_headers, {"to": "finished"})
    scored = await ctx.client.put(
        f"{COHORTS}/{cohort}/enrollments/{enrollment}/assessment",
        json={"score": "75"},
        headers=ctx.world.a.staff_headers,
    )
    assert scored.status_code == 200, scored.text
    return Call(f"{COHORTS}/{cohort}/completion-evaluation", ctx.world.a.manager_headers)


async def _certificate(ctx: Ctx, n: int) -> str:
    """A certificate issued to the one person of a finished cohort, who attended its one session."""
    cohort = await _cohort(ctx, n)
    day = (ctx.container.clock.now().date() + timedelta(days=20)).isoformat()
    body = {"on": day, "starts_at": "09:00:00", "duration_minutes": 60, "module_id": await _module(ctx)}
    session = (await ctx.ok(f"{COHORTS}/{cohort}/sessions", ctx.world.a.manager_headers, body)).json()["id"]
    enrollment = (await _enrolled(ctx, cohort, 1))[0]
    await ctx.ok(f"{COHORTS}/{cohort}/transitions", ctx.world.a.manager_headers, {"to": "running"})
    person = (
        await ctx.client.get(f"{COHORTS}/{cohort}/enrollments/{enrollment}", headers=ctx.world.a.staff_headers)
    ).json()["participant_id"]
    marked = await ctx.client.put(
        f"{COHORTS}/{cohort}/sessions/{session}/attendance",
        json={"marks": [{"participant_id": person, "status": "present"}]},
        headers=ctx.world.a.staff_headers,
    )
    assert marked.status_code == 200, marked.text
    await ctx.ok(f"{COHORTS}/{cohort}/transitions", ctx.world.a.manager_headers, {"to": "finished"})
    issued = await ctx.client.get(f"{COHORTS}/{cohort}/certificates", headers=ctx.world.a.staff_headers)
    return str(issued.json()[0]["id"])


@factory("revoke_certificate")
async def _revoke_certificate(ctx: Ctx, n: int) -> Call:
    certificate = await _certificate(ctx, n)
    return Call(f"/api/v1/certificates/{certificate}/revocation", ctx.world.a.manager_headers, {"reason": "Error"})


@factory("suspend_certificate")
async def _suspend_certificate(ctx: Ctx, n: int) -> Call:
    certificate = await _certificate(ctx, n)
    return Call(f"/api/v1/certificates/{certificate}/suspension", ctx.world.a.manager_headers, {"reason": "Revisión"})


@factory("rotate_certificate_key")
async def _rotate_key(ctx: Ctx, n: int) -> Call:
    return Call("/api/v1/certificates/signing-keys/rotation", ctx.world.admin_headers)


@factory("expire_enrollment_offers")
async def _expire_offers(ctx: Ctx, n: int) -> Call:
    cohort, _ = await _offered(ctx, n)
    await lapse_offers(ctx.container, cohort)
    return Call(f"{COHORTS}/{cohort}/offer-expiry", ctx.world.a.staff_headers)


@factory("accept_my_offer")
async def _accept_mine(ctx: Ctx, n: int) -> Call:
    cohort, offered = await _offered(ctx, n)
    headers = await _their_portal(ctx, cohort, offered, n)
    return Call(f"/api/v1/me/enrollments/{offered}/offer-acceptance", headers)


@factory("decline_my_offer")
async def _decline_mine(ctx: Ctx, n: int) -> Call:
    cohort, offered = await _offered(ctx, n)
    headers = await _their_portal(ctx, cohort, offered, n)
    return Call(f"/api/v1/me/enrollments/{offered}/offer-decline", headers)


@factory("withdraw_my_enrollment")
async def _withdraw_mine(ctx: Ctx, n: int) -> Call:
    cohort = await _cohort(ctx, n)
    enrollment = (await _enrolled(ctx, cohort, 1))[0]
    headers = await _their_portal(ctx, cohort, enrollment, n)
    return Call(f"/api/v1/me/enrollments/{enrollment}/withdrawal", headers)


# --- business ideas -----------------------------------------------------------------------------------------------


async def _idea(ctx: Ctx, n: int) -> tuple[str, str]:
    """A person of partner A registered for the call, and a complete idea staff drafted for them."""
    person, _ = await registered(ctx, n)
    idea = await create_idea(ctx.client, ctx.world.a.staff_headers, person)
    return person, str(idea["id"])


async def _own_idea(ctx: Ctx, n: int) -> tuple[dict[str, str], str]:
    """A person's portal sign-in, and a complete idea of theirs."""
    person, idea = await _idea(ctx, n)
    headers = await portal_sign_in(ctx.client, ctx.world.a.staff_headers, person, f"emprendedora{n}@example.org")
    return headers, idea


@factory("create_business_idea")
async def _create_idea(ctx: Ctx, n: int) -> Call:
    person, _ = await registered(ctx, n)
    return Call(IDEAS, ctx.world.a.staff_headers, idea_body(person))


@factory("submit_business_idea")
async def _submit_idea(ctx: Ctx, n: int) -> Call:
    _, idea = await _idea(ctx, n)
    return Call(f"{IDEAS}/{idea}/submission", ctx.world.a.staff_headers)


@factory("withdraw_business_idea")
async def _withdraw_idea(ctx: Ctx, n: int) -> Call:
    _, idea = await _idea(ctx, n)
    return Call(f"{IDEAS}/{idea}/withdrawal", ctx.world.a.staff_headers)


@factory("create_my_business_idea")
async def _create_my_idea(ctx: Ctx, n: int) -> Call:
    person, _ = await registered(ctx, n)
    headers = await portal_sign_in(ctx.client, ctx.world.a.staff_headers, person, f"emprendedora{n}@example.org")
    return Call(MY_IDEAS, headers, idea_body())


@factory("submit_my_business_idea")
async def _submit_my_idea(ctx: Ctx, n: int) -> Call:
    headers, idea = await _own_idea(ctx, n)
    return Call(f"{MY_IDEAS}/{idea}/submission", headers)


@factory("withdraw_my_business_idea")
async def _withdraw_my_idea(ctx: Ctx, n: int) -> Call:
    headers, idea = await _own_idea(ctx, n)
    return Call(f"{MY_IDEAS}/{idea}/withdrawal", headers)


# --- seed-capital calls ------------------------------------------------------------------------------------------


async def _funding(ctx: Ctx) -> None:
    if not ctx.made.get("funding"):
        await grant(ctx.client, ctx.world, ctx.world.a.partner_id, "funding")
        ctx.made["funding"] = True


@factory("create_seed_capital_call")
async def _create_call(ctx: Ctx, n: int) -> Call:
    await _funding(ctx)
    return Call(CALLS, ctx.world.a.manager_headers, call_body())


@factory("move_seed_capital_call")
async def _open_call(ctx: Ctx, n: int) -> Call:
    await _funding(ctx)
    draft = await ctx.ok(CALLS, ctx.world.a.manager_headers, call_body())
    return Call(f"{CALLS}/{draft.json()['id']}/transitions", ctx.world.a.manager_headers, {"action": "open"})


@factory("add_call_evaluator")
async def _add_evaluator(ctx: Ctx, n: int) -> Call:
    await _funding(ctx)
    call = await open_call(ctx.client, ctx.world.a.manager_headers)
    [(account, _)] = await evaluators(ctx.client, ctx.container, ctx.world, ctx.world.b.partner_id, 1)
    return Call(f"{CALLS}/{call['id']}/evaluators", ctx.world.a.manager_headers, {"user_id": str(account.id)})


@factory("assign_call_reviews")
async def _assign(ctx: Ctx, n: int) -> Call:
    await _funding(ctx)
    call = await open_call(ctx.client, ctx.world.a.manager_headers)
    _, idea = await applicant(ctx.client, ctx.world.a.staff_headers)
    await ctx.ok(f"{CALLS}/{call['id']}/applications", ctx.world.a.staff_headers, {"idea_id": idea["id"]})
    [(account, _)] = await evaluators(ctx.client, ctx.container, ctx.world, ctx.world.b.partner_id, 1)
    await add_evaluator(ctx.client, ctx.world.a.manager_headers, call["id"], account.id)
    return Call(f"{CALLS}/{call['id']}/assignments", ctx.world.a.manager_headers)


async def _call_and_idea(ctx: Ctx) -> tuple[str, str, str]:
    await _funding(ctx)
    call = await open_call(ctx.client, ctx.world.a.manager_headers)
    person, idea = await applicant(ctx.client, ctx.world.a.staff_headers)
    return call["id"], person, idea["id"]


@factory("apply_to_call")
async def _apply(ctx: Ctx, n: int) -> Call:
    call, _, idea = await _call_and_idea(ctx)
    return Call(f"{CALLS}/{call}/applications", ctx.world.a.staff_headers, {"idea_id": idea})


@factory("withdraw_application")
async def _withdraw_application(ctx: Ctx, n: int) -> Call:
    call, _, idea = await _call_and_idea(ctx)
    applied = await ctx.ok(f"{CALLS}/{call}/applications", ctx.world.a.staff_headers, {"idea_id": idea})
    return Call(f"/api/v1/applications/{applied.json()['id']}/withdrawal", ctx.world.a.staff_headers)


@factory("apply_myself")
async def _apply_myself(ctx: Ctx, n: int) -> Call:
    call, person, idea = await _call_and_idea(ctx)
    headers = await portal_sign_in(ctx.client, ctx.world.a.staff_headers, person, f"postulante{n}@example.org")
    return Call("/api/v1/me/applications", headers, {"call_id": call, "idea_id": idea})


@factory("withdraw_my_application")
async def _withdraw_mine(ctx: Ctx, n: int) -> Call:
    call, person, idea = await _call_and_idea(ctx)
    headers = await portal_sign_in(ctx.client, ctx.world.a.staff_headers, person, f"retirada{n}@example.org")
    applied = await ctx.ok("/api/v1/me/applications", headers, {"call_id": call, "idea_id": idea})
    return Call(f"/api/v1/me/applications/{applied.json()['id']}/withdrawal", headers)


@factory("declare_conflict_of_interest")
async def _declare(ctx: Ctx, n: int) -> Call:
    await _funding(ctx)
    _, _, assignment, headers = await assigned(ctx.client, ctx.container, ctx.world)
    return Call(f"{ASSIGNMENTS}/{assignment}/declaration", headers, {"conflict": False})


@factory("submit_review")
async def _submit_review(ctx: Ctx, n: int) -> Call:
    await _funding(ctx)
    _, _, assignment, headers = await assigned(ctx.client, ctx.container, ctx.world, review=True)
    saved = await ctx.client.put(f"{ASSIGNMENTS}/{assignment}/review", headers=headers, json=FULL_REVIEW)
    assert saved.status_code == 200, saved.text
    return Call(f"{ASSIGNMENTS}/{assignment}/review/submission", headers)


# --- the tests -------------------------------------------------------------------------------------------------------


def test_every_post_but_the_exempt_declares_the_key() -> None:
    assert EXEMPT <= POSTS, f"exempt operations no longer documented: {sorted(EXEMPT - POSTS)}"
    assert set(KEYED) == POSTS - EXEMPT, (
        "Every POST takes an Idempotency-Key except the exempt ones (listed in the README); "
        f"declared but exempt: {sorted(set(KEYED) & EXEMPT)}, undeclared: {sorted(POSTS - EXEMPT - set(KEYED))}"
    )


def test_every_operation_taking_the_key_has_a_request_factory() -> None:
    missing = sorted(set(KEYED) - FACTORIES.keys())
    assert not missing, (
        f"{missing} take an Idempotency-Key but tests/api/test_idempotency_operations.py has no request factory for "
        "them: add one (a request that succeeds), or make the operation exempt and list it in the README"
    )
    assert not FACTORIES.keys() - set(KEYED), f"factories for operations taking no key: {FACTORIES.keys() - set(KEYED)}"


async def _row_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: int((await connection.execute(select(func.count()).select_from(table))).scalar_one())
            for table in metadata.sorted_tables
            if table.name not in _UNTRACKED
        }


def _changes(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def _in_progress(response: httpx.Response) -> bool:
    return response.status_code == 409 and response.json().get("code") == "idempotency_key_in_progress"


def _assert_replay(replay: httpx.Response, first: httpx.Response) -> None:
    assert replay.headers.get("idempotent-replayed") == "true", replay.text
    assert replay.status_code == first.status_code
    assert replay.content == first.content
    assert replay.headers.get("location") == first.headers.get("location")
    assert replay.headers.get("content-type") == first.headers.get("content-type")


@pytest.mark.parametrize("operation_id", KEYED)
async def test_retries_replay_the_first_response_and_run_the_operation_once(
    operation_id: str, client: httpx.AsyncClient, container: Container, world: World
) -> None:
    if operation_id not in FACTORIES:
        pytest.fail(
            f"no request factory for {operation_id}: see test_every_operation_taking_the_key_has_a_request_factory"
        )
    ctx = Ctx(client, container, world)
    engine = container.engine
    tracked = sorted(metadata.tables.keys() - _UNTRACKED)

    # Sequential: the first request runs; its retries get its response back and change nothing.
    call = await FACTORIES[operation_id](ctx, 0)
    before = await _row_counts(engine)
    first = await call.send(client, "retry-1")
    assert first.status_code in (200, 201), first.text
    assert "idempotent-replayed" not in first.headers
    one_run = _changes(before, await _row_counts(engine))
    assert one_run, "the request changed nothing: the factory should make one that does"
    state = await snapshot(engine, *tracked)
    for _ in range(2):
        _assert_replay(await call.send(client, "retry-1"), first)
    other = await replace(call, json={**(call.json or {}), "other": 1}).send(client, "retry-1")
    assert other.status_code == 422, other.text
    assert other.json()["code"] == "idempotency_key_reused"
    assert await snapshot(engine, *tracked) == state

    # Concurrent: of twenty at once exactly one runs; the others are told it is in progress, or get its response.
    call = await FACTORIES[operation_id](ctx, 1)
    before = await _row_counts(engine)
    responses = await asyncio.gather(*(call.send(client, "burst-1") for _ in range(CONCURRENT)))
    assert _changes(before, await _row_counts(engine)) == one_run
    ran = [r for r in responses if "idempotent-replayed" not in r.headers and not _in_progress(r)]
    assert len(ran) == 1, [(r.status_code, r.headers.get("idempotent-replayed"), r.text[:80]) for r in responses]
    assert ran[0].status_code == first.status_code, ran[0].text
    for response in responses:
        if response is not ran[0] and not _in_progress(response):
            _assert_replay(response, ran[0])
    _assert_replay(await call.send(client, "burst-1"), ran[0])


PATHS = {operation["operationId"]: path for path, item in DOCUMENT["paths"].items() if (operation := item.get("post"))}


@pytest.mark.parametrize("operation_id", sorted(EXEMPT))
async def test_exempt_operations_ignore_the_key(
    operation_id: str, client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    """Even from a signed-in caller, nothing is kept and nothing is replayed (the request is refused as invalid, which
    an operation taking the key would have kept and replayed)."""
    headers = {**admin_headers, HEADER: f"exempt-{operation_id}"}
    responses = [await client.post(PATHS[operation_id], json={"other": 1}, headers=headers) for _ in range(2)]
    assert all(response.status_code < 500 for response in responses), [response.text for response in responses]
    assert all("idempotent-replayed" not in response.headers for response in responses)
    async with container.engine.connect() as connection:
        kept = (
            await connection.execute(select(func.count()).select_from(metadata.tables["idempotency_keys"]))
        ).scalar()
    assert kept == 0
