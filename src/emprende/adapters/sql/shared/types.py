"""Column types shared by every table."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Numeric, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.identifiers import DocumentType, ExternalIdentifier, IdentityDocument
from emprende.domain.partners.agreement import AgreementRole, Amendment

_CENT = Decimal("0.01")
_FIRST = datetime.min.replace(tzinfo=UTC)
_LAST = datetime.max.replace(tzinfo=UTC)


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; an instant whose UTC date falls outside `datetime` (year 1 east of UTC, year 9999 west of it) is
    held at the first or last instant there is. The API refuses such values before they get here: this keeps one that
    slips through from ending a request in an OverflowError, and compares as the value would."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return _FIRST if value.year == 1 else _LAST


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, also on SQLite (which stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONDocument: Any = JSON().with_variant(JSONB(), "postgresql")


class StringSet(TypeDecorator[frozenset[str]]):
    """A set of short strings (roles, scopes) stored as a sorted JSON array."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: frozenset[str] | None, dialect: Dialect) -> list[str] | None:
        return None if value is None else sorted(str(item) for item in value)

    def process_result_value(self, value: list[str] | None, dialect: Dialect) -> frozenset[str] | None:
        return None if value is None else frozenset(value)


class _RoleSet(StringSet):
    cache_ok = True

    def process_result_value(self, value: list[str] | None, dialect: Dialect) -> frozenset[Any] | None:
        return None if value is None else frozenset(AgreementRole(item) for item in value)


class AmendmentList(TypeDecorator[list[Amendment]]):
    """An agreement's amendment history, stored as a JSON array in order."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: list[Amendment] | None, dialect: Dialect) -> list[dict[str, Any]] | None:
        if value is None:
            return None
        return [
            {
                "number": item.number,
                "effective_from": item.effective_from.isoformat(),
                "reason": item.reason,
                "roles_added": sorted(role.value for role in item.roles_added),
                "roles_removed": sorted(role.value for role in item.roles_removed),
                "new_end_date": item.new_end_date.isoformat() if item.new_end_date else None,
                "recorded_at": item.recorded_at.isoformat(),
                "recorded_by": str(item.recorded_by) if item.recorded_by else None,
            }
            for item in value
        ]

    def process_result_value(self, value: list[dict[str, Any]] | None, dialect: Dialect) -> list[Amendment] | None:
        if value is None:
            return None
        return [
            Amendment(
                number=int(item["number"]),
                effective_from=date.fromisoformat(item["effective_from"]),
                reason=str(item["reason"]),
                roles_added=frozenset(AgreementRole(role) for role in item["roles_added"]),
                roles_removed=frozenset(AgreementRole(role) for role in item["roles_removed"]),
                new_end_date=date.fromisoformat(item["new_end_date"]) if item["new_end_date"] else None,
                recorded_at=datetime.fromisoformat(item["recorded_at"]),
                recorded_by=uuid.UUID(item["recorded_by"]) if item["recorded_by"] else None,
            )
            for item in value
        ]


RoleSet = _RoleSet


class _JSONValue(TypeDecorator[Any]):
    """Base for value objects kept as JSON (JSONB on PostgreSQL)."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())


class DocumentList(_JSONValue):
    """A participant's identity documents."""

    cache_ok = True

    def process_bind_param(self, value: list[IdentityDocument] | None, dialect: Dialect) -> list[dict[str, str]] | None:
        if value is None:
            return None
        return [{"type": doc.type.value, "number": doc.number, "issuing_country": doc.issuing_country} for doc in value]

    def process_result_value(
        self, value: list[dict[str, str]] | None, dialect: Dialect
    ) -> list[IdentityDocument] | None:
        if value is None:
            return None
        return [IdentityDocument(DocumentType(item["type"]), item["number"], item["issuing_country"]) for item in value]


class ExternalIdList(_JSONValue):
    """A participant's identifiers in partner systems."""

    cache_ok = True

    def process_bind_param(
        self, value: list[ExternalIdentifier] | None, dialect: Dialect
    ) -> list[dict[str, str]] | None:
        if value is None:
            return None
        return [{"system": item.system, "value": item.value} for item in value]

    def process_result_value(
        self, value: list[dict[str, str]] | None, dialect: Dialect
    ) -> list[ExternalIdentifier] | None:
        if value is None:
            return None
        return [ExternalIdentifier(item["system"], item["value"]) for item in value]


class DisabilityAnswers(_JSONValue):
    """Answers to the Washington Group Short Set."""

    cache_ok = True

    def process_bind_param(self, value: WashingtonGroupShortSet | None, dialect: Dialect) -> dict[str, Any] | None:
        return None if value is None else value.answers()

    def process_result_value(self, value: dict[str, Any] | None, dialect: Dialect) -> WashingtonGroupShortSet | None:
        return None if value is None else WashingtonGroupShortSet.from_answers(value)


class Money(TypeDecorator[Decimal]):
    """A US-dollar amount, exact: NUMERIC(12, 2) on PostgreSQL; on SQLite, which has no exact decimal type (its
    NUMERIC holds floats), whole cents in an integer — exact, and ordered and compared as the amounts are."""

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(BigInteger() if dialect.name == "sqlite" else Numeric(12, 2))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Decimal | int | None:
        if value is None:
            return None
        cents = value.quantize(_CENT)
        if cents != value:
            raise ValueError("amounts are stored to the cent")
        return int(cents.scaleb(2)) if dialect.name == "sqlite" else cents

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, int):
            return Decimal(value).scaleb(-2).quantize(_CENT)
        return Decimal(str(value)).quantize(_CENT)
