"""Response schema of the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from emprende.api.schemas import ResponseModel


class AuditEventOut(ResponseModel):
    id: uuid.UUID
    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str
    changes: dict[str, Any] = Field(description="Changed fields with `before` and `after`; sensitive values redacted.")
    request_id: str | None
