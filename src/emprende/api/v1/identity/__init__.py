"""Sign-in, sessions, the current user and user accounts."""

from __future__ import annotations

from emprende.api.area import ApiArea, Tag
from emprende.api.v1.identity import auth, problems, users

AREA = ApiArea(
    name="identity",
    routers=(auth.router, users.router),
    tags=(
        Tag("auth", "Sign in (OAuth2 password flow), rotate refresh tokens, sign out, who am I.", listed_at=20),
        Tag("users", "Accounts of administrators, partner staff, evaluators and participants.", listed_at=30),
    ),
    problems=problems.PROBLEMS,
    spanish_messages=problems.SPANISH_MESSAGES,
)
