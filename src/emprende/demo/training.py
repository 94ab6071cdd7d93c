"""Demonstration training: two modules a university authored and published, a cohort that ran and finished (sessions,
attendance, completion and certificates) and a cohort open for enrolment that is full, with people waiting."""

from __future__ import annotations

import uuid
from datetime import time, timedelta
from decimal import Decimal

from emprende.bootstrap import Container
from emprende.bootstrap.training import TrainingWiring
from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import ConsentMethod, ConsentPurpose
from emprende.domain.training.attendance import AttendanceMark, AttendanceStatus
from emprende.domain.training.cohort import CohortPlan, CohortStatus, CurriculumItem
from emprende.domain.training.completion import CompletionCriteria
from emprende.domain.training.eligibility import parse_rules
from emprende.domain.training.module import Modality, ModuleContent, ModuleText, Resource, ResourceKind
from emprende.domain.training.session import SessionPlan
from emprende.services.participants.consents import RecordConsent, record_consent
from emprende.services.shared.principal import Principal
from emprende.services.training import attendance, cohorts, enrollments, modules

_MODULES = (
    (
        ModuleText(
            "Educación financiera para el emprendimiento",
            "Ahorro, crédito, costos y precios: las cuentas de un negocio pequeño.",
            ("Calcula el costo y el precio de un producto", "Separa las finanzas del hogar y del negocio"),
        ),
        ModuleText(
            "Financial literacy for entrepreneurs",
            "Saving, credit, costs and prices: the accounts of a small business.",
            ("Works out a product's cost and price", "Keeps household and business finances apart"),
        ),
        Decimal(12),
    ),
    (
        ModuleText(
            "Modelo de negocio y plan de inversión",
            "Del problema al modelo de negocio (lienzo de nueve bloques) y a un plan de inversión.",
            ("Describe su negocio en un lienzo", "Arma un plan de inversión con su aporte propio"),
        ),
        ModuleText(
            "Business model and investment plan",
            "From the problem to a business model (the nine-block canvas) and an investment plan.",
            ("Describes their business on a canvas", "Builds an investment plan with their own contribution"),
        ),
        Decimal("16.5"),
    ),
)


async def load_training_demo(
    container: Container, acting: Principal, university: uuid.UUID, people: list[uuid.UUID]
) -> list[str]:
    """Create the demonstration training as the administrator, for the university's own registered people."""
    factory, clock = container.uow, container.clock
    authority = container.area(TrainingWiring).certificates
    today = clock.now().date()
    curriculum = []
    for spanish, english, hours in _MODULES:
        content = ModuleContent(
            {Language.ES: spanish, Language.EN: english},
            hours,
            frozenset({Modality.IN_PERSON, Modality.VIRTUAL}),
            (Resource("https://cursos.utn.edu.example/emprende", ResourceKind.COURSE, Language.ES, "Aula virtual"),),
        )
        view = await modules.create_module(acting, content, [university], uow_factory=factory, clock=clock)
        await modules.publish_version(acting, view.module.id, 1, uow_factory=factory, clock=clock)
        curriculum.append(CurriculumItem(view.module.id, 1))
    consent = RecordConsent(ConsentPurpose.TRAINING, "2026-01", Language.ES, ConsentMethod.IN_PERSON)
    for person in people[:21]:
        await record_consent(acting, person, consent, uow_factory=factory, clock=clock)

    def plan(name: str, start_in: int, length: int, capacity: int) -> CohortPlan:
        start = today + timedelta(days=start_in)
        return CohortPlan(
            name=name,
            curriculum=tuple(curriculum),
            modality=Modality.IN_PERSON,
            province_code="10",
            canton_code="1001",
            address="Av. 17 de Julio 5-21, Ibarra",
            start_date=start,
            end_date=start + timedelta(days=length),
            capacity=capacity,
            enrolment_opens_on=min(today, start) - timedelta(days=5),
            enrolment_closes_on=max(today, start),
            offer_hours=48,
            eligibility_rules=parse_rules([{"kind": "age_range", "min_age": 16, "max_age": 70}]),
            completion_criteria=CompletionCriteria(min_attendance_percent=75),
        )

    # A cohort that ran over the past weeks: sessions, attendance, completion, certificates.
    ran = await cohorts.create_cohort(
        acting, plan("Emprende Ibarra 2026-1", -28, 28, 12), university, uow_factory=factory, clock=clock
    )
    await cohorts.move_cohort(acting, ran.id, CohortStatus.OPEN, uow_factory=factory, clock=clock, authority=authority)
    sessions = []
    for week, item in enumerate(curriculum * 2):
        session_plan = SessionPlan(ran.start_date + timedelta(days=7 * week), time(9), 180, item.module_id, None)
        sessions.append(await cohorts.add_session(acting, ran.id, session_plan, uow_factory=factory, clock=clock))
    for person in people[:10]:
        await enrollments.enroll_participant(acting, ran.id, person, uow_factory=factory, clock=clock)
    await cohorts.move_cohort(
        acting, ran.id, CohortStatus.RUNNING, uow_factory=factory, clock=clock, authority=authority
    )
    for week, session in enumerate(sessions):
        marks = [
            AttendanceMark(
                person, AttendanceStatus.ABSENT if (index + week) % 5 == 0 or index > 7 else AttendanceStatus.PRESENT
            )
            for index, person in enumerate(people[:10])
        ]
        await attendance.record_attendance(acting, ran.id, session.id, marks, uow_factory=factory, clock=clock)
    await cohorts.move_cohort(
        acting, ran.id, CohortStatus.FINISHED, uow_factory=factory, clock=clock, authority=authority
    )
    # A cohort open for enrolment, full, with people waiting their turn.
    full = await cohorts.create_cohort(
        acting, plan("Emprende Ibarra 2026-2", 21, 42, 8), university, uow_factory=factory, clock=clock
    )
    await cohorts.move_cohort(acting, full.id, CohortStatus.OPEN, uow_factory=factory, clock=clock, authority=authority)
    for person in people[10:21]:
        await enrollments.enroll_participant(acting, full.id, person, uow_factory=factory, clock=clock)
    return [
        "training: 2 modules published by the university; a finished cohort (sessions, attendance, certificates) "
        "and an open one, full, with people waiting"
    ]
