"""Shared fixtures. Every database test runs on SQLite, and on PostgreSQL too when EMPRENDE_TEST_POSTGRES_URL is set;
each test session works in databases it creates and drops itself."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from hypothesis import settings as hypothesis_settings
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.shared import migrations
from emprende.adapters.sql.shared.database import create_engine, create_generic_plan_engine
from emprende.api.app import create_app
from emprende.bootstrap import Container, build_container, metadata
from emprende.domain.identity.user import Role, User
from emprende.services.identity.ports import PasswordHasher
from emprende.services.identity.users import CreateUser, change_password, create_admin, create_user
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal, PrincipalKind
from emprende.settings import Environment, Settings

# Property tests check answers, not timings (those belong to bench/): no per-example deadline, which a loaded machine
# or a library's first call (phone metadata, say) would trip without anything being wrong.
hypothesis_settings.register_profile("emprende", deadline=None)
hypothesis_settings.load_profile("emprende")

POSTGRES_URL = os.environ.get("EMPRENDE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"
NIL = uuid.UUID(int=0)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _create_postgres_database(name: str) -> str:
    assert POSTGRES_URL is not None
    connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


async def _drop_postgres_database(name: str) -> None:
    assert POSTGRES_URL is not None
    connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A fresh, empty database for this test session (one per backend and xdist worker)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'emprende.db'}"
        return
    name = f"emprende_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    url = await _create_postgres_database(name)
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The session's engine on a database migrated to the newest revision."""
    engine = create_engine(database_url, pool_size=5)
    await migrations.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def generic_engine(engine: AsyncEngine) -> AsyncIterator[AsyncEngine | None]:
    """The session's pool for reads on generic plans (PostgreSQL), as `emprende serve` has one."""
    generic = create_generic_plan_engine(engine, pool_size=2)
    try:
        yield generic
    finally:
        if generic is not None:
            await generic.dispose()


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": Environment.TEST,
        "database_url": database_url,
        "data_dir": data_dir,
        "secret_key": TEST_SECRET,
        "password_hash_memory_kib": 64,
        "password_hash_time_cost": 1,
        "log_json": False,
        "certificate_status_seconds": 0,  # a revocation shows at once
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


async def _empty_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(delete(table))


@pytest.fixture
async def container(
    settings: Settings, engine: AsyncEngine, generic_engine: AsyncEngine | None
) -> AsyncIterator[Container]:
    """A container over the session's database; every row a test writes is removed after it."""
    container = build_container(settings, engine=engine, generic_engine=generic_engine)
    container.start()
    try:
        yield container
    finally:
        await container.close()
        await _empty_tables(engine)


@pytest.fixture
def app(container: Container) -> FastAPI:
    return create_app(container=container)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def create_ready_user(
    cmd: CreateUser, principal: Principal, *, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock
) -> User:
    """`create_user` as `principal`, then what the new account's owner does at first sign-in: replace the password
    its creator chose (a temporary one here) with their own, `cmd.password`. The account is then ready to use."""
    temporary = "temporal-" + uuid.uuid4().hex
    user = await create_user(
        CreateUser(
            email=cmd.email,
            full_name=cmd.full_name,
            password=temporary,
            role=cmd.role,
            preferred_language=cmd.preferred_language,
            partner_id=cmd.partner_id,
        ),
        principal,
        uow_factory=uow_factory,
        hasher=hasher,
        clock=clock,
    )
    assert user.password_reset_required
    owner = Principal(
        kind=PrincipalKind.USER, id=user.id, role=user.role, partner_id=user.partner_id, password_change_required=True
    )
    return await change_password(owner, temporary, cmd.password, uow_factory=uow_factory, hasher=hasher, clock=clock)


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    email: str
    password: str
    role: Role
    partner_id: uuid.UUID | None = None


@pytest.fixture
async def admin(container: Container) -> Account:
    user = await create_admin(
        "admin@emprende.test",
        "Ana Administradora",
        PASSWORD,
        uow_factory=container.uow,
        hasher=container.hasher,
        clock=container.clock,
    )
    return Account(user.id, user.email, PASSWORD, Role.ADMIN)


@pytest.fixture
async def partner_id(container: Container, admin: Account) -> uuid.UUID:
    """An institutional partner (the one non-administrator test accounts belong to)."""
    from emprende.domain.partners.partner import PartnerKind
    from emprende.services.partners.partners import CreatePartner, create_partner

    acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
    partner = await create_partner(
        CreatePartner(name="Cámara de Comercio de Manta", kind=PartnerKind.PRIVATE_SECTOR, country="ECU"),
        acting,
        uow_factory=container.uow,
        clock=container.clock,
    )
    return partner.id


@pytest.fixture
async def staff(container: Container, admin: Account, partner_id: uuid.UUID) -> Account:
    """A non-administrator account (an evaluator of a partner)."""

    acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
    user = await create_ready_user(
        CreateUser(
            email="luis.cedeno@emprende.test",
            full_name="Luis Cedeño",
            password=PASSWORD,
            role=Role.EVALUATOR,
            partner_id=partner_id,
        ),
        acting,
        uow_factory=container.uow,
        hasher=container.hasher,
        clock=container.clock,
    )
    return Account(user.id, user.email, PASSWORD, Role.EVALUATOR, partner_id)


OWN_PASSWORD = "la clave que elegí yo misma"  # what an account's owner picks at first sign-in


async def first_sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, own_password: str = OWN_PASSWORD
) -> dict[str, str]:
    """Sign in to an account someone else created with `password`, replace that password with `own_password` as the
    API requires before anything else, and return the session's headers (the session stays open)."""
    response = await client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    assert response.json()["password_change_required"] is True
    headers = bearer(response.json()["access_token"])
    changed = await client.post(
        "/api/v1/auth/password", json={"current_password": password, "new_password": own_password}, headers=headers
    )
    assert changed.status_code == 204, changed.text
    return headers


async def login(client: httpx.AsyncClient, account: Account) -> dict[str, str]:
    """Sign in through the API; returns the token response."""
    response = await client.post("/api/v1/auth/token", data={"username": account.email, "password": account.password})
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


@pytest.fixture
async def admin_headers(client: httpx.AsyncClient, admin: Account) -> dict[str, str]:
    tokens = await login(client, admin)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
async def staff_headers(client: httpx.AsyncClient, staff: Account) -> dict[str, str]:
    tokens = await login(client, staff)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture(autouse=True)
def _no_request_id_leak() -> Iterator[None]:
    from emprende.services.shared.context import current_request_id

    token = current_request_id.set(None)
    yield
    current_request_id.reset(token)


# ---------------------------------------------------------------------------------------------------------------------
# Partners, agreements, their people and systems (issue 3): a `world` of two partners that must not see each other.
# ---------------------------------------------------------------------------------------------------------------------

# Tables whose rows a rejected request must leave exactly as they were (sign-in bookkeeping is left out).
DOMAIN_TABLES = ("partners", "cooperation_agreements", "users", "api_clients", "audit_events", "outbox")


async def snapshot(engine: AsyncEngine, *names: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the given tables (default: the domain tables), in a stable order, to compare before and after."""
    from sqlalchemy import select

    rows: dict[str, list[tuple[object, ...]]] = {}
    async with engine.connect() as connection:
        for name in names or DOMAIN_TABLES:
            table = metadata.tables[name]
            result = await connection.execute(select(table).order_by(*table.primary_key.columns))
            rows[name] = [tuple(row) for row in result]
    return rows


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def client_token(
    client: httpx.AsyncClient, client_id: object, secret: str, scope: str | None = None
) -> httpx.Response:
    """The client-credentials grant, as a partner system sends it."""
    data = {"grant_type": "client_credentials", "client_id": str(client_id), "client_secret": secret}
    if scope is not None:
        data["scope"] = scope
    return await client.post("/api/v1/auth/token", data=data)


@dataclass(frozen=True)
class PartnerSide:
    """One partner with an agreement in force, a manager, a staff member and an API client, all signed in."""

    partner_id: uuid.UUID
    name: str
    agreement_id: uuid.UUID
    manager: Account
    staff: Account
    client_id: uuid.UUID
    client_secret: str
    manager_headers: dict[str, str]
    staff_headers: dict[str, str]
    client_headers: dict[str, str]
    participant_id: uuid.UUID = NIL
    consent_id: uuid.UUID = NIL
    candidate_id: uuid.UUID = NIL

    def principals(self) -> dict[str, dict[str, str]]:
        return {"manager": self.manager_headers, "staff": self.staff_headers, "client": self.client_headers}


@dataclass(frozen=True)
class World:
    admin: Account
    admin_headers: dict[str, str]
    a: PartnerSide
    b: PartnerSide
    training: dict[str, tuple[uuid.UUID, uuid.UUID]] = field(default_factory=dict)
    """Training objects of A and of B by the path parameter naming them, where a test made some."""
    ideas: dict[str, tuple[uuid.UUID, uuid.UUID]] = field(default_factory=dict)
    """Business ideas of A and of B by the path parameter naming them, where a test made some."""
    calls: dict[str, tuple[uuid.UUID, uuid.UUID]] = field(default_factory=dict)
    """Applications of people A and B support, by the path parameter naming them, where a test made some."""


async def build_side(
    client: httpx.AsyncClient,
    container: Container,
    admin: Account,
    *,
    tag: str,
    name: str,
    kind: str,
    country: str,
    roles: tuple[str, ...],
    data_sharing: bool,
    scopes: tuple[str, ...],
    ruc: str | None = None,
) -> PartnerSide:
    """Build one partner through the use cases (as the administrator and then its manager) and sign everyone in."""
    from datetime import timedelta

    from emprende.domain.partners.agreement import AgreementRole
    from emprende.domain.partners.partner import PartnerKind
    from emprende.services.partners.agreements import CreateAgreement, create_agreement
    from emprende.services.partners.api_clients import CreateApiClient, create_api_client
    from emprende.services.partners.partners import CreatePartner, create_partner

    acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
    today = container.clock.now().date()
    partner = await create_partner(
        CreatePartner(name=name, kind=PartnerKind(kind), country=country, ruc=ruc),
        acting,
        uow_factory=container.uow,
        clock=container.clock,
    )
    agreement = await create_agreement(
        acting,
        partner.id,
        CreateAgreement(
            code=f"CONV-{tag}-1",
            title=f"Convenio marco {name}",
            roles=frozenset(AgreementRole(role) for role in roles),
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=365),
            data_sharing=data_sharing,
            activate=True,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )
    accounts: dict[Role, Account] = {}
    for role in (Role.PARTNER_MANAGER, Role.PARTNER_STAFF):
        email = f"{role.value.replace('_', '.')}@{tag.lower()}.example.org"
        user = await create_ready_user(
            CreateUser(
                email=email, full_name=f"{role.value} {name}", password=PASSWORD, role=role, partner_id=partner.id
            ),
            acting,
            uow_factory=container.uow,
            hasher=container.hasher,
            clock=container.clock,
        )
        accounts[role] = Account(user.id, user.email, PASSWORD, role)
    manager = accounts[Role.PARTNER_MANAGER]
    issued = await create_api_client(
        Principal(kind=PrincipalKind.USER, id=manager.id, role=Role.PARTNER_MANAGER, partner_id=partner.id),
        CreateApiClient(name=f"Sistema {name}", scopes=frozenset(scopes)),
        uow_factory=container.uow,
        auth=container.auth,
    )
    token = await client_token(client, issued.client.id, issued.secret)
    assert token.status_code == 200, token.text
    participant_id, consent_id, candidate_id = await seed_people(container, partner.id, tag)
    return PartnerSide(
        participant_id=participant_id,
        consent_id=consent_id,
        candidate_id=candidate_id,
        partner_id=partner.id,
        name=partner.name,
        agreement_id=agreement.id,
        manager=manager,
        staff=accounts[Role.PARTNER_STAFF],
        client_id=issued.client.id,
        client_secret=issued.secret,
        manager_headers=bearer((await login(client, manager))["access_token"]),
        staff_headers=bearer((await login(client, accounts[Role.PARTNER_STAFF]))["access_token"]),
        client_headers=bearer(token.json()["access_token"]),
    )


async def seed_people(container: Container, partner_id: uuid.UUID, tag: str) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Two records of one person registered by the partner (straight through the domain), with their registration
    consents and the duplicate pair between them: (first participant, its consent, the pair)."""
    from datetime import date

    from emprende.domain.identity.user import Language
    from emprende.domain.participants.consent import Consent, ConsentMethod, ConsentPurpose
    from emprende.domain.participants.duplicate import DuplicateCandidate
    from emprende.domain.participants.participant import Participant, ParticipantDetails, PopulationGroup, Sex
    from emprende.services.shared.principal import SYSTEM

    now = container.clock.now()
    people = [
        Participant(
            owner_partner_id=partner_id,
            details=ParticipantDetails(
                given_names=f"Persona {tag}",
                family_names=f"Registrada {tag}",
                birth_date=date(1990, 1, 15),
                sex=Sex.FEMALE,
                population_group=PopulationGroup.MIGRANT,
                nationality="VEN",
            ),
            now=now,
            registered_by=None,
        )
        for _ in range(2)
    ]
    async with container.uow(SYSTEM) as uow:
        consents = []
        for person in people:
            uow.participants.add(person)
            await uow.participants.save_identifiers(person)
            consent = Consent(
                participant_id=person.id,
                purpose=ConsentPurpose.REGISTRATION,
                notice_version="2026-01",
                language=Language.ES,
                method=ConsentMethod.IN_PERSON,
                given_at=now,
                now=now,
            )
            uow.consents.add(consent)
            consents.append(consent)
        pair = DuplicateCandidate(
            participant_id=people[1].id,
            other_id=people[0].id,
            reasons=frozenset({"similar_name_and_birth_date"}),
            similarity=100,
            now=now,
        )
        uow.duplicates.add(pair)
        await uow.commit()
    return people[0].id, consents[0].id, pair.id


@pytest.fixture
async def world(
    client: httpx.AsyncClient, container: Container, admin: Account, admin_headers: dict[str, str]
) -> World:
    """Partner A (a university delivering training and referring people, sharing data) and partner B (an NGO that
    evaluates), each with an agreement in force, a manager, a staff member and an API client, all signed in."""
    a = await build_side(
        client,
        container,
        admin,
        tag="ALFA",
        name="Universidad Alfa",
        kind="academia",
        country="ECU",
        ruc="1790011674001",
        roles=("training_delivery", "referral"),
        data_sharing=True,
        scopes=("partners:read", "agreements:read", "participants:read"),
    )
    b = await build_side(
        client,
        container,
        admin,
        tag="BETA",
        name="Fundación Beta",
        kind="ngo",
        country="COL",
        roles=("evaluation",),
        data_sharing=False,
        scopes=("partners:read", "agreements:read"),
    )
    return World(admin=admin, admin_headers=admin_headers, a=a, b=b)


# ---------------------------------------------------------------------------------------------------------------------
# The participant registry (issue 4): a valid registration body and the tables a rejected request must leave alone.
# ---------------------------------------------------------------------------------------------------------------------

PARTICIPANTS = "/api/v1/participants"
PARTICIPANT_TABLES = (*DOMAIN_TABLES, "participants", "participant_identifiers", "consents", "duplicate_candidates")
VALID_CEDULA = "1710034065"


def person(**changes: object) -> dict[str, object]:
    """A complete, valid registration body; a change to `...` removes that field."""
    body: dict[str, object] = {
        "given_names": "María José",
        "family_names": "Pérez Gómez",
        "birth_date": "1990-05-17",
        "sex": "female",
        "gender_identity": "mujer",
        "population_group": "migrant",
        "nationality": "VEN",
        "migratory_status": "in_process",
        "documents": [{"type": "passport", "number": "ab 123456", "issuing_country": "VEN"}],
        "disability": {"seeing": "no_difficulty", "walking": "a_lot_of_difficulty"},
        "household_size": 4,
        "dependants": 2,
        "education_level": "secondary",
        "province_code": "17",
        "canton_code": "1701",
        "phone": "0991234567",
        "email": "mj@example.org",
        "preferred_language": "es",
        "external_ids": [{"system": "sigob", "value": "X-1"}],
        "registration_consent": {"notice_version": "2026-01", "method": "in_person"},
    }
    for key, value in changes.items():
        if value is ...:
            body.pop(key, None)
        else:
            body[key] = value
    return body


async def register(client: httpx.AsyncClient, headers: dict[str, str], **changes: object) -> dict[str, object]:
    """Register `person(**changes)` through the API and return the created record."""
    response = await client.post(PARTICIPANTS, headers=headers, json=person(**changes))
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def share_with_b(client: httpx.AsyncClient, world: World, participant_id: object) -> str:
    """Partner A records the person's consent to share their record with partner B; returns the consent's id."""
    response = await client.post(
        f"{PARTICIPANTS}/{participant_id}/consents",
        headers=world.a.manager_headers,
        json={
            "purpose": "sharing",
            "recipient_partner_id": str(world.b.partner_id),
            "notice_version": "2026-01",
            "method": "digital",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def withdraw_sharing(client: httpx.AsyncClient, world: World, participant_id: object, consent_id: str) -> None:
    """Partner A records the withdrawal of that consent."""
    url = f"{PARTICIPANTS}/{participant_id}/consents/{consent_id}/withdrawal"
    response = await client.post(url, headers=world.a.manager_headers)
    assert response.status_code == 200, response.text
