"""How the identity area's entities map onto its tables, and what it registers with the unit of work."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters.sql.identity import tables
from emprende.adapters.sql.shared.repository import SqlArea
from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import PortalAccountExists, User
from emprende.domain.shared.errors import EmailAlreadyRegistered


def _map(mappers: registry) -> None:
    mappers.map_imperatively(User, tables.users, version_id_col=tables.users.c.version)
    mappers.map_imperatively(LoginSession, tables.login_sessions)


IDENTITY = SqlArea(
    name="identity",
    map_entities=_map,
    audited={User: "user", LoginSession: "login_session"},
    unique_violations={
        "uq_users_email": lambda: EmailAlreadyRegistered("e-mail already registered", field="email"),
        "uq_users_participant_id": lambda: PortalAccountExists("this person already has a portal account"),
    },
)
