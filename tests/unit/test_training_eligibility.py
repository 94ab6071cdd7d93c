"""A cohort's eligibility rules as data: reading the stored list (every bad shape named by its field path), writing it
back, and checking a person against it (each kind met and not met, ages counted on the cohort's start date)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emprende.domain.participants.details import PopulationGroup, Sex
from emprende.domain.participants.places import provinces
from emprende.domain.shared.errors import Conflict, InvalidInput, issues_of
from emprende.domain.training.eligibility import (
    MAX_RULES,
    AgeRangeRule,
    CompletedCohortRule,
    CompletedModuleRule,
    CompletedTrainingRule,
    DisabilityRule,
    EligibilityRule,
    MinAttendanceRule,
    NationalitiesRule,
    NotEligible,
    PersonFacts,
    PopulationGroupsRule,
    ProvincesRule,
    RegisteredBeforeRule,
    RuleFailure,
    RuleKind,
    SexesRule,
    evaluate,
    facts_needed,
    parse_rules,
)

START = date(2026, 6, 1)
COHORT = uuid.UUID("0190a8a0-0000-7000-8000-000000000001")
MODULE = uuid.UUID("0190a8a0-0000-7000-8000-000000000002")
OTHER_COHORT = uuid.UUID("0190a8a0-0000-7000-8000-000000000003")

PERSON = PersonFacts(
    population_group="migrant",
    sex="female",
    nationality="VEN",
    birth_date=date(1995, 5, 10),
    birth_year=None,
    province_code="17",
    canton_code="1701",
    registered_at=datetime(2026, 1, 10, 15, 30, tzinfo=UTC),
    has_disability=None,
    completed_cohorts=frozenset(),
    completed_modules=frozenset(),
)


def person(**changes: Any) -> PersonFacts:
    return replace(PERSON, **changes)


def messages(rules: list[dict[str, Any]], facts: PersonFacts, on: date = START) -> list[str]:
    return [failure.message for failure in evaluate(parse_rules(rules), facts, on)]


def fields_of(error: InvalidInput) -> list[str]:
    return [str(issue.field) for issue in issues_of(error)]


# --- each kind, met and not met -------------------------------------------------------------------------------------

KIND_CASES: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]] = [
    (
        {"kind": "population_groups", "groups": ["migrant", "returnee"]},
        {"population_group": "returnee"},
        {"population_group": "host_community"},
        "must belong to one of the population groups migrant, returnee",
    ),
    (
        {"kind": "age_range", "min_age": 18, "max_age": 35},
        {"birth_date": date(2000, 1, 1)},
        {"birth_date": date(1980, 1, 1)},
        "must be aged 18 to 35 on 2026-06-01",
    ),
    (
        {"kind": "sexes", "sexes": ["female", "intersex"]},
        {"sex": "intersex"},
        {"sex": "male"},
        "the recorded sex must be one of female, intersex",
    ),
    (
        {"kind": "nationalities", "countries": ["VEN", "COL"]},
        {"nationality": "COL"},
        {"nationality": "ECU"},
        "must have one of the nationalities VEN, COL",
    ),
    (
        {"kind": "provinces", "provinces": ["17", "09"]},
        {"province_code": "09", "canton_code": "0901"},
        {"province_code": "01", "canton_code": "0101"},
        "must live in one of the provinces 17, 09",
    ),
    (
        {"kind": "registered_before", "date": "2026-06-01"},
        {"registered_at": datetime(2026, 5, 31, 23, 59, 59, tzinfo=UTC)},
        {"registered_at": datetime(2026, 6, 1, 0, 0, tzinfo=UTC)},
        "must have been registered before 2026-06-01",
    ),
    (
        {"kind": "completed_cohort", "cohort_id": str(COHORT)},
        {"completed_cohorts": frozenset({OTHER_COHORT, COHORT})},
        {"completed_cohorts": frozenset({OTHER_COHORT}), "completed_modules": frozenset({COHORT})},
        f"must have completed cohort {COHORT}",
    ),
    (
        {"kind": "completed_module", "module_id": str(MODULE)},
        {"completed_modules": frozenset({MODULE})},
        {"completed_cohorts": frozenset({MODULE})},
        f"must have completed a cohort that taught module {MODULE}",
    ),
    (
        {"kind": "disability", "has_disability": True},
        {"has_disability": True},
        {"has_disability": False},
        "must have a disability (Washington Group Short Set)",
    ),
    (
        {"kind": "disability", "has_disability": False},
        {"has_disability": False},
        {"has_disability": True},
        "must have no disability (Washington Group Short Set)",
    ),
    (
        {"kind": "completed_training"},
        {"completed_cohorts": frozenset({OTHER_COHORT})},
        {"completed_cohorts": frozenset(), "completed_modules": frozenset({MODULE})},
        "must have completed a cohort",
    ),
    (
        {"kind": "min_attendance", "percent": 80},
        {"best_attendance": Decimal("80.00")},
        {"best_attendance": Decimal("79.99")},
        "must have attended at least 80% of the sessions of a cohort they completed",
    ),
]


@pytest.mark.parametrize(("data", "meets", "fails", "message"), KIND_CASES, ids=lambda case: str(case)[:40])
def test_each_kind_is_met_or_names_what_it_requires(
    data: dict[str, Any], meets: dict[str, Any], fails: dict[str, Any], message: str
) -> None:
    assert evaluate(parse_rules([data]), person(**meets), START) == []
    failures = evaluate(parse_rules([data]), person(**fails), START)
    assert [(failure.index, failure.kind, failure.message) for failure in failures] == [
        (0, RuleKind(data["kind"]), message)
    ]


def test_every_kind_has_a_case() -> None:
    assert {case[0]["kind"] for case in KIND_CASES} == set(RuleKind)


@pytest.mark.parametrize("kind", ["age_range", "provinces", "disability", "min_attendance"])
def test_a_fact_the_registry_does_not_hold_never_meets_a_rule(kind: str) -> None:
    rule = next(case[0] for case in KIND_CASES if case[0]["kind"] == kind)
    unknown = person(birth_date=None, birth_year=None, province_code=None, canton_code=None, has_disability=None)
    assert len(evaluate(parse_rules([rule]), unknown, START)) == 1


def test_the_province_follows_from_the_canton_when_only_the_canton_is_recorded() -> None:
    rules = [{"kind": "provinces", "provinces": ["09"]}]
    assert messages(rules, person(province_code=None, canton_code="0901")) == []
    assert messages(rules, person(province_code=None, canton_code="1701")) == ["must live in one of the provinces 09"]


def test_nationality_is_compared_as_a_code_whatever_its_case() -> None:
    assert messages([{"kind": "nationalities", "countries": ["col"]}], person(nationality="col")) == []


def test_registration_dates_are_utc_dates() -> None:
    rules = [{"kind": "registered_before", "date": "2026-06-01"}]
    quito = timezone(timedelta(hours=-5))
    # 31 May at 21:00 in Quito is already 1 June in UTC.
    assert messages(rules, person(registered_at=datetime(2026, 5, 31, 21, 0, tzinfo=quito))) == [
        "must have been registered before 2026-06-01"
    ]
    assert messages(rules, person(registered_at=datetime(2026, 5, 31, 18, 59, tzinfo=quito))) == []


def test_every_failed_rule_is_listed_with_its_index_and_kind() -> None:
    rules = parse_rules(
        [
            {"kind": "population_groups", "groups": ["returnee"]},
            {"kind": "age_range", "min_age": 18, "max_age": None},
            {"kind": "sexes", "sexes": ["male"]},
            {"kind": "disability", "has_disability": True},
        ]
    )
    failures = evaluate(rules, person(has_disability=True), START)
    assert [(failure.index, failure.kind) for failure in failures] == [
        (0, RuleKind.POPULATION_GROUPS),
        (2, RuleKind.SEXES),
    ]
    assert failures[1].template == "the recorded sex must be one of {sexes}"
    assert failures[1].params == {"sexes": "male"}


def test_no_rules_means_everyone_is_eligible() -> None:
    assert evaluate((), PERSON, START) == []
    assert parse_rules([]) == ()


# --- ages -------------------------------------------------------------------------------------------------------------

AGE_18_TO_35 = [{"kind": "age_range", "min_age": 18, "max_age": 35}]


@pytest.mark.parametrize(
    ("birth_date", "eligible"),
    [
        (date(2008, 6, 1), True),  # turns 18 on the start date
        (date(2008, 6, 2), False),  # turns 18 the day after
        (date(1990, 6, 2), True),  # turns 36 the day after: still 35
        (date(1990, 6, 1), False),  # turns 36 on the start date
    ],
)
def test_age_is_counted_on_the_start_date(birth_date: date, eligible: bool) -> None:
    assert (messages(AGE_18_TO_35, person(birth_date=birth_date)) == []) is eligible


def test_a_birthday_on_29_february_is_reached_on_1_march_in_common_years() -> None:
    rules = [{"kind": "age_range", "min_age": 18, "max_age": None}]
    assert messages(rules, person(birth_date=date(2008, 2, 29)), on=date(2026, 2, 28)) != []
    assert messages(rules, person(birth_date=date(2008, 2, 29)), on=date(2026, 3, 1)) == []


@pytest.mark.parametrize(
    ("birth_year", "on", "eligible"),
    [
        (2007, START, True),  # 18 or 19 on 1 June 2026, whatever the birthday
        (2008, START, False),  # 17 if born after 1 June
        (2008, date(2026, 12, 31), True),  # by 31 December everyone born in 2008 is 18
        (1991, START, True),  # 34 or 35
        (1990, START, False),  # 36 if born by 1 June
    ],
)
def test_with_only_a_birth_year_every_possible_birthday_must_qualify(birth_year: int, on: date, eligible: bool) -> None:
    facts = person(birth_date=None, birth_year=birth_year)
    assert (messages(AGE_18_TO_35, facts, on=on) == []) is eligible


def test_a_birth_date_wins_over_a_birth_year() -> None:
    assert messages(AGE_18_TO_35, person(birth_date=date(2000, 1, 1), birth_year=1950)) == []


def test_open_age_bounds_word_their_requirement() -> None:
    young = person(birth_date=date(2010, 1, 1))
    old = person(birth_date=date(1950, 1, 1))
    assert messages([{"kind": "age_range", "min_age": 18}], young) == ["must be at least 18 years old on 2026-06-01"]
    assert messages([{"kind": "age_range", "min_age": 18}], old) == []
    assert messages([{"kind": "age_range", "max_age": 29}], old) == ["must be at most 29 years old on 2026-06-01"]
    assert messages([{"kind": "age_range", "max_age": 29}], young) == []
    unknown = person(birth_date=None, birth_year=None)
    assert messages([{"kind": "age_range", "min_age": 18}], unknown) == ["must be at least 18 years old on 2026-06-01"]


@settings(max_examples=100)
@given(
    year=st.integers(1930, 2020),
    bounds=st.tuples(st.integers(0, 100), st.integers(0, 100)).map(sorted),
    on=st.dates(date(2020, 1, 1), date(2035, 12, 31)),
)
def test_a_birth_year_qualifies_exactly_when_every_birthday_in_it_does(year: int, bounds: list[int], on: date) -> None:
    rules = [AgeRangeRule(min_age=bounds[0], max_age=bounds[1])]
    days = [date(year, 1, 1) + timedelta(days=offset) for offset in range(366)]
    every_day = all(not evaluate(rules, person(birth_date=day), on) for day in days if day.year == year)
    assert (not evaluate(rules, person(birth_date=None, birth_year=year), on)) is every_day


# --- what a caller loads ----------------------------------------------------------------------------------------------


def test_facts_needed_names_only_what_the_rules_read() -> None:
    rules = parse_rules([{"kind": "age_range", "min_age": 18}, {"kind": "completed_module", "module_id": str(MODULE)}])
    assert facts_needed(rules) == {"birth_date", "birth_year", "completed_modules"}
    assert facts_needed(()) == frozenset()
    every_kind = parse_rules(list({case[0]["kind"]: case[0] for case in KIND_CASES}.values()))
    assert "completed_cohorts" in facts_needed(every_kind)
    assert facts_needed(every_kind) <= set(PersonFacts.__dataclass_fields__)


# --- the error a use case raises --------------------------------------------------------------------------------------


def test_not_eligible_reads_as_the_first_failure_and_keeps_them_all() -> None:
    rules = parse_rules([{"kind": "sexes", "sexes": ["male"]}, {"kind": "age_range", "max_age": 20}])
    error = NotEligible.from_failures(evaluate(rules, PERSON, START))
    assert isinstance(error, Conflict)
    assert error.code == "not_eligible"
    assert str(error) == "the person does not meet eligibility rule 0 (sexes): the recorded sex must be one of male"
    assert error.params == {"index": 0, "kind": "sexes", "reason": "the recorded sex must be one of male"}
    assert [failure.kind for failure in error.failures] == [RuleKind.SEXES, RuleKind.AGE_RANGE]


def test_not_eligible_needs_a_failure() -> None:
    with pytest.raises(ValueError, match="at least one"):
        NotEligible.from_failures([])


def test_a_failure_renders_its_template() -> None:
    failure = RuleFailure(
        index=3,
        kind=RuleKind.AGE_RANGE,
        template="must be aged {min_age} to {max_age} on {on}",
        params={"min_age": 18, "max_age": 35, "on": "2026-06-01"},
    )
    assert failure.message == "must be aged 18 to 35 on 2026-06-01"


# --- reading the stored list: every bad shape, named by its field path ----------------------------------------------


def rule_with(**changes: Any) -> list[dict[str, Any]]:
    return [{"kind": "sexes", "sexes": ["female"]}, changes]


BAD_SHAPES: list[tuple[Any, list[str]]] = [
    ("sexes", ["eligibility_rules"]),
    ({"kind": "sexes", "sexes": ["female"]}, ["eligibility_rules"]),
    (None, ["eligibility_rules"]),
    ([{"kind": "sexes", "sexes": ["female"]}] * (MAX_RULES + 1), ["eligibility_rules"]),
    ([1], ["eligibility_rules[0]"]),
    ([["kind", "sexes"]], ["eligibility_rules[0]"]),
    ([{}], ["eligibility_rules[0].kind"]),
    (rule_with(kind="height"), ["eligibility_rules[1].kind"]),
    (rule_with(kind=3), ["eligibility_rules[1].kind"]),
    (rule_with(kind="sexes", sexes=["male"]), ["eligibility_rules[1].kind"]),
    (rule_with(kind="age_range", min_age=18, colour="blue"), ["eligibility_rules[1].colour"]),
    (rule_with(kind="age_range", min_age=18, **{"not a key!": 1}), ["eligibility_rules[1]"]),
    (rule_with(kind="population_groups"), ["eligibility_rules[1].groups"]),
    (rule_with(kind="population_groups", groups="migrant"), ["eligibility_rules[1].groups"]),
    (rule_with(kind="population_groups", groups=[]), ["eligibility_rules[1].groups"]),
    (rule_with(kind="population_groups", groups=["migrant", "tourist"]), ["eligibility_rules[1].groups[1]"]),
    (
        rule_with(kind="population_groups", groups=[None, 7]),
        ["eligibility_rules[1].groups[0]", "eligibility_rules[1].groups[1]"],
    ),
    (rule_with(kind="population_groups", groups={"migrant": True}), ["eligibility_rules[1].groups"]),
    (rule_with(kind="population_groups", groups=["migrant"] * 251), ["eligibility_rules[1].groups"]),
    (rule_with(kind="age_range", min_age="18"), ["eligibility_rules[1].min_age"]),
    (rule_with(kind="age_range", min_age=True), ["eligibility_rules[1].min_age"]),
    (rule_with(kind="age_range", min_age=17.5), ["eligibility_rules[1].min_age"]),
    (
        rule_with(kind="age_range", min_age=-1, max_age=121),
        ["eligibility_rules[1].min_age", "eligibility_rules[1].max_age"],
    ),
    (rule_with(kind="age_range", min_age=None, max_age=None), ["eligibility_rules[1]"]),
    (rule_with(kind="age_range"), ["eligibility_rules[1]"]),
    (rule_with(kind="age_range", min_age=36, max_age=35), ["eligibility_rules[1].min_age"]),
    ([{"kind": "sexes", "sexes": ["female", "other"]}], ["eligibility_rules[0].sexes[1]"]),
    ([{"kind": "sexes", "sexes": []}], ["eligibility_rules[0].sexes"]),
    (
        rule_with(kind="nationalities", countries=["VEN", "XXX", "VE", 862]),
        ["eligibility_rules[1].countries[1]", "eligibility_rules[1].countries[2]", "eligibility_rules[1].countries[3]"],
    ),
    (
        rule_with(kind="provinces", provinces=["17", "99", 17, "1701"]),
        ["eligibility_rules[1].provinces[1]", "eligibility_rules[1].provinces[2]", "eligibility_rules[1].provinces[3]"],
    ),
    (rule_with(kind="registered_before", date="2026-6-1"), ["eligibility_rules[1].date"]),
    (rule_with(kind="registered_before", date="20260601"), ["eligibility_rules[1].date"]),
    (rule_with(kind="registered_before", date="2026-02-30"), ["eligibility_rules[1].date"]),
    (rule_with(kind="registered_before", date="2026-06-01T00:00:00"), ["eligibility_rules[1].date"]),
    (rule_with(kind="registered_before", date=20260601), ["eligibility_rules[1].date"]),
    (rule_with(kind="registered_before", date=None), ["eligibility_rules[1].date"]),
    (rule_with(kind="completed_cohort", cohort_id="cohort-7"), ["eligibility_rules[1].cohort_id"]),
    (rule_with(kind="completed_cohort", cohort_id=7), ["eligibility_rules[1].cohort_id"]),
    (
        rule_with(kind="completed_cohort", module_id=str(MODULE)),
        ["eligibility_rules[1].module_id", "eligibility_rules[1].cohort_id"],
    ),
    (rule_with(kind="completed_module", module_id="x" * 1000), ["eligibility_rules[1].module_id"]),
    (rule_with(kind="disability", has_disability="true"), ["eligibility_rules[1].has_disability"]),
    (rule_with(kind="disability", has_disability=1), ["eligibility_rules[1].has_disability"]),
    (rule_with(kind="disability", has_disability=None), ["eligibility_rules[1].has_disability"]),
    (rule_with(kind="disability"), ["eligibility_rules[1].has_disability"]),
]


@pytest.mark.parametrize(("data", "fields"), BAD_SHAPES, ids=lambda case: str(case)[:60])
def test_every_bad_shape_is_refused_naming_its_field_path(data: Any, fields: list[str]) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_rules(data)
    assert fields_of(raised.value) == fields


def test_every_problem_of_every_rule_is_reported_at_once() -> None:
    data = [
        {"kind": "sexes", "sexes": ["other"], "extra": 1},
        {"kind": "age_range", "min_age": 200},
        {"kind": "unknown"},
        {"kind": "sexes", "sexes": ["male"]},
    ]
    with pytest.raises(InvalidInput) as raised:
        parse_rules(data, field="rules")
    assert sorted(fields_of(raised.value)) == sorted(
        ["rules[0].extra", "rules[0].sexes[0]", "rules[1].min_age", "rules[2].kind", "rules[3].kind"]
    )


@pytest.mark.parametrize(
    ("data", "template", "params"),
    [
        (
            rule_with(kind="sexes", sexes=["male"]),
            "only one rule of each kind: {kind} is listed more than once",
            {"kind": "sexes"},
        ),
        ([{"kind": "sexes"}] * 21, "must be a list of at most {limit} rules", {"limit": 20}),
        (
            rule_with(kind="age_range", min_age=130),
            "must be a whole number from {lower} to {upper}",
            {"lower": 0, "upper": 120},
        ),
        (
            rule_with(kind="nationalities", countries=["XYZ"]),
            "must be an ISO 3166-1 alpha-3 country code, e.g. VEN",
            {},
        ),
    ],
)
def test_errors_carry_a_template_and_its_parameters(data: Any, template: str, params: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_rules(data)
    assert raised.value.template == template
    assert {name: value for name, value in raised.value.params.items() if name != "field"} == params


def test_codes_say_what_kind_of_value_was_wrong() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_rules([{"kind": "nationalities", "countries": ["XYZ"]}, {"kind": "provinces", "provinces": ["99"]}])
    assert [issue.code for issue in issues_of(raised.value)] == ["invalid_country", "unknown_place"]


def test_a_refused_value_is_never_echoed() -> None:
    secret = "Maria-Perez-1712345678"
    data = [
        {"kind": "population_groups", "groups": [secret]},
        {"kind": secret},
        {"kind": "sexes", "sexes": ["f"], secret: 1},
    ]
    with pytest.raises(InvalidInput) as raised:
        parse_rules(data)
    for issue in issues_of(raised.value):
        assert secret not in str(issue)
        assert secret not in str(issue.field)
        assert all(secret not in str(value) for value in issue.params.values())


def test_codes_are_normalised_and_repeats_dropped() -> None:
    rules = parse_rules(
        [
            {"kind": "nationalities", "countries": ["ven", " COL ", "VEN"]},
            {"kind": "provinces", "provinces": [" 17", "17", "09"]},
            {"kind": "population_groups", "groups": ["returnee", "migrant", "returnee"]},
            {"kind": "completed_cohort", "cohort_id": str(COHORT).upper()},
        ]
    )
    assert rules == (
        NationalitiesRule(countries=("VEN", "COL")),
        ProvincesRule(provinces=("17", "09")),
        PopulationGroupsRule(groups=(PopulationGroup.RETURNEE, PopulationGroup.MIGRANT)),
        CompletedCohortRule(cohort_id=COHORT),
    )


def test_an_omitted_age_bound_is_open_and_written_back_as_null() -> None:
    (rule,) = parse_rules([{"kind": "age_range", "min_age": 18}])
    assert rule == AgeRangeRule(min_age=18, max_age=None)
    assert rule.to_data() == {"kind": "age_range", "min_age": 18, "max_age": None}


def test_the_stored_data_is_exact_json() -> None:
    rules = (
        RegisteredBeforeRule(before=date(2026, 6, 1)),
        CompletedModuleRule(module_id=MODULE),
        DisabilityRule(has_disability=True),
        SexesRule(sexes=(Sex.FEMALE,)),
    )
    assert json.loads(json.dumps([rule.to_data() for rule in rules])) == [
        {"kind": "registered_before", "date": "2026-06-01"},
        {"kind": "completed_module", "module_id": str(MODULE)},
        {"kind": "disability", "has_disability": True},
        {"kind": "sexes", "sexes": ["female"]},
    ]


# --- round trips ------------------------------------------------------------------------------------------------------

PROVINCE_CODES = [province.code for province in provinces()]
COUNTRIES = ["VEN", "COL", "ECU", "PER", "CUB", "HTI", "USA", "ESP", "CHN", "ARG"]


def _codes(values: list[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True).map(tuple)


@st.composite
def age_ranges(draw: st.DrawFn) -> AgeRangeRule:
    low, high = sorted(draw(st.lists(st.integers(0, 120), min_size=2, max_size=2)))
    open_side = draw(st.sampled_from(["none", "min", "max"]))
    return AgeRangeRule(min_age=None if open_side == "min" else low, max_age=None if open_side == "max" else high)


RULE_STRATEGIES: dict[RuleKind, st.SearchStrategy[EligibilityRule]] = {
    RuleKind.POPULATION_GROUPS: _codes(list(PopulationGroup)).map(lambda groups: PopulationGroupsRule(groups=groups)),
    RuleKind.AGE_RANGE: age_ranges(),
    RuleKind.SEXES: _codes(list(Sex)).map(lambda sexes: SexesRule(sexes=sexes)),
    RuleKind.NATIONALITIES: _codes(COUNTRIES).map(lambda countries: NationalitiesRule(countries=countries)),
    RuleKind.PROVINCES: _codes(PROVINCE_CODES).map(lambda codes: ProvincesRule(provinces=codes)),
    RuleKind.REGISTERED_BEFORE: st.dates().map(lambda day: RegisteredBeforeRule(before=day)),
    RuleKind.COMPLETED_COHORT: st.uuids().map(lambda cohort_id: CompletedCohortRule(cohort_id=cohort_id)),
    RuleKind.COMPLETED_MODULE: st.uuids().map(lambda module_id: CompletedModuleRule(module_id=module_id)),
    RuleKind.DISABILITY: st.booleans().map(lambda wanted: DisabilityRule(has_disability=wanted)),
    RuleKind.COMPLETED_TRAINING: st.just(CompletedTrainingRule()),
    RuleKind.MIN_ATTENDANCE: st.integers(1, 100).map(lambda percent: MinAttendanceRule(percent=percent)),
}


@st.composite
def rule_lists(draw: st.DrawFn) -> tuple[EligibilityRule, ...]:
    kinds = draw(st.permutations(list(RuleKind)))[: draw(st.integers(0, len(RuleKind)))]
    return tuple(draw(RULE_STRATEGIES[kind]) for kind in kinds)


@settings(max_examples=100)
@given(rule_lists())
def test_rules_round_trip_through_their_stored_json(rules: tuple[EligibilityRule, ...]) -> None:
    stored = json.loads(json.dumps([rule.to_data() for rule in rules]))
    assert parse_rules(stored) == rules
    assert [rule.kind for rule in parse_rules(stored)] == [RuleKind(item["kind"]) for item in stored]


@settings(max_examples=100)
@given(rule_lists(), st.data())
def test_evaluation_names_exactly_the_rules_not_met(rules: tuple[EligibilityRule, ...], data: st.DataObject) -> None:
    facts = person(
        population_group=data.draw(st.sampled_from(list(PopulationGroup))),
        sex=data.draw(st.sampled_from(list(Sex))),
        nationality=data.draw(st.sampled_from(COUNTRIES)),
        birth_date=data.draw(st.none() | st.dates(date(1920, 1, 1), date(2020, 1, 1))),
        province_code=data.draw(st.none() | st.sampled_from(PROVINCE_CODES)),
        has_disability=data.draw(st.none() | st.booleans()),
        best_attendance=data.draw(st.none() | st.decimals(0, 100, places=2)),
    )
    failures = evaluate(rules, facts, START)
    assert [failure.index for failure in failures] == sorted({failure.index for failure in failures})
    for failure in failures:
        assert failure.kind is rules[failure.index].kind
        assert evaluate([rules[failure.index]], facts, START) == [replace(failure, index=0)]
    met = set(range(len(rules))) - {failure.index for failure in failures}
    assert all(evaluate([rules[index]], facts, START) == [] for index in met)
