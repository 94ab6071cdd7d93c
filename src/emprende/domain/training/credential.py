"""Certificates: what one states (`CredentialClaim`) and the documents that carry it, an Open Badges 3.0 credential
(`open_badge`) and the W3C Bitstring Status List credentials that revoke or suspend it (`status_list_credential`, with
one `status_entry` per list in each certificate).

A certificate is read by people and systems that never ask emprende anything, and it stays readable for years: it
names the person only by an opaque identifier (a `urn:uuid:` or a DID the person controls), never by name or document
number. The training hours and the modules of the curriculum have no Open Badges term; they travel as
`trainingHours` and `trainingModules` on the achievement, terms the Verifiable Credentials 2.0 context maps to its
issuer-dependent vocabulary.

The bitstrings themselves are in `credential_status`, the verification outcomes in `credential_verification`; the names
are offered here too, so that a caller imports the area's certificates from one place.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from emprende.domain.shared.errors import InvalidInput, RuleChecks
from emprende.domain.training.credential_status import (
    STATUS_LIST_BITS,
    StatusListUnreadable,
    StatusPurpose,
    decode_status_list,
    encode_status_list,
    status_bit,
)
from emprende.domain.training.credential_verification import Verification, VerificationOutcome

__all__ = [
    "STATUS_LIST_BITS",
    "Achievement",
    "CredentialClaim",
    "CredentialIssuer",
    "CurriculumModule",
    "StatusListUnreadable",
    "StatusPurpose",
    "Verification",
    "VerificationOutcome",
    "decode_status_list",
    "encode_status_list",
    "issuer_profile",
    "open_badge",
    "status_bit",
    "status_entry",
    "status_list_credential",
    "timestamp",
    "urn_uuid",
]

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
OB_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
OPEN_BADGE_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
STATUS_LIST_TYPES = ("VerifiableCredential", "BitstringStatusListCredential")
STATUS_ENTRY_TYPE = "BitstringStatusListEntry"

MAX_NAME = 200
MAX_DESCRIPTION = 2_000
MAX_NARRATIVE = 4_000
MAX_VERSION = 40
MAX_URI = 500
MAX_MODULES = 100
MAX_HOURS = Decimal(10_000)

TEXT_LENGTH = "{field} must have 1 to {limit} characters"
NUL_CHARACTER = "must not contain NUL characters"
NO_UTC_OFFSET = "include a UTC offset"
NOT_URN_UUID = "must be a urn:uuid: identifier"
NOT_HTTPS_URL = "must be an https URL"
NOT_ACHIEVEMENT_URI = "must be an https URL or a urn:uuid: identifier"
NOT_OPAQUE_SUBJECT = "must be an opaque urn:uuid: identifier or a DID, never a name or a document number"
BAD_HOURS = "must be more than 0 and at most {limit} hours, with at most two decimals"
BAD_MODULE_COUNT = "a certificate lists 1 to {limit} modules"
MODULE_TWICE = "a module is listed twice"
BAD_LANGUAGE = "must be a language tag such as es or es-EC"
ENDS_BEFORE_START = "must be after valid_from"
NEGATIVE_STATUS_INDEX = "a status list index is 0 or more"

# DID Core: did:<method>:<method-specific-id>, without a path, query or fragment.
_DID = re.compile(r"did:[a-z0-9]+:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}|:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})")
# A DID whose identifier is only digits and separators reads as a document or telephone number.
_NUMBER_LIKE = re.compile(r"[0-9.:_-]+")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}")
_CENT = Decimal("0.01")


def urn_uuid(value: uuid.UUID) -> str:
    """A UUID as the `urn:uuid:` URI a credential uses for ids."""
    return f"urn:uuid:{value}"


def is_urn_uuid(value: str) -> bool:
    """Whether `value` is a `urn:uuid:` URI in its canonical (lower-case, hyphenated) form."""
    if not value.startswith("urn:uuid:"):
        return False
    try:
        return str(uuid.UUID(value[9:])) == value[9:]
    except ValueError:
        return False


def is_https_url(value: str) -> bool:
    """Whether `value` is an absolute https URL with a host, no credentials and no whitespace."""
    if len(value) > MAX_URI or not value.isprintable() or " " in value:
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme == "https" and bool(parts.hostname) and parts.username is None
    except ValueError:
        return False


def is_opaque_subject(value: str) -> bool:
    """Whether `value` identifies a person without saying who they are: a `urn:uuid:` or a DID whose identifier is not
    a bare number and carries no encoded spaces."""
    if is_urn_uuid(value):
        return True
    if len(value) > MAX_URI or not _DID.fullmatch(value):
        return False
    specific = value.split(":", 2)[2]
    return not _NUMBER_LIKE.fullmatch(specific) and "%20" not in specific


def timestamp(moment: datetime) -> str:
    """An instant as a credential writes it: UTC, whole seconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: str, field: str, limit: int) -> None:
    if not value.strip() or len(value) > limit:
        raise InvalidInput(TEXT_LENGTH, field=field, limit=limit)
    if "\x00" in value:
        raise InvalidInput(NUL_CHARACTER, field=field)


def _aware(moment: datetime, field: str) -> None:
    if moment.utcoffset() is None:
        raise InvalidInput(NO_UTC_OFFSET, field=field, code="timezone_required")


@dataclass(frozen=True, slots=True)
class CredentialIssuer:
    """Who vouches for a certificate: the programme issues it (its name and public URL, which identifies it); the
    partner that delivered the training is named as the one that assessed the person on the programme's behalf."""

    programme_name: str
    programme_url: str
    partner_id: uuid.UUID
    partner_name: str

    def __post_init__(self) -> None:
        checks = RuleChecks()
        checks.check(lambda: _text(self.programme_name, "issuer.programme_name", MAX_NAME), None)
        if not is_https_url(self.programme_url):
            checks.issues.append(InvalidInput(NOT_HTTPS_URL, field="issuer.programme_url"))
        checks.check(lambda: _text(self.partner_name, "issuer.partner_name", MAX_NAME), None)
        checks.raise_broken()


@dataclass(frozen=True, slots=True)
class CurriculumModule:
    """One training module of the curriculum, in the version the person took."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class Achievement:
    """What the person completed: the curriculum, identified by a stable URI, with the criteria they met, its hours and
    its modules."""

    id: str
    name: str
    description: str
    criteria: str
    hours: Decimal
    modules: Sequence[CurriculumModule]

    def __post_init__(self) -> None:
        object.__setattr__(self, "modules", tuple(self.modules))
        checks = RuleChecks()
        if not (is_https_url(self.id) or is_urn_uuid(self.id)):
            checks.issues.append(InvalidInput(NOT_ACHIEVEMENT_URI, field="achievement.id"))
        checks.check(lambda: _text(self.name, "achievement.name", MAX_NAME), None)
        checks.check(lambda: _text(self.description, "achievement.description", MAX_DESCRIPTION), None)
        checks.check(lambda: _text(self.criteria, "achievement.criteria", MAX_NARRATIVE), None)
        hours = self.hours
        if not (hours.is_finite() and 0 < hours <= MAX_HOURS and hours == hours.quantize(_CENT)):
            checks.issues.append(InvalidInput(BAD_HOURS, field="achievement.hours", limit=MAX_HOURS))
        if not 1 <= len(self.modules) <= MAX_MODULES:
            checks.issues.append(InvalidInput(BAD_MODULE_COUNT, field="achievement.modules", limit=MAX_MODULES))
        seen: set[tuple[str, str]] = set()
        for index, module in enumerate(self.modules[:MAX_MODULES]):
            where = f"achievement.modules.{index}"
            checks.check(partial(_text, module.name, f"{where}.name", MAX_NAME), None)
            checks.check(partial(_text, module.version, f"{where}.version", MAX_VERSION), None)
            key = (module.name.strip().casefold(), module.version.strip())
            if key in seen:
                checks.issues.append(InvalidInput(MODULE_TWICE, field=where))
            seen.add(key)
        checks.raise_broken()


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialClaim:
    """Everything a certificate states, checked: the credential's own id, who issues it, whom it is about (opaquely),
    what they achieved, when it was issued and for how long it holds, and the language its texts are in."""

    id: str
    issuer: CredentialIssuer
    subject_id: str
    achievement: Achievement
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime | None = None
    language: str

    def __post_init__(self) -> None:
        checks = RuleChecks()
        if not is_urn_uuid(self.id):
            checks.issues.append(InvalidInput(NOT_URN_UUID, field="id"))
        if not is_opaque_subject(self.subject_id):
            checks.issues.append(InvalidInput(NOT_OPAQUE_SUBJECT, field="subject_id"))
        checks.check(lambda: _aware(self.issued_at, "issued_at"), None)
        checks.check(lambda: _aware(self.valid_from, "valid_from"), None)
        if self.valid_until is not None:
            until = self.valid_until
            checks.check(lambda: _aware(until, "valid_until"), None)
            if not checks.broken("valid_from", "valid_until") and until <= self.valid_from:
                checks.issues.append(InvalidInput(ENDS_BEFORE_START, field="valid_until"))
        if not _LANGUAGE.fullmatch(self.language):
            checks.issues.append(InvalidInput(BAD_LANGUAGE, field="language"))
        checks.raise_broken()


def issuer_profile(issuer: CredentialIssuer) -> dict[str, Any]:
    """The programme as an Open Badges `Profile`: the issuer of its certificates and of their status lists."""
    return {
        "id": issuer.programme_url,
        "type": ["Profile"],
        "name": issuer.programme_name,
        "url": issuer.programme_url,
    }


def _number(value: Decimal) -> int | float:
    # At most two decimals and below 10,000: the float's shortest form is the same decimal text.
    return int(value) if value == value.to_integral_value() else float(value)


def open_badge(claim: CredentialClaim, status_entries: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The Open Badges 3.0 credential stating `claim`, with its status entries (see `status_entry`), unsigned."""
    achievement = claim.achievement
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": claim.id,
        "type": list(OPEN_BADGE_TYPES),
        "name": achievement.name,
        "issuer": issuer_profile(claim.issuer),
        "validFrom": timestamp(claim.valid_from),
        "awardedDate": timestamp(claim.issued_at),
        "credentialSubject": {
            "id": claim.subject_id,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": achievement.id,
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": achievement.name,
                "description": achievement.description,
                "criteria": {"narrative": achievement.criteria},
                "inLanguage": claim.language,
                "trainingHours": _number(achievement.hours),
                "trainingModules": [{"name": item.name, "version": item.version} for item in achievement.modules],
            },
            "source": {
                "id": urn_uuid(claim.issuer.partner_id),
                "type": ["Profile"],
                "name": claim.issuer.partner_name,
            },
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": OB_SCHEMA_TYPE}],
    }
    if claim.valid_until is not None:
        credential["validUntil"] = timestamp(claim.valid_until)
    if status_entries:
        credential["credentialStatus"] = [dict(entry) for entry in status_entries]
    return credential


def status_entry(list_url: str, purpose: StatusPurpose, index: int) -> dict[str, Any]:
    """A certificate's `credentialStatus` entry: its place in the status list published at `list_url`."""
    checks = RuleChecks()
    if not is_https_url(list_url):
        checks.issues.append(InvalidInput(NOT_HTTPS_URL, field="status_list_credential"))
    if index < 0:
        checks.issues.append(InvalidInput(NEGATIVE_STATUS_INDEX, field="status_list_index"))
    checks.raise_broken()
    return {
        "id": f"{list_url}#{index}",
        "type": STATUS_ENTRY_TYPE,
        "statusPurpose": purpose.value,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    url: str,
    purpose: StatusPurpose,
    encoded: str,
    issuer: CredentialIssuer | str,
    valid_from: datetime,
    *,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """The `BitstringStatusListCredential` published at `url`, unsigned: the encoded list (see `encode_status_list`)
    of one purpose, from the programme (`issuer`, or its id). `valid_until` tells verifiers when to fetch it again."""
    checks = RuleChecks()
    if not is_https_url(url):
        checks.issues.append(InvalidInput(NOT_HTTPS_URL, field="url"))
    checks.check(lambda: _aware(valid_from, "valid_from"), None)
    if valid_until is not None:
        checks.check(lambda: _aware(valid_until, "valid_until"), None)
    checks.raise_broken()
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": list(STATUS_LIST_TYPES),
        "issuer": issuer_profile(issuer) if isinstance(issuer, CredentialIssuer) else issuer,
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose.value,
            "encodedList": encoded,
        },
    }
    if valid_until is not None:
        credential["validUntil"] = timestamp(valid_until)
    return credential
