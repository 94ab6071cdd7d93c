"""A business idea: a person's plan for a business, from draft to submission, every edit kept as a version.

The person who owns it is a participant; the team is the owner plus up to ten other participants. The partner that
supports the person keeps the idea (its tenant). A submitted idea can still be revised — each revision is a new
version, and whatever was built on an earlier one (an application to a call) keeps the snapshot it took then."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from emprende.domain.ideas.canvas import Canvas, check_canvas
from emprende.domain.ideas.plan import InvestmentPlan, money_text
from emprende.domain.ideas.sectors import sector as find_sector
from emprende.domain.participants import places
from emprende.domain.shared.errors import Conflict, ErrorItem, InvalidInput, ItemizedError, RuleChecks
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_NAME = 200
MAX_TEAM = 10


class IdeaStage(StrEnum):
    """How far the business is: still an idea, operating for a short while, or running."""

    IDEA = "idea"
    EARLY_OPERATION = "early_operation"
    RUNNING = "running"


class IdeaStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class IdeaWithdrawn(Conflict):
    code = "idea_withdrawn"


class IdeaState(Conflict):
    code = "idea_state"


@dataclass(frozen=True, slots=True)
class MissingPart:
    """A part a submission lacks: the message template saying so, and where it goes."""

    template: str
    field: str


class IdeaIncomplete(Conflict, ItemizedError):
    """An idea submitted without a name, a block of its canvas or any line in its plan: `items` names each part."""

    code = "idea_incomplete"

    def __init__(self, missing: Sequence[MissingPart]) -> None:
        super().__init__("the idea is not complete: {count} parts are missing", count=len(missing))
        self.missing = tuple(missing)

    def items(self) -> Sequence[ErrorItem]:
        return [ErrorItem(part.field, "missing", part.template, {}) for part in self.missing]


@dataclass(frozen=True, slots=True)
class IdeaPlace:
    """Where the business is (INEC codes): province and canton, optionally the parish."""

    province_code: str
    canton_code: str
    parish_code: str | None = None


def check_place(place: IdeaPlace) -> IdeaPlace:
    """The place with its codes checked against the INEC division and against each other."""
    checks = RuleChecks()
    province_code, canton_code = place.province_code.strip(), place.canton_code.strip()
    parish_code = (place.parish_code or "").strip() or None
    if places.province(province_code) is None:
        checks.issues.append(InvalidInput("unknown province code", field="place.province_code", code="unknown_place"))
    canton = places.canton(canton_code)
    if canton is None:
        checks.issues.append(InvalidInput("unknown canton code", field="place.canton_code", code="unknown_place"))
    elif not checks.issues and canton.province_code != province_code:
        checks.issues.append(
            InvalidInput("canton is not in the given province", field="place.canton_code", code="unknown_place")
        )
    if parish_code is not None:
        parish = places.parish(parish_code)
        if parish is None:
            checks.issues.append(InvalidInput("unknown parish code", field="place.parish_code", code="unknown_place"))
        elif not checks.issues and parish.canton_code != canton_code:
            checks.issues.append(
                InvalidInput("parish is not in the given canton", field="place.parish_code", code="unknown_place")
            )
    checks.raise_broken()
    return IdeaPlace(province_code, canton_code, parish_code)


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidInput("{field} must have 1 to {limit} characters", field="name", limit=MAX_NAME)
    return cleaned


def check_sector(code: str) -> str:
    if find_sector(code) is None:
        raise InvalidInput("not an ISIC Rev. 4 division", field="sector", code="unknown_sector")
    return code


def check_team(team: Sequence[uuid.UUID], owner: uuid.UUID) -> tuple[uuid.UUID, ...]:
    """The other members, in the order given: at most ten, each once, never the owner (who is always in the team)."""
    if len(team) > MAX_TEAM:
        raise InvalidInput("at most {limit} other members", field="team", limit=MAX_TEAM)
    checks = RuleChecks()
    for index, member in enumerate(team):
        if member == owner:
            checks.issues.append(
                InvalidInput("the idea's owner is in its team already", field=f"team[{index}]", code="invalid_team")
            )
        elif member in team[:index]:
            checks.issues.append(InvalidInput("listed twice", field=f"team[{index}]", code="invalid_team"))
    checks.raise_broken()
    return tuple(team)


@dataclass(frozen=True, slots=True)
class IdeaContent:
    """What an idea says: every editable part."""

    name: str
    sector: str
    stage: IdeaStage
    place: IdeaPlace
    canvas: Canvas = field(default_factory=Canvas)
    team: tuple[uuid.UUID, ...] = ()
    plan: InvestmentPlan = field(default_factory=InvestmentPlan)


@dataclass(frozen=True, slots=True)
class IdeaChanges:
    """A revision: the parts given change (canvas blocks one by one; team, place and plan whole), the rest stays."""

    name: str | None = None
    sector: str | None = None
    stage: IdeaStage | None = None
    place: IdeaPlace | None = None
    canvas: Mapping[str, str] | None = None
    team: tuple[uuid.UUID, ...] | None = None
    plan: InvestmentPlan | None = None


class IdeaVersion:
    """What an idea said at one version: its snapshot, when it was recorded and by whom (a user, or None)."""

    id: uuid.UUID
    idea_id: uuid.UUID
    number: int
    recorded_at: datetime
    recorded_by: uuid.UUID | None
    content: dict[str, Any]

    def __init__(
        self,
        *,
        idea_id: uuid.UUID,
        number: int,
        recorded_at: datetime,
        recorded_by: uuid.UUID | None,
        content: dict[str, Any],
    ) -> None:
        self.id = new_id()
        self.idea_id = idea_id
        self.number = number
        self.recorded_at = recorded_at
        self.recorded_by = recorded_by
        self.content = content


class BusinessIdea(Aggregate):
    id: uuid.UUID
    participant_id: uuid.UUID
    supporting_partner_id: uuid.UUID
    name: str
    sector: str
    stage: IdeaStage
    canvas: Canvas
    team: tuple[uuid.UUID, ...]
    province_code: str
    canton_code: str
    parish_code: str | None
    plan: InvestmentPlan
    requested_amount: Decimal
    """The plan's requested amount, kept beside it for queries."""
    status: IdeaStatus
    version: int
    """1 on creation, one more on every revision: the number of the idea's newest `IdeaVersion`."""
    created_at: datetime
    created_by: uuid.UUID | None
    updated_at: datetime
    submitted_at: datetime | None

    def __init__(
        self,
        *,
        participant_id: uuid.UUID,
        supporting_partner_id: uuid.UUID,
        content: IdeaContent,
        now: datetime,
        by: uuid.UUID | None,
    ) -> None:
        self.id = new_id()
        self.participant_id = participant_id
        self.supporting_partner_id = supporting_partner_id
        checks = RuleChecks()
        self.name = checks.check(lambda: check_name(content.name), content.name)
        self.sector = checks.check(lambda: check_sector(content.sector), content.sector)
        self.stage = content.stage
        self._place(checks.check(lambda: check_place(content.place), content.place))
        self.canvas = checks.check(lambda: check_canvas(content.canvas), content.canvas)
        self.team = checks.check(lambda: check_team(content.team, participant_id), content.team)
        self._plan(content.plan)
        checks.raise_broken()
        self.status = IdeaStatus.DRAFT
        self.version = 1
        self.created_at = self.updated_at = now
        self.created_by = by
        self.submitted_at = None
        self.record(DomainEvent("business_idea.created", "business_idea", self.id, self._ids()))

    def _ids(self) -> dict[str, Any]:
        return {
            "participant_id": str(self.participant_id),
            "supporting_partner_id": str(self.supporting_partner_id),
            "version": self.version,
        }

    def _place(self, place: IdeaPlace) -> None:
        self.province_code, self.canton_code, self.parish_code = (
            place.province_code,
            place.canton_code,
            place.parish_code,
        )

    def _plan(self, plan: InvestmentPlan) -> None:
        self.plan = plan
        self.requested_amount = plan.requested

    @property
    def place(self) -> IdeaPlace:
        return IdeaPlace(self.province_code, self.canton_code, self.parish_code)

    @property
    def section(self) -> str:
        found = find_sector(self.sector)
        assert found is not None  # checked whenever the sector is set
        return found.section.code

    def snapshot(self) -> dict[str, Any]:
        """What the idea says now, JSON-safe: ids, texts, codes and amounts as two-decimal strings; no personal data
        beyond the ids. Applications elsewhere keep this as the version they were made with."""
        plan = self.plan
        return {
            "id": str(self.id),
            "version": self.version,
            "name": self.name,
            "sector": self.sector,
            "section": self.section,
            "stage": self.stage.value,
            "canvas": self.canvas.blocks(),
            "team": [str(member) for member in self.team],
            "province_code": self.province_code,
            "canton_code": self.canton_code,
            "parish_code": self.parish_code,
            "investment_plan": plan.snapshot(),
            "total": money_text(plan.total),
            "own_contribution": money_text(plan.own_contribution),
            "requested": money_text(plan.requested),
        }

    def record_version(self, now: datetime, by: uuid.UUID | None) -> IdeaVersion:
        """The idea as it stands, as its current version."""
        return IdeaVersion(
            idea_id=self.id, number=self.version, recorded_at=now, recorded_by=by, content=self.snapshot()
        )

    def revise(self, changes: IdeaChanges, now: datetime, by: uuid.UUID | None) -> IdeaVersion | None:
        """Change the parts given, as the next version (None when nothing changes). A withdrawn idea is not edited."""
        if self.status is IdeaStatus.WITHDRAWN:
            raise IdeaWithdrawn("a withdrawn idea is not edited")
        checks = RuleChecks()
        name = self.name if changes.name is None else checks.check(lambda: check_name(changes.name or ""), self.name)
        sector = (
            self.sector
            if changes.sector is None
            else checks.check(lambda: check_sector(changes.sector or ""), self.sector)
        )
        place = (
            self.place
            if changes.place is None
            else checks.check(lambda: check_place(changes.place or self.place), self.place)
        )
        canvas = (
            self.canvas
            if changes.canvas is None
            else checks.check(lambda: self.canvas.changed(changes.canvas or {}), self.canvas)
        )
        team = (
            self.team
            if changes.team is None
            else checks.check(lambda: check_team(changes.team or (), self.participant_id), self.team)
        )
        checks.raise_broken()
        before = self.snapshot()
        self.name, self.sector, self.canvas, self.team = name, sector, canvas, team
        self.stage = changes.stage or self.stage
        self._place(place)
        if changes.plan is not None:
            self._plan(changes.plan)
        if self.snapshot() == before:
            return None
        self.version += 1
        self.updated_at = now
        self.record(DomainEvent("business_idea.revised", "business_idea", self.id, self._ids()))
        return self.record_version(now, by)

    def missing_parts(self) -> list[MissingPart]:
        """What a submission still needs: a name, every block of the canvas, at least one line in the plan."""
        missing = [] if self.name else [MissingPart("give the idea a name", "name")]
        missing += [
            MissingPart("write this block of the canvas", f"canvas.{block}") for block in self.canvas.empty_blocks()
        ]
        if not self.plan.items:
            missing.append(MissingPart("list at least one line in the investment plan", "investment_plan"))
        return missing

    def submit(self, now: datetime) -> None:
        """Draft to submitted, once the idea is complete."""
        if self.status is IdeaStatus.WITHDRAWN:
            raise IdeaWithdrawn("a withdrawn idea is not submitted")
        if self.status is not IdeaStatus.DRAFT:
            raise IdeaState("only a draft is submitted (this idea is {status})", status=self.status.value)
        missing = self.missing_parts()
        if missing:
            raise IdeaIncomplete(missing)
        self.status = IdeaStatus.SUBMITTED
        self.submitted_at = self.updated_at = now
        self.record(DomainEvent("business_idea.submitted", "business_idea", self.id, self._ids()))

    def withdraw(self, now: datetime) -> None:
        """A draft or submitted idea is withdrawn, for good."""
        if self.status is IdeaStatus.WITHDRAWN:
            raise IdeaWithdrawn("this idea is already withdrawn")
        self.status = IdeaStatus.WITHDRAWN
        self.updated_at = now
        self.record(DomainEvent("business_idea.withdrawn", "business_idea", self.id, self._ids()))
