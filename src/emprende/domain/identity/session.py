"""Login sessions: one per sign-in, the family that a chain of rotating refresh tokens belongs to."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from emprende.domain.shared.errors import AuthenticationFailed
from emprende.domain.shared.ids import new_id


class LoginSession:
    """A sign-in. Only its newest refresh token is valid; presenting an older one revokes the whole session."""

    sensitive_fields: ClassVar[frozenset[str]] = frozenset({"current_token_id"})

    id: uuid.UUID
    user_id: uuid.UUID
    current_token_id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    last_refreshed_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str | None

    def __init__(self, *, user_id: uuid.UUID, now: datetime, expires_at: datetime) -> None:
        self.id = new_id()
        self.user_id = user_id
        self.current_token_id = new_id()
        self.created_at = now
        self.expires_at = expires_at
        self.last_refreshed_at = None
        self.revoked_at = None
        self.revoked_reason = None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def rotate(self, presented_token_id: uuid.UUID, now: datetime) -> uuid.UUID:
        """Accept the current refresh token once and issue the next; a replayed one revokes the session."""
        if self.revoked_at is not None:
            raise AuthenticationFailed("session revoked", code="session_revoked")
        if now >= self.expires_at:
            raise AuthenticationFailed("session expired", code="token_expired")
        if presented_token_id != self.current_token_id:
            self.revoke("refresh_token_reuse", now)
            raise RefreshTokenReusedError
        self.current_token_id = new_id()
        self.last_refreshed_at = now
        return self.current_token_id

    def revoke(self, reason: str, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.revoked_reason = reason


class RefreshTokenReusedError(AuthenticationFailed):
    def __init__(self) -> None:
        super().__init__("refresh token reused; the session is revoked", code="refresh_token_reused")
