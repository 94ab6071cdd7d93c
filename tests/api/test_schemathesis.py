"""Property-based tests of every operation against the app's own OpenAPI document (schemathesis, in-process): every
check schemathesis has, on valid and invalid requests, as the administrator and as a partner's staff member.

The app runs with its own lifespan on schemathesis' ASGI event loop, over a database of this module's own, seeded with
two partners with agreements in force, their accounts and clients, and people: one live and one erased. Path parameters
name those objects (the administrator's the second partner and the erased person, so that what it suspends, revokes or
resets never locks the staff member out), so that requests reach the use cases instead of stopping at a 404."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis.config import OperationConfig, OperationsConfig
from schemathesis.python import asgi
from schemathesis.specs.openapi.formats import unregister_string_format

from emprende.adapters.sql.shared import migrations
from emprende.adapters.sql.shared.database import create_engine
from emprende.api.app import OPENAPI_URL, create_app
from emprende.bootstrap import Container, build_container
from emprende.domain.identity.user import Role
from emprende.domain.partners.agreement import AgreementRole
from emprende.domain.partners.partner import PartnerKind
from emprende.services.identity.users import CreateUser, create_admin, create_user
from emprende.services.participants.rights import erase_participant
from emprende.services.partners.agreements import CreateAgreement, create_agreement
from emprende.services.partners.api_clients import CreateApiClient, create_api_client
from emprende.services.partners.partners import CreatePartner, create_partner
from emprende.services.shared.principal import Principal, PrincipalKind
from emprende.settings import Settings
from tests.conftest import (
    PASSWORD,
    _create_postgres_database,
    _drop_postgres_database,
    make_settings,
    seed_people,
)

ADMIN_EMAIL = "fuzz.admin@emprende.test"
STAFF_EMAIL = "fuzz.staff@alfa.example.org"
MAX_EXAMPLES = 12


@dataclass(frozen=True)
class Caller:
    email: str
    path_parameters: dict[str, str]
    """Which seeded object each path parameter names when this principal calls."""


@pytest.fixture(scope="module")
async def fuzz_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'emprende.db'}"
        return
    name = f"emprende_fuzz_{uuid.uuid4().hex[:12]}"
    url = await _create_postgres_database(name)
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


async def _partner(
    container: Container, acting: Principal, name: str, kind: PartnerKind, country: str, roles: set[AgreementRole]
) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A partner with an agreement in force and an API client: (partner, agreement, client)."""
    partner = await create_partner(
        CreatePartner(name=name, kind=kind, country=country), acting, uow_factory=container.uow, clock=container.clock
    )
    today = container.clock.now().date()
    agreement = await create_agreement(
        acting,
        partner.id,
        CreateAgreement(
            code=f"CONV-{name[:4].upper()}-1",
            title=f"Convenio marco {name}",
            roles=frozenset(roles),
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=365),
            data_sharing=True,
            activate=True,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )
    issued = await create_api_client(
        acting,
        CreateApiClient(name=f"Sistema {name}", scopes=frozenset({"partners:read"}), partner_id=partner.id),
        uow_factory=container.uow,
        auth=container.auth,
    )
    return partner.id, agreement.id, issued.client.id


async def _seed(container: Container) -> dict[str, Caller]:
    admin = await create_admin(
        ADMIN_EMAIL, "Fuzz Admin", PASSWORD, uow_factory=container.uow, hasher=container.hasher, clock=container.clock
    )
    acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
    alfa, alfa_agreement, alfa_client = await _partner(
        container,
        acting,
        "Universidad Alfa",
        PartnerKind.ACADEMIA,
        "ECU",
        {AgreementRole.TRAINING_DELIVERY, AgreementRole.REFERRAL},
    )
    beta, beta_agreement, beta_client = await _partner(
        container, acting, "Fundación Beta", PartnerKind.NGO, "COL", {AgreementRole.EVALUATION}
    )
    accounts = {}
    for email, role, partner_id in (
        (STAFF_EMAIL, Role.PARTNER_STAFF, alfa),
        ("fuzz.evaluator@beta.example.org", Role.EVALUATOR, beta),
    ):
        user = await create_user(
            CreateUser(email=email, full_name="Cuenta de prueba", password=PASSWORD, role=role, partner_id=partner_id),
            acting,
            uow_factory=container.uow,
            hasher=container.hasher,
            clock=container.clock,
        )
        accounts[role] = user.id
    live, live_consent, candidate = await seed_people(container, alfa, "VIVA")
    erased, erased_consent, _ = await seed_people(container, alfa, "BORRADA")
    await erase_participant(acting, erased, uow_factory=container.uow, clock=container.clock)
    return {
        "administrator": Caller(
            ADMIN_EMAIL,
            {
                "participant_id": str(erased),
                "consent_id": str(erased_consent),
                "candidate_id": str(candidate),
                "partner_id": str(beta),
                "agreement_id": str(beta_agreement),
                "user_id": str(accounts[Role.EVALUATOR]),
                "client_id": str(beta_client),
            },
        ),
        "partner_staff": Caller(
            STAFF_EMAIL,
            {
                "participant_id": str(live),
                "consent_id": str(live_consent),
                "candidate_id": str(candidate),
                "partner_id": str(alfa),
                "agreement_id": str(alfa_agreement),
                "user_id": str(accounts[Role.PARTNER_STAFF]),
                "client_id": str(alfa_client),
            },
        ),
    }


@pytest.fixture(scope="module")
async def seeded(fuzz_database: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, Caller]]:
    """Settings for a migrated, seeded database; login limits out of the fuzzer's way."""
    settings = make_settings(
        fuzz_database,
        tmp_path_factory.mktemp("fuzz-data"),
        login_max_attempts_per_client=1_000_000,
        login_max_failures_per_account=1_000_000,
    )
    engine = create_engine(fuzz_database, pool_size=2)
    try:
        await migrations.upgrade(engine)
        container = build_container(settings, engine=engine)
        principals = await _seed(container)
    finally:
        await engine.dispose()
    return settings, principals


@pytest.fixture(scope="module")
def fuzz_app(seeded: tuple[Settings, dict[str, Caller]]) -> Iterator[FastAPI]:
    app = create_app(seeded[0])
    yield app
    asgi.shutdown_lifespans()  # runs the app's shutdown: its engine is disposed before the database is dropped


def _login(app: FastAPI, email: str) -> str:
    with asgi.get_client(app) as client:
        response = client.post(
            OPENAPI_URL.replace("openapi.json", "auth/token"), data={"username": email, "password": PASSWORD}
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture(scope="module", params=["administrator", "partner_staff"])
def acting(request: pytest.FixtureRequest, seeded: tuple[Settings, dict[str, Caller]]) -> Caller:
    return seeded[1][str(request.param)]


@pytest.fixture(scope="module")
def token(fuzz_app: FastAPI, acting: Caller) -> str:
    return _login(fuzz_app, acting.email)


# A well-formed request may still break a rule the JSON Schema cannot state: a cédula's check digit, a place code, a
# password's strength, a consent's date, a date-time's range (422); an If-Match naming another version (412); an opaque
# cursor that was not issued for this query (400). Where the document declares such a refusal for an operation, the
# `positive_data_acceptance` check accepts it there too; any status the document does not declare still fails it (and
# `status_code_conformance`).
BUSINESS_REFUSALS = ("400", "412", "422")


def _declared_refusals(document: dict[str, Any], accepted: list[str]) -> OperationsConfig:
    configs = []
    for item in document["paths"].values():
        for operation in item.values():
            declared = [status for status in BUSINESS_REFUSALS if status in operation["responses"]]
            if declared:
                checks = {"positive_data_acceptance": {"expected-statuses": [*accepted, *declared]}}
                configs.append(
                    OperationConfig.from_dict({"include-operation-id": operation["operationId"], "checks": checks})
                )
    return OperationsConfig(operations=configs)


# Date-times from the whole range of `datetime`, at any offset up to ±14:00, its edges first: the generator's own
# rarely leaves the years around 2000, and the edges are where a conversion to UTC overflows.
_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
DATE_TIMES = st.one_of(
    st.sampled_from(
        ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
    ),
    st.datetimes(min_value=datetime.min, max_value=datetime.max, timezones=_OFFSETS).map(datetime.isoformat),
)


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI, acting: Caller) -> Iterator[Any]:
    schemathesis.openapi.format("date-time", DATE_TIMES)
    schema = schemathesis.openapi.from_asgi(OPENAPI_URL, fuzz_app)
    schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
    schema.config.update(parameters={f"path.{name}": value for name, value in acting.path_parameters.items()})
    accepted = schema.config.checks.positive_data_acceptance.expected_statuses
    schema.config.operations = _declared_refusals(fuzz_app.openapi(), accepted)
    yield schema
    unregister_string_format("date-time")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, fuzz_app: FastAPI, acting: Caller, token: str) -> None:
    # Signing out revokes the session a token belongs to: give that operation a token of its own.
    if case.operation.definition.raw.get("operationId") == "logout":
        token = _login(fuzz_app, acting.email)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


NUL_INPUTS = [
    ("post", "/api/v1/users", {"json": {"email": "nul@emprende.test", "full_name": "Ana\x00", "password": "x" * 12}}),
    ("get", "/api/v1/users", {"params": {"email_contains": "a\x00b"}}),
    ("get", "/api/v1/audit-events", {"params": {"entity_type": "user\x00"}}),
    ("post", "/api/v1/auth/token", {"data": {"username": "a\x00@emprende.test", "password": "secret\x00"}}),
    ("post", "/api/v1/auth/refresh", {"json": {"refresh_token": "token\x00"}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), NUL_INPUTS)
async def test_nul_characters_are_invalid_input_not_a_database_error(
    client: Any, admin_headers: dict[str, str], method: str, path: str, kwargs: dict[str, Any]
) -> None:
    """PostgreSQL cannot store NUL in text; found by fuzzing as a 500 on every text input."""
    response = await client.request(method, path, headers=admin_headers, **kwargs)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any("NUL" in error["message"] for error in response.json()["errors"])
