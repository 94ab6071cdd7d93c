"""Reading a cohort's stored eligibility rules (a JSON list of objects) into typed rules, with every problem reported
at once under its field path (`eligibility_rules[2].min_age`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from emprende.domain.participants.contact import normalize_country
from emprende.domain.participants.details import MAX_AGE, PopulationGroup, Sex
from emprende.domain.participants.places import province
from emprende.domain.shared.errors import InvalidInput, RuleChecks, issues_of
from emprende.domain.training.eligibility_rules import (
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
from emprende.domain.training.values import (
    MISSING_KEY,
    a_boolean,
    a_date,
    a_uuid,
    check_keys,
    distinct_values,
    is_list,
    object_at,
    optional_whole_number,
    whole_number,
)

MAX_RULES = 20
_MAX_CHOICES = 250  # the most values a list-valued rule may name (there are 249 countries)

NOT_A_RULE_LIST = "must be a list of at most {limit} rules"
UNKNOWN_KIND = "not a known kind of eligibility rule"
REPEATED_KIND = "only one rule of each kind: {kind} is listed more than once"
UNKNOWN_GROUP = "not a known population group"
UNKNOWN_SEX = "not a known sex"
NOT_A_COUNTRY = "must be an ISO 3166-1 alpha-3 country code, e.g. VEN"
NOT_A_PROVINCE = "must be an INEC province code, e.g. 17"
NO_AGE_BOUND = "give min_age, max_age or both"
AGES_REVERSED = "min_age must not be greater than max_age"

TEMPLATES: tuple[str, ...] = (
    NOT_A_RULE_LIST,
    UNKNOWN_KIND,
    REPEATED_KIND,
    UNKNOWN_GROUP,
    UNKNOWN_SEX,
    NOT_A_COUNTRY,
    NOT_A_PROVINCE,
    NO_AGE_BOUND,
    AGES_REVERSED,
)
"""Every message template this module raises (besides the shared readers' in `values.TEMPLATES`)."""

_MAX_CODE = 40  # longer text is no code of any list below (the longest is 24), and is not looked up

# The keys of each kind besides "kind": required ones, and optional ones (an omitted age bound is open).
_REQUIRED: dict[RuleKind, tuple[str, ...]] = {
    RuleKind.POPULATION_GROUPS: ("groups",),
    RuleKind.AGE_RANGE: (),
    RuleKind.SEXES: ("sexes",),
    RuleKind.NATIONALITIES: ("countries",),
    RuleKind.PROVINCES: ("provinces",),
    RuleKind.REGISTERED_BEFORE: ("date",),
    RuleKind.COMPLETED_COHORT: ("cohort_id",),
    RuleKind.COMPLETED_MODULE: ("module_id",),
    RuleKind.DISABILITY: ("has_disability",),
    RuleKind.COMPLETED_TRAINING: (),
    RuleKind.MIN_ATTENDANCE: ("percent",),
}
_KINDS = frozenset(kind.value for kind in RuleKind)
_OPTIONAL: dict[RuleKind, tuple[str, ...]] = {RuleKind.AGE_RANGE: ("min_age", "max_age")}


def parse_rules(
    data: Sequence[Mapping[str, Any]] | Any, *, field: str = "eligibility_rules"
) -> tuple[EligibilityRule, ...]:
    """Typed rules from a cohort's stored list; codes are normalised and repeated values dropped, so that
    `parse_rules([rule.to_data() for rule in rules]) == rules`. Raises InvalidInput (or InvalidInputs listing every
    problem) naming each problem's field path: not a list, more than MAX_RULES rules, an unknown kind, a kind listed
    twice, a missing or unknown key, a value of the wrong type or out of bounds."""
    if not is_list(data) or len(data) > MAX_RULES:
        raise InvalidInput(NOT_A_RULE_LIST, field=field, limit=MAX_RULES)
    checks = RuleChecks()
    rules: list[EligibilityRule] = []
    seen: set[RuleKind] = set()
    for index, item in enumerate(data):
        path = f"{field}[{index}]"
        try:
            kind, rule_data = _kind(item, path)
            if kind in seen:
                raise InvalidInput(REPEATED_KIND, field=f"{path}.kind", kind=kind.value)
            seen.add(kind)
            rules.append(_rule(kind, rule_data, path))
        except InvalidInput as error:
            checks.issues.extend(issues_of(error))
    checks.raise_broken()
    return tuple(rules)


def _kind(item: object, path: str) -> tuple[RuleKind, Mapping[object, object]]:
    data = object_at(item, path)
    if "kind" not in data:
        raise InvalidInput(MISSING_KEY, field=f"{path}.kind")
    kind = data["kind"]
    if not isinstance(kind, str) or kind not in _KINDS:
        raise InvalidInput(UNKNOWN_KIND, field=f"{path}.kind")
    return RuleKind(kind), data


def _rule(kind: RuleKind, data: Mapping[object, object], path: str) -> EligibilityRule:
    """The rule, or every problem of its object at once: unknown and missing keys, bad values."""
    checks = RuleChecks()
    required = _REQUIRED[kind]
    check_keys(data, path, checks, required=("kind", *required), optional=_OPTIONAL.get(kind, ()))
    rule: EligibilityRule | None = None
    if all(key in data for key in required):  # a missing key is reported once, by check_keys
        rule = checks.check(lambda: _READERS[kind](data, path), None)
    checks.raise_broken()
    if rule is None:  # pragma: no cover - a reader either returns a rule or raises
        raise AssertionError(path)
    return rule


def _age_range(data: Mapping[object, object], path: str) -> EligibilityRule:
    checks = RuleChecks()
    min_age, max_age = (
        checks.check(partial(optional_whole_number, data.get(key), f"{path}.{key}", lower=0, upper=MAX_AGE), None)
        for key in ("min_age", "max_age")
    )
    checks.raise_broken()
    if min_age is None and max_age is None:
        raise InvalidInput(NO_AGE_BOUND, field=path)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise InvalidInput(AGES_REVERSED, field=f"{path}.min_age")
    return AgeRangeRule(min_age=min_age, max_age=max_age)


def _code(value: object, path: str, template: str) -> str:
    if not isinstance(value, str) or len(value) > _MAX_CODE:
        raise InvalidInput(template, field=path)
    return value.strip()


def _population_group(value: object, path: str) -> PopulationGroup:
    try:
        return PopulationGroup(_code(value, path, UNKNOWN_GROUP))
    except ValueError:
        raise InvalidInput(UNKNOWN_GROUP, field=path) from None


def _sex(value: object, path: str) -> Sex:
    try:
        return Sex(_code(value, path, UNKNOWN_SEX))
    except ValueError:
        raise InvalidInput(UNKNOWN_SEX, field=path) from None


def _country(value: object, path: str) -> str:
    code = _code(value, path, NOT_A_COUNTRY)
    try:
        return normalize_country(code, field=path)
    except InvalidInput:
        raise InvalidInput(NOT_A_COUNTRY, field=path, code="invalid_country") from None


def _province(value: object, path: str) -> str:
    code = _code(value, path, NOT_A_PROVINCE)
    if province(code) is None:
        raise InvalidInput(NOT_A_PROVINCE, field=path, code="unknown_place")
    return code


def _groups(data: Mapping[object, object], path: str) -> EligibilityRule:
    groups = distinct_values(data["groups"], f"{path}.groups", _population_group, limit=_MAX_CHOICES)
    return PopulationGroupsRule(groups)


def _sexes(data: Mapping[object, object], path: str) -> EligibilityRule:
    return SexesRule(distinct_values(data["sexes"], f"{path}.sexes", _sex, limit=_MAX_CHOICES))


def _nationalities(data: Mapping[object, object], path: str) -> EligibilityRule:
    return NationalitiesRule(distinct_values(data["countries"], f"{path}.countries", _country, limit=_MAX_CHOICES))


def _provinces(data: Mapping[object, object], path: str) -> EligibilityRule:
    return ProvincesRule(distinct_values(data["provinces"], f"{path}.provinces", _province, limit=_MAX_CHOICES))


def _registered_before(data: Mapping[object, object], path: str) -> EligibilityRule:
    return RegisteredBeforeRule(a_date(data["date"], f"{path}.date"))


def _completed_cohort(data: Mapping[object, object], path: str) -> EligibilityRule:
    return CompletedCohortRule(a_uuid(data["cohort_id"], f"{path}.cohort_id"))


def _completed_module(data: Mapping[object, object], path: str) -> EligibilityRule:
    return CompletedModuleRule(a_uuid(data["module_id"], f"{path}.module_id"))


def _disability(data: Mapping[object, object], path: str) -> EligibilityRule:
    return DisabilityRule(a_boolean(data["has_disability"], f"{path}.has_disability"))


def _completed_training(data: Mapping[object, object], path: str) -> EligibilityRule:
    return CompletedTrainingRule()


def _min_attendance(data: Mapping[object, object], path: str) -> EligibilityRule:
    return MinAttendanceRule(whole_number(data["percent"], f"{path}.percent", lower=1, upper=100))


# How each kind reads its object, once its keys are known to be there.
_READERS: dict[RuleKind, Callable[[Mapping[object, object], str], EligibilityRule]] = {
    RuleKind.POPULATION_GROUPS: _groups,
    RuleKind.AGE_RANGE: _age_range,
    RuleKind.SEXES: _sexes,
    RuleKind.NATIONALITIES: _nationalities,
    RuleKind.PROVINCES: _provinces,
    RuleKind.REGISTERED_BEFORE: _registered_before,
    RuleKind.COMPLETED_COHORT: _completed_cohort,
    RuleKind.COMPLETED_MODULE: _completed_module,
    RuleKind.DISABILITY: _disability,
    RuleKind.COMPLETED_TRAINING: _completed_training,
    RuleKind.MIN_ATTENDANCE: _min_attendance,
}
