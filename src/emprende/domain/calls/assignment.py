"""Review assignments: which evaluator reviews which application, and their conflict-of-interest declaration for it.

`plan` spreads applications over a call's evaluators — each application up to the quorum, the least loaded evaluator
first, never one with a conflict or already assigned — and is how a recusal is topped up."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from emprende.domain.calls.conflicts import DECLARABLE, ConflictRelation
from emprende.domain.shared.errors import Conflict, InvalidInput
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_NOTE = 1_000

NOTE_TOO_LONG = "a note has at most {limit} characters"
NOT_DECLARABLE = "that relation is found by the programme, not declared"
ALREADY_RECUSED = "the evaluator is recused from this application"
NOT_DECLARED = "declare whether you have a conflict of interest with this application first"

TEMPLATES: tuple[str, ...] = (NOTE_TOO_LONG, NOT_DECLARABLE, ALREADY_RECUSED, NOT_DECLARED)


class Declaration(StrEnum):
    PENDING = "pending"
    NO_CONFLICT = "no_conflict"
    CONFLICT = "conflict"


class ConflictSource(StrEnum):
    DECLARED = "declared"
    DETECTED = "detected"


class Recused(Conflict):
    code = "recused"


class DeclarationRequired(Conflict):
    code = "declaration_required"


class Assignment(Aggregate):
    """An evaluator assigned to an application, and what they declared about it."""

    id: uuid.UUID
    call_id: uuid.UUID
    application_id: uuid.UUID
    evaluator_id: uuid.UUID
    participant_id: uuid.UUID
    assigned_at: datetime
    declaration: Declaration
    relation: ConflictRelation | None
    note: str | None
    source: ConflictSource | None
    declared_at: datetime | None
    version: int

    def __init__(
        self,
        *,
        call_id: uuid.UUID,
        application_id: uuid.UUID,
        evaluator_id: uuid.UUID,
        participant_id: uuid.UUID,
        now: datetime,
    ) -> None:
        self.id = new_id()
        self.call_id = call_id
        self.application_id = application_id
        self.evaluator_id = evaluator_id
        self.participant_id = participant_id
        self.assigned_at = now
        self.declaration = Declaration.PENDING
        self.relation = None
        self.note = None
        self.source = None
        self.declared_at = None
        self.version = 1
        self._event("review_assignment.created")

    def _event(self, name: str, **payload: object) -> None:
        self.record(
            DomainEvent(
                name,
                "review_assignment",
                self.id,
                {
                    "assignment_id": str(self.id),
                    "call_id": str(self.call_id),
                    "application_id": str(self.application_id),
                    "evaluator_id": str(self.evaluator_id),
                    **payload,
                },
            )
        )

    @property
    def recused(self) -> bool:
        return self.declaration is Declaration.CONFLICT

    @property
    def cleared(self) -> bool:
        """Declared no conflict and none detected: the evaluator may see and score the application."""
        return self.declaration is Declaration.NO_CONFLICT

    def declare(
        self,
        *,
        conflict: ConflictRelation | None,
        note: str | None,
        detected: Sequence[ConflictRelation],
        now: datetime,
    ) -> None:
        """Record the evaluator's declaration. A conflict declared or detected recuses them; a recusal is final."""
        if self.recused:
            raise Recused(ALREADY_RECUSED)
        cleaned = None if note is None else note.strip() or None
        if cleaned is not None and len(cleaned) > MAX_NOTE:
            raise InvalidInput(NOTE_TOO_LONG, field="note", limit=MAX_NOTE)
        if conflict is not None and conflict not in DECLARABLE:
            raise InvalidInput(NOT_DECLARABLE, field="relation")
        self.declared_at = now
        self.note = cleaned
        if conflict is not None:
            self._recuse(conflict, ConflictSource.DECLARED)
        elif detected:
            self._recuse(detected[0], ConflictSource.DETECTED)
        else:
            self.declaration = Declaration.NO_CONFLICT
            self._event("review_assignment.cleared")

    def _recuse(self, relation: ConflictRelation, source: ConflictSource) -> None:
        self.declaration = Declaration.CONFLICT
        self.relation = relation
        self.source = source
        self._event("review_assignment.recused", relation=relation.value, source=source.value)

    def require_cleared(self) -> None:
        """The evaluator declared no conflict and is not recused."""
        if self.recused:
            raise Recused(ALREADY_RECUSED)
        if not self.cleared:
            raise DeclarationRequired(NOT_DECLARED)


def plan(
    needs: Mapping[uuid.UUID, int],
    evaluators: Iterable[uuid.UUID],
    load: Mapping[uuid.UUID, int],
    excluded: Mapping[uuid.UUID, frozenset[uuid.UUID]],
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """New (application, evaluator) pairs: each application in `needs` gets up to that many more evaluators, the
    least loaded first (ties by id, so a plan is reproducible), never one in its `excluded` set (conflicted, or
    already assigned). `load` counts each evaluator's live assignments. An application no one can take stays short."""
    pool = sorted(set(evaluators))
    counts = {evaluator: load.get(evaluator, 0) for evaluator in pool}
    pairs: list[tuple[uuid.UUID, uuid.UUID]] = []
    for application_id, wanted in needs.items():
        taken = set(excluded.get(application_id, frozenset()))
        for _ in range(max(wanted, 0)):
            free = [evaluator for evaluator in pool if evaluator not in taken]
            if not free:
                break
            chosen = min(free, key=lambda evaluator: (counts[evaluator], evaluator))
            pairs.append((application_id, chosen))
            counts[chosen] += 1
            taken.add(chosen)
    return pairs
