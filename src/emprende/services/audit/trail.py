"""Reading the audit trail. Nothing in the application can change or delete an audit event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from emprende.services.audit.permissions import authorize
from emprende.services.audit.ports import AuditFilters, AuditQueries, AuditRow
from emprende.services.shared.principal import Principal


async def list_audit_events(
    principal: Principal, filters: AuditFilters, *, after: uuid.UUID | None, limit: int, queries: AuditQueries
) -> Sequence[AuditRow]:
    """List audit events, newest first (administrators)."""
    authorize(principal, "audit.read")
    return await queries.list_events(filters, after, limit)
