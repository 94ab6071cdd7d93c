"""Business ideas in the domain: the sectors list, the investment plan's arithmetic, completeness, versions and the
snapshot other areas keep."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emprende.domain.ideas.canvas import CANVAS_BLOCKS, Canvas
from emprende.domain.ideas.idea import (
    BusinessIdea,
    IdeaChanges,
    IdeaContent,
    IdeaIncomplete,
    IdeaPlace,
    IdeaStage,
    IdeaState,
    IdeaStatus,
    IdeaWithdrawn,
    check_place,
)
from emprende.domain.ideas.plan import (
    CENT,
    MAX_LINES,
    InvestmentCategory,
    InvestmentPlan,
    LineItem,
)
from emprende.domain.ideas.sectors import SECTIONS, SECTORS, sector
from emprende.domain.identity.user import Language
from emprende.domain.shared.errors import InvalidInput, issues_of

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
OWNER = uuid.UUID("01900000-0000-7000-8000-000000000001")
PARTNER = uuid.UUID("01900000-0000-7000-8000-0000000000aa")
FULL_CANVAS = Canvas(**{block: f"Texto de {block}" for block in CANVAS_BLOCKS})
SNAPSHOT_KEYS = {
    "id",
    "version",
    "name",
    "sector",
    "section",
    "stage",
    "canvas",
    "team",
    "province_code",
    "canton_code",
    "parish_code",
    "investment_plan",
    "total",
    "own_contribution",
    "requested",
}
LINE_KEYS = {"description", "category", "quantity", "unit_cost", "own_contribution", "total", "requested"}


def line(quantity: str = "2", unit_cost: str = "625.50", own: str = "100", **changes: object) -> LineItem:
    values: dict[str, object] = {
        "description": "Horno industrial",
        "category": InvestmentCategory.EQUIPMENT,
        "quantity": Decimal(quantity),
        "unit_cost": Decimal(unit_cost),
        "own_contribution": Decimal(own),
    }
    values.update(changes)
    return LineItem(**values)  # type: ignore[arg-type]


def new_idea(**changes: object) -> BusinessIdea:
    values: dict[str, object] = {
        "name": "Panadería La Esperanza",
        "sector": "10",
        "stage": IdeaStage.IDEA,
        "place": IdeaPlace("13", "1308"),
        "canvas": FULL_CANVAS,
        "plan": InvestmentPlan([line()]),
    }
    values.update(changes)
    return BusinessIdea(
        participant_id=OWNER,
        supporting_partner_id=PARTNER,
        content=IdeaContent(**values),  # type: ignore[arg-type]
        now=NOW,
        by=None,
    )


# --- sectors ---------------------------------------------------------------------------------------------------------


def test_isic_has_every_section_and_division_in_both_languages() -> None:
    assert list(SECTIONS) == [chr(code) for code in range(ord("A"), ord("U") + 1)]
    assert len(SECTORS) == 88
    assert all(len(code) == 2 and code.isdigit() for code in SECTORS)
    assert {found.section.code for found in SECTORS.values()} == set(SECTIONS)
    retail = sector("47")
    assert retail is not None
    assert retail.section.code == "G"
    assert retail.title(Language.ES).startswith("Comercio al por menor")
    assert retail.title(Language.EN).startswith("Retail trade")
    assert all(found.title_es != found.title_en for found in SECTORS.values())
    assert sector("04") is None  # ISIC leaves 04 unused
    assert sector("00") is None


# --- the plan ------------------------------------------------------------------------------------------------------


def test_a_line_totals_half_up_to_the_cent_and_requests_what_the_person_does_not_bring() -> None:
    item = InvestmentPlan([line("3", "0.35", "0.05")]).items[0]
    assert item.total == Decimal("1.05")
    assert item.requested == Decimal("1.00")
    odd = InvestmentPlan([line("0.5", "0.01", "0")]).items[0]
    assert odd.total == Decimal("0.01")  # 0.005 rounds half up


def test_the_plan_adds_up_and_groups_what_it_requests_by_category() -> None:
    plan = InvestmentPlan(
        [
            line("2", "625.50", "100"),
            line("1", "300", "0", category=InvestmentCategory.INVENTORY),
            line("4", "25", "10", category=InvestmentCategory.EQUIPMENT),
        ]
    )
    assert (plan.total, plan.own_contribution, plan.requested) == (
        Decimal("1651.00"),
        Decimal("110.00"),
        Decimal("1541.00"),
    )
    assert plan.requested_by_category() == {
        InvestmentCategory.EQUIPMENT: Decimal("1241.00"),
        InvestmentCategory.INVENTORY: Decimal("300.00"),
    }


@pytest.mark.parametrize(
    ("item", "field", "code"),
    [
        (line(unit_cost="-1"), "investment_plan[0].unit_cost", "invalid_amount"),
        (line(unit_cost="10.001"), "investment_plan[0].unit_cost", "invalid_amount"),
        (line(quantity="0"), "investment_plan[0].quantity", "invalid_amount"),
        (line(quantity="100000.01"), "investment_plan[0].quantity", "invalid_amount"),
        (line(own="2000"), "investment_plan[0].own_contribution", "contribution_above_total"),
        (line(own="-0.01"), "investment_plan[0].own_contribution", "invalid_amount"),
        (line(description="  "), "investment_plan[0].description", "invalid_input"),
        (line(category="furniture_and_more"), "investment_plan[0].category", "invalid_category"),
        (  # a float is never an amount
            LineItem("Horno", InvestmentCategory.EQUIPMENT, Decimal(1), 1.5),  # type: ignore[arg-type]
            "investment_plan[0].unit_cost",
            "invalid_amount",
        ),
        (line(unit_cost=Decimal("NaN")), "investment_plan[0].unit_cost", "invalid_amount"),
    ],
    ids=[
        "negative",
        "three-decimals",
        "zero-quantity",
        "too-many",
        "contribution-above-total",
        "negative-contribution",
        "blank-description",
        "unknown-category",
        "float",
        "nan",
    ],
)
def test_bad_lines_are_refused_naming_the_line_and_field(item: LineItem, field: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        InvestmentPlan([line(), item])
    fields = {(issue.field, issue.code) for issue in issues_of(caught.value)}
    assert (field.replace("[0]", "[1]"), code) in fields


def test_a_plan_has_at_most_fifty_lines_and_totals_at_most_a_hundred_million() -> None:
    InvestmentPlan([line()] * MAX_LINES)
    with pytest.raises(InvalidInput) as caught:
        InvestmentPlan([line()] * (MAX_LINES + 1))
    assert caught.value.field == "investment_plan"
    InvestmentPlan([line("100", "1000000", "0")])
    with pytest.raises(InvalidInput) as caught:
        InvestmentPlan([line("100", "1000000", "0"), line("1", "0.01", "0")])
    assert caught.value.field == "investment_plan"


QUANTITIES = st.integers(min_value=1, max_value=1_000_00).map(lambda hundredths: Decimal(hundredths) * CENT)


@st.composite
def lines(draw: st.DrawFn) -> LineItem:
    quantity = draw(QUANTITIES)
    unit_cost = draw(st.integers(min_value=0, max_value=10_000_00).map(lambda cents: Decimal(cents) * CENT))
    total = LineItem("x", InvestmentCategory.OTHER, quantity, unit_cost).total
    own = draw(st.integers(min_value=0, max_value=int(total * 100)).map(lambda cents: Decimal(cents) * CENT))
    category = draw(st.sampled_from(list(InvestmentCategory)))
    return LineItem("Línea", category, quantity, unit_cost, own)


@given(st.lists(lines(), max_size=8))
def test_requested_is_total_less_own_and_never_negative(items: list[LineItem]) -> None:
    plan = InvestmentPlan(items)
    for item in plan.items:
        assert item.requested == item.total - item.own_contribution >= 0
        assert item.total == item.total.quantize(CENT)
    assert plan.requested == plan.total - plan.own_contribution >= 0
    assert sum(plan.requested_by_category().values(), Decimal(0)) == plan.requested
    assert InvestmentPlan.from_snapshot(plan.snapshot()) == plan


# --- the idea ------------------------------------------------------------------------------------------------------


def test_the_snapshot_has_exactly_the_promised_keys_and_json_safe_values() -> None:
    idea = new_idea(team=(uuid.UUID(int=7),), place=IdeaPlace("17", "1701", "170150"))
    snapshot = idea.snapshot()
    assert set(snapshot) == SNAPSHOT_KEYS
    assert set(snapshot["canvas"]) == set(CANVAS_BLOCKS)
    assert snapshot["team"] == [str(uuid.UUID(int=7))]
    assert snapshot["section"] == "C"
    assert snapshot["parish_code"] == "170150"
    assert all(set(item) == LINE_KEYS for item in snapshot["investment_plan"])
    assert snapshot["investment_plan"][0]["quantity"] == "2.00"
    assert (snapshot["total"], snapshot["own_contribution"], snapshot["requested"]) == ("1251.00", "100.00", "1151.00")
    assert idea.requested_amount == Decimal("1151.00")
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_every_revision_is_a_new_version_and_one_that_changes_nothing_is_none() -> None:
    idea = new_idea()
    first = idea.record_version(NOW, None)
    assert (first.number, idea.version) == (1, 1)
    later = NOW + timedelta(hours=1)
    revised = idea.revise(
        IdeaChanges(canvas={"channels": "Redes sociales"}, stage=IdeaStage.EARLY_OPERATION), later, None
    )
    assert revised is not None
    assert (revised.number, idea.version, idea.updated_at) == (2, 2, later)
    assert revised.content["canvas"]["channels"] == "Redes sociales"
    assert revised.content["canvas"]["customer_segments"] == FULL_CANVAS.customer_segments  # other blocks kept
    assert first.content["canvas"]["channels"] != "Redes sociales"
    assert idea.revise(IdeaChanges(stage=IdeaStage.EARLY_OPERATION), later, None) is None
    assert idea.version == 2
    names = [event.name for event in idea.pull_events()]
    assert names == ["business_idea.created", "business_idea.revised"]


def test_a_revision_with_a_bad_part_changes_nothing() -> None:
    idea = new_idea()
    before = idea.snapshot()
    with pytest.raises(InvalidInput) as caught:
        idea.revise(IdeaChanges(name="Nuevo nombre", sector="04", team=(OWNER,)), NOW, None)
    assert {issue.field for issue in issues_of(caught.value)} == {"sector", "team[0]"}
    assert caught.value.code == "unknown_sector"
    assert idea.snapshot() == before


def test_submission_needs_a_complete_idea_and_names_each_missing_part() -> None:
    idea = new_idea(canvas=Canvas(customer_segments="Vecinos del barrio"), plan=InvestmentPlan())
    with pytest.raises(IdeaIncomplete) as caught:
        idea.submit(NOW)
    fields = [item.field for item in caught.value.items()]
    assert fields == [f"canvas.{block}" for block in CANVAS_BLOCKS[1:]] + ["investment_plan"]
    assert idea.status is IdeaStatus.DRAFT
    idea.revise(IdeaChanges(canvas=FULL_CANVAS.blocks(), plan=InvestmentPlan([line()])), NOW, None)
    idea.submit(NOW)
    assert (idea.status, idea.submitted_at) == (IdeaStatus.SUBMITTED, NOW)
    with pytest.raises(IdeaState):
        idea.submit(NOW)
    # A submitted idea is still revised, as a new version.
    assert idea.revise(IdeaChanges(name="Panadería y pastelería"), NOW, None) is not None
    assert idea.status is IdeaStatus.SUBMITTED


def test_a_withdrawn_idea_is_neither_edited_nor_submitted() -> None:
    idea = new_idea()
    idea.withdraw(NOW)
    for attempt in (
        lambda: idea.revise(IdeaChanges(name="Otra"), NOW, None),
        lambda: idea.submit(NOW),
        lambda: idea.withdraw(NOW),
    ):
        with pytest.raises(IdeaWithdrawn) as caught:
            attempt()
        assert caught.value.code == "idea_withdrawn"


def test_the_team_is_at_most_ten_others_each_once_never_the_owner() -> None:
    others = tuple(uuid.UUID(int=n) for n in range(1, 11))
    assert new_idea(team=others).team == others
    with pytest.raises(InvalidInput) as caught:
        new_idea(team=(*others, uuid.UUID(int=11)))
    assert caught.value.field == "team"
    with pytest.raises(InvalidInput) as caught:
        new_idea(team=(others[0], others[0]))
    assert caught.value.field == "team[1]"


@pytest.mark.parametrize(
    ("place", "field"),
    [
        (IdeaPlace("99", "1308"), "place.province_code"),
        (IdeaPlace("13", "9999"), "place.canton_code"),
        (IdeaPlace("17", "1308"), "place.canton_code"),
        (IdeaPlace("13", "1308", "170150"), "place.parish_code"),
        (IdeaPlace("13", "1308", "999999"), "place.parish_code"),
    ],
    ids=["unknown-province", "unknown-canton", "canton-elsewhere", "parish-elsewhere", "unknown-parish"],
)
def test_places_are_inec_codes_consistent_with_each_other(place: IdeaPlace, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_place(place)
    assert caught.value.field == field
    assert caught.value.code == "unknown_place"
