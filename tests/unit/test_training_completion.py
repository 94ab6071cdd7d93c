"""Completion criteria as data and a person's completion judged against them: attendance over held sessions (excused
ones left out, rounded half up), required modules, the final assessment score."""

from __future__ import annotations

import json
import uuid
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emprende.domain.shared.errors import InvalidInput, issues_of
from emprende.domain.training.attendance import AttendanceStatus
from emprende.domain.training.completion import (
    DEFAULT_CRITERIA,
    MAX_REQUIRED_MODULES,
    CompletionCriteria,
    CriterionFailure,
    HeldSession,
    attendance_percent,
    evaluate_completion,
    parse_criteria,
)

PRESENT, ABSENT, EXCUSED, LATE = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.LATE,
)
BASICS, FINANCE, MARKETING = (uuid.UUID(int=100 + number) for number in range(3))


def sessions(count: int, module: uuid.UUID = BASICS) -> list[HeldSession]:
    return [HeldSession(session_id=uuid.uuid4(), module_id=module) for _ in range(count)]


def marked(held: list[HeldSession], *statuses: AttendanceStatus) -> dict[uuid.UUID, AttendanceStatus]:
    return {session.session_id: status for session, status in zip(held, statuses, strict=False)}


def failed(
    criteria: CompletionCriteria,
    held: list[HeldSession],
    marks: dict[uuid.UUID, AttendanceStatus],
    score: Decimal | None = None,
) -> list[tuple[str, str]]:
    result = evaluate_completion(criteria, held, marks, score)
    assert result.completed is (not result.failures)
    return [(failure.criterion, failure.message) for failure in result.failures]


# --- the criteria as data ---------------------------------------------------------------------------------------------


def test_no_criteria_take_the_defaults() -> None:
    assert parse_criteria(None) == DEFAULT_CRITERIA
    assert parse_criteria({}) == DEFAULT_CRITERIA
    assert (
        CompletionCriteria(min_attendance_percent=80, required_modules=(), min_assessment_score=None)
        == DEFAULT_CRITERIA
    )


def test_a_missing_key_takes_its_default() -> None:
    assert parse_criteria({"min_attendance_percent": 70}) == CompletionCriteria(min_attendance_percent=70)
    assert parse_criteria({"min_assessment_score": None, "required_modules": []}) == DEFAULT_CRITERIA


def test_criteria_are_read_and_normalised() -> None:
    criteria = parse_criteria(
        {
            "min_attendance_percent": 75,
            "required_modules": [str(FINANCE), str(BASICS).upper(), str(FINANCE)],
            "min_assessment_score": "70.5",
        }
    )
    assert criteria == CompletionCriteria(75, (FINANCE, BASICS), Decimal("70.50"))
    assert criteria.to_data() == {
        "min_attendance_percent": 75,
        "required_modules": [str(FINANCE), str(BASICS)],
        "min_assessment_score": "70.50",
    }


@pytest.mark.parametrize(
    ("given_score", "kept"),
    [
        (70, "70.00"),
        ("0", "0.00"),
        ("-0", "0.00"),
        ("100", "100.00"),
        ("1E+2", "100.00"),
        (62.25, "62.25"),
        (Decimal("99.9"), "99.90"),
        (" 55.5 ", "55.50"),
    ],
)
def test_a_minimum_score_is_kept_with_two_decimals(given_score: object, kept: str) -> None:
    criteria = parse_criteria({"min_assessment_score": given_score})
    assert criteria.to_data()["min_assessment_score"] == kept


BAD_CRITERIA: list[tuple[Any, list[str]]] = [
    ("80", ["completion_criteria"]),
    ([80], ["completion_criteria"]),
    ({"min_attendance": 80}, ["completion_criteria.min_attendance"]),
    ({"min_attendance_percent": 101}, ["completion_criteria.min_attendance_percent"]),
    ({"min_attendance_percent": -1}, ["completion_criteria.min_attendance_percent"]),
    ({"min_attendance_percent": "80"}, ["completion_criteria.min_attendance_percent"]),
    ({"min_attendance_percent": 80.0}, ["completion_criteria.min_attendance_percent"]),
    ({"min_attendance_percent": True}, ["completion_criteria.min_attendance_percent"]),
    ({"min_attendance_percent": None}, ["completion_criteria.min_attendance_percent"]),
    ({"required_modules": str(BASICS)}, ["completion_criteria.required_modules"]),
    ({"required_modules": None}, ["completion_criteria.required_modules"]),
    (
        {"required_modules": [str(BASICS), "module-2", 3]},
        ["completion_criteria.required_modules[1]", "completion_criteria.required_modules[2]"],
    ),
    (
        {"required_modules": [str(uuid.UUID(int=n)) for n in range(MAX_REQUIRED_MODULES + 1)]},
        ["completion_criteria.required_modules"],
    ),
    ({"min_assessment_score": "seventy"}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": "70.555"}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": 100.01}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": -1}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": True}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": float("nan")}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": float("inf")}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": "NaN"}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": "1" * 30}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": "1e999999999"}, ["completion_criteria.min_assessment_score"]),
    ({"min_assessment_score": [70]}, ["completion_criteria.min_assessment_score"]),
    (
        {"min_attendance_percent": 120, "required_modules": ["x"], "min_assessment_score": "x", "extra": 1},
        [
            "completion_criteria.extra",
            "completion_criteria.min_attendance_percent",
            "completion_criteria.required_modules[0]",
            "completion_criteria.min_assessment_score",
        ],
    ),
]


@pytest.mark.parametrize(("data", "fields"), BAD_CRITERIA, ids=lambda case: str(case)[:60])
def test_bad_criteria_are_refused_naming_each_field_path(data: Any, fields: list[str]) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_criteria(data)
    assert [issue.field for issue in issues_of(raised.value)] == fields


def test_criteria_errors_carry_their_template_and_bounds() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_criteria({"min_attendance_percent": 101}, field="cohort.completion_criteria")
    assert raised.value.field == "cohort.completion_criteria.min_attendance_percent"
    assert str(raised.value) == "must be a whole number from 0 to 100"


@settings(max_examples=100)
@given(
    st.integers(0, 100),
    st.lists(st.uuids(), max_size=MAX_REQUIRED_MODULES, unique=True),
    st.none() | st.decimals(min_value=0, max_value=100, places=2),
)
def test_criteria_round_trip_through_their_stored_json(
    percent: int, modules: list[uuid.UUID], score: Decimal | None
) -> None:
    criteria = CompletionCriteria(percent, tuple(modules), score)
    stored = json.loads(json.dumps(criteria.to_data()))
    assert parse_criteria(stored) == criteria
    assert parse_criteria(stored).to_data() == parse_criteria(parse_criteria(stored).to_data()).to_data()


# --- attendance percentages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "percent"),
    [
        ((PRESENT, PRESENT, PRESENT), "100.00"),
        ((PRESENT, LATE, ABSENT), "66.67"),  # late counts as attended
        ((PRESENT, ABSENT, ABSENT), "33.33"),
        ((PRESENT, ABSENT, EXCUSED), "50.00"),  # the excused session is left out
        ((EXCUSED, EXCUSED, PRESENT), "100.00"),
        ((ABSENT, ABSENT, ABSENT), "0.00"),
        ((PRESENT,), "33.33"),  # no mark is absent
        ((EXCUSED, EXCUSED, EXCUSED), "0.00"),  # nothing to count
    ],
)
def test_attendance_percent(statuses: tuple[AttendanceStatus, ...], percent: str) -> None:
    held = sessions(3)
    assert str(attendance_percent(held, marked(held, *statuses))) == percent


def test_no_session_held_is_zero_percent() -> None:
    assert attendance_percent([], {}) == Decimal("0.00")


def test_the_percent_rounds_half_up() -> None:
    held = sessions(160)
    assert str(attendance_percent(held, marked(held, PRESENT))) == "0.63"  # 0.625 (half-even would give 0.62)
    held = sessions(8)
    assert str(attendance_percent(held, marked(held, *[PRESENT] * 7, ABSENT))) == "87.50"


def test_marks_for_sessions_not_held_and_repeated_sessions_do_not_count() -> None:
    held = sessions(2)
    marks = {**marked(held, PRESENT, ABSENT), uuid.uuid4(): PRESENT}
    assert attendance_percent([*held, held[0]], marks) == Decimal("50.00")


@settings(max_examples=100)
@given(st.lists(st.sampled_from(list(AttendanceStatus)), max_size=60))
def test_the_percent_is_the_exact_share_rounded_half_up(statuses: list[AttendanceStatus]) -> None:
    held = sessions(len(statuses))
    percent = attendance_percent(held, marked(held, *statuses))
    counted = [status for status in statuses if status is not EXCUSED]
    share = Fraction(sum(status in {PRESENT, LATE} for status in counted) * 100, len(counted) or 1)
    expected = (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert percent == expected
    assert percent.as_tuple().exponent == -2
    without_excused = [session for session, status in zip(held, statuses, strict=True) if status is not EXCUSED]
    assert attendance_percent(without_excused, marked(held, *statuses)) == percent


# --- completion -------------------------------------------------------------------------------------------------------


def test_enough_attendance_completes_with_the_default_criteria() -> None:
    held = sessions(5)
    result = evaluate_completion(DEFAULT_CRITERIA, held, marked(held, PRESENT, PRESENT, LATE, PRESENT, ABSENT), None)
    assert result.completed
    assert result.attendance_percent == Decimal("80.00")
    assert result.failures == ()


def test_too_little_attendance_fails_with_the_share_and_the_minimum() -> None:
    held = sessions(5)
    assert failed(DEFAULT_CRITERIA, held, marked(held, PRESENT, PRESENT, LATE, ABSENT, ABSENT)) == [
        ("min_attendance_percent", "attended 60.00% of the held sessions; at least 80% is required")
    ]


def test_an_excused_absence_does_not_count_against_the_person() -> None:
    held = sessions(5)
    assert failed(DEFAULT_CRITERIA, held, marked(held, PRESENT, PRESENT, PRESENT, PRESENT, EXCUSED)) == []
    assert failed(DEFAULT_CRITERIA, held, marked(held, PRESENT, PRESENT, PRESENT, PRESENT, ABSENT)) == []
    assert failed(DEFAULT_CRITERIA, held, marked(held, PRESENT, PRESENT, PRESENT, ABSENT, EXCUSED)) == [
        ("min_attendance_percent", "attended 75.00% of the held sessions; at least 80% is required")
    ]


def test_the_minimum_is_judged_on_the_percent_as_shown() -> None:
    held = sessions(20_000)
    marks = marked(held, *[PRESENT] * 15_999)  # 79.995%, shown as 80.00%
    result = evaluate_completion(DEFAULT_CRITERIA, held, marks, None)
    assert (result.completed, str(result.attendance_percent)) == (True, "80.00")


def test_no_session_held_is_its_own_failure() -> None:
    assert failed(DEFAULT_CRITERIA, [], {}) == [("sessions", "no session was held")]
    assert failed(CompletionCriteria(min_attendance_percent=0), [], {}) == [("sessions", "no session was held")]


def test_every_session_excused_leaves_nothing_to_judge() -> None:
    held = sessions(3)
    result = evaluate_completion(DEFAULT_CRITERIA, held, marked(held, EXCUSED, EXCUSED, EXCUSED), None)
    assert not result.completed
    assert result.attendance_percent == Decimal("0.00")
    assert [(failure.criterion, failure.message) for failure in result.failures] == [
        ("sessions", "no session was attended: every held session was excused")
    ]


def test_each_required_module_needs_one_attended_session() -> None:
    held = [*sessions(2, BASICS), *sessions(2, FINANCE), *sessions(1, MARKETING)]
    criteria = CompletionCriteria(min_attendance_percent=0, required_modules=(BASICS, FINANCE, MARKETING))
    # Basics attended once (late), Finance only excused, Marketing absent.
    marks = marked(held, ABSENT, LATE, EXCUSED, EXCUSED, ABSENT)
    assert failed(criteria, held, marks) == [
        (
            "required_modules",
            f"must attend at least one session of each required module; 2 not attended: {FINANCE}, {MARKETING}",
        )
    ]
    assert failed(criteria, held, marked(held, ABSENT, PRESENT, ABSENT, PRESENT, LATE)) == []


def test_a_required_module_without_a_held_session_cannot_be_attended() -> None:
    held = sessions(2, BASICS)
    criteria = CompletionCriteria(required_modules=(FINANCE,))
    result = evaluate_completion(criteria, held, marked(held, PRESENT, PRESENT), None)
    assert [failure.params for failure in result.failures] == [{"count": 1, "modules": str(FINANCE)}]


@pytest.mark.parametrize(
    ("score", "failures"),
    [
        (Decimal("70.00"), []),
        (Decimal("95"), []),
        (
            Decimal("69.99"),
            [("min_assessment_score", "the final assessment score 69.99 is below the minimum of 70.00")],
        ),
        (None, [("min_assessment_score", "no final assessment score is recorded; at least 70.00 is required")]),
    ],
)
def test_the_final_assessment_score(score: Decimal | None, failures: list[tuple[str, str]]) -> None:
    held = sessions(1)
    criteria = parse_criteria({"min_assessment_score": "70"})
    assert failed(criteria, held, marked(held, PRESENT), score) == failures


def test_without_a_minimum_score_the_score_does_not_matter() -> None:
    held = sessions(1)
    assert failed(DEFAULT_CRITERIA, held, marked(held, PRESENT), None) == []
    assert failed(DEFAULT_CRITERIA, held, marked(held, PRESENT), Decimal(0)) == []


def test_every_failed_criterion_is_listed() -> None:
    held = sessions(4, BASICS)
    criteria = CompletionCriteria(90, (FINANCE,), Decimal("60.00"))
    result = evaluate_completion(criteria, held, marked(held, PRESENT, ABSENT, ABSENT, ABSENT), Decimal("59.5"))
    assert not result.completed
    assert [failure.criterion for failure in result.failures] == [
        "min_attendance_percent",
        "required_modules",
        "min_assessment_score",
    ]
    assert result.failures[0].params == {"percent": "25.00", "minimum": 90}


def test_the_result_is_stored_as_json() -> None:
    held = sessions(4)
    result = evaluate_completion(DEFAULT_CRITERIA, held, marked(held, PRESENT, PRESENT, PRESENT), None)
    assert json.loads(json.dumps(result.to_data())) == {
        "completed": False,
        "attendance_percent": "75.00",
        "failures": [
            {
                "criterion": "min_attendance_percent",
                "template": "attended {percent}% of the held sessions; at least {minimum}% is required",
                "params": {"percent": "75.00", "minimum": 80},
                "message": "attended 75.00% of the held sessions; at least 80% is required",
            }
        ],
    }


def test_a_criterion_failure_renders_its_template() -> None:
    failure = CriterionFailure("sessions", "no session was held", {})
    assert failure.message == "no session was held"
