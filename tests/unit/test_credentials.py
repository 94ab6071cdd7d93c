"""Certificates in the domain: what a claim may state (an opaque subject, never a name or a document number), the Open
Badges 3.0 credential and status list documents, the W3C Bitstring Status List encoding in the specification's bit
order, and Spanish for every message a certificate can carry."""

from __future__ import annotations

import ast
import base64
import dataclasses
import gzip
import json
import string
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import emprende
from emprende.api.problem_catalogue.messages_es import SHARED_SPANISH_MESSAGES
from emprende.api.v1.training.credential_messages import SPANISH_CREDENTIAL_MESSAGES, SPANISH_VERIFICATION_MESSAGES
from emprende.domain.shared.errors import InvalidInput, issues_of
from emprende.domain.training.credential import (
    STATUS_LIST_BITS,
    Achievement,
    CredentialClaim,
    CredentialIssuer,
    CurriculumModule,
    StatusListUnreadable,
    StatusPurpose,
    Verification,
    VerificationOutcome,
    decode_status_list,
    encode_status_list,
    open_badge,
    status_bit,
    status_entry,
    status_list_credential,
    urn_uuid,
)
from emprende.domain.training.credential_status import MAX_STATUS_LIST_BYTES
from emprende.domain.training.credential_verification import CERTIFICATE_EXPIRED, VERIFICATION_MESSAGES

NOW = datetime(2026, 3, 1, 15, 30, 12, 345678, tzinfo=UTC)
PROGRAMME_URL = "https://emprende.example.org"
LIST_URL = "https://emprende.example.org/api/v1/credentials/status/revocation/1"
PARTNER_ID = uuid.UUID("0190f4d2-7a1c-7c3e-9b1a-2f5e8d4c6a10")
SUBJECT_ID = "urn:uuid:0190f4d2-7a1c-7c3e-9b1a-000000000001"


def make_issuer(**changes: Any) -> CredentialIssuer:
    issuer = CredentialIssuer("Programa Emprende Inclusivo", PROGRAMME_URL, PARTNER_ID, "Universidad Central")
    return dataclasses.replace(issuer, **changes)


def make_achievement(**changes: Any) -> Achievement:
    achievement = Achievement(
        id=f"{PROGRAMME_URL}/curricula/emprendimiento-basico",
        name="Emprendimiento básico",
        description="Del modelo de negocio al plan de inversión.",
        criteria="Asistió al 80 % de las sesiones y presentó su plan de negocio.",
        hours=Decimal("24.50"),
        modules=[CurriculumModule("Modelo Canvas", "1.2"), CurriculumModule("Finanzas básicas", "2.0")],
    )
    return dataclasses.replace(achievement, **changes)


def make_claim(**changes: Any) -> CredentialClaim:
    claim = CredentialClaim(
        id="urn:uuid:0190f4d2-7a1c-7c3e-9b1a-00000000c0de",
        issuer=make_issuer(),
        subject_id=SUBJECT_ID,
        achievement=make_achievement(),
        issued_at=NOW,
        valid_from=NOW - timedelta(days=1),
        valid_until=None,
        language="es",
    )
    return dataclasses.replace(claim, **changes)


def fields_of(error: InvalidInput) -> list[str | None]:
    return [issue.field for issue in issues_of(error)]


# --- the claim --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject_id",
    [
        SUBJECT_ID,
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:web:emprende.example.org:people:7f3a",
        "did:example:ebfeb1f712ebc6f1c276e12ec21",
    ],
)
def test_a_claim_names_its_subject_by_an_opaque_identifier(subject_id: str) -> None:
    assert make_claim(subject_id=subject_id).subject_id == subject_id


@pytest.mark.parametrize(
    "subject_id",
    [
        "María Pérez",
        "0912345678",  # a cédula
        "did:example:0912345678",
        "did:example:1712-345-678",
        "did:example:Mar%C3%ADa%20P%C3%A9rez",
        "mailto:maria@example.org",
        "urn:uuid:0190F4D2-7A1C-7C3E-9B1A-000000000001",  # not the canonical form
        "urn:uuid:not-a-uuid",
        "did:web:emprende.example.org/people/1",  # a DID URL, not a DID
        "",
    ],
)
def test_a_claim_refuses_a_subject_that_names_or_numbers_the_person(subject_id: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        make_claim(subject_id=subject_id)
    assert fields_of(raised.value) == ["subject_id"]


def test_every_broken_rule_of_a_claim_is_reported_at_once_by_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        make_claim(id="https://example.org/1", subject_id="Juan", language="español", valid_from=datetime(2026, 1, 1))
    assert fields_of(raised.value) == ["id", "subject_id", "valid_from", "language"]
    assert [issue.code for issue in issues_of(raised.value)][2] == "timezone_required"


def test_a_certificate_does_not_end_before_it_starts() -> None:
    with pytest.raises(InvalidInput) as raised:
        make_claim(valid_until=NOW - timedelta(days=2))
    assert fields_of(raised.value) == ["valid_until"]
    assert make_claim(valid_until=NOW).valid_until == NOW


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"programme_url": "http://emprende.example.org"}, "issuer.programme_url"),
        ({"programme_url": "https://user:pw@emprende.example.org"}, "issuer.programme_url"),
        ({"programme_url": "https://"}, "issuer.programme_url"),
        ({"programme_name": "   "}, "issuer.programme_name"),
        ({"partner_name": "x" * 201}, "issuer.partner_name"),
        ({"partner_name": "Uni\x00"}, "issuer.partner_name"),
    ],
)
def test_an_issuer_has_names_and_an_https_url(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        make_issuer(**changes)
    assert fields_of(raised.value) == [field]


@pytest.mark.parametrize("hours", ["0", "-1", "10000.01", "1.234", "NaN", "Infinity"])
def test_hours_are_positive_bounded_and_in_hundredths(hours: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        make_achievement(hours=Decimal(hours))
    assert fields_of(raised.value) == ["achievement.hours"]


@pytest.mark.parametrize(
    ("modules", "fields"),
    [
        ([], ["achievement.modules"]),
        ([CurriculumModule("Canvas", "1"), CurriculumModule("canvas", "1")], ["achievement.modules.1"]),
        ([CurriculumModule("Canvas", "")], ["achievement.modules.0.version"]),
        (
            [CurriculumModule("", "1"), CurriculumModule("Finanzas", "v" * 41)],
            ["achievement.modules.0.name", "achievement.modules.1.version"],
        ),
    ],
)
def test_the_curriculum_lists_each_module_once(modules: list[CurriculumModule], fields: list[str]) -> None:
    with pytest.raises(InvalidInput) as raised:
        make_achievement(modules=modules)
    assert fields_of(raised.value) == fields


def test_an_achievement_is_identified_by_an_https_url_or_a_urn_uuid() -> None:
    assert make_achievement(id=urn_uuid(PARTNER_ID)).id == f"urn:uuid:{PARTNER_ID}"
    with pytest.raises(InvalidInput) as raised:
        make_achievement(id="Emprendimiento básico")
    assert fields_of(raised.value) == ["achievement.id"]


# --- the Open Badges credential ---------------------------------------------------------------------------------------


def test_the_credential_is_an_open_badge_for_the_achievement() -> None:
    entry = status_entry(LIST_URL, StatusPurpose.REVOCATION, 42)
    credential = open_badge(make_claim(valid_until=NOW + timedelta(days=365)), [entry])
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == "urn:uuid:0190f4d2-7a1c-7c3e-9b1a-00000000c0de"
    assert credential["issuer"] == {
        "id": PROGRAMME_URL,
        "type": ["Profile"],
        "name": "Programa Emprende Inclusivo",
        "url": PROGRAMME_URL,
    }
    assert (credential["validFrom"], credential["validUntil"]) == ("2026-02-28T15:30:12Z", "2027-03-01T15:30:12Z")
    assert credential["awardedDate"] == "2026-03-01T15:30:12Z"
    subject = credential["credentialSubject"]
    assert (subject["id"], subject["type"]) == (SUBJECT_ID, ["AchievementSubject"])
    assert subject["source"] == {"id": f"urn:uuid:{PARTNER_ID}", "type": ["Profile"], "name": "Universidad Central"}
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == credential["name"] == "Emprendimiento básico"
    assert achievement["criteria"] == {"narrative": "Asistió al 80 % de las sesiones y presentó su plan de negocio."}
    assert achievement["trainingHours"] == 24.5
    assert achievement["trainingModules"] == [
        {"name": "Modelo Canvas", "version": "1.2"},
        {"name": "Finanzas básicas", "version": "2.0"},
    ]
    assert achievement["inLanguage"] == "es"
    assert credential["credentialStatus"] == [entry]
    assert json.loads(json.dumps(credential)) == credential


def test_a_credential_without_end_or_status_lists_says_neither() -> None:
    credential = open_badge(make_claim(achievement=make_achievement(hours=Decimal(40))))
    assert "validUntil" not in credential
    assert "credentialStatus" not in credential
    assert credential["credentialSubject"]["achievement"]["trainingHours"] == 40
    assert json.dumps(credential["credentialSubject"]["achievement"]["trainingHours"]) == "40"


def test_a_status_entry_points_at_one_bit_of_one_list() -> None:
    assert status_entry(LIST_URL, StatusPurpose.SUSPENSION, 7) == {
        "id": f"{LIST_URL}#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "7",
        "statusListCredential": LIST_URL,
    }
    with pytest.raises(InvalidInput) as raised:
        status_entry("http://emprende.example.org/list", StatusPurpose.REVOCATION, -1)
    assert fields_of(raised.value) == ["status_list_credential", "status_list_index"]


def test_a_status_list_credential_carries_its_list_for_one_purpose() -> None:
    encoded = encode_status_list([3])
    document = status_list_credential(LIST_URL, StatusPurpose.REVOCATION, encoded, make_issuer(), NOW)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert (document["id"], document["validFrom"]) == (LIST_URL, "2026-03-01T15:30:12Z")
    assert document["issuer"]["id"] == PROGRAMME_URL
    assert document["credentialSubject"] == {
        "id": f"{LIST_URL}#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": encoded,
    }
    by_id = status_list_credential(LIST_URL, StatusPurpose.SUSPENSION, encoded, PROGRAMME_URL, NOW, valid_until=NOW)
    assert (by_id["issuer"], by_id["validUntil"]) == (PROGRAMME_URL, "2026-03-01T15:30:12Z")


# --- the bitstring ----------------------------------------------------------------------------------------------------


def test_index_zero_is_the_left_most_bit_of_the_first_byte() -> None:
    decoded = decode_status_list(encode_status_list([0, 7, 8, 131_071]))
    assert len(decoded) == STATUS_LIST_BITS // 8 == 16_384
    assert (decoded[0], decoded[1], decoded[-1]) == (0b1000_0001, 0b1000_0000, 0b0000_0001)
    assert not any(decoded[2:-1])
    assert [status_bit(decoded, index) for index in (0, 1, 6, 7, 8, 9, 131_070, 131_071)] == [
        True, False, False, True, True, False, False, True,
    ]  # fmt: skip


def test_the_encoding_is_multibase_base64url_of_gzip_without_padding() -> None:
    encoded = encode_status_list([5])
    assert encoded.startswith("u")
    assert set(encoded[1:]) <= set(string.ascii_letters + string.digits + "-_")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert bits[0] == 0b0000_0100
    assert encode_status_list([5]) == encoded  # the same list always reads the same


def test_the_specifications_example_list_decodes_with_or_without_the_multibase_prefix() -> None:
    example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"  # an empty 16 KiB list
    assert decode_status_list(example) == bytes(16_384)
    assert decode_status_list(example[1:]) == bytes(16_384)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "u",
        "u!!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip at all").decode().rstrip("="),
        "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16_384), mtime=0)[:-12]).decode().rstrip("="),  # truncated
        "u" + base64.urlsafe_b64encode(gzip.compress(b"", mtime=0)).decode().rstrip("="),
        "ünicode",
    ],
)
def test_an_unreadable_list_is_refused(encoded: str) -> None:
    with pytest.raises(StatusListUnreadable):
        decode_status_list(encoded)


def test_a_list_that_inflates_beyond_the_limit_is_refused_without_inflating_it() -> None:
    bomb = gzip.compress(bytes(MAX_STATUS_LIST_BYTES + 1), compresslevel=1)
    assert len(bomb) < 100_000
    with pytest.raises(StatusListUnreadable):
        decode_status_list("u" + base64.urlsafe_b64encode(bomb).decode().rstrip("="))


def test_a_list_has_the_minimum_size_and_only_indexes_inside_it() -> None:
    with pytest.raises(ValueError, match="multiple of 8"):
        encode_status_list([], size=1024)
    with pytest.raises(ValueError, match="outside"):
        encode_status_list([STATUS_LIST_BITS])
    with pytest.raises(IndexError):
        status_bit(bytes(2), 16)


@hypothesis_settings(max_examples=100)
@given(
    indexes=st.sets(st.integers(min_value=0, max_value=2 * STATUS_LIST_BITS - 1), max_size=40),
    size=st.sampled_from([STATUS_LIST_BITS, 2 * STATUS_LIST_BITS]),
)
def test_a_list_decodes_to_exactly_the_bits_that_were_set(indexes: set[int], size: int) -> None:
    inside = {index for index in indexes if index < size}
    decoded = decode_status_list(encode_status_list(inside, size=size))
    assert len(decoded) * 8 == size
    found = {i * 8 + bit for i, byte in enumerate(decoded) if byte for bit in range(8) if byte & (0x80 >> bit)}
    assert found == inside
    assert all(status_bit(decoded, index) for index in inside)


# --- what a verification says -----------------------------------------------------------------------------------------


def test_a_verification_reads_as_json_with_its_message_filled_in() -> None:
    verification = Verification(
        VerificationOutcome.EXPIRED, CERTIFICATE_EXPIRED, {"date": "2026-03-01T00:00:00Z"}, {"id": "x"}, "k1"
    )
    assert not verification.valid
    assert verification.as_json() == {
        "outcome": "expired",
        "valid": False,
        "detail": "the certificate expired on {date}",
        "params": {"date": "2026-03-01T00:00:00Z"},
        "message": "the certificate expired on 2026-03-01T00:00:00Z",
        "kid": "k1",
        "status_unchecked": [],
        "credential": {"id": "x"},
    }


# --- Spanish ----------------------------------------------------------------------------------------------------------

SOURCE = Path(emprende.__file__).parent
CERTIFICATE_MODULES = [
    "domain/training/credential.py",
    "domain/training/credential_checks.py",
    "domain/training/credential_status.py",
    "domain/training/credential_verification.py",
    "adapters/credentials/keys.py",
    "adapters/credentials/signing.py",
]


def module_constants(trees: list[ast.Module]) -> dict[str, str]:
    return {
        target.id: node.value.value
        for tree in trees
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def templates_passed_to(callee: str, position: int) -> dict[str, str]:
    """The message templates the certificate modules pass to `callee` (a literal or a module constant), with where."""
    trees = {name: ast.parse((SOURCE / name).read_text(encoding="utf-8")) for name in CERTIFICATE_MODULES}
    constants = module_constants(list(trees.values()))
    found: dict[str, str] = {}
    for name, tree in trees.items():
        for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
            if not (isinstance(call.func, ast.Name) and call.func.id == callee and len(call.args) > position):
                continue
            arg = call.args[position]
            if isinstance(arg, ast.Name) and arg.id in constants:
                found[constants[arg.id]] = f"{name}:{call.lineno}"
            elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found[arg.value] = f"{name}:{call.lineno}"
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def assert_translated(templates: set[str], spanish: dict[str, str]) -> None:
    assert sorted(templates - spanish.keys()) == []
    for template in templates:
        assert spanish[template].strip(), template
        assert spanish[template] != template, template
        assert placeholders(spanish[template]) == placeholders(template), template


def test_every_rule_a_claim_raises_has_spanish_with_the_same_placeholders() -> None:
    raised = templates_passed_to("InvalidInput", 0)
    assert len(raised) >= 13  # the scan finds them
    assert_translated(set(raised), SPANISH_CREDENTIAL_MESSAGES | SHARED_SPANISH_MESSAGES)
    assert sorted(SPANISH_CREDENTIAL_MESSAGES.keys() - raised.keys()) == []  # nothing left over
    assert sorted(SPANISH_CREDENTIAL_MESSAGES.keys() & SHARED_SPANISH_MESSAGES.keys()) == []  # one home each


def test_everything_a_verification_says_has_spanish_with_the_same_placeholders() -> None:
    details = templates_passed_to("Verification", 1) | templates_passed_to("_Malformed", 0)
    assert len(details) >= 15  # the scan finds them
    assert sorted(details.keys() - set(VERIFICATION_MESSAGES)) == []
    assert_translated(set(VERIFICATION_MESSAGES), SPANISH_VERIFICATION_MESSAGES)
    assert sorted(SPANISH_VERIFICATION_MESSAGES.keys() - set(VERIFICATION_MESSAGES)) == []
