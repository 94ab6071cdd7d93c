"""An application to a call with a business idea. The idea is copied at submission (`snapshot`), so the committee
scores what was submitted whatever the idea says later; the eligibility rules it met are kept, to explain the
decision that admitted it."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from emprende.domain.calls.terms import CallTerms
from emprende.domain.shared.errors import Conflict, InvalidInput, RuleChecks
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id
from emprende.domain.training.eligibility import EligibilityRule

OVER_CEILING = "the idea requests {requested} USD, above the call's ceiling of {ceiling} USD"
UNDER_FLOOR = "the idea requests {requested} USD, below the call's floor of {floor} USD"
NOT_FUNDABLE = "the call does not fund the category {category}"
ALREADY_APPLIED = "this person has already applied to this call"
IDEA_NOT_SUBMITTED = "only a submitted idea can apply (it is {status})"
NOT_THE_OWNER = "the idea is not the applicant's own"
APPLICATION_WITHDRAWN = "the application was withdrawn"

TEMPLATES: tuple[str, ...] = (
    OVER_CEILING,
    UNDER_FLOOR,
    NOT_FUNDABLE,
    ALREADY_APPLIED,
    IDEA_NOT_SUBMITTED,
    NOT_THE_OWNER,
    APPLICATION_WITHDRAWN,
)


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class AlreadyApplied(Conflict):
    code = "already_applied"


class IdeaNotSubmitted(Conflict):
    code = "idea_not_submitted"


class ApplicationWithdrawn(Conflict):
    code = "application_withdrawn"


def check_request(terms: CallTerms, snapshot: Mapping[str, Any]) -> Decimal:
    """The amount an idea (as snapshotted) requests, once it fits the call: within floor and ceiling, and nothing
    requested for a category the call does not fund. Every problem at once otherwise."""
    checks = RuleChecks()
    requested = Decimal(snapshot["requested"])
    fundable = {category.value for category in terms.fundable_categories}
    for index, line in enumerate(snapshot["investment_plan"]):
        if Decimal(line["requested"]) > 0 and line["category"] not in fundable:
            checks.issues.append(
                InvalidInput(
                    NOT_FUNDABLE,
                    field=f"investment_plan[{index}].category",
                    code="category_not_fundable",
                    category=line["category"],
                )
            )
    if requested > terms.ceiling:
        checks.issues.append(
            InvalidInput(
                OVER_CEILING,
                field="requested",
                code="over_ceiling",
                requested=str(requested),
                ceiling=str(terms.ceiling),
            )
        )
    elif requested < terms.floor:
        checks.issues.append(
            InvalidInput(
                UNDER_FLOOR, field="requested", code="under_floor", requested=str(requested), floor=str(terms.floor)
            )
        )
    checks.raise_broken()
    return requested


def blind_view(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The idea as a blind phase shows it: who is on its team is left out (only how many they are)."""
    shown = {key: value for key, value in snapshot.items() if key != "team"}
    shown["team_size"] = len(snapshot.get("team") or ())
    return shown


class Application(Aggregate):
    """A person's application to a call; owned by the partner supporting their idea."""

    id: uuid.UUID
    call_id: uuid.UUID
    owner_partner_id: uuid.UUID | None
    participant_id: uuid.UUID
    idea_id: uuid.UUID
    idea_version: int
    idea_name: str
    snapshot: dict[str, Any]
    requested_amount: Decimal
    admissibility: list[dict[str, Any]]
    """The eligibility rules checked at submission (all met), as the call stored them, with their place."""
    status: ApplicationStatus
    submitted_at: datetime
    submitted_by: uuid.UUID | None
    withdrawn_at: datetime | None
    version: int

    def __init__(
        self,
        *,
        call_id: uuid.UUID,
        owner_partner_id: uuid.UUID | None,
        participant_id: uuid.UUID,
        snapshot: Mapping[str, Any],
        requested: Decimal,
        rules: Sequence[EligibilityRule],
        now: datetime,
        by: uuid.UUID | None,
    ) -> None:
        self.id = new_id()
        self.call_id = call_id
        self.owner_partner_id = owner_partner_id
        self.participant_id = participant_id
        self.idea_id = uuid.UUID(str(snapshot["id"]))
        self.idea_version = int(snapshot["version"])
        self.idea_name = str(snapshot["name"])
        self.snapshot = copy.deepcopy(dict(snapshot))
        self.requested_amount = requested
        self.admissibility = [{"index": index, **rule.to_data()} for index, rule in enumerate(rules)]
        self.status = ApplicationStatus.SUBMITTED
        self.submitted_at = now
        self.submitted_by = by
        self.withdrawn_at = None
        self.version = 1
        self._event("application.submitted", idea_id=str(self.idea_id), idea_version=self.idea_version)

    def _event(self, name: str, **payload: object) -> None:
        self.record(
            DomainEvent(
                name, "application", self.id, {"application_id": str(self.id), "call_id": str(self.call_id), **payload}
            )
        )

    @property
    def active(self) -> bool:
        return self.status is ApplicationStatus.SUBMITTED

    def withdraw(self, now: datetime) -> None:
        if not self.active:
            raise ApplicationWithdrawn(APPLICATION_WITHDRAWN)
        self.status = ApplicationStatus.WITHDRAWN
        self.withdrawn_at = now
        self._event("application.withdrawn")
