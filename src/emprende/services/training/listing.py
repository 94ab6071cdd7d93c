"""The training area's lists: the module catalogue, a partner's cohorts, a cohort's enrolments and queue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from emprende.domain.identity.user import Language
from emprende.services.shared.ports import UnitOfWorkFactory
from emprende.services.shared.principal import Principal
from emprende.services.training.cohorts import visible_cohort
from emprende.services.training.permissions import authorize, is_allowed
from emprende.services.training.ports import CohortRow, EnrollmentRow, ModuleRow, TrainingQueries, TrainingUnitOfWork


async def list_modules(
    principal: Principal,
    language: Language,
    *,
    after: uuid.UUID | None,
    limit: int,
    queries: TrainingQueries,
) -> Sequence[ModuleRow]:
    """Published modules in the wanted language (or the one they have); their authors also see their drafts."""
    authorize(principal, "modules.read")
    if principal.is_admin:
        return await queries.list_modules(None, True, language, after, limit)
    author = principal.partner_id if is_allowed(principal, "modules.write") else None
    return await queries.list_modules(author, author is not None, language, after, limit)


async def list_cohorts(
    principal: Principal, status: str | None, *, after: uuid.UUID | None, limit: int, queries: TrainingQueries
) -> Sequence[CohortRow]:
    """The partner's cohorts (administrators: every partner's), oldest first."""
    authorize(principal, "cohorts.read")
    return await queries.list_cohorts(principal.tenant, status, after, limit)


async def list_enrollments(
    principal: Principal,
    cohort_id: uuid.UUID,
    status: str | None,
    *,
    after: tuple[int, uuid.UUID] | None,
    limit: int,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    queries: TrainingQueries,
) -> Sequence[EnrollmentRow]:
    """A cohort's enrolments: the queue first, in its order, then everyone else by when they asked."""
    async with uow_factory(principal, read_only=True) as uow:
        await visible_cohort(uow, cohort_id, allowed=lambda: authorize(principal, "enrollments.read"))
    return await queries.list_enrollments(principal.tenant, cohort_id, status, after, limit)
