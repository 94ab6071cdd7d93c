"""Imperative mapping of domain entities onto tables: the domain classes stay free of SQLAlchemy. Each area maps its
own entities (`SqlArea.map_entities`); this module maps the areas a unit of work offers, once per process."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import registry

from emprende.adapters.sql.shared.repository import SqlArea
from emprende.adapters.sql.shared.schema import metadata

mapper_registry = registry(metadata=metadata)
_mapped: set[str] = set()


def start_mappers(areas: Iterable[SqlArea]) -> None:
    """Map every area's entities, once per process."""
    for area in areas:
        if area.name not in _mapped:
            area.map_entities(mapper_registry)
            _mapped.add(area.name)
