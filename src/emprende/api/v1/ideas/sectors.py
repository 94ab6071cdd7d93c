"""Economic sectors: the ISIC Rev. 4 list (CIIU Rev. 4) an idea's sector is chosen from, shipped with the package."""

from __future__ import annotations

from fastapi import APIRouter, Response

from emprende.api.deps import CurrentPrincipal
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.ideas.schemas import DivisionOut, SectionOut, SectorsOut
from emprende.api.v1.ideas.views import AcceptLanguage, language_of
from emprende.domain.ideas.sectors import SECTIONS, SECTORS

router = APIRouter(prefix="/business-sectors", tags=["business-ideas"])


@router.get(
    "",
    response_model=SectorsOut,
    operation_id="list_business_sectors",
    responses=problem_responses(401, 422),
    openapi_extra=tenancy(Tenancy.SHARED),
)
async def list_business_sectors(
    response: Response, principal: CurrentPrincipal, accept_language: AcceptLanguage = None
) -> SectorsOut:
    """Every ISIC Rev. 4 section (A to U) with its divisions, titled in Spanish or English by `Accept-Language`; an
    idea's `sector` is a division's code."""
    language = language_of(accept_language)
    response.headers["Content-Language"] = language.value
    return SectorsOut(
        language=language,
        sections=[
            SectionOut(
                code=section.code,
                title=section.title(language),
                divisions=[
                    DivisionOut(code=found.code, title=found.title(language))
                    for found in SECTORS.values()
                    if found.section is section
                ],
            )
            for section in SECTIONS.values()
        ],
    )
