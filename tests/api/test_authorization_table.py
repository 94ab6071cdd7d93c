"""Tests generated from the permission table (`emprende.services.shared.authorization.permission_table`, the union of
every area's `services/<area>/permissions.py`), the same table the README publishes: first the policy functions for
every operation by role and scope, then one real HTTP call per operation for every role and client, so that what the
table says is what the API does."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from emprende.bootstrap import Container
from emprende.domain.identity.user import Role
from emprende.domain.shared.errors import PermissionDenied
from emprende.services.identity.users import CreateUser
from emprende.services.partners.api_clients import CreateApiClient, create_api_client
from emprende.services.shared.authorization import (
    ADMIN,
    SCOPES,
    PasswordChangeRequired,
    Rule,
    authorize,
    effective_scopes,
    is_allowed,
    permission_table,
    register_permissions,
)
from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind
from tests.api.calls_support import CALLS as SEED_CAPITAL_CALLS
from tests.api.calls_support import applicant, call_body, grant, open_call
from tests.api.ideas_support import IDEAS, MY_IDEAS, idea_body
from tests.api.training_support import (
    cohort_body,
    enroll,
    grant_authoring,
    module_body,
    open_cohort,
    published_module,
    seed_trainees,
)
from tests.conftest import PASSWORD, Account, World, bearer, client_token, create_ready_user, login

PERMISSIONS = permission_table()
PARTNER = uuid.UUID("01900000-0000-7000-8000-0000000000aa")
RULE_SCOPES = sorted({rule.scope for rule in PERMISSIONS.values() if rule.scope is not None})
SERVICES = Path(__file__).resolve().parents[2] / "src" / "emprende" / "services"


def user(role: Role, **fields: object) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        id=uuid.uuid4(),
        role=role,
        partner_id=None if role is Role.ADMIN else PARTNER,
        **fields,
    )


def machine(scopes: frozenset[str]) -> Principal:
    return Principal(kind=PrincipalKind.CLIENT, id=uuid.uuid4(), role=None, partner_id=PARTNER, scopes=scopes)


# --- the policy functions, generated from the table -------------------------------------------------------------


@pytest.mark.parametrize(("operation", "role"), list(itertools.product(PERMISSIONS, Role)))
def test_roles_get_exactly_what_the_table_says(operation: str, role: Role) -> None:
    principal = user(role)
    allowed = role in PERMISSIONS[operation].roles
    assert is_allowed(principal, operation) is allowed
    if allowed:
        authorize(principal, operation)
    else:
        with pytest.raises(PermissionDenied) as caught:
            authorize(principal, operation)
        assert caught.value.code == "permission_denied"


@pytest.mark.parametrize(
    ("operation", "scopes"),
    list(itertools.product(PERMISSIONS, [frozenset(), frozenset(SCOPES), *(frozenset({s}) for s in SCOPES)])),
    ids=lambda value: ("+".join(sorted(value)) or "no-scope") if isinstance(value, frozenset) else str(value),
)
def test_clients_get_exactly_what_their_scopes_and_the_table_say(operation: str, scopes: frozenset[str]) -> None:
    rule = PERMISSIONS[operation]
    allowed = rule.scope is not None and rule.scope in effective_scopes(scopes)
    principal = machine(scopes)
    assert is_allowed(principal, operation) is allowed
    if allowed:
        authorize(principal, operation)
    else:
        with pytest.raises(PermissionDenied):
            authorize(principal, operation)


@pytest.mark.parametrize("operation", [*PERMISSIONS, "partners.delete", "", "PARTNERS.CREATE", "audit.write"])
def test_deny_by_default_until_the_password_is_changed(operation: str) -> None:
    for role in Role:
        with pytest.raises(PasswordChangeRequired) as caught:
            authorize(user(role, password_change_required=True), operation)
        assert caught.value.code == "password_change_required"


@pytest.mark.parametrize("operation", ["partners.delete", "", "PARTNERS.CREATE", "audit.write", "users"])
def test_an_operation_missing_from_the_table_is_denied_to_everyone(operation: str) -> None:
    for role in Role:
        assert not is_allowed(user(role), operation)
    assert not is_allowed(machine(frozenset(SCOPES)), operation)


OWN_RECORD_OPERATIONS = {"portal.own_record", "portal.training", "portal.ideas", "portal.applications"}
# An evaluator's own assigned work: administrators do not score in an evaluator's place.
OWN_WORK_OPERATIONS = {"reviews.write"}


def test_the_table_is_well_formed() -> None:
    for operation, rule in PERMISSIONS.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", operation), operation
        assert rule.summary
        assert rule.roles, f"{operation}: nobody may do it"
        # Only the operations on one's own participant record, or one's own assigned reviews, belong to their holders
        # alone.
        if operation not in OWN_RECORD_OPERATIONS | OWN_WORK_OPERATIONS:
            assert Role.ADMIN in rule.roles, f"{operation}: the operator's administrators are locked out"
        assert rule.scope is None or rule.scope in SCOPES, f"{operation}: unknown scope {rule.scope}"
    for scope in SCOPES:
        assert re.fullmatch(r"[a-z_]+:[a-z_]+", scope), scope


def test_the_services_check_exactly_the_operations_in_the_table() -> None:
    used: set[str] = set()
    for source in SERVICES.rglob("*.py"):
        for line in source.read_text(encoding="utf-8").splitlines():
            if "authorize(" in line or "is_allowed(principal," in line:
                used |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', line))
    assert used <= set(PERMISSIONS), f"checked but not in the table: {used - set(PERMISSIONS)}"
    assert set(PERMISSIONS) <= used, f"in the table but never checked: {set(PERMISSIONS) - used}"


def test_an_operation_is_registered_once_and_a_block_has_one_place_in_the_table() -> None:
    with pytest.raises(ValueError, match="already in the permission table"):
        register_permissions({"users.create": Rule("Create user accounts again", ADMIN)}, published_at=999)
    with pytest.raises(ValueError, match="published at"):
        register_permissions({"reports.read": Rule("Read reports", ADMIN)}, published_at=10)
    assert "reports.read" not in permission_table()
    assert not is_allowed(user(Role.ADMIN), "reports.read")


# --- every operation through the API -----------------------------------------------------------------------------


@dataclass
class Caller:
    name: str
    headers: dict[str, str]
    role: Role | None = None
    scopes: frozenset[str] = frozenset()

    def allowed(self, operation: str) -> bool:
        rule = PERMISSIONS[operation]
        if self.role is not None:
            return self.role in rule.roles
        return rule.scope is not None and rule.scope in effective_scopes(self.scopes)


@dataclass
class Stage:
    client: httpx.AsyncClient
    container: Container
    world: World
    target: Account
    """A participant of partner A that no caller is: the object user operations act on."""
    draft_agreement_id: str
    counter: itertools.count[int]
    participant_id: str
    """A participant registered by partner A."""
    module_id: str
    """A training module authored by partner A, version 1 published."""
    cohort_id: str
    """A cohort of partner A running and still enrolling."""
    session_id: str
    """A session of that cohort."""
    certificate_id: str
    """A certificate issued in another, finished cohort of partner A."""
    call_id: str = ""
    """A seed-capital call of partner A (which holds `funding`), open for applications."""

    def unique(self) -> int:
        return next(self.counter)


Request = Callable[[Stage, dict[str, str]], Awaitable[httpx.Response]]


def _partner(stage: Stage) -> str:
    return f"/api/v1/partners/{stage.world.a.partner_id}"


async def _open_portal_account(stage: Stage, headers: dict[str, str]) -> httpx.Response:
    """A fresh person each time (one account per person), registered by A's manager."""
    person = await stage.client.post(
        "/api/v1/participants",
        json={
            "given_names": f"Titular {stage.unique()}",
            "family_names": "Portal",
            "birth_date": "1988-11-30",
            "sex": "male",
            "population_group": "returnee",
            "nationality": "ECU",
            "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
        },
        headers=stage.world.a.manager_headers,
    )
    assert person.status_code == 201, person.text
    return await stage.client.post(
        f"/api/v1/participants/{person.json()['id']}/portal-account",
        json={"email": f"portal{stage.unique()}@alfa.example.org", "password": PASSWORD},
        headers=headers,
    )


async def _enrol_someone(stage: Stage, headers: dict[str, str]) -> httpx.Response:
    """A fresh person of partner A with a `training` consent, enrolled into A's open cohort."""
    person = await stage.client.post(
        "/api/v1/participants",
        json={
            "given_names": f"Aprendiz {stage.unique()}",
            "family_names": "Cohorte",
            "birth_date": "1996-04-12",
            "sex": "female",
            "population_group": "host_community",
            "nationality": "ECU",
            "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
        },
        headers=stage.world.a.manager_headers,
    )
    assert person.status_code == 201, person.text
    consent = await stage.client.post(
        f"/api/v1/participants/{person.json()['id']}/consents",
        json={"purpose": "training", "notice_version": "2026-01", "method": "in_person"},
        headers=stage.world.a.manager_headers,
    )
    assert consent.status_code == 201, consent.text
    return await stage.client.post(
        f"/api/v1/cohorts/{stage.cohort_id}/enrollments", json={"participant_id": person.json()["id"]}, headers=headers
    )


async def _mark_someone(stage: Stage, headers: dict[str, str]) -> httpx.Response:
    """A fresh person enrolled by A's manager, marked present at the stage's session."""
    enrolled = await _enrol_someone(stage, stage.world.a.manager_headers)
    assert enrolled.status_code == 201, enrolled.text
    return await stage.client.put(
        f"/api/v1/cohorts/{stage.cohort_id}/sessions/{stage.session_id}/attendance",
        json={"marks": [{"participant_id": enrolled.json()["participant_id"], "status": "present"}]},
        headers=headers,
    )


async def _suspend_one(stage: Stage, headers: dict[str, str]) -> httpx.Response:
    """Suspend (then, if allowed, reinstate) the stage's certificate."""
    url = f"/api/v1/certificates/{stage.certificate_id}/suspension"
    response = await stage.client.post(url, json={"reason": "Revisión"}, headers=headers)
    if response.status_code == 200:
        assert (await stage.client.delete(url, headers=headers)).status_code == 200
    return response


async def _apply_someone(stage: Stage, headers: dict[str, str]) -> httpx.Response:
    """A fresh person of partner A with a `seed_capital` consent and a submitted idea, applying to A's open call."""
    _, idea = await applicant(stage.client, stage.world.a.manager_headers)
    return await stage.client.post(
        f"{SEED_CAPITAL_CALLS}/{stage.call_id}/applications", json={"idea_id": idea["id"]}, headers=headers
    )


# Each operation of the table → one HTTP call that exercises it on partner A's own objects.
CALLS: dict[str, Request] = {
    "partners.create": lambda s, h: s.client.post(
        "/api/v1/partners", json={"name": f"Socio {s.unique()}", "kind": "ngo", "country": "ECU"}, headers=h
    ),
    "partners.list": lambda s, h: s.client.get("/api/v1/partners", headers=h),
    "partners.read": lambda s, h: s.client.get(_partner(s), headers=h),
    "partners.update": lambda s, h: s.client.patch(_partner(s), json={"name": f"Alfa {s.unique()}"}, headers=h),
    "partners.update_contact": lambda s, h: s.client.patch(
        _partner(s), json={"contact_phone": "+593991234567"}, headers=h
    ),
    "partners.suspend": lambda s, h: s.client.delete(f"{_partner(s)}/suspension", headers=h),
    "agreements.create": lambda s, h: s.client.post(
        f"{_partner(s)}/agreements",
        json={
            "code": f"CONV-T-{s.unique()}",
            "title": "Convenio de prueba",
            "roles": ["funding"],
            "start_date": "2026-01-01",
            "end_date": "2027-12-31",
            "data_sharing": False,
        },
        headers=h,
    ),
    "agreements.read": lambda s, h: s.client.get(f"{_partner(s)}/agreements", headers=h),
    "agreements.manage": lambda s, h: s.client.post(
        f"{_partner(s)}/agreements/{s.draft_agreement_id}/activation", headers=h
    ),
    "users.create": lambda s, h: s.client.post(
        "/api/v1/users",
        json={
            "email": f"nuevo{s.unique()}@alfa.example.org",
            "full_name": "Persona Nueva",
            "password": PASSWORD,
            "role": "participant",
            "partner_id": str(s.world.a.partner_id),
        },
        headers=h,
    ),
    "users.read": lambda s, h: s.client.get(f"/api/v1/users/{s.target.id}", headers=h),
    "users.update": lambda s, h: s.client.patch(
        f"/api/v1/users/{s.target.id}", json={"full_name": f"Participante {s.unique()}"}, headers=h
    ),
    "users.reset_password": lambda s, h: s.client.post(f"/api/v1/users/{s.target.id}/password-reset", headers=h),
    "api_clients.manage": lambda s, h: s.client.post(
        "/api/v1/api-clients",
        json={"name": f"Sistema {s.unique()}", "scopes": ["partners:read"], "partner_id": str(s.world.a.partner_id)},
        headers=h,
    ),
    "audit.read": lambda s, h: s.client.get("/api/v1/audit-events", headers=h),
    "participants.register": lambda s, h: s.client.post(
        "/api/v1/participants",
        json={
            "given_names": f"Persona {s.unique()}",
            "family_names": "Registrada",
            "birth_date": "1994-03-02",
            "sex": "female",
            "population_group": "migrant",
            "nationality": "VEN",
            "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
            "owner_partner_id": str(s.world.a.partner_id),
        },
        headers=h,
    ),
    "participants.read": lambda s, h: s.client.get(f"/api/v1/participants/{s.participant_id}", headers=h),
    "participants.read_sensitive": lambda s, h: s.client.get(
        "/api/v1/participants", params={"migratory_status": "in_process"}, headers=h
    ),
    "participants.update": lambda s, h: s.client.patch(
        f"/api/v1/participants/{s.participant_id}", json={"household_size": s.unique() % 20 + 1}, headers=h
    ),
    "participants.consents": lambda s, h: s.client.post(
        f"/api/v1/participants/{s.participant_id}/consents",
        json={"purpose": "training", "notice_version": "2026-01", "method": "in_person"},
        headers=h,
    ),
    "participants.rights": lambda s, h: s.client.get(f"/api/v1/participants/{s.participant_id}/export", headers=h),
    "duplicates.review": lambda s, h: s.client.get("/api/v1/duplicate-candidates", headers=h),
    "participants.portal_accounts": lambda s, h: _open_portal_account(s, h),
    "portal.own_record": lambda s, h: s.client.get("/api/v1/me/participant", headers=h),
    "modules.read": lambda s, h: s.client.get("/api/v1/training-modules", headers=h),
    "modules.write": lambda s, h: s.client.post(
        "/api/v1/training-modules",
        json={**module_body(), "author_partner_ids": [str(s.world.a.partner_id)]},
        headers=h,
    ),
    "cohorts.read": lambda s, h: s.client.get("/api/v1/cohorts", headers=h),
    "cohorts.write": lambda s, h: s.client.post(
        "/api/v1/cohorts", json={**cohort_body(s.module_id), "partner_id": str(s.world.a.partner_id)}, headers=h
    ),
    "enrollments.read": lambda s, h: s.client.get(f"/api/v1/cohorts/{s.cohort_id}/enrollments", headers=h),
    "enrollments.write": lambda s, h: _enrol_someone(s, h),
    "portal.training": lambda s, h: s.client.get("/api/v1/me/enrollments", headers=h),
    "attendance.read": lambda s, h: s.client.get(
        f"/api/v1/cohorts/{s.cohort_id}/sessions/{s.session_id}/attendance", headers=h
    ),
    "attendance.write": lambda s, h: _mark_someone(s, h),
    "certificates.read": lambda s, h: s.client.get(f"/api/v1/cohorts/{s.cohort_id}/certificates", headers=h),
    "certificates.manage": lambda s, h: _suspend_one(s, h),
    "certificates.keys": lambda s, h: s.client.post("/api/v1/certificates/signing-keys/rotation", headers=h),
    "completion.write": lambda s, h: s.client.post(f"/api/v1/cohorts/{s.cohort_id}/completion-evaluation", headers=h),
    "ideas.read": lambda s, h: s.client.get(IDEAS, headers=h),
    "ideas.write": lambda s, h: s.client.post(IDEAS, json=idea_body(s.participant_id), headers=h),
    "portal.ideas": lambda s, h: s.client.get(MY_IDEAS, headers=h),
    "calls.read": lambda s, h: s.client.get(SEED_CAPITAL_CALLS, headers=h),
    "calls.write": lambda s, h: s.client.post(
        SEED_CAPITAL_CALLS, json=call_body(owner_partner_id=str(s.world.a.partner_id)), headers=h
    ),
    "applications.read": lambda s, h: s.client.get(f"{SEED_CAPITAL_CALLS}/{s.call_id}/applications", headers=h),
    "applications.write": lambda s, h: _apply_someone(s, h),
    "committee.read": lambda s, h: s.client.get(f"{SEED_CAPITAL_CALLS}/{s.call_id}/ranking", headers=h),
    "reviews.write": lambda s, h: s.client.get("/api/v1/me/review-assignments", headers=h),
    "portal.applications": lambda s, h: s.client.get("/api/v1/me/applications", headers=h),
}


def test_every_operation_has_an_http_call() -> None:
    missing = sorted(set(PERMISSIONS) - set(CALLS))
    assert not missing, f"add an HTTP call for these operations to CALLS: {missing}"
    assert not set(CALLS) - set(PERMISSIONS)


async def _issued_certificate(client: httpx.AsyncClient, container: Container, world: World, module_id: str) -> str:
    """A cohort of A finished with one person who attended its session: their certificate."""
    cohort = await open_cohort(
        client, world.admin_headers, module_id, partner_id=str(world.a.partner_id), name="Cohorte certificada"
    )
    url = f"/api/v1/cohorts/{cohort['id']}"
    session = await client.post(
        f"{url}/sessions",
        json={"on": cohort["start_date"], "starts_at": "09:00:00", "duration_minutes": 60, "module_id": module_id},
        headers=world.admin_headers,
    )
    person = (await seed_trainees(container, world.a.partner_id, 1))[0]
    assert (await enroll(client, world.admin_headers, cohort["id"], person)).status_code == 201
    await client.post(f"{url}/transitions", json={"to": "running"}, headers=world.admin_headers)
    marks = {"marks": [{"participant_id": str(person), "status": "present"}]}
    await client.put(f"{url}/sessions/{session.json()['id']}/attendance", json=marks, headers=world.admin_headers)
    await client.post(f"{url}/transitions", json={"to": "finished"}, headers=world.admin_headers)
    issued = await client.get(f"{url}/certificates", headers=world.admin_headers)
    return str(issued.json()[0]["id"])


@pytest.fixture
async def stage(client: httpx.AsyncClient, container: Container, world: World) -> tuple[Stage, list[Caller]]:
    """Partner A with one signed-in account of every role and one API client per scope of the table."""
    admin = Principal(kind=PrincipalKind.USER, id=world.admin.id, role=Role.ADMIN)
    manager = Principal(
        kind=PrincipalKind.USER, id=world.a.manager.id, role=Role.PARTNER_MANAGER, partner_id=world.a.partner_id
    )
    await grant(client, world, world.a.partner_id, "funding")  # before the clients: their scopes follow it
    callers = [
        Caller("admin", world.admin_headers, Role.ADMIN),
        Caller("partner_manager", world.a.manager_headers, Role.PARTNER_MANAGER),
        Caller("partner_staff", world.a.staff_headers, Role.PARTNER_STAFF),
    ]
    accounts: dict[Role, Account] = {}
    for role in (Role.FACILITATOR, Role.EVALUATOR, Role.PARTICIPANT, Role.PARTICIPANT):
        email = f"{role.value}{len(accounts)}@alfa.example.org"
        created = await create_ready_user(
            CreateUser(email=email, full_name=role.value, password=PASSWORD, role=role, partner_id=world.a.partner_id),
            admin,
            uow_factory=container.uow,
            hasher=container.hasher,
            clock=container.clock,
        )
        account = Account(created.id, email, PASSWORD, role)
        if role in accounts:  # the second participant is the target, never a caller
            target = account
            continue
        accounts[role] = account
        callers.append(Caller(role.value, bearer((await login(client, account))["access_token"]), role))
    assert {caller.role for caller in callers} == set(Role)
    for scopes in [*(frozenset({scope}) for scope in RULE_SCOPES), frozenset({"participants:read"})]:
        issued = await create_api_client(
            manager,
            CreateApiClient(name=f"Cliente {sorted(scopes)}", scopes=scopes),
            uow_factory=container.uow,
            auth=container.auth,
        )
        token = await client_token(client, issued.client.id, issued.secret)
        assert token.json()["scope"] == " ".join(sorted(scopes))
        callers.append(Caller(f"client{sorted(scopes)}", bearer(token.json()["access_token"]), scopes=scopes))
    draft = await client.post(
        f"/api/v1/partners/{world.a.partner_id}/agreements",
        json={
            "code": "CONV-BORRADOR",
            "title": "Convenio en borrador",
            "roles": ["content_authoring"],
            "start_date": "2026-01-01",
            "end_date": "2027-12-31",
            "data_sharing": False,
        },
        headers=world.admin_headers,
    )
    assert draft.status_code == 201
    person = await client.post(
        "/api/v1/participants",
        json={
            "given_names": "Yusleidy",
            "family_names": "Hernández",
            "birth_date": "1991-08-21",
            "sex": "female",
            "population_group": "migrant",
            "nationality": "VEN",
            "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
        },
        headers=world.a.manager_headers,
    )
    assert person.status_code == 201, person.text
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.admin_headers, author_partner_ids=[str(world.a.partner_id)])
    cohort = await open_cohort(client, world.admin_headers, module_id, partner_id=str(world.a.partner_id), capacity=500)
    session = await client.post(
        f"/api/v1/cohorts/{cohort['id']}/sessions",
        json={"on": cohort["start_date"], "starts_at": "09:00:00", "duration_minutes": 60, "module_id": module_id},
        headers=world.admin_headers,
    )
    assert session.status_code == 201, session.text
    running = await client.post(
        f"/api/v1/cohorts/{cohort['id']}/transitions", json={"to": "running"}, headers=world.admin_headers
    )
    assert running.status_code == 200, running.text
    async with container.uow(SYSTEM) as uow:  # the participant caller is that person's portal account
        account = await uow.users.get(accounts[Role.PARTICIPANT].id)
        assert account is not None
        account.link_participant(uuid.UUID(person.json()["id"]), container.clock.now())
        await uow.commit()
    stage = Stage(
        client,
        container,
        world,
        target,
        draft.json()["id"],
        itertools.count(1),
        person.json()["id"],
        module_id,
        cohort["id"],
        session.json()["id"],
        await _issued_certificate(client, container, world, module_id),
        (await open_call(client, world.a.manager_headers))["id"],
    )
    return stage, callers


@pytest.mark.parametrize("operation", list(PERMISSIONS))
async def test_the_api_enforces_the_table(operation: str, stage: tuple[Stage, list[Caller]]) -> None:
    scene, callers = stage
    # Refused callers first: a refusal must not depend on what an allowed caller did before.
    ordered = sorted(callers, key=lambda caller: caller.allowed(operation))
    mismatches: list[str] = []
    for caller in ordered:
        response = await CALLS[operation](scene, caller.headers)
        allowed = caller.allowed(operation)
        if response.status_code >= 500 or response.status_code == 401:
            mismatches.append(f"{caller.name}: {response.status_code} {response.text}")
        elif allowed and response.status_code == 403:
            mismatches.append(f"{caller.name} is allowed by the table but got 403: {response.text}")
        elif not allowed and response.status_code not in (403, 404):
            mismatches.append(f"{caller.name} is refused by the table but got {response.status_code}: {response.text}")
        elif not allowed:
            assert response.json()["code"] in ("permission_denied", "not_found"), response.text
        elif allowed:
            assert response.status_code < 300, f"{caller.name}: {response.status_code} {response.text}"
    assert not mismatches, "\n".join(mismatches)
    assert any(caller.allowed(operation) for caller in callers)
