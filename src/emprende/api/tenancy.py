"""Every route declares how it treats tenants; a test walks the route table and fails on a route without one.

The declaration is published in the OpenAPI document as `x-tenancy` so that integrators can read it too.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Tenancy(StrEnum):
    PUBLIC = "public"
    """No caller data: health, docs, sign-in."""
    SELF = "self"
    """Only the caller's own account or session."""
    OPERATOR = "operator"
    """Programme-wide; only the operator's administrators (others are refused)."""
    SHARED = "shared"
    """Published to everyone signed in (the training module catalogue); only its owners change it or see drafts."""
    PARTNER_OWNED = "partner_owned"
    """Objects owned by a partner: a partner's principals see only their own partner's; others' are 404."""


def tenancy(kind: Tenancy) -> dict[str, Any]:
    return {"x-tenancy": kind.value}
