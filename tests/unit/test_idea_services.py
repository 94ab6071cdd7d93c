"""Business-idea use cases with in-memory fakes: partner A's staff work on the ideas of the people A may see; partner
B sees none of them; the person works on their own ideas in the portal."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from emprende.domain.ideas.canvas import CANVAS_BLOCKS, Canvas
from emprende.domain.ideas.idea import (
    BusinessIdea,
    IdeaChanges,
    IdeaContent,
    IdeaIncomplete,
    IdeaPlace,
    IdeaStage,
    IdeaStatus,
    IdeaWithdrawn,
)
from emprende.domain.ideas.plan import InvestmentCategory, InvestmentPlan, LineItem
from emprende.domain.identity.user import Language, Role
from emprende.domain.participants.consent import Consent, ConsentMethod, ConsentPurpose
from emprende.domain.participants.participant import Participant, ParticipantDetails, PopulationGroup, Sex
from emprende.domain.partners.partner import InstitutionalPartner, PartnerKind
from emprende.domain.shared.errors import InvalidInput, NotFound, PermissionDenied, PreconditionFailed, issues_of
from emprende.services.ideas import ideas as idea_service
from emprende.services.ideas import portal
from emprende.services.ideas.ports import IdeaFilters
from emprende.services.shared.principal import Principal, PrincipalKind
from tests.unit.fakes import START, FakeClock, FakeDatabase, FakeUnitOfWorkFactory
from tests.unit.fakes.ideas import FakeIdeaQueries

OVEN = LineItem("Horno", InvestmentCategory.EQUIPMENT, Decimal(2), Decimal("625.50"), Decimal(100))
CONTENT = IdeaContent(
    name="Panadería La Esperanza",
    sector="10",
    stage=IdeaStage.IDEA,
    place=IdeaPlace("13", "1308"),
    canvas=Canvas(**dict.fromkeys(CANVAS_BLOCKS, "Texto")),
    plan=InvestmentPlan([OVEN]),
)


def add_partner(db: FakeDatabase, name: str) -> InstitutionalPartner:
    partner = InstitutionalPartner(name=name, kind=PartnerKind.NGO, country="ECU", now=START)
    partner.pull_events()
    db.partners[partner.id] = partner
    return partner


def add_person(db: FakeDatabase, partner: InstitutionalPartner, name: str) -> Participant:
    person = Participant(
        owner_partner_id=partner.id,
        details=ParticipantDetails(
            given_names=name,
            family_names="Prueba",
            birth_date=date(1992, 4, 1),
            sex=Sex.FEMALE,
            population_group=PopulationGroup.MIGRANT,
            nationality="VEN",
        ),
        now=START,
        registered_by=None,
    )
    person.pull_events()
    db.participants[person.id] = person
    return person


def user(partner: InstitutionalPartner | None, role: Role = Role.PARTNER_STAFF, **fields: object) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        id=uuid.uuid4(),
        role=role,
        partner_id=partner.id if partner is not None else None,
        **fields,  # type: ignore[arg-type]
    )


class Scene:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.clock = FakeClock()
        self.a = add_partner(self.db, "Socio A")
        self.b = add_partner(self.db, "Socio B")
        self.maria = add_person(self.db, self.a, "María")
        self.rosa = add_person(self.db, self.a, "Rosa")
        self.outsider = add_person(self.db, self.b, "Lucía")
        self.staff_a = user(self.a)
        self.staff_b = user(self.b)
        self.admin = user(None, Role.ADMIN)
        self.maria_portal = user(self.a, Role.PARTICIPANT, participant_id=self.maria.id)
        self.queries = FakeIdeaQueries(self.db)

    @property
    def db(self) -> FakeDatabase:
        return self.uow.db

    async def create(
        self, content: IdeaContent = CONTENT, by: Principal | None = None, person: Participant | None = None
    ) -> BusinessIdea:
        return await idea_service.create_idea(
            by or self.staff_a, (person or self.maria).id, content, uow_factory=self.uow, clock=self.clock
        )


@pytest.fixture
def scene() -> Scene:
    return Scene()


async def test_staff_draft_an_idea_for_a_person_the_partner_sees_with_its_first_version(scene: Scene) -> None:
    idea = await scene.create()
    assert (idea.supporting_partner_id, idea.participant_id, idea.version) == (scene.a.id, scene.maria.id, 1)
    assert idea.status is IdeaStatus.DRAFT
    versions = await idea_service.list_versions(scene.staff_a, idea.id, uow_factory=scene.uow)
    assert [(v.number, v.recorded_by) for v in versions] == [(1, scene.staff_a.id)]
    assert versions[0].content == idea.snapshot()
    assert [event.name for event in scene.db.events] == ["business_idea.created"]
    assert set(scene.db.events[0].payload) == {"participant_id", "supporting_partner_id", "version"}


async def test_an_administrators_idea_is_supported_by_the_partner_that_registered_the_person(scene: Scene) -> None:
    idea = await scene.create(by=scene.admin)
    assert idea.supporting_partner_id == scene.a.id


async def test_another_partners_person_or_idea_is_answered_like_a_missing_one(scene: Scene) -> None:
    with pytest.raises(NotFound):
        await scene.create(person=scene.outsider)
    idea = await scene.create()
    for attempt in (
        idea_service.get_idea(scene.staff_b, idea.id, uow_factory=scene.uow),
        idea_service.submit_idea(scene.staff_b, idea.id, uow_factory=scene.uow, clock=scene.clock),
        idea_service.list_versions(scene.staff_b, idea.id, uow_factory=scene.uow),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert (
        await idea_service.list_ideas(scene.staff_b, IdeaFilters(), after=None, limit=10, queries=scene.queries) == []
    )
    listed = await idea_service.list_ideas(scene.staff_a, IdeaFilters(), after=None, limit=10, queries=scene.queries)
    assert [row.id for row in listed] == [idea.id]


async def test_an_erased_person_gets_no_idea(scene: Scene) -> None:
    scene.maria.erase(START)
    with pytest.raises(NotFound):
        await scene.create()


async def test_team_members_are_live_people_the_supporting_partner_sees(scene: Scene) -> None:
    with pytest.raises(InvalidInput) as caught:
        await scene.create(replace(CONTENT, team=(scene.rosa.id, scene.outsider.id, uuid.uuid4())))
    assert [issue.field for issue in issues_of(caught.value)] == ["team[1]", "team[2]"]
    assert scene.db.business_ideas == {}
    # Shared with A by the person's consent, B's person may join.
    consent = Consent(
        participant_id=scene.outsider.id,
        purpose=ConsentPurpose.SHARING,
        notice_version="2026-01",
        language=Language.ES,
        method=ConsentMethod.IN_PERSON,
        given_at=START,
        now=START,
        recipient_partner_id=scene.a.id,
    )
    scene.db.consents[consent.id] = consent
    idea = await scene.create(replace(CONTENT, team=(scene.rosa.id, scene.outsider.id)))
    assert idea.team == (scene.rosa.id, scene.outsider.id)


async def test_revisions_honour_if_match_and_record_each_version(scene: Scene) -> None:
    idea = await scene.create()
    changes = IdeaChanges(name="Panadería y pastelería")
    with pytest.raises(PreconditionFailed):
        await idea_service.revise_idea(
            scene.staff_a, idea.id, changes, expected_version=7, uow_factory=scene.uow, clock=scene.clock
        )
    assert idea.name == CONTENT.name  # rolled back
    revised = await idea_service.revise_idea(
        scene.staff_a, idea.id, changes, expected_version=1, uow_factory=scene.uow, clock=scene.clock
    )
    assert (revised.version, revised.name) == (2, "Panadería y pastelería")
    again = await idea_service.revise_idea(
        scene.staff_a, idea.id, changes, expected_version=2, uow_factory=scene.uow, clock=scene.clock
    )
    assert again.version == 2  # nothing changed: no new version
    second = await idea_service.get_version(scene.staff_a, idea.id, 2, uow_factory=scene.uow)
    first = await idea_service.get_version(scene.staff_a, idea.id, 1, uow_factory=scene.uow)
    assert (first.content["name"], second.content["name"]) == (CONTENT.name, "Panadería y pastelería")
    with pytest.raises(NotFound):
        await idea_service.get_version(scene.staff_a, idea.id, 3, uow_factory=scene.uow)


async def test_submission_and_withdrawal(scene: Scene) -> None:
    empty = await scene.create(IdeaContent(CONTENT.name, "47", IdeaStage.RUNNING, CONTENT.place))
    with pytest.raises(IdeaIncomplete) as caught:
        await idea_service.submit_idea(scene.staff_a, empty.id, uow_factory=scene.uow, clock=scene.clock)
    assert len(caught.value.items()) == len(CANVAS_BLOCKS) + 1
    idea = await scene.create()
    submitted = await idea_service.submit_idea(scene.staff_a, idea.id, uow_factory=scene.uow, clock=scene.clock)
    assert submitted.status is IdeaStatus.SUBMITTED
    withdrawn = await idea_service.withdraw_idea(scene.staff_a, idea.id, uow_factory=scene.uow, clock=scene.clock)
    assert withdrawn.status is IdeaStatus.WITHDRAWN
    with pytest.raises(IdeaWithdrawn):
        await idea_service.revise_idea(
            scene.staff_a,
            idea.id,
            IdeaChanges(name="Otra"),
            expected_version=None,
            uow_factory=scene.uow,
            clock=scene.clock,
        )


async def test_who_may_do_what(scene: Scene) -> None:
    idea = await scene.create()
    facilitator = user(scene.a, Role.FACILITATOR)
    assert (await idea_service.get_idea(facilitator, idea.id, uow_factory=scene.uow)).id == idea.id
    with pytest.raises(PermissionDenied):
        await scene.create(by=facilitator)
    with pytest.raises(PermissionDenied):
        await idea_service.get_idea(scene.maria_portal, idea.id, uow_factory=scene.uow)


async def test_the_person_works_on_their_own_ideas_only(scene: Scene) -> None:
    mine = await portal.create_my_idea(scene.maria_portal, CONTENT, uow_factory=scene.uow, clock=scene.clock)
    assert mine.supporting_partner_id == scene.a.id
    rosas = await scene.create(person=scene.rosa)
    listed = await portal.my_ideas(scene.maria_portal, IdeaFilters(), after=None, limit=10, queries=scene.queries)
    assert [row.id for row in listed] == [mine.id]
    for attempt in (
        portal.my_idea(scene.maria_portal, rosas.id, uow_factory=scene.uow),
        portal.submit_my_idea(scene.maria_portal, rosas.id, uow_factory=scene.uow, clock=scene.clock),
        portal.withdraw_my_idea(scene.maria_portal, rosas.id, uow_factory=scene.uow, clock=scene.clock),
    ):
        with pytest.raises(NotFound):
            await attempt
    revised = await portal.revise_my_idea(
        scene.maria_portal,
        mine.id,
        IdeaChanges(team=(scene.rosa.id,)),
        expected_version=1,
        uow_factory=scene.uow,
        clock=scene.clock,
    )
    assert (revised.version, revised.team) == (2, (scene.rosa.id,))
    with pytest.raises(InvalidInput) as caught:
        await portal.revise_my_idea(
            scene.maria_portal,
            mine.id,
            IdeaChanges(team=(scene.outsider.id,)),
            expected_version=None,
            uow_factory=scene.uow,
            clock=scene.clock,
        )
    assert caught.value.field == "team[0]"
    submitted = await portal.submit_my_idea(scene.maria_portal, mine.id, uow_factory=scene.uow, clock=scene.clock)
    assert submitted.status is IdeaStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        await portal.my_idea(scene.staff_a, mine.id, uow_factory=scene.uow)
