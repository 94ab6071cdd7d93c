"""Completion: each person who took a seat is judged on the cohort's criteria (attendance, required modules, a final
assessment score) — when the cohort finishes, and on demand — and the result names every criterion not met."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from emprende.domain.shared.errors import NotFound
from emprende.domain.training.cohort import CohortStateConflict, CohortStatus
from emprende.domain.training.enrollment import Enrollment
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal
from emprende.services.training.cohorts import visible_cohort
from emprende.services.training.issuing import issue_certificates
from emprende.services.training.judging import Judgement, conclude, judge
from emprende.services.training.permissions import authorize
from emprende.services.training.ports import CertificateAuthority, TrainingUnitOfWork


async def evaluate_cohort(
    principal: Principal,
    cohort_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
    authority: CertificateAuthority,
) -> list[Judgement]:
    """Judge completion now. A running cohort is judged over the sessions held so far, as a preview nothing records;
    a finished one is judged again over all its sessions and the results recorded (after corrections, say), with a
    certificate for whoever completed and has none yet."""
    now = clock.now()
    await authority.ready()
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(
            uow, cohort_id, lock=True, allowed=lambda: authorize(principal, "completion.write")
        )
        if cohort.status is CohortStatus.RUNNING:
            return await judge(uow, cohort, now.date())
        if cohort.status is not CohortStatus.FINISHED:
            raise CohortStateConflict(
                "completion is judged while the cohort runs or once it finished (this one is {status})",
                status=cohort.status.value,
            )
        judged = await conclude(uow, cohort, now)
        await issue_certificates(uow, cohort, judged, authority, now)
        await uow.commit()
    return judged


async def record_score(
    principal: Principal,
    cohort_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    score: Decimal,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Enrollment:
    """Record a person's final assessment score (0 to 100, two decimals)."""
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(uow, cohort_id)
        enrollment = await uow.enrollments.get(cohort.id, enrollment_id)
        if enrollment is None:
            raise NotFound("enrollment")
        authorize(principal, "completion.write")
        if cohort.status not in (CohortStatus.RUNNING, CohortStatus.FINISHED):
            raise CohortStateConflict(
                "scores are recorded once the cohort runs (this one is {status})", status=cohort.status.value
            )
        enrollment.record_score(score, clock.now())
        await uow.commit()
    return enrollment


async def cohort_results(
    principal: Principal, cohort_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[TrainingUnitOfWork]
) -> Sequence[Enrollment]:
    """The recorded completion of everyone judged in the cohort."""
    async with uow_factory(principal, read_only=True) as uow:
        cohort = await visible_cohort(uow, cohort_id, allowed=lambda: authorize(principal, "enrollments.read"))
        return await uow.enrollments.concludable(cohort.id)
