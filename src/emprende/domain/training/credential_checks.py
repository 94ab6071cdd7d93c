"""What a certificate must hold once its signature has: the shape of an Open Badges credential, token claims that agree
with it, dates around `now`, and no set bit in the status lists it names. The signature itself is checked by the
adapter that knows the keys (`adapters/credentials/signing.py`), which then hands the signed content here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from emprende.domain.training.credential import (
    OPEN_BADGE_TYPES,
    STATUS_ENTRY_TYPE,
    STATUS_LIST_TYPES,
    VC_CONTEXT,
    timestamp,
)
from emprende.domain.training.credential_status import StatusListUnreadable, StatusPurpose, decode_status_list
from emprende.domain.training.credential_verification import (
    BAD_DATES,
    BAD_STATUS_ENTRY,
    CERTIFICATE_EXPIRED,
    CERTIFICATE_NOT_YET_VALID,
    CERTIFICATE_REVOKED,
    CERTIFICATE_SUSPENDED,
    CERTIFICATE_VALID,
    CERTIFICATE_VALID_STATUS_UNCHECKED,
    INCONSISTENT_CLAIMS,
    NOT_A_CREDENTIAL,
    Verification,
    VerificationOutcome,
)

StatusListSource = Callable[[str], Mapping[str, Any] | None]
"""Finds a status list credential by its URL (already verified, when it came signed); None when it is unavailable."""

JWT_CLAIMS = ("iss", "sub", "jti", "nbf", "exp", "iat")
"""The token claims a signed credential carries beside the credential itself (VC-JOSE-COSE, Open Badges 3.0 JWT)."""


class _Malformed(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _types(value: object) -> set[str]:
    items = value if isinstance(value, list) else [value]
    return {item for item in items if isinstance(item, str)}


def _id_of(value: object) -> str | None:
    """The id of a credential's issuer (or any node given as an IRI or as an object with an `id`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _instant(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Malformed(BAD_DATES)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Malformed(BAD_DATES) from None
    if moment.utcoffset() is None:
        raise _Malformed(BAD_DATES)
    return moment


def _epoch(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Malformed(INCONSISTENT_CLAIMS)
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, ValueError, OSError):
        raise _Malformed(INCONSISTENT_CLAIMS) from None


def _check_shape(payload: Mapping[str, Any]) -> None:
    context, subject, issuer = payload.get("@context"), payload.get("credentialSubject"), _id_of(payload.get("issuer"))
    if not (
        isinstance(subject, Mapping)
        and isinstance(context, list)
        and context[:1] == [VC_CONTEXT]
        and set(OPEN_BADGE_TYPES) <= _types(payload.get("type"))
        and isinstance(payload.get("id"), str)
        and issuer is not None
        and "AchievementSubject" in _types(subject.get("type"))
        and isinstance(subject.get("achievement"), Mapping)
    ):
        raise _Malformed(NOT_A_CREDENTIAL)
    if not (
        payload.get("iss", issuer) == issuer
        and payload.get("jti", payload["id"]) == payload["id"]
        and payload.get("sub", subject.get("id")) == subject.get("id")
    ):
        raise _Malformed(INCONSISTENT_CLAIMS)


def _dates_outcome(payload: Mapping[str, Any], now: datetime) -> tuple[VerificationOutcome, str, str] | None:
    valid_from = _instant(payload.get("validFrom"))
    if valid_from is None:
        raise _Malformed(BAD_DATES)
    starts = max(moment for moment in (valid_from, _epoch(payload.get("nbf"))) if moment is not None)
    ends = (_instant(payload.get("validUntil")), _epoch(payload.get("exp")))
    ends_at = [moment for moment in ends if moment is not None]
    if now < starts:
        return VerificationOutcome.NOT_YET_VALID, CERTIFICATE_NOT_YET_VALID, timestamp(starts)
    if ends_at and now >= min(ends_at):
        return VerificationOutcome.EXPIRED, CERTIFICATE_EXPIRED, timestamp(min(ends_at))
    return None


def _status_entries(payload: Mapping[str, Any]) -> list[tuple[str, StatusPurpose, int]]:
    """The certificate's revocation and suspension entries as (list URL, purpose, index); entries of other purposes
    (a refresh notice, a message) say nothing about validity and are passed over."""
    raw = payload.get("credentialStatus")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    found: list[tuple[str, StatusPurpose, int]] = []
    for item in items:
        if not isinstance(item, Mapping) or STATUS_ENTRY_TYPE not in _types(item.get("type")):
            raise _Malformed(BAD_STATUS_ENTRY)
        url, purpose, index = item.get("statusListCredential"), item.get("statusPurpose"), item.get("statusListIndex")
        if purpose not in tuple(StatusPurpose):  # compared, not hashed: the value may be any JSON
            continue
        if isinstance(index, int) and not isinstance(index, bool):
            index = str(index)
        well_formed = (
            isinstance(url, str)
            and url
            and isinstance(index, str)
            and index.isascii()
            and index.isdigit()
            and len(index) <= 12
            and item.get("statusSize", 1) == 1
        )
        if not well_formed:
            raise _Malformed(BAD_STATUS_ENTRY)
        found.append((str(url), StatusPurpose(purpose), int(str(index))))
    return found


def _list_bits(found: Mapping[str, Any], url: str, purpose: StatusPurpose, issuer: str, now: datetime) -> bytes | None:
    """The bitstring of a status list credential, when it is the list the entry names (same URL, issuer and purpose)
    and current; None when it cannot answer for the certificate."""
    subject = found.get("credentialSubject")
    if not (
        set(STATUS_LIST_TYPES) <= _types(found.get("type"))
        and found.get("id", url) == url
        and _id_of(found.get("issuer")) == issuer
        and isinstance(subject, Mapping)
        and subject.get("statusPurpose") == purpose.value
        and isinstance(subject.get("encodedList"), str)
    ):
        return None
    try:
        valid_from, valid_until = _instant(found.get("validFrom")), _instant(found.get("validUntil"))
        if (valid_from is not None and now < valid_from) or (valid_until is not None and now >= valid_until):
            return None
        return decode_status_list(str(subject["encodedList"]))
    except (_Malformed, StatusListUnreadable):
        return None


def _fetch(source: StatusListSource, url: str) -> Mapping[str, Any] | None:
    try:
        found = source(url)
    except Exception:  # a source that fails is a list that is unavailable: the verification still answers
        return None
    return found if isinstance(found, Mapping) else None


def _status_outcome(
    payload: Mapping[str, Any], issuer: str, now: datetime, source: StatusListSource | None
) -> tuple[set[StatusPurpose], tuple[str, ...]]:
    """The purposes whose bit is set for this certificate, and the lists that could not be consulted."""
    set_for: set[StatusPurpose] = set()
    unchecked: list[str] = []
    lists: dict[tuple[str, StatusPurpose], bytes | None] = {}
    for url, purpose, index in _status_entries(payload):
        if source is None:
            bits = None
        elif (url, purpose) in lists:
            bits = lists[url, purpose]
        else:
            found = _fetch(source, url)
            bits = lists[url, purpose] = None if found is None else _list_bits(found, url, purpose, issuer, now)
        if bits is None or index >= len(bits) * 8:
            if url not in unchecked:
                unchecked.append(url)
        elif bits[index >> 3] & (0x80 >> (index & 7)):
            set_for.add(purpose)
    return set_for, tuple(unchecked)


def check_credential(
    payload: Mapping[str, Any], *, kid: str | None, now: datetime, status_lists: StatusListSource | None
) -> Verification:
    """What a certificate whose signature held amounts to at `now`: its shape and token claims, then its dates, then
    its status lists (found through `status_lists`; without it, none is consulted and each is reported unchecked).
    Never raises on what the certificate holds."""
    credential = {name: value for name, value in payload.items() if name not in JWT_CLAIMS}
    try:
        _check_shape(payload)
        dates = _dates_outcome(payload, now)
        if dates is not None:
            outcome, detail, date = dates
            return Verification(outcome, detail, {"date": date}, credential=credential, kid=kid)
        issuer = _id_of(payload["issuer"]) or ""
        set_for, unchecked = _status_outcome(payload, issuer, now, status_lists)
    except _Malformed as error:
        return Verification(VerificationOutcome.MALFORMED, error.detail, credential=credential, kid=kid)
    if StatusPurpose.REVOCATION in set_for:
        return Verification(VerificationOutcome.REVOKED, CERTIFICATE_REVOKED, credential=credential, kid=kid)
    if StatusPurpose.SUSPENSION in set_for:
        return Verification(VerificationOutcome.SUSPENDED, CERTIFICATE_SUSPENDED, credential=credential, kid=kid)
    if unchecked:
        detail, params = CERTIFICATE_VALID_STATUS_UNCHECKED, {"count": len(unchecked)}
        return Verification(VerificationOutcome.VALID, detail, params, credential, kid, unchecked)
    return Verification(VerificationOutcome.VALID, CERTIFICATE_VALID, credential=credential, kid=kid)
