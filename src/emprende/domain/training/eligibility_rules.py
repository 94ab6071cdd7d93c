"""The kinds of eligibility rule a cohort may set, each a typed value that writes itself back as the JSON object a
cohort stores (`to_data`). Stored data is read by `eligibility.parse_rules`; a person is checked by
`eligibility.evaluate`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from emprende.domain.participants.details import PopulationGroup, Sex


class RuleKind(StrEnum):
    """What an eligibility rule looks at; the `kind` of its stored object."""

    POPULATION_GROUPS = "population_groups"
    AGE_RANGE = "age_range"
    SEXES = "sexes"
    NATIONALITIES = "nationalities"
    PROVINCES = "provinces"
    REGISTERED_BEFORE = "registered_before"
    COMPLETED_COHORT = "completed_cohort"
    COMPLETED_MODULE = "completed_module"
    DISABILITY = "disability"
    COMPLETED_TRAINING = "completed_training"
    MIN_ATTENDANCE = "min_attendance"


@dataclass(frozen=True, slots=True)
class EligibilityRule:
    """One eligibility rule of a cohort. Each kind is a subclass holding what it checks; a cohort has at most one
    rule of each kind, and a person is eligible when every rule is met."""

    kind: RuleKind

    def to_data(self) -> dict[str, Any]:
        """The rule as the JSON-safe object a cohort stores: `kind` and the kind's own keys."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class PopulationGroupsRule(EligibilityRule):
    """The person belongs to one of these population groups."""

    groups: tuple[PopulationGroup, ...]
    kind: RuleKind = field(default=RuleKind.POPULATION_GROUPS, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "groups": [group.value for group in self.groups]}


@dataclass(frozen=True, slots=True)
class AgeRangeRule(EligibilityRule):
    """The person's completed years on the cohort's start date lie within the bounds (either may be open)."""

    min_age: int | None
    max_age: int | None
    kind: RuleKind = field(default=RuleKind.AGE_RANGE, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "min_age": self.min_age, "max_age": self.max_age}


@dataclass(frozen=True, slots=True)
class SexesRule(EligibilityRule):
    """The person's recorded sex is one of these."""

    sexes: tuple[Sex, ...]
    kind: RuleKind = field(default=RuleKind.SEXES, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "sexes": [sex.value for sex in self.sexes]}


@dataclass(frozen=True, slots=True)
class NationalitiesRule(EligibilityRule):
    """The person's nationality is one of these ISO 3166-1 alpha-3 codes."""

    countries: tuple[str, ...]
    kind: RuleKind = field(default=RuleKind.NATIONALITIES, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "countries": list(self.countries)}


@dataclass(frozen=True, slots=True)
class ProvincesRule(EligibilityRule):
    """The person lives in one of these provinces (INEC codes)."""

    provinces: tuple[str, ...]
    kind: RuleKind = field(default=RuleKind.PROVINCES, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "provinces": list(self.provinces)}


@dataclass(frozen=True, slots=True)
class RegisteredBeforeRule(EligibilityRule):
    """The person was registered in the registry before this date (UTC), e.g. to reach those already registered
    when a call was announced."""

    before: date
    kind: RuleKind = field(default=RuleKind.REGISTERED_BEFORE, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "date": self.before.isoformat()}


@dataclass(frozen=True, slots=True)
class CompletedCohortRule(EligibilityRule):
    """The person completed this cohort."""

    cohort_id: uuid.UUID
    kind: RuleKind = field(default=RuleKind.COMPLETED_COHORT, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "cohort_id": str(self.cohort_id)}


@dataclass(frozen=True, slots=True)
class CompletedModuleRule(EligibilityRule):
    """The person completed a cohort that taught this module."""

    module_id: uuid.UUID
    kind: RuleKind = field(default=RuleKind.COMPLETED_MODULE, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "module_id": str(self.module_id)}


@dataclass(frozen=True, slots=True)
class DisabilityRule(EligibilityRule):
    """The person has (or has not) a disability by the Washington Group cut-off; an unknown answer never matches."""

    has_disability: bool
    kind: RuleKind = field(default=RuleKind.DISABILITY, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "has_disability": self.has_disability}


@dataclass(frozen=True, slots=True)
class CompletedTrainingRule(EligibilityRule):
    """The person completed a cohort, any cohort."""

    kind: RuleKind = field(default=RuleKind.COMPLETED_TRAINING, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value}


@dataclass(frozen=True, slots=True)
class MinAttendanceRule(EligibilityRule):
    """The person attended at least this percent of the sessions of a cohort they completed."""

    percent: int
    kind: RuleKind = field(default=RuleKind.MIN_ATTENDANCE, init=False)

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "percent": self.percent}


RULE_CLASSES: dict[RuleKind, type[EligibilityRule]] = {
    RuleKind.POPULATION_GROUPS: PopulationGroupsRule,
    RuleKind.AGE_RANGE: AgeRangeRule,
    RuleKind.SEXES: SexesRule,
    RuleKind.NATIONALITIES: NationalitiesRule,
    RuleKind.PROVINCES: ProvincesRule,
    RuleKind.REGISTERED_BEFORE: RegisteredBeforeRule,
    RuleKind.COMPLETED_COHORT: CompletedCohortRule,
    RuleKind.COMPLETED_MODULE: CompletedModuleRule,
    RuleKind.DISABILITY: DisabilityRule,
    RuleKind.COMPLETED_TRAINING: CompletedTrainingRule,
    RuleKind.MIN_ATTENDANCE: MinAttendanceRule,
}
"""The class that holds each kind of rule."""
