"""Idempotency keys kept in the database, so a retried POST is answered from the first response."""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.shared import schema
from emprende.adapters.sql.shared.database import write_engine
from emprende.services.shared.ports import IdempotencyRecord, StoredResponse

_keys = schema.idempotency_keys
_MATCH = and_(_keys.c.owner == bindparam("o"), _keys.c.key == bindparam("k"))
_SELECT = select(
    _keys.c.fingerprint,
    _keys.c.status_code,
    _keys.c.response_headers,
    _keys.c.response_body,
    _keys.c.expires_at,
).where(_MATCH)


_PURGE_EVERY = 500  # reservations between two purges of expired keys

_SCHEME = b"\x01"  # the first byte of every sealed body: AES-256-GCM, 96-bit nonce, 128-bit tag
_NONCE_BYTES = 12
_TAG_BYTES = 16


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret.encode())


class ResponseCipher:
    """Seals stored responses (they can hold personal data and secrets shown once) with AES-256-GCM under a key
    derived from the app's secret. The caller and the key are bound in as associated data, so a sealed body opens
    only in the row it was written to. Request fingerprints are keyed too: a plain hash of a body that carries a
    password would be a fast hash of that password."""

    def __init__(self, secret: str) -> None:
        self._aead = AESGCM(_derive(secret, b"emprende/idempotency/response-body/v1"))
        self._fingerprint_key = _derive(secret, b"emprende/idempotency/request-fingerprint/v1")

    @staticmethod
    def _associated(owner: str, key: str) -> bytes:
        # Neither contains NUL (owners are ids, keys visible ASCII): the pair is unambiguous.
        return f"{owner}\x00{key}".encode()

    def seal(self, owner: str, key: str, body: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _SCHEME + nonce + self._aead.encrypt(nonce, body, self._associated(owner, key))

    def open(self, owner: str, key: str, sealed: bytes) -> bytes | None:
        """The body, or None when it was sealed under another secret (or not sealed, or altered)."""
        if len(sealed) < 1 + _NONCE_BYTES + _TAG_BYTES or sealed[:1] != _SCHEME:
            return None
        nonce, ciphertext = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, ciphertext, self._associated(owner, key))
        except InvalidTag:
            return None

    def fingerprint(self, digest: str) -> str:
        return hmac.new(self._fingerprint_key, digest.encode(), hashlib.sha256).hexdigest()


class SqlIdempotencyStore:
    def __init__(self, engine: AsyncEngine, cipher: ResponseCipher) -> None:
        self._engine = write_engine(engine)
        self._cipher = cipher
        self._reservations = 0

    async def purge_expired(self, now: datetime) -> int:
        """Forget keys past their time to live; returns how many were removed."""
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_keys).where(_keys.c.expires_at <= now))
        return int(result.rowcount or 0)

    async def reserve(
        self, owner: str, key: str, fingerprint: str, now: datetime, expires_at: datetime
    ) -> IdempotencyRecord | None:
        self._reservations += 1
        if self._reservations % _PURGE_EVERY == 1:
            await self.purge_expired(now)
        keyed = self._cipher.fingerprint(fingerprint)
        async with self._engine.begin() as connection:
            row = (await connection.execute(_SELECT, {"o": owner, "k": key})).first()
            if row is not None and row.expires_at > now:
                same_request = hmac.compare_digest(row.fingerprint, keyed)
                if row.status_code is None:
                    return IdempotencyRecord(same_request=same_request, response=None)
                body = self._cipher.open(owner, key, bytes(row.response_body))
                if body is None:
                    return IdempotencyRecord(same_request=same_request, response=None, unreadable=True)
                response = StoredResponse(row.status_code, dict(row.response_headers or {}), body)
                return IdempotencyRecord(same_request=same_request, response=response)
            if row is not None:
                await connection.execute(delete(_keys).where(_MATCH), {"o": owner, "k": key})
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    insert(_keys).values(owner=owner, key=key, fingerprint=keyed, created_at=now, expires_at=expires_at)
                )
        except IntegrityError:
            # Another request claimed the key between our read and our insert.
            return IdempotencyRecord(same_request=True, response=None)
        return None

    async def complete(self, owner: str, key: str, response: StoredResponse) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(_keys)
                .where(_MATCH)
                .values(
                    status_code=response.status_code,
                    response_headers=dict(response.headers),
                    response_body=self._cipher.seal(owner, key, response.body),
                ),
                {"o": owner, "k": key},
            )

    async def release(self, owner: str, key: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(_keys).where(_MATCH), {"o": owner, "k": key})
