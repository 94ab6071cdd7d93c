"""Verified access tokens are remembered by their exact text, never past their expiry, and in bounded numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from emprende.adapters.identity import security
from emprende.adapters.identity.security import VERIFIED_TOKENS, JoseTokenService
from emprende.domain.shared.errors import AuthenticationFailed


def _service() -> JoseTokenService:
    return JoseTokenService(
        secret="s" * 40, issuer="emprende", audience="emprende-api", access_lifetime=timedelta(minutes=15)
    )


def test_a_verified_token_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    service = _service()
    token = service.issue_access(subject=uuid.uuid4(), session_id=uuid.uuid4(), now=datetime.now(UTC)).token
    first = service.decode_access(token)
    calls = 0
    verify = service._verify_access

    def counting(text: str) -> object:
        nonlocal calls
        calls += 1
        return verify(text)

    monkeypatch.setattr(service, "_verify_access", counting)
    assert service.decode_access(token) is first
    assert calls == 0
    other = service.issue_access(subject=uuid.uuid4(), session_id=uuid.uuid4(), now=datetime.now(UTC)).token
    service.decode_access(other)
    assert calls == 1


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    service = _service()
    token = service.issue_access(subject=uuid.uuid4(), session_id=uuid.uuid4(), now=datetime.now(UTC)).token
    claims = service.decode_access(token)
    monkeypatch.setattr(security.time, "time", lambda: claims.expires_at.timestamp())
    with pytest.raises(AuthenticationFailed) as refused:
        service.decode_access(token)
    assert refused.value.code == "token_expired"


def test_a_tampered_copy_of_a_remembered_token_is_verified_and_refused() -> None:
    service = _service()
    token = service.issue_access(subject=uuid.uuid4(), session_id=uuid.uuid4(), now=datetime.now(UTC)).token
    service.decode_access(token)
    header, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    with pytest.raises(AuthenticationFailed):
        service.decode_access(f"{header}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}")


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "VERIFIED_TOKENS", 3)
    service = _service()
    tokens = [
        service.issue_access(subject=uuid.uuid4(), session_id=uuid.uuid4(), now=datetime.now(UTC)).token
        for _ in range(5)
    ]
    for token in tokens:
        service.decode_access(token)
    assert list(service._verified) == tokens[2:]
    assert VERIFIED_TOKENS >= 1000
