"""Imperative mapping of domain entities onto tables: the domain classes stay free of SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters import tables
from emprende.domain.sessions import LoginSession
from emprende.domain.users import User

mapper_registry = registry(metadata=tables.metadata)

# Entity class -> the name used for it in the audit trail.
AUDITED_ENTITIES: dict[type, str] = {User: "user", LoginSession: "login_session"}

_started = False


def start_mappers() -> None:
    """Map every entity once per process."""
    global _started
    if _started:
        return
    mapper_registry.map_imperatively(User, tables.users, version_id_col=tables.users.c.version)
    mapper_registry.map_imperatively(LoginSession, tables.login_sessions)
    _started = True
