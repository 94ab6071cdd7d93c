"""What the training tests share: an authoring agreement, a published module, a cohort open for enrolment, and people
with a `training` consent, built through the API (or, for many people at once, straight through the domain)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from emprende.bootstrap import Container
from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import Consent, ConsentMethod, ConsentPurpose
from emprende.domain.participants.participant import Participant, ParticipantDetails, PopulationGroup, Sex
from emprende.services.shared.principal import SYSTEM
from tests.conftest import World

MODULES = "/api/v1/training-modules"
COHORTS = "/api/v1/cohorts"
TRAINING_TABLES = ("training_modules", "training_module_versions", "cohorts", "cohort_sessions", "enrollments")


async def grant_authoring(client: httpx.AsyncClient, world: World, partner_id: uuid.UUID, code: str = "AUT") -> None:
    """The administrator records a `content_authoring` agreement in force for the partner."""
    today = date.today()
    response = await client.post(
        f"/api/v1/partners/{partner_id}/agreements",
        headers=world.admin_headers,
        json={
            "code": f"CONV-{code}-{partner_id.hex[:6]}",
            "title": "Convenio de autoría de contenidos",
            "roles": ["content_authoring"],
            "start_date": (today - timedelta(days=10)).isoformat(),
            "end_date": (today + timedelta(days=365)).isoformat(),
            "data_sharing": False,
            "activate": True,
        },
    )
    assert response.status_code == 201, response.text


def module_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "translations": {
            "es": {
                "title": "Educación financiera",
                "summary": "Ahorro, crédito y costos de un negocio.",
                "learning_outcomes": ["Calcula el costo de un producto", "Separa finanzas personales y del negocio"],
            },
            "en": {
                "title": "Financial literacy",
                "summary": "Saving, credit and the costs of a business.",
                "learning_outcomes": ["Works out a product's cost"],
            },
        },
        "hours": "12.5",
        "modalities": ["virtual", "in_person"],
        "resources": [
            {"url": "https://cursos.example.org/finanzas", "kind": "course", "language": "es", "title": "Curso"},
        ],
    }
    body.update(changes)
    return body


async def published_module(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> str:
    """A module whose first version is published; returns its id."""
    created = await client.post(MODULES, headers=headers, json=module_body(**changes))
    assert created.status_code == 201, created.text
    module_id = str(created.json()["id"])
    published = await client.post(f"{MODULES}/{module_id}/versions/1/publication", headers=headers)
    assert published.status_code == 200, published.text
    return module_id


def cohort_body(module_id: str, **changes: Any) -> dict[str, Any]:
    today = date.today()
    body: dict[str, Any] = {
        "name": "Cohorte Manta 2027-1",
        "curriculum": [{"module_id": module_id, "version": 1}],
        "modality": "in_person",
        "province_code": "13",
        "canton_code": "1308",
        "address": "Av. 24 y calle 13, Manta",
        "start_date": (today + timedelta(days=20)).isoformat(),
        "end_date": (today + timedelta(days=80)).isoformat(),
        "capacity": 25,
        "enrolment_opens_on": (today - timedelta(days=1)).isoformat(),
        "enrolment_closes_on": (today + timedelta(days=19)).isoformat(),
        "offer_hours": 48,
        "eligibility_rules": [],
    }
    body.update(changes)
    return body


async def open_cohort(
    client: httpx.AsyncClient, headers: dict[str, str], module_id: str, **changes: Any
) -> dict[str, Any]:
    """A cohort open for enrolment; returns it."""
    created = await client.post(COHORTS, headers=headers, json=cohort_body(module_id, **changes))
    assert created.status_code == 201, created.text
    cohort_id = created.json()["id"]
    opened = await client.post(f"{COHORTS}/{cohort_id}/transitions", headers=headers, json={"to": "open"})
    assert opened.status_code == 200, opened.text
    body: dict[str, Any] = opened.json()
    return body


async def seed_trainees(
    container: Container,
    partner_id: uuid.UUID,
    count: int,
    *,
    training_consent: bool = True,
    population_group: PopulationGroup = PopulationGroup.MIGRANT,
    birth_date: date = date(1995, 6, 1),
) -> list[uuid.UUID]:
    """`count` people registered by the partner, with their registration (and training) consents."""
    now = container.clock.now()
    ids: list[uuid.UUID] = []
    async with container.uow(SYSTEM) as uow:
        for index in range(count):
            person = Participant(
                owner_partner_id=partner_id,
                details=ParticipantDetails(
                    given_names=f"Aprendiz {index:04d}",
                    family_names=f"Cohorte {partner_id.hex[:4]}",
                    birth_date=birth_date,
                    sex=Sex.FEMALE if index % 2 else Sex.MALE,
                    population_group=population_group,
                    nationality="VEN",
                ),
                now=now,
                registered_by=None,
            )
            uow.participants.add(person)
            await uow.participants.save_identifiers(person)
            purposes = [ConsentPurpose.REGISTRATION] + ([ConsentPurpose.TRAINING] if training_consent else [])
            for purpose in purposes:
                uow.consents.add(
                    Consent(
                        participant_id=person.id,
                        purpose=purpose,
                        notice_version="2026-01",
                        language=Language.ES,
                        method=ConsentMethod.IN_PERSON,
                        given_at=now,
                        now=now,
                    )
                )
            ids.append(person.id)
        await uow.commit()
    return ids


async def enroll(
    client: httpx.AsyncClient, headers: dict[str, str], cohort_id: str, participant_id: uuid.UUID
) -> httpx.Response:
    return await client.post(
        f"{COHORTS}/{cohort_id}/enrollments", headers=headers, json={"participant_id": str(participant_id)}
    )


async def seed_training(container: Container, world: World) -> None:
    """For partners A and B each: a cohort (open, teaching a published module), a session and their first person's
    enrolment, straight through the domain; their ids go into `world.training` by path parameter name."""
    from datetime import time

    from emprende.domain.training.certificate import Certificate
    from emprende.domain.training.cohort import Cohort, CohortPlan, CohortStatus, CurriculumItem
    from emprende.domain.training.enrollment import Enrollment
    from emprende.domain.training.module import Modality, ModuleContent, ModuleText, TrainingModule
    from emprende.domain.training.session import CohortSession, SessionPlan

    now = container.clock.now()
    today = now.date()
    module = TrainingModule(authors=[world.a.partner_id], now=now, created_by=None)
    text = ModuleText("Plan de negocios", "Del problema al modelo de negocio.", ())
    version = module.new_version(
        ModuleContent({Language.ES: text}, Decimal(6), frozenset({Modality.VIRTUAL}), ()), now, None
    )
    module.publish(version, now, None)
    async with container.uow(SYSTEM) as uow:
        uow.modules.add(module)
        uow.modules.add_version(version)
        await uow.commit()
    plan = CohortPlan(
        name="Cohorte sembrada",
        curriculum=(CurriculumItem(module.id, 1),),
        modality=Modality.VIRTUAL,
        province_code=None,
        canton_code=None,
        address=None,
        start_date=today + timedelta(days=10),
        end_date=today + timedelta(days=40),
        capacity=10,
        enrolment_opens_on=today - timedelta(days=1),
        enrolment_closes_on=today + timedelta(days=9),
        offer_hours=48,
        eligibility_rules=(),
    )
    cohorts = [Cohort(partner_id=side.partner_id, plan=plan, now=now, by=None) for side in (world.a, world.b)]
    async with container.uow(SYSTEM) as uow:
        for cohort in cohorts:
            cohort.move_to(CohortStatus.OPEN, now)
            uow.cohorts.add(cohort)
        await uow.commit()
    async with container.uow(SYSTEM) as uow:
        sessions, enrollments = [], []
        for cohort, side in zip(cohorts, (world.a, world.b), strict=True):
            locked = await uow.cohorts.lock(cohort.id)
            assert locked is not None
            session_plan = SessionPlan(plan.start_date, time(9), 90, module.id, None)
            sessions.append(CohortSession(cohort_id=cohort.id, plan=session_plan, now=now))
            enrollments.append(Enrollment(cohort=locked, participant_id=side.participant_id, now=now, by=None))
            uow.cohort_sessions.add(sessions[-1])
            uow.enrollments.add(enrollments[-1])
        await uow.commit()
    certificates = [
        Certificate(
            certificate_id=uuid.uuid4(),
            enrollment_id=enrollment.id,
            cohort_id=enrollment.cohort_id,
            participant_id=enrollment.participant_id,
            partner_id=enrollment.partner_id,
            subject_id=f"urn:uuid:{uuid.uuid4()}",
            status_index=1_000 + index,
            token="encabezado.contenido.firma",
            kid="clave-de-prueba",
            now=now,
        )
        for index, enrollment in enumerate(enrollments)
    ]
    async with container.uow(SYSTEM) as uow:
        for certificate in certificates:
            uow.certificates.add(certificate)
        await uow.commit()
    world.training.update(
        certificate_id=(certificates[0].id, certificates[1].id),
        cohort_id=(cohorts[0].id, cohorts[1].id),
        session_id=(sessions[0].id, sessions[1].id),
        enrollment_id=(enrollments[0].id, enrollments[1].id),
    )


async def lapse_offers(container: Container, cohort_id: str) -> None:
    """Move the cohort's offers' expiry into the past, as time passing would."""
    from sqlalchemy import update

    from emprende.adapters.sql.training import tables

    enrollments = tables.enrollments
    async with container.engine.begin() as connection:
        await connection.execute(
            update(enrollments)
            .where(enrollments.c.cohort_id == uuid.UUID(cohort_id), enrollments.c.status == "offered")
            .values(offer_expires_at=container.clock.now() - timedelta(minutes=1))
        )
