"""Users: the people who sign in to emprende, and their roles."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from emprende.domain.shared.errors import Conflict, InvalidInput
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200

_EMAIL_SHAPE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class PortalAccountExists(Conflict):
    code = "portal_account_exists"


class Role(StrEnum):
    ADMIN = "admin"
    PARTNER_MANAGER = "partner_manager"
    PARTNER_STAFF = "partner_staff"
    FACILITATOR = "facilitator"
    EVALUATOR = "evaluator"
    PARTICIPANT = "participant"


class Language(StrEnum):
    ES = "es"
    EN = "en"


def normalize_email(email: str) -> str:
    """The canonical form of an e-mail address: trimmed and lower-cased, so uniqueness ignores case."""
    value = email.strip().lower()
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL_SHAPE.match(value):
        raise InvalidInput("not a valid e-mail address", field="email", code="invalid_email")
    return value


def check_full_name(full_name: str) -> str:
    value = " ".join(full_name.split())
    if not value or len(value) > MAX_NAME_LENGTH:
        raise InvalidInput("a full name of 1 to 200 characters is required", field="full_name")
    return value


class User(Aggregate):
    """A person who signs in: a programme administrator, partner staff, evaluator or participant."""

    sensitive_fields: ClassVar[frozenset[str]] = frozenset({"password_hash"})

    id: uuid.UUID
    partner_id: uuid.UUID | None
    """None for the programme operator's administrators; every other account belongs to one partner."""
    email: str
    full_name: str
    password_hash: str
    role: Role
    is_active: bool
    password_reset_required: bool
    participant_id: uuid.UUID | None
    """For `participant` accounts: the one participant record the account belongs to."""
    preferred_language: Language
    created_at: datetime
    updated_at: datetime
    version: int

    def __init__(
        self,
        *,
        email: str,
        full_name: str,
        password_hash: str,
        role: Role,
        now: datetime,
        preferred_language: Language = Language.ES,
        partner_id: uuid.UUID | None = None,
        id: uuid.UUID | None = None,
        password_set_by_another: bool = False,
    ) -> None:
        """`password_set_by_another`: someone other than the account's owner chose the password (an administrator, a
        partner manager, a partner's staff); its owner must then replace it at first sign-in."""
        if (role is Role.ADMIN) != (partner_id is None):
            raise InvalidInput(
                "administrators belong to the programme operator; every other role belongs to one partner",
                field="partner_id",
                code="partner_required" if partner_id is None else "invalid_input",
            )
        self.id = id or new_id()
        self.partner_id = partner_id
        self.email = normalize_email(email)
        self.full_name = check_full_name(full_name)
        self.password_hash = password_hash
        self.role = role
        self.is_active = True
        self.password_reset_required = password_set_by_another
        self.participant_id = None
        self.preferred_language = preferred_language
        self.created_at = now
        self.updated_at = now
        self.version = 1
        self.record(
            DomainEvent(
                "user.created",
                "user",
                self.id,
                {"role": role.value, "partner_id": str(partner_id) if partner_id else None},
            )
        )

    def link_participant(self, participant_id: uuid.UUID, now: datetime) -> None:
        """Tie a participant account to its person's record, once."""
        if self.role is not Role.PARTICIPANT:
            raise InvalidInput("only participant accounts are linked to a participant", field="role")
        if self.participant_id is not None and self.participant_id != participant_id:
            raise InvalidInput("this account already belongs to another participant", field="participant_id")
        self.participant_id = participant_id
        self.updated_at = now

    def rename(self, full_name: str, now: datetime) -> None:
        self.full_name = check_full_name(full_name)
        self.updated_at = now

    def set_language(self, language: Language, now: datetime) -> None:
        self.preferred_language = language
        self.updated_at = now

    def change_password_hash(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.password_reset_required = False
        self.updated_at = now

    def rehash_password(self, password_hash: str, now: datetime) -> None:
        """The same password under current hashing parameters: a change still required stays required."""
        self.password_hash = password_hash
        self.updated_at = now

    def force_password_reset(self, temporary_hash: str, now: datetime) -> None:
        """Replace the password with a temporary one that must be changed at next sign-in."""
        self.password_hash = temporary_hash
        self.password_reset_required = True
        self.updated_at = now
        self.record(DomainEvent("user.password_reset", "user", self.id))

    def deactivate(self, now: datetime) -> None:
        if self.is_active:
            self.is_active = False
            self.updated_at = now
            self.record(DomainEvent("user.deactivated", "user", self.id))

    def activate(self, now: datetime) -> None:
        if not self.is_active:
            self.is_active = True
            self.updated_at = now
            self.record(DomainEvent("user.activated", "user", self.id))
