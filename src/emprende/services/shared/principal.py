"""The acting principal: who calls a use case, built from a verified token and nothing else."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from emprende.domain.audit.trail import Actor, ActorType
from emprende.domain.identity.user import Role
from emprende.domain.shared.errors import PermissionDenied

# The tenant of a principal that belongs to no partner and is not an administrator: matches no row.
NO_PARTNER = uuid.UUID(int=0)


class PrincipalKind(StrEnum):
    USER = "user"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in user or a partner system. `partner_id` is None only for the programme operator's users."""

    kind: PrincipalKind
    id: uuid.UUID
    role: Role | None
    partner_id: uuid.UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    session_id: uuid.UUID | None = None
    password_change_required: bool = False
    participant_id: uuid.UUID | None = None
    """For participant accounts: their own participant record."""

    @property
    def actor(self) -> Actor:
        return Actor(ActorType.USER if self.kind is PrincipalKind.USER else ActorType.CLIENT, self.id)

    @property
    def is_admin(self) -> bool:
        return self.kind is PrincipalKind.USER and self.role is Role.ADMIN and self.partner_id is None

    @property
    def tenant(self) -> uuid.UUID | None:
        """The partner whose objects this principal may see; None means every partner (the operator)."""
        if self.is_admin:
            return None
        return self.partner_id or NO_PARTNER


@dataclass(frozen=True, slots=True)
class SystemScope:
    """The system itself (CLI, start-up, pre-authentication steps): sees every partner's objects."""

    actor: Actor = field(default_factory=Actor.system)
    tenant: None = None


SYSTEM = SystemScope()
Scope = Principal | SystemScope


def tenant_of(scope: Scope) -> uuid.UUID | None:
    return scope.tenant


def require_admin(principal: Principal) -> None:
    """Deny unless the principal is a programme administrator."""
    if not principal.is_admin:
        raise PermissionDenied("administrators only")
