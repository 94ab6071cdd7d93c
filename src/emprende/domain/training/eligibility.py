"""Who may enrol in a cohort: its eligibility rules are data (a JSON list the cohort stores, read by `parse_rules`),
and `evaluate` checks them against what the registry knows of a person (`PersonFacts`), listing every rule not met."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from emprende.domain.participants.details import age_on
from emprende.domain.participants.places import canton
from emprende.domain.shared.errors import Conflict, ErrorItem, ItemizedError, render_message
from emprende.domain.training.eligibility_parsing import MAX_RULES, parse_rules
from emprende.domain.training.eligibility_rules import (
    RULE_CLASSES,
    AgeRangeRule,
    CompletedCohortRule,
    CompletedModuleRule,
    CompletedTrainingRule,
    DisabilityRule,
    EligibilityRule,
    MinAttendanceRule,
    NationalitiesRule,
    PopulationGroupsRule,
    ProvincesRule,
    RegisteredBeforeRule,
    RuleKind,
    SexesRule,
)

__all__ = [
    "MAX_RULES",
    "RULE_CLASSES",
    "TEMPLATES",
    "AgeRangeRule",
    "CompletedCohortRule",
    "CompletedModuleRule",
    "CompletedTrainingRule",
    "DisabilityRule",
    "EligibilityRule",
    "MinAttendanceRule",
    "NationalitiesRule",
    "NotEligible",
    "PersonFacts",
    "PopulationGroupsRule",
    "ProvincesRule",
    "RegisteredBeforeRule",
    "RuleFailure",
    "RuleKind",
    "SexesRule",
    "evaluate",
    "facts_needed",
    "parse_rules",
]

NOT_IN_GROUPS = "must belong to one of the population groups {groups}"
AGED_BETWEEN = "must be aged {min_age} to {max_age} on {on}"
AGED_AT_LEAST = "must be at least {min_age} years old on {on}"
AGED_AT_MOST = "must be at most {max_age} years old on {on}"
NOT_OF_SEXES = "the recorded sex must be one of {sexes}"
NOT_OF_NATIONALITIES = "must have one of the nationalities {countries}"
NOT_IN_PROVINCES = "must live in one of the provinces {provinces}"
NOT_REGISTERED_BEFORE = "must have been registered before {date}"
COHORT_NOT_COMPLETED = "must have completed cohort {cohort_id}"
MODULE_NOT_COMPLETED = "must have completed a cohort that taught module {module_id}"
WITHOUT_DISABILITY = "must have a disability (Washington Group Short Set)"
WITH_DISABILITY = "must have no disability (Washington Group Short Set)"
TRAINING_NOT_COMPLETED = "must have completed a cohort"
ATTENDANCE_TOO_LOW = "must have attended at least {percent}% of the sessions of a cohort they completed"
NOT_ELIGIBLE = "the person does not meet eligibility rule {index} ({kind}): {reason}"

TEMPLATES: tuple[str, ...] = (
    NOT_IN_GROUPS,
    AGED_BETWEEN,
    AGED_AT_LEAST,
    AGED_AT_MOST,
    NOT_OF_SEXES,
    NOT_OF_NATIONALITIES,
    NOT_IN_PROVINCES,
    NOT_REGISTERED_BEFORE,
    COHORT_NOT_COMPLETED,
    MODULE_NOT_COMPLETED,
    WITHOUT_DISABILITY,
    WITH_DISABILITY,
    TRAINING_NOT_COMPLETED,
    ATTENDANCE_TOO_LOW,
    NOT_ELIGIBLE,
)
"""Every message template of this module: rule failures' and NotEligible's."""


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the rules may read of a person. `birth_year` stands in for an erased or partial birth date;
    `completed_cohorts` and `completed_modules` need only be loaded when `facts_needed` asks for them."""

    population_group: str
    sex: str
    nationality: str
    birth_date: date | None
    birth_year: int | None
    province_code: str | None
    canton_code: str | None
    registered_at: datetime
    has_disability: bool | None
    completed_cohorts: frozenset[uuid.UUID]
    completed_modules: frozenset[uuid.UUID]
    best_attendance: Decimal | None = None
    """The highest attendance percent among the cohorts the person completed; None when they completed none."""


# The PersonFacts fields each kind reads.
_FACTS: dict[RuleKind, frozenset[str]] = {
    RuleKind.POPULATION_GROUPS: frozenset({"population_group"}),
    RuleKind.AGE_RANGE: frozenset({"birth_date", "birth_year"}),
    RuleKind.SEXES: frozenset({"sex"}),
    RuleKind.NATIONALITIES: frozenset({"nationality"}),
    RuleKind.PROVINCES: frozenset({"province_code", "canton_code"}),
    RuleKind.REGISTERED_BEFORE: frozenset({"registered_at"}),
    RuleKind.COMPLETED_COHORT: frozenset({"completed_cohorts"}),
    RuleKind.COMPLETED_MODULE: frozenset({"completed_modules"}),
    RuleKind.DISABILITY: frozenset({"has_disability"}),
    RuleKind.COMPLETED_TRAINING: frozenset({"completed_cohorts"}),
    RuleKind.MIN_ATTENDANCE: frozenset({"best_attendance"}),
}


def facts_needed(rules: Sequence[EligibilityRule]) -> frozenset[str]:
    """The names of the PersonFacts fields these rules read, so that a caller loads (and audits) only those."""
    return frozenset().union(*(_FACTS[rule.kind] for rule in rules))


@dataclass(frozen=True, slots=True)
class RuleFailure:
    """A rule a person does not meet: its position in the cohort's list (from 0, as in `eligibility_rules[0]`), its
    kind, and what it requires as an English template with its parameters (codes, numbers, ISO dates)."""

    index: int
    kind: RuleKind
    template: str
    params: Mapping[str, object]

    @property
    def message(self) -> str:
        """The English message, e.g. "must be aged 18 to 35 on 2026-06-01"."""
        return render_message(self.template, self.params)


def evaluate(rules: Sequence[EligibilityRule], facts: PersonFacts, on: date) -> list[RuleFailure]:
    """Every rule the person does not meet, in the rules' order; an empty list means eligible. `on` is the cohort's
    start date, on which ages are counted. A fact the registry does not hold (birth date, province, disability) never
    meets a rule about it."""
    failures: list[RuleFailure] = []
    for index, rule in enumerate(rules):
        unmet = _unmet_requirement(rule, facts, on)
        if unmet is not None:
            template, params = unmet
            failures.append(RuleFailure(index=index, kind=rule.kind, template=template, params=params))
    return failures


def _unmet(template: str, /, **params: object) -> tuple[str, dict[str, object]]:
    return template, params


def _unmet_requirement(rule: EligibilityRule, facts: PersonFacts, on: date) -> tuple[str, dict[str, object]] | None:
    """What the rule requires, when the person does not meet it; None when they do."""
    match rule:
        case PopulationGroupsRule(groups=groups):
            if facts.population_group not in groups:
                return _unmet(NOT_IN_GROUPS, groups=_listing(groups))
        case AgeRangeRule():
            return _unmet_age(rule, facts, on)
        case SexesRule(sexes=sexes):
            if facts.sex not in sexes:
                return _unmet(NOT_OF_SEXES, sexes=_listing(sexes))
        case NationalitiesRule(countries=countries):
            if facts.nationality.strip().upper() not in countries:
                return _unmet(NOT_OF_NATIONALITIES, countries=_listing(countries))
        case ProvincesRule(provinces=provinces):
            if _province_of(facts) not in provinces:
                return _unmet(NOT_IN_PROVINCES, provinces=_listing(provinces))
        case RegisteredBeforeRule(before=before):
            if _utc_date(facts.registered_at) >= before:
                return _unmet(NOT_REGISTERED_BEFORE, date=before.isoformat())
        case CompletedCohortRule(cohort_id=cohort_id):
            if cohort_id not in facts.completed_cohorts:
                return _unmet(COHORT_NOT_COMPLETED, cohort_id=str(cohort_id))
        case CompletedModuleRule(module_id=module_id):
            if module_id not in facts.completed_modules:
                return _unmet(MODULE_NOT_COMPLETED, module_id=str(module_id))
        case DisabilityRule(has_disability=wanted):
            if facts.has_disability is not wanted:
                return _unmet(WITHOUT_DISABILITY) if wanted else _unmet(WITH_DISABILITY)
        case CompletedTrainingRule():
            if not facts.completed_cohorts:
                return _unmet(TRAINING_NOT_COMPLETED)
        case MinAttendanceRule(percent=percent):
            if facts.best_attendance is None or facts.best_attendance < percent:
                return _unmet(ATTENDANCE_TOO_LOW, percent=percent)
        case _:
            raise TypeError(f"no evaluation for eligibility rules of kind {rule.kind}")
    return None


def _unmet_age(rule: AgeRangeRule, facts: PersonFacts, on: date) -> tuple[str, dict[str, object]] | None:
    ages = _possible_ages(facts, on)
    if ages is not None:
        youngest, oldest = ages
        if (rule.min_age is None or youngest >= rule.min_age) and (rule.max_age is None or oldest <= rule.max_age):
            return None
    if rule.max_age is None:
        return _unmet(AGED_AT_LEAST, min_age=rule.min_age, on=on.isoformat())
    if rule.min_age is None:
        return _unmet(AGED_AT_MOST, max_age=rule.max_age, on=on.isoformat())
    return _unmet(AGED_BETWEEN, min_age=rule.min_age, max_age=rule.max_age, on=on.isoformat())


def _possible_ages(facts: PersonFacts, on: date) -> tuple[int, int] | None:
    """The youngest and oldest the person can be on `on`: one age from a birth date; from a birth year alone, the
    ages of someone born on its 31 December and on its 1 January. None when neither is known."""
    if facts.birth_date is not None:
        age = age_on(facts.birth_date, on)
        return age, age
    year = facts.birth_year
    if year is None or not date.min.year <= year <= date.max.year:
        return None
    return age_on(date(year, 12, 31), on), age_on(date(year, 1, 1), on)


def _province_of(facts: PersonFacts) -> str | None:
    """The province of residence: as recorded, or the one the recorded canton lies in."""
    if facts.province_code is not None:
        return facts.province_code
    found = canton(facts.canton_code) if facts.canton_code is not None else None
    return None if found is None else found.province_code


def _utc_date(moment: datetime) -> date:
    """The UTC calendar date of an instant (a naive one is taken as UTC, as the registry stores them)."""
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()


def _listing(codes: Sequence[str]) -> str:
    return ", ".join(codes)


class NotEligible(Conflict, ItemizedError):
    """A person does not meet a cohort's eligibility rules. It reads as the first rule not met; `failures` lists every
    one, for the caller to show them all."""

    code = "not_eligible"
    failures: tuple[RuleFailure, ...]

    def __init__(self, failures: Sequence[RuleFailure]) -> None:
        if not failures:
            raise ValueError("NotEligible needs at least one rule failure")
        first = failures[0]
        super().__init__(NOT_ELIGIBLE, index=first.index, kind=first.kind.value, reason=first.message)
        self.failures = tuple(failures)

    @classmethod
    def from_failures(cls, failures: Sequence[RuleFailure]) -> NotEligible:
        """The error reporting these failures (at least one)."""
        return cls(failures)

    def items(self) -> Sequence[ErrorItem]:
        """Each rule not met: where it is in the cohort's list, its kind, and what it requires."""
        return [
            ErrorItem(f"eligibility_rules[{failure.index}]", failure.kind.value, failure.template, failure.params)
            for failure in self.failures
        ]
