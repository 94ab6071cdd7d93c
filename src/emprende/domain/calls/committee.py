"""A call's committee: the evaluators who may be assigned its applications — users with the evaluator role of
partners holding an `evaluation` agreement, or experts of the programme's operator."""

from __future__ import annotations

import uuid
from datetime import datetime

from emprende.domain.shared.errors import Conflict
from emprende.domain.shared.events import Aggregate, DomainEvent

ALREADY_ON_COMMITTEE = "this evaluator is already on the call's committee"

TEMPLATES: tuple[str, ...] = (ALREADY_ON_COMMITTEE,)


class AlreadyOnCommittee(Conflict):
    code = "already_on_committee"


class CallEvaluator(Aggregate):
    call_id: uuid.UUID
    user_id: uuid.UUID
    partner_id: uuid.UUID | None
    """The evaluator's partner; None for the operator's experts."""
    added_at: datetime
    added_by: uuid.UUID | None

    def __init__(
        self,
        *,
        call_id: uuid.UUID,
        user_id: uuid.UUID,
        partner_id: uuid.UUID | None,
        now: datetime,
        by: uuid.UUID | None,
    ) -> None:
        self.call_id = call_id
        self.user_id = user_id
        self.partner_id = partner_id
        self.added_at = now
        self.added_by = by
        self.record(
            DomainEvent(
                "seed_capital_call.evaluator_added",
                "seed_capital_call",
                call_id,
                {"call_id": str(call_id), "evaluator_id": str(user_id)},
            )
        )
