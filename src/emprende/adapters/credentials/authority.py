"""The programme's certificate authority: its signing keys (kept by a `SigningKeyStore`, private halves sealed),
signing with the newest, a key set that keeps every rotated key, and verification.

Keys are loaded once per process and again after a rotation, or when a certificate names a key this process has not
seen (another process rotated). The first signature on an empty store makes the first key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from emprende.adapters.credentials.keys import (
    KeySealer,
    SigningKey,
    active_key,
    jwks,
    new_signing_key,
    signing_key_from_bytes,
)
from emprende.adapters.credentials.signing import sign_credential, verify_credential
from emprende.domain.training.credential import Verification
from emprende.services.shared.ports import Clock
from emprende.services.training.ports import SignedCredential, SigningKeyStore, StoredKey


class CredentialAuthority:
    def __init__(
        self, store: SigningKeyStore, sealer: KeySealer, clock: Clock, *, programme_name: str, programme_url: str
    ) -> None:
        self._store = store
        self._sealer = sealer
        self._clock = clock
        self._name = programme_name
        self._url = programme_url.rstrip("/")
        self._keys: tuple[SigningKey, ...] | None = None
        self._lock = asyncio.Lock()

    @property
    def programme_name(self) -> str:
        return self._name

    @property
    def programme_url(self) -> str:
        return self._url

    def _rebuild(self, stored: StoredKey) -> SigningKey:
        if stored.sealed_private_key is not None and stored.retired_at is None:
            return self._sealer.unseal_key(stored.kid, stored.sealed_private_key, created_at=stored.created_at)
        return signing_key_from_bytes(
            stored.kid, created_at=stored.created_at, public=stored.public_key, retired_at=stored.retired_at
        )

    async def _load(self) -> tuple[SigningKey, ...]:
        self._keys = tuple(self._rebuild(stored) for stored in await self._store.load())
        return self._keys

    async def _keys_now(self) -> tuple[SigningKey, ...]:
        return self._keys if self._keys is not None else await self._load()

    async def _add_key(self) -> str:
        now = self._clock.now()
        key = new_signing_key(now)
        stored = StoredKey(key.kid, now, None, key.public_bytes(), self._sealer.seal_key(key))
        await self._store.replace_active(stored, now)
        await self._load()
        return key.kid

    async def _signing_key(self) -> SigningKey:
        keys = await self._keys_now()
        if not any(key.can_sign for key in keys):
            async with self._lock:
                keys = await self._load()
                if not any(key.can_sign for key in keys):
                    await self._add_key()
                    keys = await self._keys_now()
        return active_key(keys)

    async def ready(self) -> None:
        await self._signing_key()

    async def sign(self, credential: Mapping[str, Any]) -> SignedCredential:
        key = await self._signing_key()
        return SignedCredential(sign_credential(credential, key), key.kid)

    async def key_set(self) -> dict[str, Any]:
        await self._signing_key()  # a published key set is never empty
        return jwks(await self._load())

    async def rotate(self) -> str:
        async with self._lock:
            return await self._add_key()

    async def verify(
        self, token: str, *, now: datetime, status_lists: Callable[[str], Mapping[str, Any] | None]
    ) -> Verification:
        keys = {key.kid: key.public_key for key in await self._keys_now()}
        verification = verify_credential(token, keys, now=now, status_lists=status_lists)
        if verification.kid is not None and verification.kid not in keys:
            # A key another process made since this one loaded its keys.
            keys = {key.kid: key.public_key for key in await self._load()}
            verification = verify_credential(token, keys, now=now, status_lists=status_lists)
        return verification
