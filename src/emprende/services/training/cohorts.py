"""Cohort use cases: plan a cohort and its sessions, open it for enrolment, start, finish or cancel it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from emprende.domain.identity.user import Role
from emprende.domain.partners.agreement import AgreementRole
from emprende.domain.shared.errors import InvalidInput, NotFound, PreconditionFailed
from emprende.domain.training.cohort import Cohort, CohortPlan, CohortStatus
from emprende.domain.training.enrollment import EndReason, EnrollmentStatus
from emprende.domain.training.session import CohortSession, SessionPlan, check_session
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal
from emprende.services.training.agreements import require_role
from emprende.services.training.issuing import issue_certificates
from emprende.services.training.judging import conclude
from emprende.services.training.permissions import authorize
from emprende.services.training.ports import CertificateAuthority, TrainingUnitOfWork
from emprende.services.training.seats import promote, sweep

FACILITATING_ROLES = frozenset({Role.FACILITATOR, Role.PARTNER_STAFF, Role.PARTNER_MANAGER})


async def visible_cohort(
    uow: TrainingUnitOfWork, cohort_id: uuid.UUID, *, lock: bool = False, allowed: Callable[[], None] | None = None
) -> Cohort:
    """The cohort, if it is the tenant's: another partner's cohort is as missing as one that does not exist, so
    `allowed` (the permission check) runs only once it is found."""
    cohort = await (uow.cohorts.lock(cohort_id) if lock else uow.cohorts.get(cohort_id))
    if cohort is None:
        raise NotFound("cohort")
    if allowed is not None:
        allowed()
    return cohort


async def _check_curriculum(uow: TrainingUnitOfWork, plan: CohortPlan) -> None:
    """Every module version of the curriculum exists and is published."""
    items = [(item.module_id, item.version) for item in plan.curriculum]
    published = {(version.module_id, version.number) for version in await uow.modules.published(items)}
    for index, item in enumerate(items):
        if item not in published:
            raise InvalidInput(
                "teach published module versions only", field=f"curriculum[{index}]", code="module_not_published"
            )


def _delivering_partner(principal: Principal, partner_id: uuid.UUID | None) -> uuid.UUID:
    if principal.is_admin:
        if partner_id is None:
            raise InvalidInput("name the partner delivering the cohort", field="partner_id")
        return partner_id
    if principal.partner_id is None or partner_id not in (None, principal.partner_id):
        raise InvalidInput("a partner runs cohorts in its own name", field="partner_id")
    return principal.partner_id


async def create_cohort(
    principal: Principal,
    plan: CohortPlan,
    partner_id: uuid.UUID | None,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Cohort:
    """Plan a cohort (a draft) for a partner holding `training_delivery`."""
    authorize(principal, "cohorts.write")
    now = clock.now()
    async with uow_factory(principal) as uow:
        partner = _delivering_partner(principal, partner_id)
        await require_role(uow, partner, AgreementRole.TRAINING_DELIVERY, now.date(), field="partner_id")
        cohort = Cohort(partner_id=partner, plan=plan, now=now, by=principal.id)
        await _check_curriculum(uow, plan)
        uow.cohorts.add(cohort)
        await uow.commit()
    return cohort


async def replan_cohort(
    principal: Principal,
    cohort_id: uuid.UUID,
    plan: CohortPlan,
    expected_version: int | None,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> Cohort:
    """Change a cohort's plan; a raised capacity offers the new seats to the people waiting at once."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(uow, cohort_id, lock=True, allowed=lambda: authorize(principal, "cohorts.write"))
        check_version(cohort.version, expected_version)
        await sweep(uow, cohort, now)
        await _check_curriculum(uow, plan)
        cohort.replan(plan, now)
        if cohort.status in (CohortStatus.OPEN, CohortStatus.RUNNING):
            await promote(uow, cohort, now)
        await uow.commit()
    return cohort


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise PreconditionFailed("the cohort changed since you read it; read it again")


async def move_cohort(
    principal: Principal,
    cohort_id: uuid.UUID,
    status: CohortStatus,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
    authority: CertificateAuthority,
) -> Cohort:
    """Open a cohort for enrolment, start it, finish it or cancel it (everyone in it is told, through events).
    Finishing judges everyone's completion and issues the certificates, in the same transaction."""
    now = clock.now()
    if status is CohortStatus.FINISHED:
        await authority.ready()
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(uow, cohort_id, lock=True, allowed=lambda: authorize(principal, "cohorts.write"))
        if status is CohortStatus.OPEN:
            await require_role(uow, cohort.partner_id, AgreementRole.TRAINING_DELIVERY, now.date())
        await sweep(uow, cohort, now)
        cohort.move_to(status, now)
        if status in (CohortStatus.CANCELLED, CohortStatus.FINISHED):
            # Whoever still waits or holds an offer leaves; a cancellation withdraws everyone.
            reason = EndReason.COHORT_CANCELLED if status is CohortStatus.CANCELLED else EndReason.COHORT_FINISHED
            for enrollment in await uow.enrollments.active(cohort.id):
                if status is CohortStatus.CANCELLED or enrollment.status is not EnrollmentStatus.ENROLLED:
                    enrollment.withdraw(cohort, now, reason)
        if status is CohortStatus.FINISHED:
            await issue_certificates(uow, cohort, await conclude(uow, cohort, now), authority, now)
        await uow.commit()
    return cohort


async def get_cohort(
    principal: Principal, cohort_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[TrainingUnitOfWork]
) -> tuple[Cohort, Sequence[CohortSession]]:
    """A cohort of the tenant with its sessions."""
    async with uow_factory(principal, read_only=True) as uow:
        cohort = await visible_cohort(uow, cohort_id, allowed=lambda: authorize(principal, "cohorts.read"))
        return cohort, await uow.cohort_sessions.for_cohort(cohort.id)


async def _check_facilitator(uow: TrainingUnitOfWork, cohort: Cohort, facilitator_id: uuid.UUID | None) -> None:
    if facilitator_id is None:
        return
    user = await uow.users.get(facilitator_id)
    if user is None or user.partner_id != cohort.partner_id or user.role not in FACILITATING_ROLES:
        raise InvalidInput(
            "the facilitator is a facilitator or staff member of the delivering partner",
            field="facilitator_id",
            code="unknown_facilitator",
        )


async def add_session(
    principal: Principal,
    cohort_id: uuid.UUID,
    plan: SessionPlan,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> CohortSession:
    """Schedule a session within the cohort's dates, for one of its modules."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(uow, cohort_id, allowed=lambda: authorize(principal, "cohorts.write"))
        cohort.check_active()
        check_session(
            plan,
            start=cohort.start_date,
            end=cohort.end_date,
            modules=frozenset(item.module_id for item in cohort.curriculum),
        )
        await _check_facilitator(uow, cohort, plan.facilitator_id)
        session = CohortSession(cohort_id=cohort.id, plan=plan, now=now)
        uow.cohort_sessions.add(session)
        await uow.commit()
    return session


async def reschedule_session(
    principal: Principal,
    cohort_id: uuid.UUID,
    session_id: uuid.UUID,
    plan: SessionPlan,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> CohortSession:
    """Move a session, change its module or facilitator."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        cohort = await visible_cohort(uow, cohort_id)
        session = await uow.cohort_sessions.get(cohort.id, session_id)
        if session is None:
            raise NotFound("session")
        authorize(principal, "cohorts.write")
        cohort.check_active()
        check_session(
            plan,
            start=cohort.start_date,
            end=cohort.end_date,
            modules=frozenset(item.module_id for item in cohort.curriculum),
        )
        await _check_facilitator(uow, cohort, plan.facilitator_id)
        session.reschedule(plan, now)
        await uow.commit()
    return session
