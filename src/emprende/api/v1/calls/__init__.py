"""Seed-capital calls: the call, its rubric and committee, applications, conflicts of interest, reviews, ranking."""

from __future__ import annotations

from emprende.api.area import ApiArea, Tag
from emprende.api.v1.calls import applications, calls, committee, portal, problems, reviews

AREA = ApiArea(
    name="calls",
    routers=(calls.router, committee.router, applications.router, reviews.router, portal.router),
    tags=(
        Tag(
            "seed-capital-calls",
            "Seed-capital calls: budget, floor and ceiling, fundable categories, eligibility, window, rubric, quorum.",
            listed_at=82,
        ),
        Tag(
            "committee",
            "The committee: evaluators, assignment free of conflicts of interest, the ranked view and its export.",
            listed_at=84,
        ),
        Tag("applications", "Applications with a business idea, copied as submitted; admissibility.", listed_at=86),
        Tag(
            "reviews",
            "Evaluators: conflict-of-interest declarations, blind review, scores and comments on the rubric.",
            listed_at=88,
        ),
        Tag("my-applications", "The participant portal: my applications and how they were judged.", listed_at=89),
    ),
    problems=problems.PROBLEMS,
    spanish_messages=problems.SPANISH_MESSAGES,
)
