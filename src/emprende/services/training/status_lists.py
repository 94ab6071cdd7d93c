"""The certificates' status lists — which are suspended, which revoked — as the programme publishes them, and what
verification reads. A worker reuses the lists it built for a short, configured time (a suspension or revocation shows
within it), so that verifying a certificate costs no database read."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from emprende.domain.training.credential import StatusPurpose, Verification, encode_status_list, status_list_credential
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM
from emprende.services.training.issuing import FLAGGED_BY, status_list_url
from emprende.services.training.ports import CertificateAuthority, TrainingUnitOfWork

MAX_TOKEN = 64_000


async def build_status_lists(
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork], authority: CertificateAuthority, now: datetime
) -> dict[str, dict[str, Any]]:
    """The programme's status lists as they stand now, unsigned, by their published URL."""
    async with uow_factory(SYSTEM, read_only=True) as uow:
        flagged = {purpose: await uow.certificates.flagged(status) for purpose, status in FLAGGED_BY.items()}
    return {
        status_list_url(authority, purpose): status_list_credential(
            status_list_url(authority, purpose), purpose, encode_status_list(indexes), authority.programme_url, now
        )
        for purpose, indexes in flagged.items()
    }


class StatusLists:
    """The status lists a worker built last, rebuilt once older than `max_age` seconds (0: on every use)."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
        authority: CertificateAuthority,
        clock: Clock,
        max_age: float,
    ) -> None:
        self._uow_factory = uow_factory
        self._authority = authority
        self._clock = clock
        self._max_age = max_age
        self._lists: dict[str, dict[str, Any]] = {}
        self._built_at: datetime | None = None
        self._lock = asyncio.Lock()

    def _fresh(self, now: datetime) -> bool:
        return self._built_at is not None and (now - self._built_at).total_seconds() < self._max_age

    async def current(self) -> dict[str, dict[str, Any]]:
        if not self._fresh(self._clock.now()):
            async with self._lock:
                now = self._clock.now()
                if not self._fresh(now):
                    self._lists = await build_status_lists(self._uow_factory, self._authority, now)
                    self._built_at = now
        return self._lists

    @property
    def authority(self) -> CertificateAuthority:
        return self._authority


async def signed_status_list(purpose: StatusPurpose, *, lists: StatusLists) -> str:
    """A status list as published: signed by the programme (no sign-in needed)."""
    current = await lists.current()
    return (await lists.authority.sign(current[status_list_url(lists.authority, purpose)])).token


async def verify_certificate(token: str, *, lists: StatusLists, clock: Clock) -> Verification:
    """What a certificate amounts to now: signature, dates and status (no sign-in needed; never an error)."""
    current = await lists.current()
    return await lists.authority.verify(token[:MAX_TOKEN], now=clock.now(), status_lists=current.get)
