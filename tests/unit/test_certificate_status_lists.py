"""The status lists a worker reuses: built from the certificates' states, reused for `max_age` seconds, then built
again — so a suspension or revocation shows in verification within that time, and at once with 0."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from emprende.domain.training.certificate import Certificate
from emprende.domain.training.credential import StatusPurpose, Verification, decode_status_list, status_bit
from emprende.services.training.ports import SignedCredential
from emprende.services.training.status_lists import StatusLists
from tests.unit.fakes import START, FakeClock, FakeUnitOfWorkFactory

URL = "https://programa.example.org"


class Authority:
    programme_name = "Programa de prueba"
    programme_url = URL

    async def ready(self) -> None: ...
    async def sign(self, credential: Mapping[str, Any]) -> SignedCredential:
        return SignedCredential("unsigned", "kid")

    async def key_set(self) -> dict[str, Any]:
        return {"keys": []}

    async def rotate(self) -> str:
        return "kid"

    async def verify(
        self, token: str, *, now: datetime, status_lists: Callable[[str], Mapping[str, Any] | None]
    ) -> Verification:
        raise NotImplementedError


def _certificate(index: int) -> Certificate:
    return Certificate(
        certificate_id=uuid.uuid4(),
        enrollment_id=uuid.uuid4(),
        cohort_id=uuid.uuid4(),
        participant_id=uuid.uuid4(),
        partner_id=uuid.uuid4(),
        subject_id=f"urn:uuid:{uuid.uuid4()}",
        status_index=index,
        token="a.b.c",
        kid="kid",
        now=START,
    )


def _bit(lists: dict[str, dict[str, Any]], purpose: StatusPurpose, index: int) -> bool:
    subject = lists[f"{URL}/api/v1/certificates/status-lists/{purpose.value}"]["credentialSubject"]
    return status_bit(decode_status_list(subject["encodedList"]), index)


async def test_the_lists_are_reused_for_their_age_then_built_again() -> None:
    factory, clock = FakeUnitOfWorkFactory(), FakeClock()
    certificates = [_certificate(index) for index in range(3)]
    factory.db.certificates.update({c.id: c for c in certificates})
    lists = StatusLists(factory, Authority(), clock, max_age=2)
    before = await lists.current()
    assert not any(_bit(before, purpose, 1) for purpose in StatusPurpose)

    certificates[1].revoke("Emitido por error", START)
    certificates[2].suspend("Revisión", START)
    clock.advance(seconds=1.5)
    assert await lists.current() is before, "still within its age: the lists built before"
    clock.advance(seconds=0.5)
    after = await lists.current()
    assert _bit(after, StatusPurpose.REVOCATION, 1)
    assert not _bit(after, StatusPurpose.SUSPENSION, 1)
    assert _bit(after, StatusPurpose.SUSPENSION, 2)
    assert not _bit(after, StatusPurpose.REVOCATION, 0)


async def test_with_no_age_every_use_sees_the_latest_state() -> None:
    factory, clock = FakeUnitOfWorkFactory(), FakeClock()
    certificate = _certificate(7)
    factory.db.certificates[certificate.id] = certificate
    lists = StatusLists(factory, Authority(), clock, max_age=0)
    assert not _bit(await lists.current(), StatusPurpose.SUSPENSION, 7)
    certificate.suspend("Revisión", START)
    assert _bit(await lists.current(), StatusPurpose.SUSPENSION, 7)
