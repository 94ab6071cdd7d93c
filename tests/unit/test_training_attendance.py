"""Attendance batches: one mark per enrolled person, notes tidied, every problem reported at once by its field path."""

from __future__ import annotations

import unicodedata
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emprende.domain.shared.errors import InvalidInput, issues_of
from emprende.domain.training.attendance import (
    ATTENDED,
    MAX_BATCH,
    MAX_NOTE,
    AttendanceMark,
    AttendanceStatus,
    check_batch,
    tidy_note,
)

ANA, BETO, CARLA, DINA = (uuid.UUID(int=number) for number in range(1, 5))
ENROLLED = frozenset({ANA, BETO, CARLA})


def problems(marks: list[AttendanceMark], enrolled: frozenset[uuid.UUID] = ENROLLED) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as raised:
        check_batch(marks, enrolled=enrolled)
    return [(str(issue.field), issue.template) for issue in issues_of(raised.value)]


def test_present_and_late_count_as_attended() -> None:
    assert {AttendanceStatus.PRESENT, AttendanceStatus.LATE} == ATTENDED
    assert AttendanceStatus.EXCUSED not in ATTENDED
    assert AttendanceStatus.ABSENT not in ATTENDED


def test_a_good_batch_comes_back_in_order_with_tidied_notes() -> None:
    marks = [
        AttendanceMark(BETO, AttendanceStatus.LATE, "  bus \n strike\tin  Quito "),
        AttendanceMark(ANA, AttendanceStatus.PRESENT),
        AttendanceMark(CARLA, AttendanceStatus.EXCUSED, " \n\t "),
    ]
    assert check_batch(marks, enrolled=ENROLLED) == (
        AttendanceMark(BETO, AttendanceStatus.LATE, "bus strike in Quito"),
        AttendanceMark(ANA, AttendanceStatus.PRESENT, None),
        AttendanceMark(CARLA, AttendanceStatus.EXCUSED, None),
    )


def test_a_status_given_as_its_code_becomes_the_status() -> None:
    (mark,) = check_batch([AttendanceMark(ANA, "absent")], enrolled=ENROLLED)
    assert mark.status is AttendanceStatus.ABSENT


def test_an_unknown_status_is_refused_at_its_index() -> None:
    marks = [AttendanceMark(ANA, AttendanceStatus.PRESENT), AttendanceMark(BETO, "asleep")]
    assert problems(marks) == [("marks[1].status", "not a known attendance status")]


@pytest.mark.parametrize("size", [0, MAX_BATCH + 1])
def test_a_batch_has_1_to_max_batch_marks(size: int) -> None:
    people = [uuid.UUID(int=number) for number in range(1, size + 1)]
    marks = [AttendanceMark(person, AttendanceStatus.PRESENT) for person in people]
    with pytest.raises(InvalidInput) as raised:
        check_batch(marks, enrolled=frozenset(people))
    assert raised.value.field == "marks"
    assert str(raised.value) == f"give 1 to {MAX_BATCH} marks"


def test_a_full_batch_is_accepted() -> None:
    people = [uuid.UUID(int=number) for number in range(1, MAX_BATCH + 1)]
    marks = [AttendanceMark(person, AttendanceStatus.PRESENT) for person in people]
    assert len(check_batch(marks, enrolled=frozenset(people))) == MAX_BATCH


def test_a_second_mark_for_the_same_person_is_refused_at_its_index() -> None:
    marks = [
        AttendanceMark(ANA, AttendanceStatus.PRESENT),
        AttendanceMark(BETO, AttendanceStatus.PRESENT),
        AttendanceMark(ANA, AttendanceStatus.ABSENT),
    ]
    assert problems(marks) == [("marks[2].participant_id", "this person already has a mark in this batch")]


def test_a_mark_for_someone_not_enrolled_is_refused_at_its_index() -> None:
    marks = [AttendanceMark(ANA, AttendanceStatus.PRESENT), AttendanceMark(DINA, AttendanceStatus.PRESENT)]
    assert problems(marks) == [("marks[1].participant_id", "this person is not enrolled in the cohort")]


def test_notes_have_at_most_500_characters_after_tidying() -> None:
    at_limit = "x" * MAX_NOTE
    spaced_out = "  ".join(["x"] * 250)  # 749 characters, 499 once collapsed
    (first, second) = check_batch(
        [
            AttendanceMark(ANA, AttendanceStatus.EXCUSED, at_limit),
            AttendanceMark(BETO, AttendanceStatus.LATE, spaced_out),
        ],
        enrolled=ENROLLED,
    )
    assert first.note == at_limit
    assert second.note == " ".join(["x"] * 250)
    too_long = [AttendanceMark(ANA, AttendanceStatus.EXCUSED, "x" * (MAX_NOTE + 1))]
    assert problems(too_long) == [("marks[0].note", "a note has at most {limit} characters")]


def test_notes_with_control_characters_are_refused() -> None:
    marks = [
        AttendanceMark(ANA, AttendanceStatus.EXCUSED, "sick\x00note"),
        AttendanceMark(BETO, AttendanceStatus.EXCUSED, "ok\x1b[31m"),
    ]
    assert problems(marks) == [
        ("marks[0].note", "a note must not contain control characters"),
        ("marks[1].note", "a note must not contain control characters"),
    ]


def test_every_problem_is_reported_at_once() -> None:
    marks = [
        AttendanceMark(DINA, AttendanceStatus.PRESENT),
        AttendanceMark(ANA, "gone", "x" * 600),
        AttendanceMark(ANA, AttendanceStatus.LATE),
    ]
    assert problems(marks) == [
        ("marks[0].participant_id", "this person is not enrolled in the cohort"),
        ("marks[1].status", "not a known attendance status"),
        ("marks[1].note", "a note has at most {limit} characters"),
        ("marks[2].participant_id", "this person already has a mark in this batch"),
    ]


def test_a_custom_field_name_prefixes_the_paths() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_batch([AttendanceMark(DINA, AttendanceStatus.PRESENT)], enrolled=ENROLLED, field="attendance")
    assert raised.value.field == "attendance[0].participant_id"


@settings(max_examples=100)
@given(st.lists(st.uuids(), min_size=1, max_size=40, unique=True), st.data())
def test_a_batch_of_enrolled_people_keeps_its_people_and_statuses(people: list[uuid.UUID], data: st.DataObject) -> None:
    marks = [AttendanceMark(person, data.draw(st.sampled_from(list(AttendanceStatus)))) for person in people]
    checked = check_batch(marks, enrolled=frozenset(people))
    assert [(mark.participant_id, mark.status) for mark in checked] == [
        (mark.participant_id, mark.status) for mark in marks
    ]


@settings(max_examples=100)
@given(st.text(max_size=600))
def test_a_tidy_note_keeps_the_words_and_only_single_spaces(note: str) -> None:
    words = " ".join(note.split())  # the spec: whitespace collapsed, then at most MAX_NOTE, no control characters
    if len(words) > MAX_NOTE or any(unicodedata.category(character) == "Cc" for character in words):
        with pytest.raises(InvalidInput) as raised:
            tidy_note(note)
        assert raised.value.field == "note"
    else:
        assert tidy_note(note) == (words or None)
