"""The keys that sign certificates: Ed25519, identified by their JWK thumbprint (RFC 7638), published as a JSON Web
Key Set, rotated without breaking old certificates, and sealed at rest under the application's secret.

Rotation: one key signs at a time (the newest that is not retired). Rotating retires it and adds a new one; a retired
key keeps only its public half, which stays in the published key set for as long as certificates signed with it are
kept, so that they keep verifying. Publishing fewer keys is the one way to stop old certificates from verifying.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ALGORITHM = "EdDSA"
CURVE = "Ed25519"
KEY_TYPE = "OKP"
MAX_JWKS_KEYS = 100


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Base64url without padding, strictly (one text for one content): anything else raises ValueError."""
    if not text.isascii() or "=" in text or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError("not base64url") from error
    if b64url(data) != text:  # unused trailing bits set: another text for the same bytes, refused
        raise ValueError("not canonical base64url")
    return data


def _public_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's JWK thumbprint (RFC 7638, SHA-256): the same key always has the same id, whoever computes it."""
    members = {"crv": CURVE, "kty": KEY_TYPE, "x": b64url(_public_raw(public_key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("ascii")
    return b64url(hashlib.sha256(canonical).digest())


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One certificate signing key. `private_key` is None once the key is retired (or when only its public half was
    loaded): it then verifies and never signs."""

    kid: str
    created_at: datetime
    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None = None
    retired_at: datetime | None = None

    @property
    def can_sign(self) -> bool:
        return self.private_key is not None and self.retired_at is None

    def private_bytes(self) -> bytes:
        """The raw 32-byte private key, to be sealed (`KeySealer`) before it is stored."""
        if self.private_key is None:
            raise ValueError("this key has no private half")
        return self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def public_bytes(self) -> bytes:
        return _public_raw(self.public_key)

    def retire(self, now: datetime) -> SigningKey:
        """The key retired at `now`: it keeps its public half only."""
        return dataclasses.replace(self, retired_at=self.retired_at or now, private_key=None)


def new_signing_key(now: datetime) -> SigningKey:
    """A freshly generated key, created at `now`."""
    if now.utcoffset() is None:
        raise ValueError("now must carry a UTC offset")
    private_key = Ed25519PrivateKey.generate()
    public_key = private_key.public_key()
    return SigningKey(kid=key_id(public_key), created_at=now, public_key=public_key, private_key=private_key)


def signing_key_from_bytes(
    kid: str,
    *,
    created_at: datetime,
    private: bytes | None = None,
    public: bytes | None = None,
    retired_at: datetime | None = None,
) -> SigningKey:
    """A stored key rebuilt from its raw halves (the private one once unsealed); the id must be the key's own."""
    private_key: Ed25519PrivateKey | None = None
    if private is not None:
        private_key = Ed25519PrivateKey.from_private_bytes(private)
        public_key = private_key.public_key()
        if public is not None and public != _public_raw(public_key):
            raise ValueError("the public half does not belong to the private half")
    elif public is not None:
        public_key = Ed25519PublicKey.from_public_bytes(public)
    else:
        raise ValueError("a key needs its private or its public half")
    if key_id(public_key) != kid:
        raise ValueError("the key id is not the key's thumbprint")
    if retired_at is not None:
        private_key = None
    return SigningKey(kid, created_at, public_key, private_key, retired_at)


def active_key(keys: Iterable[SigningKey]) -> SigningKey:
    """The key that signs: the newest one that is not retired."""
    signing = [key for key in keys if key.can_sign]
    if not signing:
        raise LookupError("no signing key: rotate to create one")
    return max(signing, key=lambda key: key.created_at)


def rotate_keys(keys: Iterable[SigningKey], now: datetime) -> tuple[SigningKey, ...]:
    """The key set after a rotation at `now`: every signing key retired (public half kept), a new key that signs."""
    kept = tuple(key.retire(now) if key.retired_at is None else key for key in keys)
    return (*kept, new_signing_key(now))


def public_jwk(key: SigningKey) -> dict[str, Any]:
    """The public half as a JSON Web Key (RFC 8037)."""
    return {
        "kty": KEY_TYPE,
        "crv": CURVE,
        "x": b64url(key.public_bytes()),
        "kid": key.kid,
        "use": "sig",
        "alg": ALGORITHM,
    }


def jwks(keys: Iterable[SigningKey]) -> dict[str, Any]:
    """The published key set: every key, retired ones included, newest first."""
    ordered = sorted(keys, key=lambda key: key.created_at, reverse=True)
    return {"keys": [public_jwk(key) for key in ordered]}


def public_keys_from_jwks(document: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 signature keys of a JSON Web Key Set by key id. Keys of other types or uses are passed over; a set
    that is not one, or an Ed25519 key that cannot be read, raises ValueError."""
    items = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(items, list) or len(items) > MAX_JWKS_KEYS:
        raise ValueError("not a JSON Web Key Set")
    found: dict[str, Ed25519PublicKey] = {}
    for item in items:
        if not isinstance(item, Mapping):
            raise ValueError("a key of the set is not an object")
        if item.get("kty") != KEY_TYPE or item.get("crv") != CURVE or item.get("use", "sig") != "sig":
            continue
        kid, x = item.get("kid"), item.get("x")
        if not isinstance(kid, str) or not kid or not isinstance(x, str) or "d" in item:
            raise ValueError("an Ed25519 key needs a kid and x, and no private part")
        raw = b64url_decode(x)
        if len(raw) != 32:
            raise ValueError("an Ed25519 public key has 32 bytes")
        if kid in found:
            raise ValueError("two keys share a kid")
        found[kid] = Ed25519PublicKey.from_public_bytes(raw)
    return found


class KeySealError(Exception):
    """A sealed private key that does not open: sealed under another secret, for another key, or altered."""


_SCHEME = b"\x01"  # AES-256-GCM, 96-bit nonce, 128-bit tag
_NONCE_BYTES = 12


class KeySealer:
    """Seals private keys at rest with AES-256-GCM under a key derived (HKDF-SHA256) from the application's secret.
    The key id is bound in as associated data: a sealed key opens only as the key it was sealed for."""

    def __init__(self, secret: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"emprende/certificates/signing-key/v1")
        self._aead = AESGCM(derived.derive(secret.encode()))

    def seal(self, kid: str, private: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _SCHEME + nonce + self._aead.encrypt(nonce, private, kid.encode())

    def unseal(self, kid: str, sealed: bytes) -> bytes:
        if len(sealed) <= 1 + _NONCE_BYTES or sealed[:1] != _SCHEME:
            raise KeySealError("not a sealed key")
        nonce, ciphertext = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, ciphertext, kid.encode())
        except InvalidTag:
            raise KeySealError("the sealed key does not open under this secret for this key id") from None

    def seal_key(self, key: SigningKey) -> bytes:
        """A signing key's private half, sealed for storage."""
        return self.seal(key.kid, key.private_bytes())

    def unseal_key(self, kid: str, sealed: bytes, *, created_at: datetime) -> SigningKey:
        """A signing key rebuilt from its sealed private half."""
        return signing_key_from_bytes(kid, created_at=created_at, private=self.unseal(kid, sealed))
