"""Signing and verifying certificates: an EdDSA JWT whose payload is the credential, checked against the published key
set (old keys keep verifying after a rotation), its dates and its status lists; tampering, strangers' keys and
garbage get an outcome, never an exception. Private keys are sealed at rest under the application's secret."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from emprende.adapters.credentials.keys import (
    KeySealer,
    KeySealError,
    SigningKey,
    active_key,
    b64url,
    b64url_decode,
    jwks,
    key_id,
    new_signing_key,
    public_jwk,
    public_keys_from_jwks,
    rotate_keys,
    signing_key_from_bytes,
)
from emprende.adapters.credentials.signing import sign_credential, verify_credential, verify_status_list
from emprende.domain.training.credential import (
    StatusPurpose,
    encode_status_list,
    open_badge,
    status_entry,
    status_list_credential,
)
from emprende.domain.training.credential_verification import (
    CERTIFICATE_VALID,
    CERTIFICATE_VALID_STATUS_UNCHECKED,
    KEY_NOT_PUBLISHED,
    NO_KEY_SET,
    SIGNATURE_MISMATCH,
    Verification,
    VerificationOutcome,
)
from tests.unit.test_credentials import NOW, PROGRAMME_URL, SUBJECT_ID, make_claim, make_issuer

SECRET = "test-secret-key-that-is-long-enough-0123456789"
REVOCATIONS = "https://emprende.example.org/api/v1/credentials/status/revocation/1"
SUSPENSIONS = "https://emprende.example.org/api/v1/credentials/status/suspension/1"
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
Outcome = VerificationOutcome


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return new_signing_key(NOW - timedelta(days=30))


def certificate(key: SigningKey, **changes: Any) -> tuple[str, dict[str, Any]]:
    entries = [
        status_entry(REVOCATIONS, StatusPurpose.REVOCATION, 3),
        status_entry(SUSPENSIONS, StatusPurpose.SUSPENSION, 5),
    ]
    credential = open_badge(make_claim(**changes), entries)
    return sign_credential(credential, key), credential


def status_lists(revoked: Collection[int] = (), suspended: Collection[int] = ()) -> dict[str, dict[str, Any]]:
    """The certificate's two status lists, current at NOW, with the given bits set."""
    issuer, revocation, suspension = make_issuer(), StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION
    return {
        REVOCATIONS: status_list_credential(REVOCATIONS, revocation, encode_status_list(revoked), issuer, NOW),
        SUSPENSIONS: status_list_credential(SUSPENSIONS, suspension, encode_status_list(suspended), issuer, NOW),
    }


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), signature


def reassemble(header: Mapping[str, Any], payload: Mapping[str, Any], signature: str) -> str:
    return ".".join((b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), signature))


# --- signing ----------------------------------------------------------------------------------------------------------


def test_a_certificate_is_an_eddsa_jwt_whose_payload_is_the_credential(key: SigningKey) -> None:
    token, credential = certificate(key, valid_until=NOW + timedelta(days=365))
    header, payload, _ = parts(token)
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "kid": key.kid}
    claims = {name: payload.pop(name) for name in ("iss", "jti", "sub", "nbf", "exp")}
    assert payload == credential
    assert claims == {
        "iss": PROGRAMME_URL,
        "jti": credential["id"],
        "sub": SUBJECT_ID,
        "nbf": int((NOW - timedelta(days=1)).timestamp()),
        "exp": int((NOW + timedelta(days=365)).timestamp()),
    }
    canonical = json.dumps(payload | claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert token.split(".")[1] == b64url(canonical.encode())


def test_a_certificate_without_an_end_has_no_exp(key: SigningKey) -> None:
    assert "exp" not in parts(certificate(key)[0])[1]


def test_a_retired_key_does_not_sign(key: SigningKey) -> None:
    with pytest.raises(ValueError, match="retired"):
        sign_credential(open_badge(make_claim()), key.retire(NOW))


def test_the_rfc_8037_key_signs_and_is_identified_as_the_rfc_says() -> None:
    # RFC 8037, appendix A: the Ed25519 test key, its JWK thumbprint (A.3) and the signature of its example (A.4).
    sample = signing_key_from_bytes(
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
        created_at=NOW,
        private=b64url_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"),
    )
    assert public_jwk(sample)["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert sample.private_key is not None
    signature = sample.private_key.sign(b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc")
    assert b64url(signature) == (
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    )
    with pytest.raises(ValueError, match="thumbprint"):
        signing_key_from_bytes("another-kid", created_at=NOW, private=sample.private_bytes())


# --- verifying --------------------------------------------------------------------------------------------------------


def test_a_genuine_certificate_verifies_with_its_status_lists(key: SigningKey) -> None:
    token, credential = certificate(key)
    verification = verify_credential(token, jwks([key]), now=NOW, status_lists=status_lists().get)
    assert verification == Verification(Outcome.VALID, CERTIFICATE_VALID, credential=credential, kid=key.kid)
    by_id = verify_credential(token, {key.kid: key.public_key}, now=NOW, status_lists=status_lists().get)
    assert by_id.outcome is Outcome.VALID


def test_a_tampered_payload_does_not_verify(key: SigningKey) -> None:
    header, payload, signature = parts(certificate(key)[0])
    payload["credentialSubject"]["achievement"]["trainingHours"] = 240
    verification = verify_credential(reassemble(header, payload, signature), jwks([key]), now=NOW)
    assert (verification.outcome, verification.detail) == (Outcome.BAD_SIGNATURE, SIGNATURE_MISMATCH)
    assert verification.credential is None  # the altered content is not shown as the issuer's


@pytest.mark.parametrize("change", [{"typ": "JWT"}, {"x5u": "https://attacker.example"}])
def test_a_tampered_header_does_not_verify(key: SigningKey, change: dict[str, str]) -> None:
    header, payload, signature = parts(certificate(key)[0])
    token = reassemble(header | change, payload, signature)
    assert verify_credential(token, jwks([key]), now=NOW).outcome is Outcome.BAD_SIGNATURE


def test_a_certificate_signed_by_someone_else_under_a_published_key_id_does_not_verify(key: SigningKey) -> None:
    impostor = new_signing_key(NOW)
    forged = SigningKey(key.kid, NOW, impostor.public_key, impostor.private_key)
    token, _ = certificate(forged)
    assert verify_credential(token, jwks([key]), now=NOW).outcome is Outcome.BAD_SIGNATURE


def test_a_certificate_signed_with_an_unpublished_key_is_unknown(key: SigningKey) -> None:
    token, _ = certificate(new_signing_key(NOW))
    verification = verify_credential(token, jwks([key]), now=NOW)
    assert (verification.outcome, verification.detail) == (Outcome.UNKNOWN_KEY, KEY_NOT_PUBLISHED)
    assert verify_credential(token, {"keys": []}, now=NOW).detail == NO_KEY_SET


def test_rotation_keeps_old_certificates_verifying(key: SigningKey) -> None:
    old_token, _ = certificate(key)
    keys = rotate_keys([key], NOW)
    signer = active_key(keys)
    assert signer.kid != key.kid
    assert [item.retired_at for item in keys] == [NOW, None]
    new_token, _ = certificate(signer)
    published = jwks(keys)
    assert [item["kid"] for item in published["keys"]] == [signer.kid, key.kid]  # newest first
    for token in (old_token, new_token):
        assert verify_credential(token, published, now=NOW, status_lists=status_lists().get).valid
    assert keys[0].private_key is None  # a retired key keeps its public half only
    with pytest.raises(ValueError, match="retired"):
        certificate(keys[0])
    assert active_key(rotate_keys(keys, NOW + timedelta(days=1))).kid not in {key.kid, signer.kid}


def test_the_published_key_set_reads_back_as_the_public_keys(key: SigningKey) -> None:
    jwk = public_jwk(key)
    x = b64url(key.public_bytes())
    assert jwk == {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": key.kid, "use": "sig", "alg": "EdDSA"}
    assert key.kid == key_id(key.public_key)
    foreign = {"kty": "RSA", "kid": "rsa-1", "n": "...", "e": "AQAB"}
    keys = public_keys_from_jwks({"keys": [jwk, foreign]})
    assert list(keys) == [key.kid]
    assert keys[key.kid].public_bytes_raw() == key.public_bytes()


ZERO_X = b64url(bytes(32))


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({}, "not a JSON Web Key Set"),
        ({"keys": "none"}, "not a JSON Web Key Set"),
        ({"keys": [1]}, "not an object"),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "kid": "short"}]}, "32 bytes"),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": ZERO_X, "kid": "k", "d": ZERO_X}]}, "no private part"),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": ZERO_X}]}, "needs a kid"),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": ZERO_X, "kid": "k"}] * 2}, "share a kid"),
    ],
)
def test_a_broken_key_set_is_refused(document: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        public_keys_from_jwks(document)


@pytest.mark.parametrize(
    ("moment", "outcome", "date"),
    [
        (NOW - timedelta(days=2), Outcome.NOT_YET_VALID, "2026-02-28T15:30:12Z"),
        (NOW + timedelta(days=10), Outcome.EXPIRED, "2026-03-11T15:30:12Z"),
        (NOW + timedelta(days=10, seconds=-1), Outcome.VALID, None),
    ],
)
def test_a_certificate_holds_only_between_its_dates(
    key: SigningKey, moment: datetime, outcome: Outcome, date: str | None
) -> None:
    token, _ = certificate(key, valid_until=NOW.replace(microsecond=0) + timedelta(days=10))
    verification = verify_credential(token, jwks([key]), now=moment, status_lists=status_lists().get)
    assert verification.outcome is outcome
    assert verification.params.get("date") == date


@pytest.mark.parametrize(
    ("revoked", "suspended", "outcome"),
    [
        ({3}, set(), Outcome.REVOKED),
        (set(), {5}, Outcome.SUSPENDED),
        ({3}, {5}, Outcome.REVOKED),
        ({2, 4}, {4, 6}, Outcome.VALID),  # the neighbours' bits are not this certificate's
    ],
)
def test_a_set_bit_in_a_status_list_revokes_or_suspends(
    key: SigningKey, revoked: set[int], suspended: set[int], outcome: Outcome
) -> None:
    token, _ = certificate(key)
    verification = verify_credential(token, jwks([key]), now=NOW, status_lists=status_lists(revoked, suspended).get)
    assert verification.outcome is outcome
    assert verification.status_unchecked == ()


def broken(*_: object) -> Mapping[str, Any] | None:
    raise ConnectionError("the list could not be fetched")


def test_a_status_list_that_cannot_be_consulted_is_reported_unchecked(key: SigningKey) -> None:
    token, _ = certificate(key)
    only_revocations = {REVOCATIONS: status_lists()[REVOCATIONS]}
    verification = verify_credential(token, jwks([key]), now=NOW, status_lists=only_revocations.get)
    assert (verification.outcome, verification.detail) == (Outcome.VALID, CERTIFICATE_VALID_STATUS_UNCHECKED)
    assert verification.status_unchecked == (SUSPENSIONS,)
    assert verification.message.endswith("but 1 of its status lists could not be checked")
    assert verify_credential(token, jwks([key]), now=NOW, status_lists=broken).status_unchecked == (
        REVOCATIONS,
        SUSPENSIONS,
    )
    assert verify_credential(token, jwks([key]), now=NOW).status_unchecked == (REVOCATIONS, SUSPENSIONS)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda doc: doc | {"issuer": "https://someone-else.example"},
        lambda doc: doc | {"id": SUSPENSIONS},
        lambda doc: doc | {"credentialSubject": doc["credentialSubject"] | {"statusPurpose": "suspension"}},
        lambda doc: doc | {"credentialSubject": doc["credentialSubject"] | {"encodedList": "u!!"}},
        lambda doc: doc | {"validUntil": "2026-03-01T00:00:00Z"},
        lambda doc: doc | {"type": ["VerifiableCredential"]},
    ],
)
def test_a_status_list_that_is_not_the_one_named_is_not_believed(key: SigningKey, spoil: Any) -> None:
    token, _ = certificate(key)
    lists = status_lists(revoked={3})
    lists[REVOCATIONS] = spoil(lists[REVOCATIONS])
    verification = verify_credential(token, jwks([key]), now=NOW, status_lists=lists.get)
    assert verification.outcome is Outcome.VALID
    assert verification.status_unchecked == (REVOCATIONS,)


def test_a_signed_status_list_is_read_only_when_its_signature_holds(key: SigningKey) -> None:
    token = sign_credential(status_lists(revoked={3})[REVOCATIONS], key)
    document = verify_status_list(token, jwks([key]), now=NOW)
    assert document is not None
    assert document["credentialSubject"]["encodedList"] == encode_status_list({3})
    header, payload, signature = parts(token)
    payload["credentialSubject"]["encodedList"] = encode_status_list(set())
    assert verify_status_list(reassemble(header, payload, signature), jwks([key]), now=NOW) is None
    assert verify_status_list(certificate(key)[0], jwks([key]), now=NOW) is None  # a certificate is not a list


def unsigned(header: Mapping[str, Any], payload: Mapping[str, Any] | None = None) -> str:
    body = b64url(json.dumps(payload or {"id": "x"}).encode())
    return f"{b64url(json.dumps(header).encode())}.{body}.{b64url(bytes(64))}"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "%%%.e30.AAAA",
        "e30=.e30.AAAA",
        unsigned({"alg": "none", "kid": "k"}),
        unsigned({"alg": "HS256", "kid": "k"}),
        unsigned({"alg": "EdDSA"}),
        unsigned({"alg": "EdDSA", "kid": "k", "crit": ["exp"]}),
        b64url(b"[1]") + ".e30.AAAA",
        "e30." * 70_000 + "e30",
        12345,
        None,
    ],
)
def test_a_token_that_cannot_be_read_is_malformed(key: SigningKey, token: Any) -> None:
    verification = verify_credential(token, jwks([key]), now=NOW)
    assert verification.outcome is Outcome.MALFORMED
    assert verification.credential is None


def test_signed_content_that_is_not_a_credential_is_malformed(key: SigningKey) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": key.kid}
    _, credential = certificate(key)
    payloads = [
        [1, 2],
        {"id": "urn:x"},
        credential | {"iss": "https://elsewhere.example"},
        credential | {"validFrom": "yesterday"},
        credential | {"validFrom": "2026-03-01T00:00:00"},  # no UTC offset
        credential | {"credentialStatus": [{"type": "Other"}]},
        credential
        | {"credentialStatus": [status_entry(REVOCATIONS, StatusPurpose.REVOCATION, 1) | {"statusListIndex": "x"}]},
    ]
    for payload in payloads:
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
        assert key.private_key is not None
        token = f"{signing_input}.{b64url(key.private_key.sign(signing_input.encode()))}"
        assert verify_credential(token, jwks([key]), now=NOW).outcome is Outcome.MALFORMED, payload


@hypothesis_settings(max_examples=100)
@given(text=st.text(alphabet=st.sampled_from("abcXYZ019-_.=%{}\"' \x00é"), max_size=200))
def test_no_text_makes_verification_raise(text: str) -> None:
    assert verify_credential(text, {"keys": []}, now=NOW).outcome in {Outcome.MALFORMED, Outcome.UNKNOWN_KEY}


@hypothesis_settings(max_examples=100)
@given(position=st.integers(min_value=0), replacement=st.sampled_from(BASE64URL + "."))
def test_changing_any_character_of_a_certificate_makes_it_fail(
    key: SigningKey, position: int, replacement: str
) -> None:
    token, _ = certificate(key)
    index = position % len(token)
    altered = token[:index] + (replacement if replacement != token[index] else "A" if token[index] != "A" else "B")
    altered += token[index + 1 :]
    verification = verify_credential(altered, jwks([key]), now=NOW, status_lists=status_lists().get)
    assert verification.outcome is not Outcome.VALID


# --- keys at rest -----------------------------------------------------------------------------------------------------


def test_a_sealed_key_opens_to_itself_and_signs(key: SigningKey) -> None:
    sealer = KeySealer(SECRET)
    sealed = sealer.seal_key(key)
    assert key.private_bytes() not in sealed
    reopened = sealer.unseal_key(key.kid, sealed, created_at=key.created_at)
    assert reopened.private_bytes() == key.private_bytes()
    token, _ = certificate(reopened)
    assert verify_credential(token, jwks([key]), now=NOW, status_lists=status_lists().get).valid
    assert sealer.seal_key(key) != sealed  # a nonce of its own each time


def test_a_sealed_key_does_not_open_under_another_secret_or_as_another_key(key: SigningKey) -> None:
    sealed = KeySealer(SECRET).seal_key(key)
    with pytest.raises(KeySealError):
        KeySealer(SECRET + "-rotated").unseal(key.kid, sealed)
    with pytest.raises(KeySealError):
        KeySealer(SECRET).unseal("another-kid", sealed)
    with pytest.raises(KeySealError):
        KeySealer(SECRET).unseal(key.kid, sealed[:-1] + bytes([sealed[-1] ^ 1]))
    with pytest.raises(KeySealError):
        KeySealer(SECRET).unseal(key.kid, b"")


def test_keys_are_stamped_with_an_aware_time() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        new_signing_key(datetime(2026, 3, 1))
    assert new_signing_key(datetime.now(UTC)).can_sign
