"""Who is acting: one round trip per authenticated request resolves a user (with their login session and their
partner's status) or an API client (with its partner's status)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.partners import tables as partner_tables
from emprende.adapters.sql.shared.reads import ReadConnections
from emprende.domain.identity.user import Role
from emprende.domain.partners.partner import PartnerStatus
from emprende.services.identity.ports import ClientRecord, PrincipalRecord

_users = identity_tables.users
_sessions = identity_tables.login_sessions


_partners = partner_tables.partners
_clients = partner_tables.api_clients


# One round trip per authenticated request: the user, their login session and their partner's status.
_PRINCIPAL = (
    select(
        _users.c.id,
        _users.c.role,
        _users.c.is_active,
        _users.c.partner_id,
        _users.c.password_reset_required,
        _users.c.participant_id,
        _partners.c.status.label("partner_status"),
        _sessions.c.revoked_at,
        _sessions.c.expires_at,
    )
    .select_from(
        _users.outerjoin(_partners, _partners.c.id == _users.c.partner_id).outerjoin(
            _sessions, and_(_sessions.c.id == bindparam("sid"), _sessions.c.user_id == _users.c.id)
        )
    )
    .where(_users.c.id == bindparam("uid"))
)


_CLIENT = (
    select(
        _clients.c.id,
        _clients.c.partner_id,
        _clients.c.scopes,
        _clients.c.revoked_at,
        _clients.c.expires_at,
        _partners.c.status.label("partner_status"),
    )
    .select_from(_clients.join(_partners, _partners.c.id == _clients.c.partner_id))
    .where(_clients.c.id == bindparam("cid"))
)


class SqlPrincipalLookup:
    def __init__(self, reads: ReadConnections) -> None:
        self._reads = reads
        self._principal = reads.prepare(_PRINCIPAL)
        self._client = reads.prepare(_CLIENT)

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> PrincipalRecord | None:
        row = await self._reads.first(self._principal, {"uid": user_id, "sid": session_id})
        if row is None:
            return None
        # A missing session counts as revoked: the token outlived what it belonged to.
        revoked = session_id is not None and (row["expires_at"] is None or row["revoked_at"] is not None)
        return PrincipalRecord(
            user_id=row["id"],
            role=Role(row["role"]),
            is_active=row["is_active"],
            session_revoked=revoked,
            partner_id=row["partner_id"],
            partner_active=row["partner_id"] is None or row["partner_status"] == PartnerStatus.ACTIVE.value,
            password_reset_required=row["password_reset_required"],
            session_expires_at=row["expires_at"],
            participant_id=row["participant_id"],
        )

    async def find_client(self, client_id: uuid.UUID, now: datetime) -> ClientRecord | None:
        row = await self.client_row(client_id)
        return None if row is None else self.client_record(row, now)

    async def client_row(self, client_id: uuid.UUID) -> dict[str, Any] | None:
        """The client's row as read (a client's usability depends on the time it is asked)."""
        return await self._reads.first(self._client, {"cid": client_id})

    @staticmethod
    def client_record(row: dict[str, Any], now: datetime) -> ClientRecord:
        usable = row["revoked_at"] is None and (row["expires_at"] is None or now < row["expires_at"])
        return ClientRecord(
            client_id=row["id"],
            partner_id=row["partner_id"],
            scopes=frozenset(row["scopes"]),
            usable=usable,
            partner_active=row["partner_status"] == PartnerStatus.ACTIVE.value,
        )
