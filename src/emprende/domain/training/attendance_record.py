"""A person's attendance at one session: recorded once, then corrected in place (every correction is in the audit
trail), so that a register sent again — a tablet that was offline resending its batch — changes nothing."""

from __future__ import annotations

import uuid
from datetime import datetime

from emprende.domain.shared.errors import Conflict
from emprende.domain.shared.events import Aggregate
from emprende.domain.shared.ids import new_id
from emprende.domain.training.attendance import AttendanceMark, AttendanceStatus


class AttendanceChanged(Conflict):
    """Two registers of one session were sent at the same moment and both recorded someone first."""

    code = "attendance_changed"


class AttendanceRecord(Aggregate):
    id: uuid.UUID
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    enrollment_id: uuid.UUID
    participant_id: uuid.UUID
    status: AttendanceStatus
    note: str | None
    recorded_by: uuid.UUID | None
    recorded_at: datetime
    updated_at: datetime
    version: int

    def __init__(
        self,
        *,
        session_id: uuid.UUID,
        cohort_id: uuid.UUID,
        enrollment_id: uuid.UUID,
        mark: AttendanceMark,
        by: uuid.UUID | None,
        now: datetime,
    ) -> None:
        self.id = new_id()
        self.session_id = session_id
        self.cohort_id = cohort_id
        self.enrollment_id = enrollment_id
        self.participant_id = mark.participant_id
        self.status = mark.status
        self.note = mark.note
        self.recorded_by = by
        self.recorded_at = self.updated_at = now
        self.version = 1

    def correct(self, mark: AttendanceMark, by: uuid.UUID | None, now: datetime) -> bool:
        """Take the mark if it differs from the one held; whether it did."""
        if (mark.status, mark.note) == (self.status, self.note):
            return False
        self.status = mark.status
        self.note = mark.note
        self.recorded_by = by
        self.updated_at = now
        return True
