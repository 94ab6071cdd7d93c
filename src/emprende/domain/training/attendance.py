"""Attendance: a mark per enrolled person per held session, recorded in batches (one session's register at a time)."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial

from emprende.domain.shared.errors import InvalidInput, RuleChecks


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"
    LATE = "late"


ATTENDED: frozenset[AttendanceStatus] = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
"""The marks that count as having attended a session."""

MAX_BATCH = 2_000
MAX_NOTE = 500

_STATUSES = frozenset(status.value for status in AttendanceStatus)

BATCH_SIZE = "give 1 to {limit} marks"
UNKNOWN_STATUS = "not a known attendance status"
MARKED_TWICE = "this person already has a mark in this batch"
NOT_ENROLLED = "this person is not enrolled in the cohort"
NOTE_TOO_LONG = "a note has at most {limit} characters"
NOTE_CONTROL_CHARACTERS = "a note must not contain control characters"

TEMPLATES: tuple[str, ...] = (
    BATCH_SIZE,
    UNKNOWN_STATUS,
    MARKED_TWICE,
    NOT_ENROLLED,
    NOTE_TOO_LONG,
    NOTE_CONTROL_CHARACTERS,
)
"""Every message template this module raises."""


@dataclass(frozen=True, slots=True)
class AttendanceMark:
    """One person's mark for one session, with an optional note (why they were excused, say)."""

    participant_id: uuid.UUID
    status: AttendanceStatus
    note: str | None = None


def check_batch(
    marks: Sequence[AttendanceMark], *, enrolled: frozenset[uuid.UUID], field: str = "marks"
) -> tuple[AttendanceMark, ...]:
    """The marks of one batch, checked and tidied: 1 to MAX_BATCH marks, one per person, each for someone enrolled in
    the cohort, notes with their whitespace collapsed (an empty note is none) and at most MAX_NOTE characters. Every
    problem is reported at once, under `marks[i].participant_id`, `marks[i].status` or `marks[i].note`."""
    if not 1 <= len(marks) <= MAX_BATCH:
        raise InvalidInput(BATCH_SIZE, field=field, limit=MAX_BATCH)
    checks = RuleChecks()
    tidied: list[AttendanceMark] = []
    seen: set[uuid.UUID] = set()
    for index, mark in enumerate(marks):
        path = f"{field}[{index}]"
        if mark.participant_id in seen:
            checks.issues.append(InvalidInput(MARKED_TWICE, field=f"{path}.participant_id", index=index))
        elif mark.participant_id not in enrolled:
            checks.issues.append(InvalidInput(NOT_ENROLLED, field=f"{path}.participant_id", index=index))
        seen.add(mark.participant_id)
        status = checks.check(partial(_status, mark.status, f"{path}.status"), mark.status)
        note = checks.check(partial(tidy_note, mark.note, f"{path}.note"), None)
        tidied.append(replace(mark, status=status, note=note))
    checks.raise_broken()
    return tuple(tidied)


def _status(value: object, path: str) -> AttendanceStatus:
    if isinstance(value, AttendanceStatus):
        return value
    if isinstance(value, str) and value in _STATUSES:
        return AttendanceStatus(value)
    raise InvalidInput(UNKNOWN_STATUS, field=path)


def tidy_note(note: str | None, field: str = "note") -> str | None:
    """A note with its whitespace collapsed to single spaces; None when nothing is left. At most MAX_NOTE characters,
    and no control characters (line breaks and tabs are whitespace, and collapse)."""
    if note is None:
        return None
    tidy = " ".join(note.split())
    if len(tidy) > MAX_NOTE:
        raise InvalidInput(NOTE_TOO_LONG, field=field, limit=MAX_NOTE)
    if any(unicodedata.category(character) == "Cc" for character in tidy):
        raise InvalidInput(NOTE_CONTROL_CHARACTERS, field=field)
    return tidy or None
