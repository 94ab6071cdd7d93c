"""The audit trail: who changed what, when, with sensitive values redacted."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

REDACTED = "[redacted]"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    READ_SENSITIVE = "read_sensitive"


class ActorType(StrEnum):
    USER = "user"
    CLIENT = "client"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a user, a partner system, or the system itself (CLI, migrations, jobs)."""

    type: ActorType
    id: uuid.UUID | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorType.SYSTEM)


@dataclass(frozen=True, slots=True)
class FieldChange:
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited change of one entity."""

    id: uuid.UUID
    occurred_at: datetime
    actor: Actor
    action: AuditAction
    entity_type: str
    entity_id: str
    changes: Mapping[str, FieldChange] = field(default_factory=dict)
    request_id: str | None = None


def redact(changes: Mapping[str, FieldChange], sensitive: Iterable[str]) -> dict[str, FieldChange]:
    """Keep which fields changed but hide the values of sensitive ones."""
    hidden = frozenset(sensitive)
    return {
        name: FieldChange(
            REDACTED if name in hidden and change.before is not None else change.before,
            REDACTED if name in hidden and change.after is not None else change.after,
        )
        if name in hidden
        else change
        for name, change in changes.items()
    }
