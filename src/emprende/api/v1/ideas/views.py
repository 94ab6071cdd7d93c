"""What the ideas routes share: a request body as the domain's content or changes, an idea as its response, titles in
the caller's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from emprende.api.etag import etag
from emprende.api.i18n import negotiate
from emprende.api.problems import ProblemError
from emprende.api.v1.ideas.schemas import (
    CanvasOut,
    IdeaContentIn,
    IdeaListItemOut,
    IdeaOut,
    IdeaSnapshotOut,
    IdeaUpdateIn,
    IdeaVersionOut,
    IdeaVersionSummaryOut,
    LineItemIn,
    LineItemOut,
    PlaceIn,
    PlaceOut,
)
from emprende.domain.ideas.canvas import Canvas
from emprende.domain.ideas.idea import (
    BusinessIdea,
    IdeaChanges,
    IdeaContent,
    IdeaPlace,
    IdeaStage,
    IdeaStatus,
    IdeaVersion,
)
from emprende.domain.ideas.plan import InvestmentPlan, LineItem, money_text
from emprende.domain.ideas.sectors import sector
from emprende.domain.identity.user import Language
from emprende.services.ideas.ports import IdeaRow

AcceptLanguage = Annotated[str | None, Header(max_length=512, description="es or en: the language of the titles.")]


def language_of(accept_language: str | None) -> Language:
    return Language(negotiate(accept_language))


def _place(body: PlaceIn) -> IdeaPlace:
    return IdeaPlace(body.province_code, body.canton_code, body.parish_code)


def _plan(lines: list[LineItemIn]) -> InvestmentPlan:
    return InvestmentPlan(
        LineItem(line.description, line.category, line.quantity, line.unit_cost, line.own_contribution)
        for line in lines
    )


def content_of(body: IdeaContentIn) -> IdeaContent:
    return IdeaContent(
        name=body.name,
        sector=body.sector,
        stage=body.stage,
        place=_place(body.place),
        canvas=Canvas(**body.canvas.model_dump()),
        team=tuple(body.team),
        plan=_plan(body.investment_plan),
    )


def changes_of(body: IdeaUpdateIn) -> IdeaChanges:
    sent = body.model_fields_set
    if not sent:
        raise ProblemError("validation_failed", errors=[{"field": "body", "code": "empty", "message": "no fields"}])
    nulls = sorted(name for name in sent if getattr(body, name) is None)
    if nulls:
        raise ProblemError(
            "validation_failed",
            errors=[{"field": f"body.{name}", "code": "null", "message": "may not be null"} for name in nulls],
        )
    return IdeaChanges(
        name=body.name,
        sector=body.sector,
        stage=body.stage,
        place=_place(body.place) if body.place is not None else None,
        canvas=body.canvas.model_dump(include=body.canvas.model_fields_set) if body.canvas is not None else None,
        team=tuple(body.team) if body.team is not None else None,
        plan=_plan(body.investment_plan) if body.investment_plan is not None else None,
    )


def _titles(code: str, language: Language) -> dict[str, str]:
    found = sector(code)
    assert found is not None  # an idea's sector is checked whenever it is set
    return {
        "sector": found.code,
        "sector_title": found.title(language),
        "section": found.section.code,
        "section_title": found.section.title(language),
    }


def idea_out(idea: BusinessIdea, language: Language, response: Response) -> IdeaOut:
    response.headers["ETag"] = etag(idea.version)
    response.headers["Content-Language"] = language.value
    plan = idea.plan
    return IdeaOut(
        **_titles(idea.sector, language),
        id=idea.id,
        participant_id=idea.participant_id,
        supporting_partner_id=idea.supporting_partner_id,
        version=idea.version,
        status=idea.status,
        name=idea.name,
        stage=idea.stage,
        place=_place_out(idea.place),
        canvas=CanvasOut(**idea.canvas.blocks()),
        team=list(idea.team),
        investment_plan=[LineItemOut.model_validate(line.snapshot()) for line in plan.items],
        total_amount=money_text(plan.total),
        own_contribution=money_text(plan.own_contribution),
        requested_amount=money_text(plan.requested),
        requested_by_category={
            category: money_text(amount) for category, amount in plan.requested_by_category().items()
        },
        created_at=idea.created_at,
        updated_at=idea.updated_at,
        submitted_at=idea.submitted_at,
    )


def _place_out(place: IdeaPlace) -> PlaceOut:
    return PlaceOut(province_code=place.province_code, canton_code=place.canton_code, parish_code=place.parish_code)


def row_out(row: IdeaRow, language: Language) -> IdeaListItemOut:
    return IdeaListItemOut(
        **_titles(row.sector, language),
        id=row.id,
        participant_id=row.participant_id,
        supporting_partner_id=row.supporting_partner_id,
        version=row.version,
        status=IdeaStatus(row.status),
        name=row.name,
        stage=IdeaStage(row.stage),
        place=PlaceOut(province_code=row.province_code, canton_code=row.canton_code, parish_code=row.parish_code),
        requested_amount=money_text(row.requested_amount),
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
    )


def version_summary_out(version: IdeaVersion) -> IdeaVersionSummaryOut:
    return IdeaVersionSummaryOut(
        number=version.number, recorded_at=version.recorded_at, recorded_by=version.recorded_by
    )


def version_out(version: IdeaVersion) -> IdeaVersionOut:
    return IdeaVersionOut(
        number=version.number,
        recorded_at=version.recorded_at,
        recorded_by=version.recorded_by,
        content=IdeaSnapshotOut.model_validate(version.content),
    )
