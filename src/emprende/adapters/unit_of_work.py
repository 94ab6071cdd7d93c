"""The SQLAlchemy unit of work: one transaction per use case, audit trail and outbox written with the change."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event, insert, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.exc import StaleDataError

from emprende.adapters import tables
from emprende.adapters.orm import AUDITED_ENTITIES
from emprende.adapters.repositories import (
    SqlAgreementRepository,
    SqlApiClientRepository,
    SqlConsentRepository,
    SqlDuplicateRepository,
    SqlLoginSessionRepository,
    SqlParticipantRepository,
    SqlPartnerRepository,
    SqlUserRepository,
)
from emprende.domain.agreements import AgreementCodeTaken
from emprende.domain.audit import Actor, AuditAction, FieldChange, redact
from emprende.domain.errors import DomainError, EmailAlreadyRegistered, PreconditionFailed
from emprende.domain.events import Aggregate
from emprende.domain.ids import new_id
from emprende.domain.participants import DuplicateParticipant
from emprende.domain.partners import RucTaken
from emprende.domain.users import PortalAccountExists
from emprende.services.context import current_request_id
from emprende.services.ports import Clock
from emprende.services.principal import Scope

# Bookkeeping columns whose change tells an auditor nothing.
_UNAUDITED_FIELDS = frozenset({"version", "updated_at", "last_used_at"})
_PENDING_KEY = "emprende_audit"
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)$")


def _unique_violation(name: str) -> DomainError | None:
    """The domain's word for a unique constraint that a concurrent writer won (the use case checked first)."""
    if name == "uq_users_email":
        return EmailAlreadyRegistered("e-mail already registered", field="email")
    if name == "uq_partners_ruc":
        return RucTaken("another partner has this RUC", field="ruc")
    if name in ("pk_participant_identifiers", "uq_participant_identifiers_key"):
        return DuplicateParticipant("an identity document or external identifier is already registered")
    if name == "uq_users_participant_id":
        return PortalAccountExists("this person already has a portal account")
    if name == "uq_cooperation_agreements_code":
        return AgreementCodeTaken("another agreement has this code", field="code")
    return None


def translate_integrity_error(error: IntegrityError) -> DomainError | None:
    """Map a violated constraint, by its conventional name, to a domain error; None when it is a plain bug."""
    message = str(error.orig)
    name = getattr(getattr(error.orig, "__cause__", None), "constraint_name", None)  # asyncpg
    if name is None and (match := _SQLITE_UNIQUE.search(message.strip())):
        name = f"uq_{match.group(1)}_{match.group(2)}"  # SQLite names columns, not constraints
    return _unique_violation(name) if isinstance(name, str) else None


def to_json_value(value: Any) -> Any:
    """A JSON-friendly rendering of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    return str(value)


@dataclass(frozen=True, slots=True)
class _Change:
    action: AuditAction
    entity_type: str
    entity_id: str
    changes: dict[str, FieldChange]


class AuditingSession(Session):
    """A session that notes, before each flush, what each audited entity is about to change."""


def _column_changes(obj: object, *, new: bool) -> dict[str, FieldChange]:
    state = inspect(obj)
    changes: dict[str, FieldChange] = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in _UNAUDITED_FIELDS:
            continue
        if new:
            value = getattr(obj, name, None)
            if value is not None:
                changes[name] = FieldChange(None, to_json_value(value))
            continue
        history = state.attrs[name].history
        if history.added or history.deleted:
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[name] = FieldChange(to_json_value(before), to_json_value(after))
    return changes


@event.listens_for(AuditingSession, "before_flush")
def _collect_changes(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    pending: list[_Change] = session.info.setdefault(_PENDING_KEY, [])
    for action, objects in (
        (AuditAction.CREATE, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, session.deleted),
    ):
        for obj in objects:
            entity_type = AUDITED_ENTITIES.get(type(obj))
            if entity_type is None:
                continue
            if action is AuditAction.UPDATE and not session.is_modified(obj, include_collections=False):
                continue
            changes = {} if action is AuditAction.DELETE else _column_changes(obj, new=action is AuditAction.CREATE)
            if action is AuditAction.UPDATE and not changes:
                continue
            sensitive: frozenset[str] = getattr(type(obj), "sensitive_fields", frozenset())
            pending.append(_Change(action, entity_type, str(getattr(obj, "id", "")), redact(changes, sensitive)))


def build_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, sync_session_class=AuditingSession)


class SqlAlchemyUnitOfWork:
    """Rolls back unless `commit()` is called; a commit writes the audit trail and outbox in the same transaction."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        scope: Scope,
        *,
        read_only: bool = False,
    ) -> None:
        self._session_factory = session_factory
        self._read_only = read_only
        self._clock = clock
        self._tenant = scope.tenant
        self._actor = scope.actor

    def act_as(self, actor: Actor) -> None:
        self._actor = actor

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        self.users = SqlUserRepository(self.session, self._tenant)
        self.sessions = SqlLoginSessionRepository(self.session, self._tenant)
        self.partners = SqlPartnerRepository(self.session, self._tenant)
        self.agreements = SqlAgreementRepository(self.session, self._tenant)
        self.clients = SqlApiClientRepository(self.session, self._tenant)
        self.participants = SqlParticipantRepository(self.session, self._tenant)
        self.consents = SqlConsentRepository(self.session, self._tenant)
        self.duplicates = SqlDuplicateRepository(self.session, self._tenant)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Detach first: a rollback would expire what the use case loaded and is about to return.
        self.session.expunge_all()
        await self.rollback()
        await self.session.close()

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        try:
            await self.session.flush()  # constraint violations surface here, before anything is recorded
        except IntegrityError as error:
            # Two writers raced past the use case's own check: answer as the check would have.
            translated = translate_integrity_error(error)
            if translated is None:
                raise
            raise translated from error
        except StaleDataError as error:
            raise PreconditionFailed("the object changed concurrently; read it again and retry") from error
        await self._write_audit_and_outbox()
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
        self.session.info.pop(_PENDING_KEY, None)

    async def _write_audit_and_outbox(self) -> None:
        now = self._clock.now()
        request_id = current_request_id.get()
        changes: list[_Change] = self.session.info.pop(_PENDING_KEY, [])
        audit_rows = [
            {
                "id": new_id(),
                "occurred_at": now,
                "actor_type": self._actor.type.value,
                "actor_id": self._actor.id,
                "action": change.action.value,
                "entity_type": change.entity_type,
                "entity_id": change.entity_id,
                "changes": {name: asdict(value) for name, value in change.changes.items()},
                "request_id": request_id,
            }
            for change in changes
        ]
        outbox_rows = [
            {
                "id": new_id(),
                "occurred_at": now,
                "event_type": domain_event.name,
                "aggregate_type": domain_event.aggregate_type,
                "aggregate_id": domain_event.aggregate_id,
                "payload": to_json_value(domain_event.payload),
                "request_id": request_id,
            }
            for obj in list(self.session.identity_map.values())
            if isinstance(obj, Aggregate)
            for domain_event in obj.pull_events()
        ]
        if audit_rows:
            await self.session.execute(insert(tables.audit_events), audit_rows)
        if outbox_rows:
            await self.session.execute(insert(tables.outbox), outbox_rows)
