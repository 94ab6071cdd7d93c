"""Certificate verifications per second on one core: a signed Open Badges 3.0 certificate checked against a key set of
a few rotated keys, with and without its revocation and suspension lists (each decoded per verification, as the
public endpoint and the command line do), and signing for comparison. Pinned to one CPU where the system allows.

    .venv/bin/python bench/certificate_verify.py --seconds 3
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from emprende.adapters.credentials.keys import active_key, jwks, new_signing_key, public_keys_from_jwks, rotate_keys
from emprende.adapters.credentials.signing import sign_credential, verify_credential
from emprende.domain.training.credential import (
    Achievement,
    CredentialClaim,
    CredentialIssuer,
    CurriculumModule,
    StatusPurpose,
    encode_status_list,
    open_badge,
    status_entry,
    status_list_credential,
    urn_uuid,
)

PROGRAMME = "https://emprende.example.org"
REVOCATIONS = f"{PROGRAMME}/api/v1/credentials/status/revocation/1"
SUSPENSIONS = f"{PROGRAMME}/api/v1/credentials/status/suspension/1"


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of `work`, measured in CPU time over about `seconds`."""
    for _ in range(200):  # warm-up
        work()
    done, began = 0, time.process_time()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for _ in range(100):
            work()
        done += 100
    return done / (time.process_time() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to measure each case")
    options = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    now = datetime.now(UTC)
    keys = rotate_keys(rotate_keys([new_signing_key(now - timedelta(days=800))], now - timedelta(days=400)), now)
    issuer = CredentialIssuer("Programa Emprende Inclusivo", PROGRAMME, uuid.uuid4(), "Universidad Central")
    achievement = Achievement(
        id=f"{PROGRAMME}/curricula/emprendimiento-basico",
        name="Emprendimiento básico",
        description="Del modelo de negocio al plan de inversión.",
        criteria="Asistió al 80 % de las sesiones y presentó su plan de negocio.",
        hours=Decimal("24.5"),
        modules=[CurriculumModule(f"Módulo {number}", "1.0") for number in range(1, 9)],
    )
    claim = CredentialClaim(
        id=urn_uuid(uuid.uuid4()),
        issuer=issuer,
        subject_id=urn_uuid(uuid.uuid4()),
        achievement=achievement,
        issued_at=now,
        valid_from=now - timedelta(days=1),
        language="es",
    )
    entries = [
        status_entry(REVOCATIONS, StatusPurpose.REVOCATION, 70_001),
        status_entry(SUSPENSIONS, StatusPurpose.SUSPENSION, 70_001),
    ]
    credential = open_badge(claim, entries)
    signer = active_key(keys)
    token = sign_credential(credential, signer)
    public_keys = public_keys_from_jwks(jwks(keys))
    revoked = range(0, 131_072, 97)  # about 1,350 revoked certificates in the list
    lists = {
        REVOCATIONS: status_list_credential(
            REVOCATIONS, StatusPurpose.REVOCATION, encode_status_list(revoked), issuer, now
        ),
        SUSPENSIONS: status_list_credential(
            SUSPENSIONS, StatusPurpose.SUSPENSION, encode_status_list([5]), issuer, now
        ),
    }
    assert verify_credential(token, public_keys, now=now, status_lists=lists.get).valid

    cases: dict[str, Callable[[], object]] = {
        "verify (signature, dates)": lambda: verify_credential(token, public_keys, now=now),
        "verify + 2 status lists": lambda: verify_credential(token, public_keys, now=now, status_lists=lists.get),
        "sign": lambda: sign_credential(credential, signer),
    }
    print(f"certificate JWT: {len(token)} characters; key set of {len(public_keys)} keys; one core")
    for name, work in cases.items():
        print(f"{name:28} {rate(work, options.seconds):>10,.0f} per second")


if __name__ == "__main__":
    main()
