"""The participant portal's applications: apply with one's own submitted idea, follow one's applications, withdraw,
and see how an application was judged — the rules that admitted it and, once the review closed, each criterion's
scores and comments without who gave them (LOPDP Art. 20)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.calls.schemas import (
    ApplicationOut,
    CriterionExplanationOut,
    ExplanationOut,
    MyApplicationIn,
    MyApplicationOut,
    ScoreGivenOut,
    money,
)
from emprende.api.v1.calls.views import application_out
from emprende.bootstrap.calls import CallsWiring
from emprende.domain.calls.application import Application
from emprende.domain.calls.call import CallStatus, SeedCapitalCall
from emprende.services.calls import portal as portal_service

router = APIRouter(prefix="/me", tags=["my-applications"])


def _mine(application: Application, call: SeedCapitalCall) -> MyApplicationOut:
    return MyApplicationOut(
        id=application.id,
        call_id=call.id,
        call_title=call.terms.title,
        call_status=call.status,
        idea_id=application.idea_id,
        idea_name=application.idea_name,
        requested_amount=money(application.requested_amount),
        status=application.status,
        submitted_at=application.submitted_at,
    )


@router.get(
    "/applications",
    response_model=list[MyApplicationOut],
    operation_id="list_my_applications",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def list_my_applications(principal: CurrentPrincipal, container: ContainerDep) -> list[MyApplicationOut]:
    """The signed-in person's applications, newest first, with their call's state."""
    found = await portal_service.my_applications(principal, uow_factory=container.uow)
    return [_mine(item.application, item.call) for item in found]


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationOut,
    operation_id="apply_myself",
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def apply_myself(
    body: MyApplicationIn, request: Request, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> ApplicationOut:
    """Apply to an open call with one of your own submitted ideas; it is copied as it stands now."""
    application = await portal_service.apply_myself(
        principal, body.call_id, body.idea_id, uow_factory=container.uow, clock=container.clock
    )
    response.headers["Location"] = request.url_for("explain_my_application", application_id=application.id).path
    return application_out(application)


@router.get(
    "/applications/{application_id}",
    response_model=ExplanationOut,
    operation_id="explain_my_application",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def explain_my_application(
    application_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ExplanationOut:
    """One of your applications and how it was judged: the eligibility rules that admitted it and, once the call's
    review has closed, the scores and comments for each criterion (never who gave them), each review's total, the
    figures that ranked it and its rank."""
    found = await portal_service.explain_my_application(
        principal, application_id, uow_factory=container.uow, queries=container.area(CallsWiring).calls
    )
    call = found.call
    criteria = [
        CriterionExplanationOut(
            key=criterion.key,
            title=criterion.title,
            weight=str(criterion.weight),
            scale_min=criterion.scale_min,
            scale_max=criterion.scale_max,
            scores=[
                ScoreGivenOut(
                    reviewer=number,
                    score=review.scores[criterion.key]["score"],
                    comment=review.scores[criterion.key]["comment"],
                )
                for number, review in enumerate(found.reviews, start=1)
                if criterion.key in review.scores
            ],
        )
        for criterion in call.rubric.criteria
    ]
    figures = found.figures
    return ExplanationOut(
        application=_mine(found.application, call),
        admissibility=found.application.admissibility,
        review_closed=call.status is CallStatus.REVIEW_CLOSED,
        criteria=criteria if call.status is CallStatus.REVIEW_CLOSED else [],
        totals=[round(review.total or 0.0, 4) for review in found.reviews],
        mean=None if figures is None else figures.mean,
        median=None if figures is None else figures.median,
        z_score=None if figures is None else figures.z_score,
        ranking_method=call.terms.ranking_method,
        rank=None if figures is None else figures.rank,
        ranked=found.ranked,
    )


@router.post(
    "/applications/{application_id}/withdrawal",
    response_model=ApplicationOut,
    operation_id="withdraw_my_application",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.SELF),
)
async def withdraw_my_application(
    application_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ApplicationOut:
    """Withdraw one of your applications, before the call's review closes."""
    return application_out(
        await portal_service.withdraw_my_application(
            principal, application_id, uow_factory=container.uow, clock=container.clock
        )
    )
