"""How the ideas area's entities map onto its tables, and what it registers with the unit of work."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters.sql.ideas import tables
from emprende.adapters.sql.shared.repository import NewRowTable, SqlArea
from emprende.domain.ideas.idea import BusinessIdea, IdeaVersion
from emprende.domain.shared.errors import PreconditionFailed


def _map(mappers: registry) -> None:
    ideas = tables.business_ideas
    # The idea counts its own versions (each one is also an `IdeaVersion` row): the ORM checks the number it read
    # is still the stored one when it writes, but does not add to it.
    mappers.map_imperatively(
        BusinessIdea,
        ideas,
        properties={"supporting_partner_id": ideas.c.owner_partner_id},
        version_id_col=ideas.c.version,
        version_id_generator=False,
    )
    mappers.map_imperatively(IdeaVersion, tables.business_idea_versions)


IDEAS = SqlArea(
    name="ideas",
    map_entities=_map,
    audited={BusinessIdea: "business_idea"},
    new_rows=(NewRowTable(tables.business_idea_versions, IdeaVersion),),
    unique_violations={
        "uq_business_idea_versions_number": lambda: PreconditionFailed("the idea changed concurrently; read it again"),
    },
)
