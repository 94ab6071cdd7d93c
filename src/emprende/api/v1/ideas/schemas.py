"""Request and response schemas of the ideas area: sectors, business ideas, their versions. Amounts travel as
decimal strings with two places ("1250.00"); a request may also send them as JSON numbers."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from emprende.api.schemas import RequestModel, ResponseModel
from emprende.domain.ideas.idea import IdeaStage, IdeaStatus
from emprende.domain.ideas.plan import MAX_PLAN_TOTAL, MAX_QUANTITY, MAX_UNIT_COST, InvestmentCategory
from emprende.domain.identity.user import Language

AMOUNT = "US dollars, at most two decimal places"
Money = Annotated[str, Field(description="US dollars with two decimal places, e.g. `1250.00`.", examples=["1250.00"])]
Block = Annotated[str, Field(max_length=2000)]
SectorCode = Annotated[str, Field(pattern=r"^[0-9]{2}$", description="An ISIC Rev. 4 division, e.g. `47`.")]

# -- sectors ---------------------------------------------------------------------------------------------------------


class DivisionOut(ResponseModel):
    code: str
    title: str


class SectionOut(ResponseModel):
    code: str
    title: str
    divisions: list[DivisionOut]


class SectorsOut(ResponseModel):
    """ISIC Rev. 4 (CIIU Rev. 4): every section with its divisions, titled in the language served."""

    language: Language
    sections: list[SectionOut]


# -- requests ----------------------------------------------------------------------------------------------------------


class CanvasIn(RequestModel):
    """The nine blocks of the business-model canvas (up to 2,000 characters each; empty while a draft)."""

    customer_segments: Block = ""
    value_propositions: Block = ""
    channels: Block = ""
    customer_relationships: Block = ""
    revenue_streams: Block = ""
    key_resources: Block = ""
    key_activities: Block = ""
    key_partnerships: Block = ""
    cost_structure: Block = ""


class PlaceIn(RequestModel):
    province_code: str = Field(pattern=r"^[0-9]{2}$", description="INEC province code.")
    canton_code: str = Field(pattern=r"^[0-9]{4}$", description="INEC canton code, in the province.")
    parish_code: str | None = Field(None, pattern=r"^[0-9]{6}$", description="INEC parish code, in the canton.")


class LineItemIn(RequestModel):
    description: str = Field(min_length=1, max_length=200)
    category: InvestmentCategory
    quantity: Decimal = Field(gt=0, le=MAX_QUANTITY, decimal_places=2, description="More than zero, two places.")
    unit_cost: Decimal = Field(ge=0, le=MAX_UNIT_COST, decimal_places=2, description=AMOUNT + ".")
    own_contribution: Decimal = Field(
        Decimal(0),
        ge=0,
        le=MAX_PLAN_TOTAL,
        decimal_places=2,
        description=AMOUNT + "; what the person brings, at most the line's total.",
    )


class IdeaContentIn(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    sector: SectorCode
    stage: IdeaStage
    place: PlaceIn
    canvas: CanvasIn = Field(default_factory=CanvasIn)
    team: list[uuid.UUID] = Field(
        default_factory=list, max_length=10, description="Other participants in the team (the owner is always in it)."
    )
    investment_plan: list[LineItemIn] = Field(
        default_factory=list, max_length=50, description="The requested amount follows from these lines."
    )


class IdeaCreateIn(IdeaContentIn):
    participant_id: uuid.UUID = Field(description="The person whose idea it is: one the partner may see.")


class IdeaUpdateIn(RequestModel):
    """A revision: send only what changes. Canvas blocks change one by one; team, place and plan are replaced whole.
    Send `If-Match`."""

    name: str | None = Field(None, min_length=1, max_length=200)
    sector: SectorCode | None = None
    stage: IdeaStage | None = None
    place: PlaceIn | None = None
    canvas: CanvasIn | None = None
    team: list[uuid.UUID] | None = Field(None, max_length=10)
    investment_plan: list[LineItemIn] | None = Field(None, max_length=50)


# -- responses -------------------------------------------------------------------------------------------------------


class CanvasOut(ResponseModel):
    customer_segments: str
    value_propositions: str
    channels: str
    customer_relationships: str
    revenue_streams: str
    key_resources: str
    key_activities: str
    key_partnerships: str
    cost_structure: str


class PlaceOut(ResponseModel):
    province_code: str
    canton_code: str
    parish_code: str | None


class LineItemOut(ResponseModel):
    description: str
    category: InvestmentCategory
    quantity: Money
    unit_cost: Money
    own_contribution: Money
    total: Money = Field(description="Quantity times unit cost, rounded half up to the cent.")
    requested: Money = Field(description="The line's total less the own contribution.")


class _Sector(ResponseModel):
    sector: str = Field(description="The ISIC Rev. 4 division.")
    sector_title: str
    section: str = Field(description="The ISIC section the division belongs to (A to U).")
    section_title: str


class IdeaOut(_Sector):
    """A business idea at its current version, titles in the language served (also in Content-Language)."""

    id: uuid.UUID
    participant_id: uuid.UUID
    supporting_partner_id: uuid.UUID
    version: int = Field(description="The current version (also the ETag).")
    status: IdeaStatus
    name: str
    stage: IdeaStage
    place: PlaceOut
    canvas: CanvasOut
    team: list[uuid.UUID]
    investment_plan: list[LineItemOut]
    total_amount: Money
    own_contribution: Money
    requested_amount: Money = Field(description="What the plan requests: its total less the own contributions.")
    requested_by_category: dict[InvestmentCategory, Money]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class IdeaListItemOut(_Sector):
    id: uuid.UUID
    participant_id: uuid.UUID
    supporting_partner_id: uuid.UUID
    version: int
    status: IdeaStatus
    name: str
    stage: IdeaStage
    place: PlaceOut
    requested_amount: Money
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class IdeaSnapshotOut(ResponseModel):
    """What the idea said at a version, exactly as kept (codes and ids; amounts as two-decimal strings)."""

    id: str
    version: int
    name: str
    sector: str
    section: str
    stage: IdeaStage
    canvas: CanvasOut
    team: list[str]
    province_code: str
    canton_code: str
    parish_code: str | None
    investment_plan: list[LineItemOut]
    total: Money
    own_contribution: Money
    requested: Money


class IdeaVersionSummaryOut(ResponseModel):
    number: int
    recorded_at: datetime
    recorded_by: uuid.UUID | None = Field(description="The user who recorded it (none for the system).")


class IdeaVersionOut(IdeaVersionSummaryOut):
    content: IdeaSnapshotOut
