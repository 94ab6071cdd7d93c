"""The seats of a cohort under any sequence of enrolments, withdrawals, drops, offers answered or left to expire and
capacity changes, run through the use cases on the in-memory fakes: seats never pass capacity and always match the
people holding them, the queue is first come first served, and a free seat never sits beside a waiting person."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from emprende.domain.identity.user import Language, Role
from emprende.domain.participants.consent import Consent, ConsentMethod, ConsentPurpose
from emprende.domain.participants.participant import Participant, ParticipantDetails, PopulationGroup, Sex
from emprende.domain.partners.partner import InstitutionalPartner, PartnerKind
from emprende.domain.shared.errors import Conflict
from emprende.domain.training.cohort import Cohort, CohortPlan, CohortStatus, CurriculumItem
from emprende.domain.training.enrollment import Enrollment, EnrollmentStatus
from emprende.domain.training.module import Modality, ModuleContent, ModuleText, TrainingModule
from emprende.services.shared.principal import Principal, PrincipalKind
from emprende.services.training import enrollments
from emprende.services.training.cohorts import replan_cohort
from tests.unit.fakes import START, FakeClock, FakeUnitOfWorkFactory

T = TypeVar("T")
PEOPLE = 8


def plan(capacity: int, module_id: uuid.UUID) -> CohortPlan:
    return CohortPlan(
        name="Cohorte de prueba",
        curriculum=(CurriculumItem(module_id, 1),),
        modality=Modality.VIRTUAL,
        province_code=None,
        canton_code=None,
        address=None,
        start_date=START.date() + timedelta(days=30),
        end_date=START.date() + timedelta(days=90),
        capacity=capacity,
        enrolment_opens_on=START.date() - timedelta(days=1),
        enrolment_closes_on=START.date() + timedelta(days=29),
        offer_hours=24,
        eligibility_rules=(),
    )


class Seats(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.uow = FakeUnitOfWorkFactory()
        self.clock = FakeClock()
        db = self.uow.db
        partner = InstitutionalPartner(name="Socio", kind=PartnerKind.NGO, country="ECU", now=START)
        db.partners[partner.id] = partner
        self.staff = Principal(kind=PrincipalKind.USER, id=uuid.uuid4(), role=Role.PARTNER_STAFF, partner_id=partner.id)
        module = TrainingModule(authors=[partner.id], now=START, created_by=None)
        text = ModuleText("Contabilidad básica", "Ingresos, gastos y flujo de caja.", ())
        version = module.new_version(
            ModuleContent({Language.ES: text}, Decimal(8), frozenset({Modality.VIRTUAL}), ()), START, None
        )
        module.publish(version, START, None)
        db.training_modules[module.id] = module
        db.module_versions[version.id] = version
        self.cohort = Cohort(partner_id=partner.id, plan=plan(2, module.id), now=START, by=None)
        self.cohort.move_to(CohortStatus.OPEN, START)
        db.cohorts[self.cohort.id] = self.cohort
        self.people: list[uuid.UUID] = []
        for index in range(PEOPLE):
            person = Participant(
                owner_partner_id=partner.id,
                details=ParticipantDetails(
                    given_names=f"Persona {index}",
                    family_names="Prueba",
                    birth_date=date(1995, 1, 1),
                    sex=Sex.FEMALE,
                    population_group=PopulationGroup.MIGRANT,
                    nationality="VEN",
                ),
                now=START,
                registered_by=None,
            )
            db.participants[person.id] = person
            consent = Consent(
                participant_id=person.id,
                purpose=ConsentPurpose.TRAINING,
                notice_version="2026-01",
                language=Language.ES,
                method=ConsentMethod.IN_PERSON,
                given_at=START,
                now=START,
            )
            db.consents[consent.id] = consent
            self.people.append(person.id)
        self.arrivals: list[uuid.UUID] = []
        """People in the order they last joined the queue."""

    def teardown(self) -> None:
        self.loop.close()

    def run(self, step: Coroutine[Any, Any, T]) -> T | None:
        try:
            return self.loop.run_until_complete(step)
        except Conflict:
            return None  # refused: the transaction rolled back, nothing changed

    def enrollment(self, index: int) -> Enrollment | None:
        person = self.people[index]
        return next((e for e in self.uow.db.enrollments.values() if e.participant_id == person), None)

    @rule(index=st.integers(0, PEOPLE - 1))
    def enrol(self, index: int) -> None:
        result = self.run(
            enrollments.enroll_participant(
                self.staff, self.cohort.id, self.people[index], uow_factory=self.uow, clock=self.clock
            )
        )
        if result is not None and result[0].status is EnrollmentStatus.WAITLISTED:
            self.arrivals = [p for p in self.arrivals if p != self.people[index]] + [self.people[index]]

    def _act(self, action: Any, index: int) -> None:
        found = self.enrollment(index)
        if found is not None:
            self.run(action(self.staff, self.cohort.id, found.id, uow_factory=self.uow, clock=self.clock))

    @rule(index=st.integers(0, PEOPLE - 1))
    def withdraw(self, index: int) -> None:
        self._act(enrollments.withdraw, index)

    @rule(index=st.integers(0, PEOPLE - 1))
    def drop(self, index: int) -> None:
        self._act(enrollments.drop, index)

    @rule(index=st.integers(0, PEOPLE - 1))
    def accept(self, index: int) -> None:
        self._act(enrollments.accept_offer, index)

    @rule(index=st.integers(0, PEOPLE - 1))
    def decline(self, index: int) -> None:
        self._act(enrollments.decline_offer, index)

    @rule(hours=st.integers(1, 30))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @rule()
    def expire(self) -> None:
        self.run(enrollments.expire_offers(self.staff, self.cohort.id, uow_factory=self.uow, clock=self.clock))

    @precondition(lambda self: self.clock.now().date() <= self.cohort.enrolment_closes_on)
    @rule(capacity=st.integers(1, 5))
    def change_capacity(self, capacity: int) -> None:
        new_plan = replace(self.cohort.plan, capacity=capacity)
        self.run(replan_cohort(self.staff, self.cohort.id, new_plan, None, uow_factory=self.uow, clock=self.clock))

    def _with(self, *statuses: EnrollmentStatus) -> list[Enrollment]:
        return [e for e in self.uow.db.enrollments.values() if e.status in statuses]

    @invariant()
    def seats_match_the_people_holding_them(self) -> None:
        holding = self._with(EnrollmentStatus.OFFERED, EnrollmentStatus.ENROLLED)
        assert self.cohort.seats_taken == len(holding) <= self.cohort.capacity

    @invariant()
    def the_queue_is_first_come_first_served(self) -> None:
        waiting = sorted(self._with(EnrollmentStatus.WAITLISTED), key=lambda e: e.queue_number or 0)
        in_queue = {e.participant_id for e in waiting}
        assert [e.participant_id for e in waiting] == [p for p in self.arrivals if p in in_queue]
        offered = self._with(EnrollmentStatus.OFFERED)
        if waiting and offered:
            assert max(e.queue_number or 0 for e in offered) < (waiting[0].queue_number or 0)

    @invariant()
    def no_free_seat_beside_a_waiting_person(self) -> None:
        if self.cohort.free_seats > 0:
            assert not self._with(EnrollmentStatus.WAITLISTED)


Seats.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestSeats = Seats.TestCase
