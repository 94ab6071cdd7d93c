"""Tables of the ideas area: business ideas (kept by the supporting partner) and every version of each."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint, Uuid

from emprende.adapters.sql.ideas.types import CanvasBlocks, MemberList, PlanLines
from emprende.adapters.sql.shared.schema import enum_column, metadata
from emprende.adapters.sql.shared.types import JSONDocument, Money, UTCDateTime
from emprende.domain.ideas.idea import IdeaStage, IdeaStatus

business_ideas = Table(
    "business_ideas",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_partner_id", Uuid, ForeignKey("partners.id"), nullable=False),
    Column("participant_id", Uuid, ForeignKey("participants.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("sector", String(2), nullable=False),
    Column("stage", enum_column(IdeaStage, "idea_stage"), nullable=False),
    Column("canvas", CanvasBlocks, nullable=False),
    Column("team", MemberList, nullable=False),
    Column("province_code", String(2), nullable=False),
    Column("canton_code", String(4), nullable=False),
    Column("parish_code", String(6), nullable=True),
    Column("plan", PlanLines, nullable=False),
    Column("requested_amount", Money, nullable=False),
    Column("status", enum_column(IdeaStatus, "idea_status"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Uuid, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("submitted_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_business_ideas_owner", "owner_partner_id", "id"),
    Index("ix_business_ideas_participant", "participant_id"),
)

business_idea_versions = Table(
    "business_idea_versions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("idea_id", Uuid, ForeignKey("business_ideas.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", Uuid, nullable=True),
    Column("content", JSONDocument, nullable=False),
    UniqueConstraint("idea_id", "number", name="uq_business_idea_versions_number"),
)
