"""`emprende certificates verify`: a certificate checked offline from files (the certificate, the issuer's key set, the
status lists it names), exit status 0 only when it is valid, and a clear warning when a status could not be checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from emprende.adapters.credentials.keys import SigningKey, jwks, new_signing_key
from emprende.adapters.credentials.signing import sign_credential
from emprende.cli import app
from emprende.domain.training.credential import (
    StatusPurpose,
    encode_status_list,
    open_badge,
    status_entry,
    status_list_credential,
)
from tests.unit.test_credentials import SUBJECT_ID, make_claim, make_issuer

LIST_URL = "https://emprende.example.org/api/v1/credentials/status/revocation/1?page=1"
TODAY = datetime.now(UTC)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return new_signing_key(TODAY - timedelta(days=30))


def write(path: Path, content: str | dict[str, Any]) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def token(key: SigningKey, **changes: Any) -> str:
    claim = make_claim(issued_at=TODAY, valid_from=TODAY - timedelta(days=1), **changes)
    return sign_credential(open_badge(claim, [status_entry(LIST_URL, StatusPurpose.REVOCATION, 9)]), key)


def certificate(tmp_path: Path, key: SigningKey, **changes: Any) -> Path:
    return write(tmp_path / "certificate.jwt", token(key, **changes) + "\n")


def status_list(tmp_path: Path, *revoked: int) -> Path:
    document = status_list_credential(
        LIST_URL, StatusPurpose.REVOCATION, encode_status_list(revoked), make_issuer(), TODAY - timedelta(hours=1)
    )
    return write(tmp_path / "revocations.json", document)


def verify(runner: CliRunner, *args: str | Path) -> Any:
    return runner.invoke(app, ["certificates", "verify", *(str(arg) for arg in args)])


def test_a_valid_certificate_exits_0_and_shows_what_it_certifies(
    runner: CliRunner, tmp_path: Path, key: SigningKey
) -> None:
    keys = write(tmp_path / "jwks.json", jwks([key]))
    lists = f"{LIST_URL}={status_list(tmp_path)}"
    result = verify(runner, certificate(tmp_path, key), "--jwks", keys, "--status-list", lists)
    assert result.exit_code == 0, result.output
    shown = ("Programa Emprende Inclusivo", SUBJECT_ID, "Emprendimiento básico", "Universidad Central", key.kid)
    for text in (*shown, "Modelo Canvas 1.2", "24.5", "the certificate is valid"):
        assert text in result.stdout
    assert "warning" not in result.output


def test_the_json_output_is_the_verification(runner: CliRunner, tmp_path: Path, key: SigningKey) -> None:
    keys = write(tmp_path / "jwks.json", jwks([key]))
    lists = f"{LIST_URL}={status_list(tmp_path)}"
    result = verify(runner, certificate(tmp_path, key), "--jwks", keys, "--status-list", lists, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["outcome"], report["valid"], report["kid"]) == ("valid", True, key.kid)
    assert report["status_unchecked"] == []
    assert report["credential"]["credentialSubject"]["id"] == SUBJECT_ID


def test_a_tampered_certificate_exits_1(runner: CliRunner, tmp_path: Path, key: SigningKey) -> None:
    header, _, signature = token(key).split(".")
    forged_payload = token(key, subject_id="did:key:z6MkSomeoneElse").split(".")[1]
    path = write(tmp_path / "certificate.jwt", f"{header}.{forged_payload}.{signature}")
    result = verify(runner, path, "--jwks", write(tmp_path / "jwks.json", jwks([key])), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["outcome"] == "bad_signature"
    assert json.loads(result.stdout)["credential"] is None


def test_a_revoked_certificate_exits_1(runner: CliRunner, tmp_path: Path, key: SigningKey) -> None:
    keys = write(tmp_path / "jwks.json", jwks([key]))
    lists = f"{LIST_URL}={status_list(tmp_path, 9)}"
    result = verify(runner, certificate(tmp_path, key), "--jwks", keys, "--status-list", lists)
    assert result.exit_code == 1
    assert "revoked" in result.stdout


def test_a_signed_status_list_file_is_read_once_its_signature_holds(
    runner: CliRunner, tmp_path: Path, key: SigningKey
) -> None:
    keys = write(tmp_path / "jwks.json", jwks([key]))
    signed = write(tmp_path / "list.jwt", sign_credential(json.loads(status_list(tmp_path, 9).read_text()), key))
    result = verify(runner, certificate(tmp_path, key), "--jwks", keys, "--status-list", f"{LIST_URL}={signed}")
    assert result.exit_code == 1
    assert "revoked" in result.stdout


def test_a_status_list_not_given_is_a_warning_not_a_failure(runner: CliRunner, tmp_path: Path, key: SigningKey) -> None:
    result = verify(runner, certificate(tmp_path, key), "--jwks", write(tmp_path / "jwks.json", jwks([key])))
    assert result.exit_code == 0, result.output
    assert "warning: status not checked" in result.stderr
    assert LIST_URL in result.stderr
    assert "--status-list" in result.stderr


def test_an_expired_certificate_exits_1(runner: CliRunner, tmp_path: Path, key: SigningKey) -> None:
    path = certificate(tmp_path, key, valid_until=TODAY - timedelta(minutes=1))
    result = verify(runner, path, "--jwks", write(tmp_path / "jwks.json", jwks([key])), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["outcome"] == "expired"


def test_without_a_key_set_nothing_is_vouched_for(runner: CliRunner, tmp_path: Path, key: SigningKey) -> None:
    result = verify(runner, certificate(tmp_path, key))
    assert result.exit_code == 1
    assert "unknown key" in result.stdout
    assert "--jwks" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["missing.jwt"],
        ["certificate.jwt", "--jwks", "missing.json"],
        ["certificate.jwt", "--jwks", "not-json.json"],
        ["certificate.jwt", "--jwks", "not-a-key-set.json"],
        ["certificate.jwt", "--status-list", "no-equals-sign"],
    ],
)
def test_files_that_cannot_be_used_exit_2(
    runner: CliRunner, tmp_path: Path, key: SigningKey, arguments: list[str]
) -> None:
    certificate(tmp_path, key)
    write(tmp_path / "not-json.json", "{not json")
    write(tmp_path / "not-a-key-set.json", {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AA", "kid": "k"}]})
    result = verify(runner, *(str(tmp_path / arg) if "." in arg and "=" not in arg else arg for arg in arguments))
    assert result.exit_code == 2, result.output
