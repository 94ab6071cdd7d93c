"""Awards: the allocation of a call's fund, decisions and appeals, disbursement. Its problem kinds come first; its
routes join as its use cases do."""

from __future__ import annotations

from emprende.api.area import ApiArea
from emprende.api.v1.awards import problems

AREA = ApiArea(name="awards", routers=(), problems=problems.PROBLEMS, spanish_messages=problems.SPANISH_MESSAGES)
