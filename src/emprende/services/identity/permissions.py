"""The identity area's operations in the permission table: user accounts."""

from __future__ import annotations

from emprende.services.shared.authorization import ADMIN, MANAGERS, Rule, authorize, register_permissions

__all__ = ["RULES", "authorize"]

RULES = register_permissions(
    {
        "users.create": Rule("Create user accounts (never above one's own role)", MANAGERS),
        "users.read": Rule("List and read user accounts", MANAGERS),
        "users.update": Rule("Rename, deactivate or reactivate user accounts", MANAGERS),
        "users.reset_password": Rule("Force a password reset", ADMIN),
    },
    published_at=20,
)
