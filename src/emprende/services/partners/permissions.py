"""The partner area's operations in the permission table: partners, cooperation agreements and API clients."""

from __future__ import annotations

from emprende.services.shared.authorization import (
    ADMIN,
    MANAGERS,
    PARTNER_OFFICE,
    Rule,
    authorize,
    register_permissions,
)

__all__ = ["API_CLIENT_RULES", "PARTNER_RULES", "authorize"]

PARTNER_RULES = register_permissions(
    {
        "partners.create": Rule("Register an institutional partner", ADMIN),
        "partners.list": Rule("List partners (a partner sees only itself)", PARTNER_OFFICE, "partners:read"),
        "partners.read": Rule("Read a partner", PARTNER_OFFICE, "partners:read"),
        "partners.update": Rule("Change a partner's name, kind, country or RUC", ADMIN),
        "partners.update_contact": Rule("Change a partner's contact e-mail and phone", MANAGERS),
        "partners.suspend": Rule("Suspend or reactivate a partner", ADMIN),
        "agreements.create": Rule("Record a cooperation agreement", ADMIN),
        "agreements.read": Rule("Read and list agreements and their amendments", PARTNER_OFFICE, "agreements:read"),
        "agreements.manage": Rule("Activate, amend or terminate an agreement", ADMIN),
    },
    published_at=10,
)

API_CLIENT_RULES = register_permissions(
    {"api_clients.manage": Rule("Create, list, rotate and revoke partner API clients", MANAGERS)},
    published_at=30,
)
