"""The acting principal: who calls a use case, built from a verified token and nothing else."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from emprende.domain.audit import Actor, ActorType
from emprende.domain.errors import PermissionDenied
from emprende.domain.users import Role


class PrincipalKind(StrEnum):
    USER = "user"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class Principal:
    kind: PrincipalKind
    id: uuid.UUID
    role: Role
    partner_id: uuid.UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    session_id: uuid.UUID | None = None

    @property
    def actor(self) -> Actor:
        return Actor(ActorType.USER if self.kind is PrincipalKind.USER else ActorType.CLIENT, self.id)

    @property
    def is_admin(self) -> bool:
        return self.kind is PrincipalKind.USER and self.role is Role.ADMIN and self.partner_id is None


def require_admin(principal: Principal) -> None:
    """Deny unless the principal is a programme administrator."""
    if not principal.is_admin:
        raise PermissionDenied("administrators only")
