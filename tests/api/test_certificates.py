"""Certificates end to end: finishing a cohort issues a signed Open Badges 3.0 credential to whoever completed;
anyone verifies it without signing in; revocation, suspension and key rotation show in the verification; the person
downloads their own from the portal; the command line verifies it offline from the published key set."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from emprende.adapters.sql.shared.schema import outbox
from emprende.bootstrap import Container
from emprende.cli import app as cli
from tests.api.training_support import COHORTS, enroll, grant_authoring, open_cohort, published_module, seed_trainees
from tests.conftest import PASSWORD, World, first_sign_in

CERTIFICATES = "/api/v1/certificates"


async def _certified(
    client: httpx.AsyncClient, container: Container, world: World, people: int = 2
) -> tuple[dict[str, Any], list[uuid.UUID], list[dict[str, Any]]]:
    """A finished cohort whose first `people - 1` people attended (and completed) and whose last did not."""
    await grant_authoring(client, world, world.a.partner_id)
    module_id = await published_module(client, world.a.manager_headers)
    cohort = await open_cohort(client, world.a.manager_headers, module_id)
    url = f"{COHORTS}/{cohort['id']}"
    session = await client.post(
        f"{url}/sessions",
        headers=world.a.manager_headers,
        json={"on": cohort["start_date"], "starts_at": "09:00:00", "duration_minutes": 90, "module_id": module_id},
    )
    ids = await seed_trainees(container, world.a.partner_id, people)
    for person in ids:
        await enroll(client, world.a.staff_headers, cohort["id"], person)
    await client.post(f"{url}/transitions", headers=world.a.manager_headers, json={"to": "running"})
    marks = [{"participant_id": str(p), "status": "present"} for p in ids[:-1]]
    marks.append({"participant_id": str(ids[-1]), "status": "absent"})
    await client.put(
        f"{url}/sessions/{session.json()['id']}/attendance", headers=world.a.staff_headers, json={"marks": marks}
    )
    finished = await client.post(f"{url}/transitions", headers=world.a.manager_headers, json={"to": "finished"})
    assert finished.status_code == 200, finished.text
    issued = await client.get(f"{url}/certificates", headers=world.a.staff_headers)
    assert issued.status_code == 200, issued.text
    return cohort, ids, issued.json()


async def _verify(client: httpx.AsyncClient, token: str, language: str = "en") -> dict[str, Any]:
    response = await client.post(
        f"{CERTIFICATES}/verification", json={"certificate": token}, headers={"Accept-Language": language}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _token_of(client: httpx.AsyncClient, world: World, participant: uuid.UUID) -> str:
    """The person's certificate, downloaded from their own portal."""
    email = f"titular{participant.hex[:8]}@example.org"
    opened = await client.post(
        f"/api/v1/participants/{participant}/portal-account",
        headers=world.a.staff_headers,
        json={"email": email, "password": PASSWORD},
    )
    assert opened.status_code == 201, opened.text
    mine = await client.get("/api/v1/me/certificates", headers=await first_sign_in(client, email))
    assert mine.status_code == 200, mine.text
    (certificate,) = mine.json()
    token: str = certificate["certificate"]
    assert certificate["credential"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    return token


async def test_finishing_a_cohort_issues_verifiable_certificates_to_whoever_completed(
    client: httpx.AsyncClient, container: Container, world: World, engine: AsyncEngine
) -> None:
    cohort, people, issued = await _certified(client, container, world, people=3)
    assert sorted(item["participant_id"] for item in issued) == sorted(str(p) for p in people[:2])
    token = await _token_of(client, world, people[0])
    verified = await _verify(client, token)
    assert (verified["outcome"], verified["valid"]) == ("valid", True)
    credential = verified["credential"]
    assert credential["credentialSubject"]["achievement"]["name"] == cohort["name"]
    assert credential["credentialSubject"]["id"].startswith("urn:uuid:")
    text = json.dumps(credential, ensure_ascii=False)
    assert "Aprendiz" not in text, "the credential names the person only by an opaque identifier"
    in_spanish = await _verify(client, token, "es")
    assert in_spanish["message"] == "el certificado es válido"
    async with engine.connect() as connection:
        events = (
            await connection.execute(select(outbox.c.event_type).where(outbox.c.event_type.like("certificate.%")))
        ).all()
    assert [row.event_type for row in events] == ["certificate.issued", "certificate.issued"]


async def test_revocation_and_suspension_show_in_every_verification(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    _, people, issued = await _certified(client, container, world)
    token = await _token_of(client, world, people[0])
    item = f"{CERTIFICATES}/{issued[0]['id']}"
    manager = world.a.manager_headers
    suspended = await client.post(f"{item}/suspension", headers=manager, json={"reason": "Revisión de asistencia"})
    assert suspended.status_code == 200, suspended.text
    assert (await _verify(client, token))["outcome"] == "suspended"
    status_list = await client.get(f"{CERTIFICATES}/status-lists/suspension")
    assert status_list.headers["content-type"].startswith("application/vc+jwt")
    reinstated = await client.delete(f"{item}/suspension", headers=manager)
    assert reinstated.json()["status"] == "active"
    assert (await _verify(client, token))["outcome"] == "valid"
    revoked = await client.post(f"{item}/revocation", headers=manager, json={"reason": "Emitido por error"})
    assert revoked.json()["status"] == "revoked"
    assert (await _verify(client, token))["outcome"] == "revoked"
    again = await client.post(f"{item}/revocation", headers=manager, json={"reason": "Otra vez"})
    assert again.status_code == 409
    assert again.json()["code"] == "certificate_state"
    # Another partner cannot touch it: it does not exist for them.
    foreign = await client.post(f"{item}/suspension", headers=world.b.manager_headers, json={"reason": "Intento"})
    assert foreign.status_code == 404


async def test_tampered_foreign_and_malformed_certificates_say_which(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    _, people, _ = await _certified(client, container, world)
    token = await _token_of(client, world, people[0])
    header, payload, signature = token.split(".")
    other = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    assert (await _verify(client, f"{header}.{other}.{signature}"))["outcome"] in ("bad_signature", "malformed")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]  # always a different signature
    tampered = await _verify(client, f"{header}.{payload}.{flipped}")
    assert (tampered["outcome"], tampered["credential"]) == ("bad_signature", None)
    assert (await _verify(client, "not a certificate"))["outcome"] == "malformed"
    empty = await client.post(f"{CERTIFICATES}/verification", json={"certificate": ""})
    assert empty.status_code == 422


async def test_a_rotated_key_keeps_verifying_and_the_cli_verifies_offline(
    client: httpx.AsyncClient, container: Container, world: World, tmp_path: Path
) -> None:
    _, people, _ = await _certified(client, container, world)
    token = await _token_of(client, world, people[0])
    before = (await client.get(f"{CERTIFICATES}/jwks")).json()
    refused = await client.post(f"{CERTIFICATES}/signing-keys/rotation", headers=world.a.manager_headers)
    assert refused.status_code == 403
    rotated = await client.post(f"{CERTIFICATES}/signing-keys/rotation", headers=world.admin_headers)
    assert rotated.status_code == 200, rotated.text
    after = (await client.get(f"{CERTIFICATES}/jwks")).json()
    assert {key["kid"] for key in after["keys"]} == {key["kid"] for key in before["keys"]} | {rotated.json()["kid"]}
    assert (await _verify(client, token))["outcome"] == "valid"

    certificate, keys = tmp_path / "certificado.jwt", tmp_path / "jwks.json"
    certificate.write_text(token, encoding="utf-8")
    keys.write_text(json.dumps(after), encoding="utf-8")
    runner = CliRunner()
    valid = runner.invoke(cli, ["certificates", "verify", str(certificate), "--jwks", str(keys), "--json"])
    assert valid.exit_code == 0, valid.output
    assert json.loads(valid.stdout)["outcome"] == "valid"
    head, _, signature = token.rpartition(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]  # always a different signature
    certificate.write_text(f"{head}.{flipped}", encoding="utf-8")
    assert runner.invoke(cli, ["certificates", "verify", str(certificate), "--jwks", str(keys)]).exit_code == 1


async def test_a_certificate_signed_with_a_key_not_published_is_refused(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    from emprende.adapters.credentials.keys import new_signing_key
    from emprende.adapters.credentials.signing import sign_credential
    from emprende.services.training.certificates import credential_of

    _, people, _ = await _certified(client, container, world)
    genuine = await _token_of(client, world, people[0])
    forged = sign_credential(credential_of(genuine), new_signing_key(container.clock.now()))
    verified = await _verify(client, forged)
    assert (verified["outcome"], verified["valid"], verified["credential"]) == ("unknown_key", False, None)


async def test_the_verification_ahead_of_the_routers_answers_as_the_documented_route(
    client: httpx.AsyncClient, container: Container, world: World
) -> None:
    """Verification is served by a route matched ahead of every router (the same endpoint, found sooner): it answers
    exactly as the documented route behind it, for good requests and bad ones."""
    from fastapi import FastAPI
    from fastapi.routing import APIRoute

    from emprende.api.app import create_app

    _, people, _ = await _certified(client, container, world)
    token = await _token_of(client, world, people[0])
    app = create_app(container=container)
    ahead = [r for r in app.router.routes if isinstance(r, APIRoute) and r.path.endswith("/certificates/verification")]
    assert len(ahead) == 1
    assert not ahead[0].include_in_schema, "the route ahead of the routers is the undocumented twin"
    documented = create_app(container=container)
    documented.router.routes[:] = [  # the route ahead taken away: requests reach the documented one
        route
        for route in documented.router.routes
        if not (isinstance(route, APIRoute) and route.path.endswith("/certificates/verification"))
    ]
    cases: list[tuple[bytes, str]] = [
        (json.dumps({"certificate": token}).encode(), "application/json"),
        (json.dumps({"certificate": "no es un certificado"}).encode(), "application/json"),
        (json.dumps({"certificate": ""}).encode(), "application/json"),
        (json.dumps({"certificate": token, "otro": 1}).encode(), "application/json"),
        (b"{not json", "application/json"),
        (b"certificate=x", "application/x-www-form-urlencoded"),
    ]

    async def answer(each: FastAPI, body: bytes, kind: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=each, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
            headers = {"Content-Type": kind, "X-Request-ID": "ahead-check", "Accept-Language": "es"}
            return await other.post("/api/v1/certificates/verification", content=body, headers=headers)

    for body, kind in cases:
        fast, reference = await answer(app, body, kind), await answer(documented, body, kind)
        assert (fast.status_code, fast.json()) == (reference.status_code, reference.json()), body[:40]
        assert fast.headers["content-type"] == reference.headers["content-type"]
