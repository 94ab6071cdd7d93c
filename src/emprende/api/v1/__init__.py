"""API v1: within v1 only additive changes."""

from __future__ import annotations

from fastapi import APIRouter

from emprende.api.v1 import health
from emprende.api.v1.audit import audit
from emprende.api.v1.identity import auth, users
from emprende.api.v1.imports import imports
from emprende.api.v1.participants import duplicates, participants, portal
from emprende.api.v1.partners import agreements, api_clients, partners

router = APIRouter(prefix="/api/v1")
# Requests are matched against the routes in this order, one path pattern after another: the registry, by far the
# busiest part of the API, comes first.
router.include_router(imports.router)  # before participants: /participants/imports is not a participant id
router.include_router(participants.router)
router.include_router(duplicates.router)
router.include_router(portal.router)
router.include_router(health.router)
router.include_router(auth.router)
router.include_router(users.router)
router.include_router(partners.router)
router.include_router(agreements.router)
router.include_router(api_clients.router)
router.include_router(audit.router)

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
