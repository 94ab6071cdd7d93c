"""Health endpoints."""

from __future__ import annotations

from fastapi import APIRouter

from emprende.api.area import ApiArea, Tag
from emprende.api.deps import ContainerDep
from emprende.api.problems import ProblemError, problem_responses
from emprende.api.schemas import HealthOut
from emprende.api.tenancy import Tenancy, tenancy
from emprende.services.shared.health import is_ready

router = APIRouter(prefix="/health", tags=["health"])


@router.get("", response_model=HealthOut, operation_id="get_liveness", openapi_extra=tenancy(Tenancy.PUBLIC))
async def get_liveness() -> HealthOut:
    """The process is up and serving."""
    return HealthOut(status="ok")


@router.get(
    "/ready",
    response_model=HealthOut,
    operation_id="get_readiness",
    responses=problem_responses(503),
    openapi_extra=tenancy(Tenancy.PUBLIC),
)
async def get_readiness(container: ContainerDep) -> HealthOut:
    """The service can do its work: the database answers (503 when it does not)."""
    if not await is_ready(container.health):
        raise ProblemError("not_ready", headers={"Retry-After": "5"})
    return HealthOut(status="ready", checks={"database": "ok"})


AREA = ApiArea(
    name="health",
    routers=(router,),
    tags=(Tag("health", "Liveness and readiness for load balancers and orchestrators.", listed_at=10),),
)
