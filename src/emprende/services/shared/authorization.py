"""Who may do what: one table of operations by roles and scopes, deny by default.

Each area registers its own operations (`services/<area>/permissions.py`); this module holds the table, the role sets,
the client scopes and the checks, and names no area.

The README publishes this table (rendered by `permissions_markdown`) and the tests are generated from it, so the
documentation, the enforcement and the tests cannot drift apart. Tenant rules (a partner's principals act only on
their own partner's objects) are applied by the use cases and repositories on top of this table.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from emprende.domain.identity.user import Role
from emprende.domain.partners.agreement import AgreementRole, CooperationAgreement
from emprende.domain.shared.errors import PermissionDenied
from emprende.services.shared.principal import Principal, PrincipalKind

ADMIN = frozenset({Role.ADMIN})
MANAGERS = frozenset({Role.ADMIN, Role.PARTNER_MANAGER})
PARTNER_OFFICE = frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.PARTNER_STAFF})
PARTNER_OFFICE_AND_TRAINERS = PARTNER_OFFICE | {Role.FACILITATOR}
PARTICIPANTS = frozenset({Role.PARTICIPANT})


@dataclass(frozen=True, slots=True)
class Rule:
    summary: str
    roles: frozenset[Role]
    scope: str | None = None
    """The scope a partner API client needs; None means clients may never do this."""
    own_partner_only: bool = True
    """For partner principals: only on their own partner's objects (administrators act on all)."""


_RULES: dict[str, Rule] = {}
_PUBLISHED_AT: dict[str, int] = {}
_BLOCKS: set[int] = set()


def register_permissions(rules: Mapping[str, Rule], *, published_at: int) -> Mapping[str, Rule]:
    """Add an area's operations to the one permission table; `published_at` places the block in the README's table.

    Each area's `services/<area>/permissions.py` calls this on import, and the use cases import `authorize` from
    there, so an operation is always in the table before it is checked.
    """
    if published_at in _BLOCKS:
        raise ValueError(f"another block of the permission table is published at {published_at}")
    taken = sorted(set(rules) & set(_RULES))
    if taken:
        raise ValueError(f"operations already in the permission table: {taken}")
    _BLOCKS.add(published_at)
    for operation, rule in rules.items():
        _RULES[operation] = rule
        _PUBLISHED_AT[operation] = published_at
    return MappingProxyType(dict(rules))


def permission_table() -> Mapping[str, Rule]:
    """The one permission table: every area's operations, in the order the README publishes them."""
    _register_every_area()
    rows = sorted(_RULES, key=lambda operation: _PUBLISHED_AT[operation])  # stable: an area's own order is kept
    return MappingProxyType({operation: _RULES[operation] for operation in rows})


def _register_every_area() -> None:
    # Areas are found, not named: every services package with a `permissions` module registers it on import.
    services = Path(__file__).resolve().parents[1]
    package = __name__.rsplit(".", 2)[0]
    for area in sorted(pkgutil.iter_modules([str(services)]), key=lambda module: module.name):
        if area.ispkg and (services / area.name / "permissions.py").is_file():
            importlib.import_module(f"{package}.{area.name}.permissions")


# What each client scope requires from the partner's agreements on the day it is used.
SCOPES: dict[str, tuple[str, frozenset[AgreementRole] | None, bool]] = {
    "partners:read": ("Read the partner's own record", None, False),
    "agreements:read": ("Read the partner's agreements", None, False),
    "participants:read": (
        "Read participants",
        frozenset({AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY}),
        False,
    ),
    "participants:write": (
        "Register and update participants",
        frozenset({AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY}),
        False,
    ),
    "participants:sensitive": (
        "See participants' sensitive fields",
        frozenset({AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY}),
        True,
    ),
    "training:read": (
        "Read modules, the partner's cohorts, sessions and enrolments",
        frozenset({AgreementRole.TRAINING_DELIVERY, AgreementRole.CONTENT_AUTHORING}),
        False,
    ),
    "training:write": (
        "Author modules; plan cohorts and sessions; enrol people",
        frozenset({AgreementRole.TRAINING_DELIVERY, AgreementRole.CONTENT_AUTHORING}),
        False,
    ),
    "ideas:read": (
        "Read the business ideas the partner supports",
        frozenset({AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY}),
        False,
    ),
    "ideas:write": (
        "Draft, revise, submit and withdraw business ideas",
        frozenset({AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY}),
        False,
    ),
    "calls:read": (
        "Read seed-capital calls, the applications the partner supports or funds, the committee's ranking",
        frozenset({AgreementRole.FUNDING, AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY}),
        False,
    ),
    "calls:write": ("Open and run seed-capital calls", frozenset({AgreementRole.FUNDING}), False),
    "applications:write": (
        "Apply to seed-capital calls for the people the partner supports",
        frozenset({AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY}),
        False,
    ),
}

# Holding a scope on the left implies the scopes on the right (writing or seeing sensitive data implies reading).
IMPLIED_SCOPES: dict[str, frozenset[str]] = {
    "participants:write": frozenset({"participants:read"}),
    "participants:sensitive": frozenset({"participants:read"}),
    "training:write": frozenset({"training:read"}),
    "ideas:write": frozenset({"ideas:read"}),
    "calls:write": frozenset({"calls:read"}),
    "applications:write": frozenset({"calls:read"}),
}


def effective_scopes(scopes: frozenset[str]) -> frozenset[str]:
    return scopes.union(*(IMPLIED_SCOPES.get(scope, frozenset()) for scope in scopes))


ROLE_RANK: dict[Role, int] = {
    Role.ADMIN: 100,
    Role.PARTNER_MANAGER: 50,
    Role.PARTNER_STAFF: 30,
    Role.FACILITATOR: 20,
    Role.EVALUATOR: 20,
    Role.PARTICIPANT: 10,
}


def is_allowed(principal: Principal, operation: str) -> bool:
    rule = _RULES.get(operation)
    if rule is None:
        return False
    if principal.kind is PrincipalKind.CLIENT:
        return rule.scope is not None and rule.scope in effective_scopes(principal.scopes)
    if principal.role is Role.ADMIN and not principal.is_admin:
        return False  # an administrator always belongs to the operator; anything else is a forged principal
    return principal.role in rule.roles


class PasswordChangeRequired(PermissionDenied):
    code = "password_change_required"


def authorize(principal: Principal, operation: str) -> None:
    """Deny unless the table allows this principal the operation."""
    if principal.password_change_required:
        raise PasswordChangeRequired("change your password first")
    if not is_allowed(principal, operation):
        raise PermissionDenied("not allowed: {operation}", operation=operation)


def may_grant_role(principal: Principal, role: Role) -> bool:
    """Nobody grants a role above their own; only the operator grants administrator."""
    if principal.kind is not PrincipalKind.USER or principal.role is None:
        return False
    if role is Role.ADMIN:
        return principal.is_admin
    return ROLE_RANK[role] <= ROLE_RANK[principal.role]


def allowed_scopes(partner_active: bool, agreements: Iterable[CooperationAgreement], day: date) -> frozenset[str]:
    """The scopes a partner's clients may hold on `day`, given its agreements."""
    if not partner_active:
        return frozenset()
    # In force means active *and* started: an agreement signed for a later period allows nothing yet.
    current = [agreement for agreement in agreements if agreement.in_force(day)]
    allowed: set[str] = set()
    for scope, (_summary, needed_roles, needs_sharing) in SCOPES.items():
        # One agreement must grant both the role and, where needed, the data-sharing clause: a sharing clause in
        # an evaluation agreement does not extend to a training agreement without one.
        if any(
            (needed_roles is None or needed_roles & agreement.roles_on(day))
            and (not needs_sharing or agreement.data_sharing)
            for agreement in current
        ):
            allowed.add(scope)
    return frozenset(allowed)


def permissions_markdown() -> str:
    """The permission table as Markdown, for the README."""
    roles = list(Role)
    header = "| operation | what | " + " | ".join(f"`{role.value}`" for role in roles) + " | client scope |"
    rule_line = "|---|---|" + "---|" * len(roles) + "---|"
    lines = [header, rule_line]
    for operation, rule in permission_table().items():
        marks = " | ".join("✓" if role in rule.roles else "" for role in roles)
        scope = f"`{rule.scope}`" if rule.scope else "—"
        lines.append(f"| `{operation}` | {rule.summary} | {marks} | {scope} |")
    return "\n".join(lines)
