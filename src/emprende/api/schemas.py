"""Request and response schemas of API v1. Requests reject unknown fields; every string has a bound."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from emprende.domain.users import Language, Role

_T = TypeVar("_T")


def _reject_nul(value: _T) -> _T:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# PostgreSQL cannot store NUL in text: refuse it as invalid input rather than fail in the database.
NoNul = AfterValidator(_reject_nul)


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        return _reject_nul(value)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class HealthOut(ResponseModel):
    status: Literal["ok", "ready"]
    checks: dict[str, str] = Field(default_factory=dict)


class TokenOut(ResponseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str
    refresh_expires_at: datetime


class RefreshIn(RequestModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class UserOut(ResponseModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    is_active: bool
    preferred_language: Language
    created_at: datetime
    updated_at: datetime


class UserCreateIn(RequestModel):
    email: str = Field(min_length=3, max_length=254, examples=["maria.quispe@example.org"])
    full_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=12, max_length=256)
    role: Role
    preferred_language: Language = Language.ES


class UserUpdateIn(RequestModel):
    full_name: str | None = Field(None, min_length=1, max_length=200)
    preferred_language: Language | None = None
    is_active: bool | None = None


class AuditEventOut(ResponseModel):
    id: uuid.UUID
    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str
    changes: dict[str, Any] = Field(description="Changed fields with `before` and `after`; sensitive values redacted.")
    request_id: str | None
