"""Partner API clients: machine identities for partner systems, with scopes, rotation and revocation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import ClassVar

from emprende.domain.shared.errors import Conflict, InvalidInput
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_CLIENT_NAME = 120


class ClientRevoked(Conflict):
    code = "client_revoked"


class ApiClient(Aggregate):
    """A partner system's credentials. The secret is only ever stored hashed; rotation keeps the old one valid for a
    grace period so the partner can roll out the new one."""

    sensitive_fields: ClassVar[frozenset[str]] = frozenset({"secret_hash", "previous_secret_hash"})

    id: uuid.UUID
    partner_id: uuid.UUID
    name: str
    scopes: frozenset[str]
    secret_hash: str
    previous_secret_hash: str | None
    previous_secret_expires_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    version: int

    def __init__(
        self,
        *,
        partner_id: uuid.UUID,
        name: str,
        scopes: Iterable[str],
        secret_hash: str,
        now: datetime,
        expires_at: datetime | None = None,
        created_by: uuid.UUID | None = None,
    ) -> None:
        cleaned = " ".join(name.split())
        if not cleaned or len(cleaned) > MAX_CLIENT_NAME:
            raise InvalidInput("a name of 1 to 120 characters is required", field="name")
        if expires_at is not None and expires_at <= now:
            raise InvalidInput("the expiry must be in the future", field="expires_at")
        self.id = new_id()
        self.partner_id = partner_id
        self.name = cleaned
        self.scopes = frozenset(scopes)
        if not self.scopes:
            raise InvalidInput("a client needs at least one scope", field="scopes")
        self.secret_hash = secret_hash
        self.previous_secret_hash = None
        self.previous_secret_expires_at = None
        self.expires_at = expires_at
        self.revoked_at = None
        self.last_used_at = None
        self.created_by = created_by
        self.created_at = now
        self.updated_at = now
        self.version = 1
        self.record(DomainEvent("api_client.created", "api_client", self.id, {"partner_id": str(partner_id)}))

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def candidate_hashes(self, now: datetime) -> list[str]:
        """Hashes a presented secret may match now: the current one, and the previous one during its grace period."""
        hashes = [self.secret_hash]
        if (
            self.previous_secret_hash is not None
            and self.previous_secret_expires_at is not None
            and now < self.previous_secret_expires_at
        ):
            hashes.append(self.previous_secret_hash)
        return hashes

    def rotate(self, new_secret_hash: str, grace: timedelta, now: datetime) -> None:
        if self.revoked_at is not None:
            raise ClientRevoked("a revoked client cannot be rotated")
        self.previous_secret_hash = self.secret_hash
        self.previous_secret_expires_at = now + grace
        self.secret_hash = new_secret_hash
        self.updated_at = now
        self.record(DomainEvent("api_client.rotated", "api_client", self.id))

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.previous_secret_hash = None
            self.previous_secret_expires_at = None
            self.updated_at = now
            self.record(DomainEvent("api_client.revoked", "api_client", self.id))

    def mark_used(self, now: datetime) -> None:
        self.last_used_at = now

    def narrow_scopes(self, allowed: frozenset[str], now: datetime) -> None:
        if not self.scopes <= allowed:
            self.scopes = self.scopes & allowed
            self.updated_at = now
