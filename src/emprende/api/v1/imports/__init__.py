"""Bulk import of participants from CSV, JSON Lines or .xlsx files."""

from __future__ import annotations

from emprende.api.area import ApiArea
from emprende.api.v1.imports import imports, problems

# Its routes are documented under the participant registry's tag.
AREA = ApiArea(
    name="imports",
    routers=(imports.router,),
    problems=problems.PROBLEMS,
    spanish_messages=problems.SPANISH_MESSAGES,
)
