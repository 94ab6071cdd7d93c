"""Disability as measured by the Washington Group Short Set (WG-SS): six functional domains, four answers each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from emprende.domain.shared.errors import InvalidInput, RuleChecks


class Difficulty(StrEnum):
    """The four WG-SS answer categories."""

    NO_DIFFICULTY = "no_difficulty"
    SOME_DIFFICULTY = "some_difficulty"
    A_LOT_OF_DIFFICULTY = "a_lot_of_difficulty"
    CANNOT_DO_AT_ALL = "cannot_do_at_all"


class Domain(StrEnum):
    """The six WG-SS functional domains."""

    SEEING = "seeing"
    HEARING = "hearing"
    WALKING = "walking"
    REMEMBERING = "remembering"
    SELF_CARE = "self_care"
    COMMUNICATING = "communicating"


_DOMAIN_NAMES = tuple(domain.value for domain in Domain)  # iterating the enumeration itself is slow

# The WG recommended cut-off: at least one domain answered "a lot of difficulty" or "cannot do at all".
DISABILITY_CUTOFF = frozenset({Difficulty.A_LOT_OF_DIFFICULTY, Difficulty.CANNOT_DO_AT_ALL})


@dataclass(frozen=True, slots=True)
class WashingtonGroupShortSet:
    """A person's WG-SS answers; None means the question was not asked or the answer was refused."""

    seeing: Difficulty | None = None
    hearing: Difficulty | None = None
    walking: Difficulty | None = None
    remembering: Difficulty | None = None
    self_care: Difficulty | None = None
    communicating: Difficulty | None = None

    @classmethod
    def from_answers(cls, answers: Mapping[str, str | None]) -> WashingtonGroupShortSet:
        """Build the set from domain names to answer values; missing domains are unanswered."""
        values: dict[str, Difficulty | None] = {}
        checks = RuleChecks()
        for name, answer in answers.items():
            try:
                domain = Domain(name)
                values[domain.value] = None if answer is None else Difficulty(answer)
            except (ValueError, TypeError):
                checks.issues.append(
                    InvalidInput(
                        "not a known Washington Group domain or answer",
                        field=f"disability.{name}",
                        code="invalid_disability_answer",
                    )
                )
        checks.raise_broken()
        return cls(**values)

    def answers(self) -> dict[str, str | None]:
        """Every domain name with its answer value, or None when unanswered."""
        result: dict[str, str | None] = {}
        for name in _DOMAIN_NAMES:
            answer: Difficulty | None = getattr(self, name)
            result[name] = None if answer is None else answer.value
        return result

    @property
    def has_disability(self) -> bool | None:
        """The WG cut-off: True if any domain reaches it, False if all six are answered below it, else None."""
        given = (self.seeing, self.hearing, self.walking, self.remembering, self.self_care, self.communicating)
        if any(answer in DISABILITY_CUTOFF for answer in given):
            return True
        if all(answer is not None for answer in given):
            return False
        return None
