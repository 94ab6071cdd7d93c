"""API v1: within v1 only additive changes."""

from __future__ import annotations

from fastapi import APIRouter

from emprende.api.v1 import audit, auth, health, users

router = APIRouter(prefix="/api/v1")
router.include_router(health.router)
router.include_router(auth.router)
router.include_router(users.router)
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
    {"name": "audit", "description": "The append-only audit trail of every change (administrators)."},
]
