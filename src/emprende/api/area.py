"""What an area brings to the API: its routers, its OpenAPI tags, its problem kinds and the Spanish for its messages.

Each `api/v1/<area>/__init__.py` describes itself with one `ApiArea`; `api/v1/__init__.py` lists them once, and the
routes, the document's tags and the problem catalogue are all built from that list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI

from emprende.api.problem_catalogue.kind import Kind


@dataclass(frozen=True, slots=True)
class Tag:
    """An OpenAPI tag; `listed_at` places it in the document's list of tags, which groups operations in the docs."""

    name: str
    description: str
    listed_at: int


@dataclass(frozen=True, slots=True)
class ApiArea:
    name: str
    routers: tuple[APIRouter, ...]
    tags: tuple[Tag, ...] = ()
    problems: Mapping[str, Kind] = field(default_factory=dict)
    spanish_messages: Mapping[str, str] = field(default_factory=dict)
    ahead: Callable[[FastAPI, str], None] | None = None
    """Registers undocumented routes matched ahead of every router (given the app and the API's prefix): the busiest
    operations, which would otherwise be matched through the whole tree of routers."""


def openapi_tags(areas: Iterable[ApiArea]) -> list[dict[str, str]]:
    """Every area's tags, in the order the document lists them."""
    tags = sorted((tag for area in areas for tag in area.tags), key=lambda tag: tag.listed_at)
    places = [tag.listed_at for tag in tags]
    if len(set(places)) != len(places):
        raise ValueError(f"two tags are listed at the same place: {places}")
    return [{"name": tag.name, "description": tag.description} for tag in tags]
