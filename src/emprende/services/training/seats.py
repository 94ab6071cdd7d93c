"""How a cohort's seats move: freed seats go to the first person waiting, as an offer that expires; lapsed offers
are swept before anything else changes the cohort. Every function runs inside the caller's transaction, after the
cohort was locked (`uow.cohorts.lock`), so the change that frees a seat and the offer it makes commit together."""

from __future__ import annotations

from datetime import datetime

from emprende.domain.training.cohort import Cohort
from emprende.domain.training.enrollment import Enrollment
from emprende.services.training.ports import TrainingUnitOfWork


async def promote(uow: TrainingUnitOfWork, cohort: Cohort, now: datetime) -> list[Enrollment]:
    """Offer every free seat to the people waiting, first come first served."""
    offered: list[Enrollment] = []
    while cohort.free_seats > 0:
        waiting = await uow.enrollments.first_waiting(cohort.id, cohort.free_seats)
        if not waiting:
            break
        for enrollment in waiting:
            enrollment.offer(cohort, now)
            offered.append(enrollment)
    return offered


async def sweep(uow: TrainingUnitOfWork, cohort: Cohort, now: datetime) -> list[Enrollment]:
    """Expire the offers that lapsed, each promoting the next person waiting, in the order they lapsed."""
    changed: list[Enrollment] = []
    while lapsed := await uow.enrollments.lapsed_offers(cohort.id, now):
        for enrollment in lapsed:
            enrollment.expire(cohort, now)
            changed.append(enrollment)
        changed += await promote(uow, cohort, now)
    return changed
