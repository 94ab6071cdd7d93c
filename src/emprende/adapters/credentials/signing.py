"""Certificates as JSON Web Tokens: signed (compact JWS, EdDSA over Ed25519) with the credential itself as the payload
(VC-JOSE-COSE), plus the registered claims Open Badges 3.0 asks for (`iss`, `jti`, `sub`, `nbf`, `exp`); and verified
by anyone holding the published key set, with no call to emprende.

Verification never raises on what it is given: a token that cannot be read is `malformed`, a signature that does not
hold is `bad_signature`, a key that is not in the set is `unknown_key`; what the signed content holds is judged by the
domain (`domain/training/credential_checks.py`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from emprende.adapters.credentials.keys import ALGORITHM, SigningKey, b64url, b64url_decode, public_keys_from_jwks
from emprende.domain.training.credential import STATUS_LIST_TYPES
from emprende.domain.training.credential_checks import JWT_CLAIMS, StatusListSource, check_credential
from emprende.domain.training.credential_verification import (
    HEADER_UNREADABLE,
    KEY_NOT_PUBLISHED,
    KEY_SET_UNREADABLE,
    NO_KEY_ID,
    NO_KEY_SET,
    NOT_A_JWS,
    PAYLOAD_UNREADABLE,
    SIGNATURE_MISMATCH,
    UNKNOWN_CRITICAL_HEADER,
    WRONG_ALGORITHM,
    Verification,
    VerificationOutcome,
)

MEDIA_TYPE = "vc+jwt"  # the JOSE header `typ` of a credential secured as a JWT (VC-JOSE-COSE)
MAX_TOKEN_CHARS = 256 * 1024
"""A certificate is a few kilobytes; a status list credential, tens. Anything larger is refused unread."""

PublicKeys = Mapping[str, Ed25519PublicKey] | Mapping[str, Any]
"""Public keys by key id, or a JSON Web Key Set document (`{"keys": [...]}`)."""


def canonical_json(value: Mapping[str, Any]) -> bytes:
    """Compact JSON with sorted keys, UTF-8: the same content always signs to the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _epoch(value: object, name: str) -> int:
    if not isinstance(value, str):
        raise ValueError(f"the credential's {name} is missing")
    moment = datetime.fromisoformat(value)
    if moment.utcoffset() is None:
        raise ValueError(f"the credential's {name} has no UTC offset")
    return int(moment.timestamp())


def _node_id(value: object) -> object:
    return value.get("id") if isinstance(value, Mapping) else value


def sign_credential(credential: Mapping[str, Any], key: SigningKey) -> str:
    """The credential signed with `key` as a compact JWS (`typ` vc+jwt). Raises ValueError for a key that may not sign
    or a credential without `id`, `issuer` or `validFrom`."""
    if key.private_key is None or not key.can_sign:
        raise ValueError("a retired key, or one without its private half, does not sign")
    issuer, credential_id = _node_id(credential.get("issuer")), credential.get("id")
    if not isinstance(issuer, str) or not isinstance(credential_id, str):
        raise ValueError("a credential names its id and its issuer")
    not_before = _epoch(credential.get("validFrom"), "validFrom")
    claims: dict[str, Any] = {"iss": issuer, "jti": credential_id, "nbf": not_before}
    subject = _node_id(credential.get("credentialSubject"))
    if isinstance(subject, str):
        claims["sub"] = subject
    if credential.get("validUntil") is not None:
        claims["exp"] = _epoch(credential["validUntil"], "validUntil")
    payload = {name: value for name, value in credential.items() if name not in JWT_CLAIMS} | claims
    header = {"alg": ALGORITHM, "typ": MEDIA_TYPE, "kid": key.kid}
    signing_input = f"{b64url(canonical_json(header))}.{b64url(canonical_json(payload))}"
    return f"{signing_input}.{b64url(key.private_key.sign(signing_input.encode('ascii')))}"


def _keys(public_keys: PublicKeys) -> Mapping[str, Ed25519PublicKey] | None:
    """The keys by id; None when a key set document cannot be read."""
    if not isinstance(public_keys, Mapping):
        return None
    if isinstance(public_keys.get("keys"), list):
        try:
            return public_keys_from_jwks(public_keys)
        except ValueError:
            return None
    return {kid: key for kid, key in public_keys.items() if isinstance(key, Ed25519PublicKey)}


def _json_object(part: str) -> dict[str, Any] | None:
    try:
        value = json.loads(b64url_decode(part))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    return value if isinstance(value, dict) else None


def _open(token: object, public_keys: PublicKeys) -> tuple[dict[str, Any], str] | Verification:
    """The signed payload and its key id, or the verification that stops here."""
    malformed = VerificationOutcome.MALFORMED
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        return Verification(malformed, NOT_A_JWS)
    header_part, payload_part, signature_part = token.split(".")
    header = _json_object(header_part)
    if header is None:
        return Verification(malformed, HEADER_UNREADABLE)
    if header.get("alg") != ALGORITHM:
        return Verification(malformed, WRONG_ALGORITHM)
    if "crit" in header:  # no extension is understood here, so none may be required (RFC 7515, 4.1.11)
        return Verification(malformed, UNKNOWN_CRITICAL_HEADER)
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return Verification(malformed, NO_KEY_ID)
    keys = _keys(public_keys)
    if keys is None:
        return Verification(VerificationOutcome.UNKNOWN_KEY, KEY_SET_UNREADABLE, kid=kid)
    if not keys:
        return Verification(VerificationOutcome.UNKNOWN_KEY, NO_KEY_SET, kid=kid)
    key = keys.get(kid)
    if key is None:
        return Verification(VerificationOutcome.UNKNOWN_KEY, KEY_NOT_PUBLISHED, kid=kid)
    try:
        signature = b64url_decode(signature_part)
        key.verify(signature, f"{header_part}.{payload_part}".encode("ascii"))
    except (ValueError, InvalidSignature):
        return Verification(VerificationOutcome.BAD_SIGNATURE, SIGNATURE_MISMATCH, kid=kid)
    payload = _json_object(payload_part)
    if payload is None:
        return Verification(malformed, PAYLOAD_UNREADABLE, kid=kid)
    return payload, kid


def verify_credential(
    token: str,
    public_keys: PublicKeys,
    *,
    now: datetime,
    status_lists: StatusListSource | None = None,
) -> Verification:
    """Check a certificate at `now`: its header (EdDSA, a key id), its signature under the published key of that id,
    its content and dates, and, through `status_lists`, whether it was revoked or suspended. Without `status_lists`
    no status list is consulted and the verification says so (`status_unchecked`). A key set document is read on
    every call: to verify many certificates, pass the keys by id (`public_keys_from_jwks`) instead."""
    opened = _open(token, public_keys)
    if isinstance(opened, Verification):
        return opened
    payload, kid = opened
    return check_credential(payload, kid=kid, now=now, status_lists=status_lists)


def verify_status_list(token: str, public_keys: PublicKeys, *, now: datetime) -> dict[str, Any] | None:
    """A signed status list credential's content when its signature holds under the key set and it is a current
    `BitstringStatusListCredential`; None otherwise (a list that cannot be trusted is a list that is unavailable)."""
    opened = _open(token, public_keys)
    if isinstance(opened, Verification):
        return None
    payload, _kid = opened
    types = payload.get("type")
    if not isinstance(types, list) or not set(STATUS_LIST_TYPES) <= {item for item in types if isinstance(item, str)}:
        return None
    nbf, exp = payload.get("nbf"), payload.get("exp")
    if any(isinstance(value, bool) or not isinstance(value, int | float | None) for value in (nbf, exp)):
        return None
    stamp = now.timestamp()
    if (nbf is not None and stamp < nbf) or (exp is not None and stamp >= exp):
        return None
    return {name: value for name, value in payload.items() if name not in JWT_CLAIMS}
