"""The request schema of eligibility rules (the rule engine of `domain/training/eligibility`), shared by the areas
that set rules: cohorts and seed-capital calls. The domain's `parse_rules` reads what these schemas let through."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from emprende.api.schemas import RequestModel
from emprende.domain.participants.details import PopulationGroup, Sex


class PopulationGroupsRule(RequestModel):
    kind: Literal["population_groups"]
    groups: list[PopulationGroup] = Field(min_length=1)


class AgeRangeRule(RequestModel):
    kind: Literal["age_range"]
    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)


class SexesRule(RequestModel):
    kind: Literal["sexes"]
    sexes: list[Sex] = Field(min_length=1)


class NationalitiesRule(RequestModel):
    kind: Literal["nationalities"]
    countries: list[Annotated[str, Field(min_length=3, max_length=3)]] = Field(
        min_length=1, max_length=250, description="ISO 3166-1 alpha-3."
    )


class ProvincesRule(RequestModel):
    kind: Literal["provinces"]
    provinces: list[Annotated[str, Field(min_length=2, max_length=2)]] = Field(
        min_length=1, max_length=30, description="INEC province codes."
    )


class RegisteredBeforeRule(RequestModel):
    kind: Literal["registered_before"]
    date: date


class CompletedCohortRule(RequestModel):
    kind: Literal["completed_cohort"]
    cohort_id: uuid.UUID


class CompletedModuleRule(RequestModel):
    kind: Literal["completed_module"]
    module_id: uuid.UUID


class DisabilityRule(RequestModel):
    kind: Literal["disability"]
    has_disability: bool


class CompletedTrainingRule(RequestModel):
    kind: Literal["completed_training"]


class MinAttendanceRule(RequestModel):
    kind: Literal["min_attendance"]
    percent: int = Field(ge=1, le=100, description="Of the sessions of a cohort the person completed.")


EligibilityRuleIn = Annotated[
    PopulationGroupsRule
    | AgeRangeRule
    | SexesRule
    | NationalitiesRule
    | ProvincesRule
    | RegisteredBeforeRule
    | CompletedCohortRule
    | CompletedModuleRule
    | DisabilityRule
    | CompletedTrainingRule
    | MinAttendanceRule,
    Field(discriminator="kind"),
]
