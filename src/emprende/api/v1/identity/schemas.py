"""Request and response schemas of sign-in, sessions and user accounts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from emprende.api.schemas import RequestModel, ResponseModel
from emprende.domain.identity.user import Language, Role


def _absent(value: object) -> bool:
    return value is None


class TokenOut(ResponseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str | None = Field(None, exclude_if=_absent, description="Password grant only.")
    refresh_expires_at: datetime | None = Field(None, exclude_if=_absent, description="Password grant only.")
    scope: str | None = Field(None, exclude_if=_absent, description="Client-credentials grant: granted scopes.")
    password_change_required: bool | None = Field(
        None,
        exclude_if=_absent,
        description="Password grant only: true when the account's password was set by someone else (a new account "
        "or a reset) and must be changed (`POST /api/v1/auth/password`) before anything else is allowed.",
    )


class RefreshIn(RequestModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class UserOut(ResponseModel):
    id: uuid.UUID
    partner_id: uuid.UUID | None = Field(description="None for the programme operator's administrators.")
    email: str
    full_name: str
    role: Role
    is_active: bool
    preferred_language: Language
    password_reset_required: bool = False
    created_at: datetime
    updated_at: datetime


class UserCreateIn(RequestModel):
    email: str = Field(min_length=3, max_length=254, examples=["maria.quispe@example.org"])
    full_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=12, max_length=256)
    role: Role
    preferred_language: Language = Language.ES
    partner_id: uuid.UUID | None = Field(
        None, description="The partner the account belongs to (administrators; managers always create in their own)."
    )


class UserUpdateIn(RequestModel):
    full_name: str | None = Field(None, min_length=1, max_length=200)
    preferred_language: Language | None = None
    is_active: bool | None = None


class PasswordChangeIn(RequestModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=12, max_length=256)


class PasswordResetOut(ResponseModel):
    user_id: uuid.UUID
    temporary_password: str = Field(description="Shown this once; the user must change it at next sign-in.")
