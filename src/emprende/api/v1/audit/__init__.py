"""The audit trail's routes (administrators)."""

from __future__ import annotations

from emprende.api.area import ApiArea, Tag
from emprende.api.v1.audit import audit

AREA = ApiArea(
    name="audit",
    routers=(audit.router,),
    tags=(Tag("audit", "The append-only audit trail of every change (administrators).", listed_at=90),),
)
