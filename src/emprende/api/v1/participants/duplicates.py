"""Probable duplicates in the participant registry, for review."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, PageDep
from emprende.api.pagination import Page, split_page
from emprende.api.problems import ProblemError, problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.participants.schemas import DuplicateCandidateOut, DuplicateResolutionIn, DuplicateSideOut
from emprende.bootstrap.participants import ParticipantsWiring
from emprende.domain.participants.duplicate import CandidateStatus
from emprende.services.participants import duplicates as duplicate_service
from emprende.services.participants.ports import DuplicateCandidateRow

router = APIRouter(prefix="/duplicate-candidates", tags=["participants"])


def _out(row: DuplicateCandidateRow) -> DuplicateCandidateOut:
    return DuplicateCandidateOut(
        id=row.id,
        status=row.status,
        reasons=row.reasons,
        similarity=row.similarity,
        created_at=row.created_at,
        participant=DuplicateSideOut.model_validate(row.participant),
        other=DuplicateSideOut.model_validate(row.other),
    )


@router.get(
    "",
    response_model=Page[DuplicateCandidateOut],
    operation_id="list_duplicate_candidates",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_duplicate_candidates(
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    candidate_status: Annotated[CandidateStatus | None, Query(alias="status")] = CandidateStatus.OPEN,
) -> Page[DuplicateCandidateOut]:
    """Pairs of records that may be the same person, side by side, with the reasons and the name similarity: only
    pairs whose two records the caller may see (a pair with a record it may not see is not there for it at all)."""
    bound: dict[str, object] = {"status": candidate_status.value if candidate_status else None}
    after = uuid.UUID(codec.decode(page.cursor, "duplicate-candidates", bound)[0]) if page.cursor else None
    rows = await duplicate_service.list_duplicate_candidates(
        principal,
        candidate_status.value if candidate_status else None,
        after=after,
        limit=page.limit + 1,
        queries=container.area(ParticipantsWiring).duplicates,
    )
    items, cursor = split_page(codec, "duplicate-candidates", bound, rows, page.limit)
    return Page[DuplicateCandidateOut](items=[_out(row) for row in items], next_cursor=cursor)


@router.post(
    "/{candidate_id}/resolution",
    response_model=dict[str, uuid.UUID],
    operation_id="resolve_duplicate_candidate",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def resolve_duplicate_candidate(
    candidate_id: uuid.UUID, body: DuplicateResolutionIn, principal: CurrentPrincipal, container: ContainerDep
) -> dict[str, uuid.UUID]:
    """Mark a pair `distinct`, or `merge` it into `survivor_id`: consents and identifiers move to the survivor and
    the other record becomes a pointer to it. A pair with a record the caller may not see is answered 404."""
    merge = body.decision == "merge"
    if merge and body.survivor_id is None:
        raise ProblemError(
            "validation_failed",
            errors=[{"field": "body.survivor_id", "code": "missing", "message": "name the surviving record"}],
        )
    remaining = await duplicate_service.resolve_duplicate(
        principal,
        candidate_id,
        merge=merge,
        survivor_id=body.survivor_id,
        uow_factory=container.uow,
        clock=container.clock,
    )
    return {"survivor_id": remaining} if merge else {"candidate_id": remaining}
