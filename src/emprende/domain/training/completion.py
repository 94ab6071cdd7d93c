"""When a person completes a cohort: its completion criteria are data (a JSON object the cohort stores, read by
`parse_criteria`), and `evaluate_completion` judges a person's attendance and final assessment against them, listing
every criterion not met."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from emprende.domain.shared.errors import InvalidInput, RuleChecks, render_message
from emprende.domain.training.attendance import ATTENDED, AttendanceStatus
from emprende.domain.training.values import a_uuid, check_keys, distinct_values, object_at, whole_number

MAX_REQUIRED_MODULES = 50
_TWO_PLACES = Decimal("0.01")
_MAX_SCORE_TEXT = 20

NOT_A_SCORE = "must be a number from 0 to 100 with at most 2 decimals"
ATTENDANCE_BELOW = "attended {percent}% of the held sessions; at least {minimum}% is required"
NO_SESSION_HELD = "no session was held"
EVERY_SESSION_EXCUSED = "no session was attended: every held session was excused"
MODULES_NOT_ATTENDED = "must attend at least one session of each required module; {count} not attended: {modules}"
NO_SCORE = "no final assessment score is recorded; at least {minimum} is required"
SCORE_BELOW = "the final assessment score {score} is below the minimum of {minimum}"

TEMPLATES: tuple[str, ...] = (
    NOT_A_SCORE,
    ATTENDANCE_BELOW,
    NO_SESSION_HELD,
    EVERY_SESSION_EXCUSED,
    MODULES_NOT_ATTENDED,
    NO_SCORE,
    SCORE_BELOW,
)
"""Every message template of this module (besides the shared readers' in `values.TEMPLATES`)."""


@dataclass(frozen=True, slots=True)
class CompletionCriteria:
    """What completing a cohort takes: a share of its held sessions attended, at least one session of each required
    module attended, and, when a minimum is set, a final assessment score reaching it. Build it from stored data with
    `parse_criteria`, which checks the bounds."""

    min_attendance_percent: int = 80
    required_modules: tuple[uuid.UUID, ...] = ()
    min_assessment_score: Decimal | None = None

    def to_data(self) -> dict[str, Any]:
        """The criteria as the JSON-safe object a cohort stores (UUIDs and the score as text)."""
        score = self.min_assessment_score
        return {
            "min_attendance_percent": self.min_attendance_percent,
            "required_modules": [str(module_id) for module_id in self.required_modules],
            "min_assessment_score": None if score is None else str(score),
        }


DEFAULT_CRITERIA = CompletionCriteria()

_KEYS = ("min_attendance_percent", "required_modules", "min_assessment_score")


def parse_criteria(data: Mapping[str, Any] | Any | None, *, field: str = "completion_criteria") -> CompletionCriteria:
    """Criteria from a cohort's stored object: None or a missing key takes the default, unknown keys are refused, and
    every problem is reported at once under its field path (`completion_criteria.min_attendance_percent`). Module ids
    are kept in order without repeats and the score with two decimals, so that `parse_criteria(c.to_data()) == c`."""
    if data is None:
        return DEFAULT_CRITERIA
    criteria = object_at(data, field)
    checks = RuleChecks()
    check_keys(criteria, field, checks, required=(), optional=_KEYS)
    percent = DEFAULT_CRITERIA.min_attendance_percent
    if "min_attendance_percent" in criteria:
        read_percent = partial(
            whole_number, criteria["min_attendance_percent"], f"{field}.min_attendance_percent", lower=0, upper=100
        )
        percent = checks.check(read_percent, percent)
    modules: tuple[uuid.UUID, ...] = ()
    if "required_modules" in criteria:
        read_modules = partial(
            distinct_values,
            criteria["required_modules"],
            f"{field}.required_modules",
            a_uuid,
            limit=MAX_REQUIRED_MODULES,
            at_least_one=False,
        )
        modules = checks.check(read_modules, ())
    score = checks.check(partial(_score, criteria.get("min_assessment_score"), f"{field}.min_assessment_score"), None)
    checks.raise_broken()
    return CompletionCriteria(min_attendance_percent=percent, required_modules=modules, min_assessment_score=score)


def _score(value: object, path: str) -> Decimal | None:
    """None, or a score from 0 to 100 with at most two decimals (a number, or its text), kept with two decimals."""
    if value is None:
        return None
    score: Decimal | None = None
    try:
        if isinstance(value, Decimal):
            score = value
        elif isinstance(value, int) and not isinstance(value, bool):
            score = Decimal(value)
        elif isinstance(value, float) and math.isfinite(value):
            score = Decimal(repr(value))  # the decimal the float was written as, not its binary expansion
        elif isinstance(value, str) and len(value) <= _MAX_SCORE_TEXT:
            score = Decimal(value.strip())
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite() or not 0 <= score <= 100 or score != score.quantize(_TWO_PLACES):
        raise InvalidInput(NOT_A_SCORE, field=path)
    return score.quantize(_TWO_PLACES) if score else Decimal("0.00")


@dataclass(frozen=True, slots=True)
class HeldSession:
    """A session of a cohort that took place, and the module it taught."""

    session_id: uuid.UUID
    module_id: uuid.UUID


def attendance_percent(held: Sequence[HeldSession], marks: Mapping[uuid.UUID, AttendanceStatus]) -> Decimal:
    """The share of the held sessions the person attended (present or late), from 0 to 100 with two decimals, rounded
    half up. `marks` maps a session to the person's mark (no mark is absent). Sessions they were excused from count
    neither way; when no session counts (none was held, or every one was excused) the share is 0."""
    attended, counted = _tally(_distinct(held), marks)
    return _percent(attended, counted)


def _distinct(held: Sequence[HeldSession]) -> list[HeldSession]:
    return list({session.session_id: session for session in held}.values())


def _tally(held: Sequence[HeldSession], marks: Mapping[uuid.UUID, AttendanceStatus]) -> tuple[int, int]:
    """(sessions attended, sessions counted): excused sessions are not counted."""
    statuses = [marks.get(session.session_id, AttendanceStatus.ABSENT) for session in held]
    attended = sum(status in ATTENDED for status in statuses)
    return attended, sum(status != AttendanceStatus.EXCUSED for status in statuses)


def _percent(attended: int, counted: int) -> Decimal:
    if counted == 0:
        return Decimal("0.00")
    # Hundredths of a percent rounded half up in integers, so that no intermediate rounding shifts the half.
    hundredths = (attended * 10_000 * 2 + counted) // (2 * counted)
    return Decimal(hundredths).scaleb(-2)


@dataclass(frozen=True, slots=True)
class CriterionFailure:
    """A criterion a person does not meet: its name ("min_attendance_percent", "required_modules",
    "min_assessment_score", or "sessions" when there is no attendance to judge), and why, as an English template with
    its parameters (numbers and ids)."""

    criterion: str
    template: str
    params: Mapping[str, object]

    @property
    def message(self) -> str:
        """The English message, e.g. "attended 50.00% of the held sessions; at least 80% is required"."""
        return render_message(self.template, self.params)


@dataclass(frozen=True, slots=True)
class CompletionResult:
    """Whether a person completed a cohort, their attendance, and every criterion not met."""

    completed: bool
    attendance_percent: Decimal
    failures: tuple[CriterionFailure, ...]

    def to_data(self) -> dict[str, Any]:
        """The result as the JSON-safe object stored on the enrolment (the percent as text, failures with their
        template, parameters and English message)."""
        return {
            "completed": self.completed,
            "attendance_percent": str(self.attendance_percent),
            "failures": [
                {
                    "criterion": failure.criterion,
                    "template": failure.template,
                    "params": dict(failure.params),
                    "message": failure.message,
                }
                for failure in self.failures
            ],
        }


def _unmet(template: str, criterion: str, /, **params: object) -> CriterionFailure:
    return CriterionFailure(criterion=criterion, template=template, params=params)


def evaluate_completion(
    criteria: CompletionCriteria,
    held: Sequence[HeldSession],
    marks: Mapping[uuid.UUID, AttendanceStatus],
    assessment_score: Decimal | None,
) -> CompletionResult:
    """Judge a person's completion of a cohort from its held sessions, their marks (session id -> mark; no mark is
    absent) and their final assessment score. Every criterion not met is listed. The attendance minimum is judged on
    the percent as shown (two decimals). With no session held, or every one excused, there is no attendance to judge:
    that is a failure of its own ("sessions"), in place of the attendance minimum's."""
    sessions = _distinct(held)
    attended, counted = _tally(sessions, marks)
    percent = _percent(attended, counted)
    failures: list[CriterionFailure] = []
    if not sessions:
        failures.append(_unmet(NO_SESSION_HELD, "sessions"))
    elif counted == 0:
        failures.append(_unmet(EVERY_SESSION_EXCUSED, "sessions"))
    elif percent < criteria.min_attendance_percent:
        shown = str(percent)
        minimum_percent = criteria.min_attendance_percent
        failures.append(_unmet(ATTENDANCE_BELOW, "min_attendance_percent", percent=shown, minimum=minimum_percent))
    attended_modules = {
        session.module_id for session in sessions if marks.get(session.session_id, AttendanceStatus.ABSENT) in ATTENDED
    }
    missing = [str(module_id) for module_id in criteria.required_modules if module_id not in attended_modules]
    if missing:
        modules = ", ".join(missing)
        failures.append(_unmet(MODULES_NOT_ATTENDED, "required_modules", count=len(missing), modules=modules))
    minimum = criteria.min_assessment_score
    if minimum is not None and assessment_score is None:
        failures.append(_unmet(NO_SCORE, "min_assessment_score", minimum=str(minimum)))
    elif minimum is not None and assessment_score is not None and assessment_score < minimum:
        failures.append(_unmet(SCORE_BELOW, "min_assessment_score", score=str(assessment_score), minimum=str(minimum)))
    return CompletionResult(completed=not failures, attendance_percent=percent, failures=tuple(failures))
