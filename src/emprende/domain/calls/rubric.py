"""A call's rubric: the criteria evaluators score, each with a weight, an integer scale and what its levels mean.

A review's weighted total puts every criterion on 0 to 100 (its score's place on its own scale) and weighs them, so
that criteria scored on different scales add up: `sum(w * (s - min) / (max - min)) * 100 / sum(w)`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from emprende.domain.shared.errors import Conflict, InvalidInput, RuleChecks

MAX_CRITERIA = 20
MAX_TITLE = 200
MAX_DESCRIPTION = 2_000
MAX_DESCRIPTOR = 500
MAX_SCALE = 100
MAX_WEIGHT = Decimal(100)

_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")

BAD_KEY = "a criterion key is 1 to 40 lowercase letters, digits or underscores, starting with a letter"
REPEATED_KEY = "each criterion key is used once"
BAD_WEIGHT = "a weight is above 0 and at most {limit}, with at most two decimals"
BAD_SCALE = "a scale goes from a whole number of 0 or more up to a greater one, at most {limit}"
DESCRIPTOR_OFF_SCALE = "a descriptor describes a level of the criterion's scale"
NO_CRITERIA = "a rubric has 1 to {limit} criteria"
TEXT_LENGTH = "{field} must have 1 to {limit} characters"
RUBRIC_FROZEN = "the rubric is frozen: scoring has begun"

TEMPLATES: tuple[str, ...] = (
    BAD_KEY,
    REPEATED_KEY,
    BAD_WEIGHT,
    BAD_SCALE,
    DESCRIPTOR_OFF_SCALE,
    NO_CRITERIA,
    TEXT_LENGTH,
    RUBRIC_FROZEN,
)


class RubricFrozen(Conflict):
    code = "rubric_frozen"


@dataclass(frozen=True, slots=True)
class Criterion:
    """One thing evaluators score: its key (how scores name it), title, weight, scale and level descriptors."""

    key: str
    title: str
    description: str
    weight: Decimal
    scale_min: int
    scale_max: int
    descriptors: Mapping[int, str]

    def to_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "weight": str(self.weight),
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "descriptors": {str(level): text for level, text in sorted(self.descriptors.items())},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Criterion:
        return cls(
            key=data["key"],
            title=data["title"],
            description=data["description"],
            weight=Decimal(data["weight"]),
            scale_min=int(data["scale_min"]),
            scale_max=int(data["scale_max"]),
            descriptors={int(level): text for level, text in data["descriptors"].items()},
        )

    def place(self, score: int) -> float:
        """Where a score lies on this criterion's scale, from 0 (its minimum) to 1 (its maximum)."""
        return (score - self.scale_min) / (self.scale_max - self.scale_min)


@dataclass(frozen=True, slots=True)
class Rubric:
    """A version of a call's rubric."""

    version: int
    criteria: tuple[Criterion, ...]

    def criterion(self, key: str) -> Criterion | None:
        return next((criterion for criterion in self.criteria if criterion.key == key), None)

    def weighted_total(self, scores: Mapping[str, int]) -> float:
        """A complete review's total on 0 to 100 (every criterion scored)."""
        weights = sum(float(criterion.weight) for criterion in self.criteria)
        points = sum(float(criterion.weight) * criterion.place(scores[criterion.key]) for criterion in self.criteria)
        return round(points * 100 / weights, 6)

    def to_data(self) -> list[dict[str, Any]]:
        return [criterion.to_data() for criterion in self.criteria]

    @classmethod
    def from_data(cls, version: int, data: Sequence[Mapping[str, Any]]) -> Rubric:
        return cls(version, tuple(Criterion.from_data(item) for item in data))


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    cleaned = value.strip()
    if (required and not cleaned) or len(cleaned) > limit:
        raise InvalidInput(TEXT_LENGTH, field=field, limit=limit)
    return cleaned


def _criterion(criterion: Criterion, path: str, checks: RuleChecks) -> Criterion:
    if not _KEY.fullmatch(criterion.key):
        checks.issues.append(InvalidInput(BAD_KEY, field=f"{path}.key"))
    title = checks.check(lambda: _text(criterion.title, f"{path}.title", MAX_TITLE), criterion.title)
    description = checks.check(
        lambda: _text(criterion.description, f"{path}.description", MAX_DESCRIPTION, required=False), ""
    )
    weight = criterion.weight
    if not weight.is_finite() or not Decimal(0) < weight <= MAX_WEIGHT or weight != weight.quantize(Decimal("0.01")):
        checks.issues.append(InvalidInput(BAD_WEIGHT, field=f"{path}.weight", limit=MAX_WEIGHT))
    if not 0 <= criterion.scale_min < criterion.scale_max <= MAX_SCALE:
        checks.issues.append(InvalidInput(BAD_SCALE, field=f"{path}.scale_max", limit=MAX_SCALE))
    descriptors: dict[int, str] = {}
    for level, text in sorted(criterion.descriptors.items()):
        field = f"{path}.descriptors.{level}"
        if not criterion.scale_min <= level <= criterion.scale_max:
            checks.issues.append(InvalidInput(DESCRIPTOR_OFF_SCALE, field=field))
        descriptors[level] = checks.check(partial(_text, text, field, MAX_DESCRIPTOR), text)
    return Criterion(
        criterion.key,
        title,
        description,
        weight.quantize(Decimal("0.01")) if weight.is_finite() else weight,
        criterion.scale_min,
        criterion.scale_max,
        descriptors,
    )


def check_criteria(criteria: Sequence[Criterion], *, field: str = "rubric") -> tuple[Criterion, ...]:
    """The criteria tidied, or every broken rule at once, each named by its path (`rubric[1].weight`)."""
    if not 1 <= len(criteria) <= MAX_CRITERIA:
        raise InvalidInput(NO_CRITERIA, field=field, limit=MAX_CRITERIA)
    checks = RuleChecks()
    tidy = tuple(_criterion(criterion, f"{field}[{index}]", checks) for index, criterion in enumerate(criteria))
    seen: set[str] = set()
    for index, criterion in enumerate(criteria):
        if criterion.key in seen:
            checks.issues.append(InvalidInput(REPEATED_KEY, field=f"{field}[{index}].key"))
        seen.add(criterion.key)
    checks.raise_broken()
    return tidy
