"""Judging completion: every person who took a seat, over the cohort's held sessions, their marks and their final
score, on the cohort's criteria. Runs inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from emprende.domain.training.attendance import AttendanceStatus
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.completion import CompletionResult, HeldSession, evaluate_completion
from emprende.domain.training.enrollment import Enrollment
from emprende.services.training.ports import TrainingUnitOfWork


@dataclass(frozen=True, slots=True)
class Judgement:
    enrollment: Enrollment
    result: CompletionResult


async def judge(uow: TrainingUnitOfWork, cohort: Cohort, held_by: date | None) -> list[Judgement]:
    """Every seated person's result over the sessions held by `held_by` (None: every session of the cohort)."""
    sessions = await uow.cohort_sessions.for_cohort(cohort.id)
    held = [HeldSession(s.id, s.module_id) for s in sessions if held_by is None or s.on <= held_by]
    marks: dict[uuid.UUID, dict[uuid.UUID, AttendanceStatus]] = defaultdict(dict)
    for record in await uow.attendance.for_cohort(cohort.id):
        marks[record.enrollment_id][record.session_id] = record.status
    criteria = cohort.completion_criteria
    return [
        Judgement(e, evaluate_completion(criteria, held, marks[e.id], e.assessment_score))
        for e in await uow.enrollments.concludable(cohort.id)
    ]


async def conclude(uow: TrainingUnitOfWork, cohort: Cohort, now: datetime) -> list[Judgement]:
    """Judge and record everyone's completion over every session (the cohort finished)."""
    judged = await judge(uow, cohort, None)
    for item in judged:
        item.enrollment.conclude(item.result.to_data(), item.result.completed, now)
    return judged
