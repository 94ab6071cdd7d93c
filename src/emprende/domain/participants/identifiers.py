"""Identity documents and identifiers in other systems: the value objects behind a participant's identity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from stdnum.ec import ci as ec_ci
from stdnum.exceptions import ValidationError as StdnumValidationError

from emprende.domain.participants.contact import ECUADOR, normalize_country
from emprende.domain.shared.errors import InvalidInput, RuleChecks

MAX_DOCUMENT_NUMBER = 30
MAX_SYSTEM = 64
MAX_EXTERNAL_VALUE = 128

# Checked before case folding, so that non-ASCII letters cannot fold into ASCII ones (U+017F upper-cases to "S").
_DOCUMENT_NUMBER = re.compile(rf"[A-Za-z0-9]{{1,{MAX_DOCUMENT_NUMBER}}}")
_DOCUMENT_SEPARATORS = re.compile(r"[\s.\-]+")
_SYSTEM = re.compile(rf"[A-Za-z0-9._-]{{1,{MAX_SYSTEM}}}")


class DocumentType(StrEnum):
    """The kind of identity document a person shows."""

    CEDULA = "cedula"
    PASSPORT = "passport"
    REFUGEE_ID = "refugee_id"
    FOREIGN_ID = "foreign_id"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    """A validated, normalised identity document; build it with `identity_document`."""

    type: DocumentType
    number: str = field(repr=False)  # sensitive: kept out of reprs, logs and tracebacks
    issuing_country: str


def _document_type(value: DocumentType | str) -> DocumentType:
    try:
        return DocumentType(value)
    except (ValueError, TypeError) as error:
        raise InvalidInput("not a known identity document type", field="type", code="invalid_document") from error


def _document_number(value: str) -> str:
    compact = _DOCUMENT_SEPARATORS.sub("", value.strip())
    if not _DOCUMENT_NUMBER.fullmatch(compact):
        raise InvalidInput(
            "a document number of 1 to {limit} letters and digits is required",
            field="number",
            code="invalid_document",
            limit=MAX_DOCUMENT_NUMBER,
        )
    return compact.upper()


def identity_document(type: DocumentType | str, number: str, issuing_country: str | None) -> IdentityDocument:
    """Validate and normalise an identity document; a cédula is check-digit verified and always Ecuadorian."""
    checks = RuleChecks()
    kind = checks.check(lambda: _document_type(type), DocumentType.OTHER)
    compact = checks.check(lambda: _document_number(number), "")
    checks.raise_broken()
    # The check digit and the issuing country depend on the type and the number being readable.
    if kind is DocumentType.CEDULA:
        try:
            ec_ci.validate(compact)
        except StdnumValidationError as error:
            raise InvalidInput("not a valid Ecuadorian cédula", field="number", code="invalid_cedula") from error
        country = ECUADOR if issuing_country is None else normalize_country(issuing_country, field="issuing_country")
        if country != ECUADOR:
            raise InvalidInput("a cédula is issued by Ecuador", field="issuing_country", code="invalid_country")
    else:
        if issuing_country is None:
            raise InvalidInput("the issuing country is required", field="issuing_country", code="invalid_country")
        country = normalize_country(issuing_country, field="issuing_country")
    return IdentityDocument(type=kind, number=compact, issuing_country=country)


def document_key(doc: IdentityDocument) -> str:
    """The canonical uniqueness key of a document, "type:country:number", for an indexed exact-match column."""
    return f"{doc.type.value}:{doc.issuing_country}:{doc.number}"


@dataclass(frozen=True, slots=True)
class ExternalIdentifier:
    """A person's identifier in another system (e.g. "sigob", "unhcr.progres"); build it with `external_identifier`."""

    system: str
    value: str = field(repr=False)  # may identify a person (e.g. a refugee case number)


def external_identifier(system: str, value: str) -> ExternalIdentifier:
    """Validate and normalise an identifier in another system: a lower-case system name and a printable value."""
    checks = RuleChecks()
    name = system.strip()
    if not _SYSTEM.fullmatch(name):
        checks.issues.append(
            InvalidInput(
                "a system name of 1 to {limit} characters among a-z, 0-9, '.', '_' and '-' is required",
                field="system",
                code="invalid_external_identifier",
                limit=MAX_SYSTEM,
            )
        )
    text = value.strip()
    if not text or len(text) > MAX_EXTERNAL_VALUE or not text.isprintable():
        checks.issues.append(
            InvalidInput(
                "a value of 1 to {limit} printable characters is required",
                field="value",
                code="invalid_external_identifier",
                limit=MAX_EXTERNAL_VALUE,
            )
        )
    checks.raise_broken()
    return ExternalIdentifier(system=name.lower(), value=text)
