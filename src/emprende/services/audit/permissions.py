"""The audit area's operations in the permission table."""

from __future__ import annotations

from emprende.services.shared.authorization import ADMIN, Rule, authorize, register_permissions

__all__ = ["RULES", "authorize"]

RULES = register_permissions({"audit.read": Rule("Read the audit trail", ADMIN)}, published_at=40)
