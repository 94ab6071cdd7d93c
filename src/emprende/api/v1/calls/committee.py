"""A call's committee: its evaluators, the assignment of applications to them, and the ranked view with every
figure (mean, median, spread, z-score, reviews against the quorum, recusals, disagreement), also as CSV."""

from __future__ import annotations

import csv
import io
import uuid

from fastapi import APIRouter, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.calls.schemas import (
    AssignmentRunOut,
    EvaluatorIn,
    EvaluatorOut,
    RankedApplicationOut,
    RankingOut,
    money,
)
from emprende.bootstrap.calls import CallsWiring
from emprende.domain.calls.committee import CallEvaluator
from emprende.services.calls import committee as committee_service
from emprende.services.calls import ranking as ranking_service
from emprende.services.calls.ranking import Ranking

router = APIRouter(prefix="/seed-capital-calls", tags=["committee"])

CSV_COLUMNS = (
    "rank",
    "application_id",
    "idea_name",
    "requested_amount",
    "reviews",
    "quorum",
    "below_quorum",
    "recusals",
    "mean",
    "median",
    "stdev",
    "z_score",
    "disagreement",
)


def _evaluator_out(evaluator: CallEvaluator) -> EvaluatorOut:
    return EvaluatorOut(user_id=evaluator.user_id, partner_id=evaluator.partner_id, added_at=evaluator.added_at)


@router.post(
    "/{call_id}/evaluators",
    status_code=status.HTTP_201_CREATED,
    response_model=EvaluatorOut,
    operation_id="add_call_evaluator",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def add_call_evaluator(
    call_id: uuid.UUID, body: EvaluatorIn, principal: CurrentPrincipal, container: ContainerDep
) -> EvaluatorOut:
    """Put an evaluator on the committee: a user with the evaluator role of a partner holding an `evaluation`
    agreement in force, or an expert of the programme."""
    evaluator = await committee_service.add_evaluator(
        principal, call_id, body.user_id, uow_factory=container.uow, clock=container.clock
    )
    return _evaluator_out(evaluator)


@router.get(
    "/{call_id}/evaluators",
    response_model=list[EvaluatorOut],
    operation_id="list_call_evaluators",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def list_call_evaluators(
    call_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> list[EvaluatorOut]:
    """The call's committee, in the order its members were added."""
    found = await committee_service.list_evaluators(principal, call_id, uow_factory=container.uow)
    return [_evaluator_out(evaluator) for evaluator in found]


@router.post(
    "/{call_id}/assignments",
    response_model=AssignmentRunOut,
    operation_id="assign_call_reviews",
    responses=problem_responses(400, 401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def assign_call_reviews(
    call_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> AssignmentRunOut:
    """Spread the call's applications over its committee up to the quorum: the least loaded evaluator first, never
    one with a conflict the records show. Run again, it tops up what recusals or new applications left short."""
    run = await committee_service.assign_reviews(principal, call_id, uow_factory=container.uow, clock=container.clock)
    return AssignmentRunOut(created=run.created, short=run.short)


def _ranked(found: Ranking) -> RankingOut:
    quorum = found.call.terms.quorum
    return RankingOut(
        call_id=found.call.id,
        ranking_method=found.call.terms.ranking_method,
        frozen=found.frozen,
        # Figures the domain computed and checked: built without validating each of thousands again.
        items=[
            RankedApplicationOut.model_construct(
                rank=item.figures.rank,
                application_id=item.figures.application_id,
                idea_name=item.idea_name,
                requested_amount=money(item.requested),
                reviews=item.figures.reviews,
                quorum=quorum,
                below_quorum=item.figures.below_quorum,
                recusals=item.figures.recusals,
                mean=item.figures.mean,
                median=item.figures.median,
                stdev=item.figures.stdev,
                z_score=item.figures.z_score,
                disagreement=item.figures.disagreement,
            )
            for item in found.items
        ],
    )


@router.get(
    "/{call_id}/ranking",
    response_model=RankingOut,
    operation_id="get_call_ranking",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def get_call_ranking(call_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep) -> Response:
    """The committee's view: every application still in the call, best first by the call's ranking method, with its
    figures, its reviews against the quorum, its recusals and a disagreement flag. Frozen once the review closes."""
    found = await ranking_service.ranking(
        principal, call_id, uow_factory=container.uow, queries=container.area(CallsWiring).calls
    )
    # Thousands of items, built here from checked figures: serialised once, straight to JSON.
    return Response(_ranked(found).model_dump_json(), media_type="application/json")


@router.get(
    "/{call_id}/ranking/export",
    operation_id="export_call_ranking",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The ranking as CSV"},
        **problem_responses(401, 403, 404),
    },
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def export_call_ranking(call_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep) -> Response:
    """The committee's view as CSV (UTF-8, a header row, one application per row)."""
    found = _ranked(
        await ranking_service.ranking(
            principal, call_id, uow_factory=container.uow, queries=container.area(CallsWiring).calls
        )
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in found.items:
        row = item.model_dump(mode="json")
        row["idea_name"] = _safe_cell(row["idea_name"])
        writer.writerow({column: "" if row[column] is None else row[column] for column in CSV_COLUMNS})
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ranking-{call_id}.csv"'},
    )


def _safe_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
