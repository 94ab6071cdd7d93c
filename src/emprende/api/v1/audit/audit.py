"""The audit trail, read-only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from emprende.api.datetimes import DATETIME_RANGE, AwareDateTime
from emprende.api.deps import ContainerDep, CurrentPrincipal, CursorCodecDep, PageDep
from emprende.api.pagination import Page, split_page
from emprende.api.problems import problem_responses
from emprende.api.schemas import NoNul
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.audit.schemas import AuditEventOut
from emprende.bootstrap.audit import AuditWiring
from emprende.services.audit.ports import AuditFilters
from emprende.services.audit.trail import list_audit_events

router = APIRouter(prefix="/audit-events", tags=["audit"])


@router.get(
    "",
    response_model=Page[AuditEventOut],
    operation_id="list_audit_events",
    responses=problem_responses(400, 401, 403),
    openapi_extra=tenancy(Tenancy.OPERATOR),
)
async def list_audit_events_route(
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    entity_type: Annotated[str | None, Query(min_length=1, max_length=64), NoNul] = None,
    entity_id: Annotated[str | None, Query(min_length=1, max_length=64), NoNul] = None,
    actor_id: Annotated[uuid.UUID | None, Query()] = None,
    occurred_from: Annotated[
        AwareDateTime | None, Query(description=f"Inclusive lower bound (ISO 8601 with offset). {DATETIME_RANGE}")
    ] = None,
    occurred_to: Annotated[
        AwareDateTime | None, Query(description=f"Exclusive upper bound (ISO 8601 with offset). {DATETIME_RANGE}")
    ] = None,
) -> Page[AuditEventOut]:
    """Audit events, newest first, filterable by entity, actor and time range (administrators)."""
    filters = {
        "entity_type": entity_type,
        "entity_id": entity_id,
        "actor_id": actor_id,
        "occurred_from": occurred_from.isoformat() if occurred_from else None,
        "occurred_to": occurred_to.isoformat() if occurred_to else None,
    }
    after = uuid.UUID(codec.decode(page.cursor, "audit-events", filters)[0]) if page.cursor else None
    rows = await list_audit_events(
        principal,
        AuditFilters(entity_type, entity_id, actor_id, occurred_from, occurred_to),
        after=after,
        limit=page.limit + 1,
        queries=container.area(AuditWiring).trail,
    )
    items, cursor = split_page(codec, "audit-events", filters, rows, page.limit)
    return Page[AuditEventOut](items=[AuditEventOut.model_validate(row) for row in items], next_cursor=cursor)
