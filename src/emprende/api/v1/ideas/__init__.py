"""Business ideas: a person's idea with its sector, canvas, team and investment plan, in versions; the sectors list;
the participant portal's own ideas."""

from __future__ import annotations

from emprende.api.area import ApiArea, Tag
from emprende.api.v1.ideas import ideas, portal, problems, sectors

AREA = ApiArea(
    name="ideas",
    routers=(sectors.router, ideas.router, portal.router),
    tags=(
        Tag(
            "business-ideas",
            "Business ideas: ISIC sector, business-model canvas, team and investment plan (its requested amount "
            "derived), revised in versions, submitted, withdrawn; the ISIC Rev. 4 sectors.",
            listed_at=74,
        ),
        Tag("my-business-ideas", "The participant portal: my business ideas.", listed_at=76),
    ),
    problems=problems.PROBLEMS,
    spanish_messages=problems.SPANISH_MESSAGES,
)
