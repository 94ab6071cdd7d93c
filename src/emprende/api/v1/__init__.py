"""API v1: within v1 only additive changes."""

from __future__ import annotations

from fastapi import APIRouter

from emprende.api.area import ApiArea, openapi_tags
from emprende.api.problem_catalogue import register_problems
from emprende.api.v1 import audit, awards, calls, health, ideas, identity, imports, participants, partners, training

# Every area, once. No route depends on the order (path parameters are typed, so `/participants/imports` is never a
# participant id, and a test matches every operation through the reversed list); the order is the document's and puts
# the registry, by far the busiest part of the API, first.
AREAS: tuple[ApiArea, ...] = (
    imports.AREA,
    participants.AREA,
    training.AREA,
    ideas.AREA,
    calls.AREA,
    awards.AREA,
    health.AREA,
    identity.AREA,
    partners.AREA,
    audit.AREA,
)

ROUTERS: tuple[APIRouter, ...] = tuple(area_router for area in AREAS for area_router in area.routers)
router = APIRouter(prefix="/api/v1")
for area_router in ROUTERS:
    router.include_router(area_router)

TAGS = openapi_tags(AREAS)

for area in AREAS:
    register_problems(area.problems, area.spanish_messages)
