"""API v1: within v1 only additive changes."""

from __future__ import annotations

from fastapi import APIRouter

from emprende.api.v1 import health
from emprende.api.v1.audit import audit
from emprende.api.v1.identity import auth, users
from emprende.api.v1.imports import imports
from emprende.api.v1.participants import duplicates, participants, portal
from emprende.api.v1.partners import agreements, api_clients, partners

# Every area's routers. No route depends on the order (path parameters are typed, so `/participants/imports` is never
# a participant id, and a test matches every operation through the reversed list); the order is the document's and
# puts the registry, by far the busiest part of the API, first.
ROUTERS: tuple[APIRouter, ...] = (
    imports.router,
    participants.router,
    duplicates.router,
    portal.router,
    health.router,
    auth.router,
    users.router,
    partners.router,
    agreements.router,
    api_clients.router,
    audit.router,
)
router = APIRouter(prefix="/api/v1")
for area_router in ROUTERS:
    router.include_router(area_router)

TAGS = [
    {"name": "health", "description": "Liveness and readiness for load balancers and orchestrators."},
    {
        "name": "auth",
        "description": "Sign in (OAuth2 password flow), rotate refresh tokens, sign out, who am I.",
    },
    {
        "name": "users",
        "description": "Accounts of administrators, partner staff, evaluators and participants.",
    },
    {
        "name": "partners",
        "description": "Institutional partners: government bodies, universities, agencies, NGOs, firms, banks.",
    },
    {
        "name": "agreements",
        "description": "Cooperation agreements: which roles a partner may play, for which period, amended over time.",
    },
    {
        "name": "participants",
        "description": "The participant registry: registration with consent, sensitive data guarded and audited, "
        "search, probable duplicates, data-subject rights (export, erasure).",
    },
    {"name": "portal", "description": "The participant portal: a person's own record and consents."},
    {"name": "api-clients", "description": "Credentials for partner systems (OAuth2 client credentials)."},
    {"name": "audit", "description": "The append-only audit trail of every change (administrators)."},
]
