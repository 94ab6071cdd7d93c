"""The seal on responses kept for `Idempotency-Key` replays: it opens only in its own row and under its own secret."""

from __future__ import annotations

import hashlib

import pytest

from emprende.adapters.sql.shared.idempotency import ResponseCipher

SECRET = "test-secret-key-that-is-long-enough-0123456789"
OWNER = "0190f4d2-7a1c-7c3e-9b1a-2f5e8d4c6a10"
BODY = b'{"client_secret":"s3cr3t-shown-once","given_names":"Mar\xc3\xada"}'


@pytest.fixture
def cipher() -> ResponseCipher:
    return ResponseCipher(SECRET)


def test_a_sealed_body_opens_to_itself_and_reads_as_nothing(cipher: ResponseCipher) -> None:
    sealed = cipher.seal(OWNER, "k-1", BODY)
    assert cipher.open(OWNER, "k-1", sealed) == BODY
    assert b"s3cr3t" not in sealed
    assert "María".encode() not in sealed
    assert cipher.open(OWNER, "k-1", cipher.seal(OWNER, "k-1", b"")) == b""


def test_every_seal_has_a_nonce_of_its_own(cipher: ResponseCipher) -> None:
    first, second = cipher.seal(OWNER, "k-1", BODY), cipher.seal(OWNER, "k-1", BODY)
    assert first != second
    assert first[1:13] != second[1:13]


@pytest.mark.parametrize(("owner", "key"), [("0190f4d2-0000-7000-8000-000000000000", "k-1"), (OWNER, "k-2")])
def test_a_seal_opens_only_for_its_own_caller_and_key(cipher: ResponseCipher, owner: str, key: str) -> None:
    assert cipher.open(owner, key, cipher.seal(OWNER, "k-1", BODY)) is None


def test_a_seal_made_under_another_secret_does_not_open(cipher: ResponseCipher) -> None:
    rotated = ResponseCipher("another-secret-key-that-is-long-enough-98765")
    assert rotated.open(OWNER, "k-1", cipher.seal(OWNER, "k-1", BODY)) is None


@pytest.mark.parametrize(
    "stored",
    [BODY, b"", b"\x01", b"\x02" + b"\x00" * 40],
    ids=["kept-in-clear-before", "empty", "truncated", "unknown-scheme"],
)
def test_what_is_not_a_seal_does_not_open(cipher: ResponseCipher, stored: bytes) -> None:
    assert cipher.open(OWNER, "k-1", stored) is None


def test_an_altered_seal_does_not_open(cipher: ResponseCipher) -> None:
    sealed = bytearray(cipher.seal(OWNER, "k-1", BODY))
    sealed[-1] ^= 1
    assert cipher.open(OWNER, "k-1", bytes(sealed)) is None


def test_fingerprints_are_keyed(cipher: ResponseCipher) -> None:
    """A body carrying a password must not be kept as its plain, fast hash."""
    digest = hashlib.sha256(b'{"password":"correct horse battery staple"}').hexdigest()
    keyed = cipher.fingerprint(digest)
    assert keyed == cipher.fingerprint(digest)
    assert len(keyed) == 64  # fits the column
    assert keyed != digest
    assert keyed != ResponseCipher("another-secret-key-that-is-long-enough-98765").fingerprint(digest)
