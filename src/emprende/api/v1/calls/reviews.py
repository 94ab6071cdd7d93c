"""The evaluator's work: their assignments, the conflict-of-interest declaration made before seeing anything, the
application to score (only the idea during a blind phase), and their review — saved as drafts, then submitted."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, PageDep
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.calls.schemas import (
    AssignedApplicationOut,
    AssignmentListItemOut,
    AssignmentOut,
    DeclarationIn,
    ReviewIn,
    ReviewOut,
    money,
)
from emprende.api.v1.calls.views import assignment_out, review_out, rubric_out
from emprende.bootstrap.calls import CallsWiring
from emprende.domain.calls.assignment import Declaration
from emprende.domain.calls.conflicts import ConflictRelation
from emprende.domain.calls.review import CriterionScore, ReviewStatus
from emprende.domain.shared.errors import InvalidInput
from emprende.services.calls import reviews as review_service

router = APIRouter(tags=["reviews"])

RELATION_NEEDED = "a conflict names its relation to the applicant; no conflict names none"


@router.get(
    "/me/review-assignments",
    response_model=Page[AssignmentListItemOut],
    operation_id="list_my_review_assignments",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def list_my_review_assignments(
    principal: CurrentPrincipal, container: ContainerDep, codec: CursorCodecDep, page: PageDep
) -> Page[AssignmentListItemOut]:
    """The signed-in evaluator's assignments, newest first, with their declaration and review status."""
    bound: dict[str, object] = {}
    after = uuid.UUID(codec.decode(page.cursor, "review-assignments", bound)[0]) if page.cursor else None
    rows = await review_service.my_assignments(
        principal, after, page.limit + 1, queries=container.area(CallsWiring).calls
    )
    items, cursor = split_page(codec, "review-assignments", bound, rows, page.limit)
    return Page[AssignmentListItemOut](
        items=[
            AssignmentListItemOut(
                id=row.id,
                call_id=row.call_id,
                call_title=row.call_title,
                application_id=row.application_id,
                declaration=Declaration(row.declaration),
                review_status=None if row.review_status is None else ReviewStatus(row.review_status),
                assigned_at=row.assigned_at,
            )
            for row in items
        ],
        next_cursor=cursor,
    )


@router.post(
    "/review-assignments/{assignment_id}/declaration",
    response_model=AssignmentOut,
    operation_id="declare_conflict_of_interest",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def declare_conflict_of_interest(
    assignment_id: uuid.UUID, body: DeclarationIn, principal: CurrentPrincipal, container: ContainerDep
) -> AssignmentOut:
    """Declare, before seeing the application, whether you have a conflict of interest with it. A conflict — declared
    or found in the records (you work for the partner supporting the applicant, facilitated their cohort, or declared
    a relation with them before) — recuses you: you never see nor score it, and another evaluator is assigned."""
    if body.conflict != (body.relation is not None):
        raise InvalidInput(RELATION_NEEDED, field="relation")
    declared = await review_service.declare(
        principal,
        assignment_id,
        None if body.relation is None else ConflictRelation(body.relation),
        body.note,
        uow_factory=container.uow,
        clock=container.clock,
    )
    return assignment_out(declared.assignment, declared.replaced if declared.assignment.recused else None)


@router.get(
    "/review-assignments/{assignment_id}/application",
    response_model=AssignedApplicationOut,
    operation_id="get_assigned_application",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def get_assigned_application(
    assignment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> AssignedApplicationOut:
    """The application to score, once you declared no conflict: the idea as submitted, the rubric and your review so
    far; outside a blind phase also who applied and their supporting partner."""
    found = await review_service.assigned_application(principal, assignment_id, uow_factory=container.uow)
    return AssignedApplicationOut(
        assignment_id=found.assignment.id,
        application_id=found.application.id,
        call_id=found.call.id,
        blind=found.blind,
        idea=found.idea,
        requested_amount=money(found.application.requested_amount),
        applicant_name=None if found.blind else found.applicant_name,
        supporting_partner_id=None if found.blind else found.application.owner_partner_id,
        rubric=rubric_out(found.call),
        review=None if found.review is None else review_out(found.review),
    )


@router.put(
    "/review-assignments/{assignment_id}/review",
    response_model=ReviewOut,
    operation_id="save_review",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def save_review(
    assignment_id: uuid.UUID, body: ReviewIn, principal: CurrentPrincipal, container: ContainerDep
) -> ReviewOut:
    """Save scores and comments as a draft, criterion by criterion (those left out keep what was saved). The call's
    first score freezes its rubric."""
    review = await review_service.save_review(
        principal,
        assignment_id,
        {key: CriterionScore(item.score, item.comment) for key, item in body.scores.items()},
        uow_factory=container.uow,
        clock=container.clock,
    )
    return review_out(review)


@router.post(
    "/review-assignments/{assignment_id}/review/submission",
    response_model=ReviewOut,
    operation_id="submit_review",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def submit_review(assignment_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep) -> ReviewOut:
    """Submit your review: every criterion scored, each with a comment. It no longer changes, and counts towards the
    application's quorum."""
    review = await review_service.submit_review(
        principal, assignment_id, uow_factory=container.uow, clock=container.clock
    )
    return review_out(review)
