"""Partner API clients: creation, rotation, revocation, and the OAuth2 client-credentials grant."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from emprende.domain.audit.trail import Actor, ActorType
from emprende.domain.partners.agreement import AgreementRequired
from emprende.domain.partners.client import ApiClient
from emprende.domain.shared.errors import AuthenticationFailed, InvalidInput, InvalidScope, NotFound
from emprende.services.identity.auth import AuthComponents
from emprende.services.partners.permissions import authorize
from emprende.services.partners.ports import PartnersUnitOfWork
from emprende.services.shared.authorization import SCOPES, allowed_scopes
from emprende.services.shared.ports import UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind

SECRET_BYTES = 32


class ScopeNotAllowed(InvalidInput):
    def __init__(self, scopes: Sequence[str]) -> None:
        super().__init__(
            "the partner's agreements do not allow: {scopes}",
            field="scopes",
            code="scope_not_allowed",
            scopes=", ".join(sorted(scopes)),
        )


@dataclass(frozen=True, slots=True)
class CreateApiClient:
    name: str
    scopes: frozenset[str]
    partner_id: uuid.UUID | None = None
    """Administrators name the partner; a partner's managers always create for their own."""
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    client: ApiClient
    secret: str


@dataclass(frozen=True, slots=True)
class ClientToken:
    access_token: str
    expires_at: datetime
    scopes: frozenset[str]
    issued_at: datetime

    @property
    def expires_in(self) -> int:
        return max(0, int((self.expires_at - self.issued_at).total_seconds()))


async def _allowed_for(uow: PartnersUnitOfWork, partner_id: uuid.UUID, now: datetime) -> frozenset[str]:
    """The scopes the partner's agreements allow today; without any agreement in force, `agreement_required`."""
    partner = await uow.partners.get(partner_id)
    if partner is None:
        raise NotFound("partner")
    agreements = await uow.agreements.for_partner(partner_id)
    day = now.date()
    if not any(agreement.in_force(day) for agreement in agreements):
        raise AgreementRequired("no cooperation agreement of this partner is in force today")
    return allowed_scopes(partner.is_active, agreements, day)


async def create_api_client(
    principal: Principal,
    cmd: CreateApiClient,
    *,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    auth: AuthComponents,
) -> IssuedSecret:
    """Create a client for a partner system; the secret is returned this once and stored only hashed."""
    authorize(principal, "api_clients.manage")
    unknown = sorted(cmd.scopes - SCOPES.keys())
    if unknown:
        raise InvalidInput("unknown scopes: {scopes}", field="scopes", code="unknown_scope", scopes=", ".join(unknown))
    partner_id = principal.partner_id or cmd.partner_id
    if principal.partner_id is not None and cmd.partner_id not in (None, principal.partner_id):
        raise NotFound("partner")
    if partner_id is None:
        raise InvalidInput("name the partner the client belongs to", field="partner_id")
    now = auth.clock.now()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    secret_hash = await auth.hasher.hash(secret)
    async with uow_factory(principal) as uow:
        not_allowed = cmd.scopes - await _allowed_for(uow, partner_id, now)
        if not_allowed:
            raise ScopeNotAllowed(sorted(not_allowed))
        client = ApiClient(
            partner_id=partner_id,
            name=cmd.name,
            scopes=cmd.scopes,
            secret_hash=secret_hash,
            expires_at=cmd.expires_at,
            created_by=principal.id if principal.kind is PrincipalKind.USER else None,
            now=now,
        )
        uow.clients.add(client)
        await uow.commit()
    return IssuedSecret(client, secret)


async def get_api_client(
    principal: Principal, client_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[PartnersUnitOfWork]
) -> ApiClient:
    """One client (never its secret)."""
    async with uow_factory(principal, read_only=True) as uow:
        client = await uow.clients.get(client_id)
    if client is None:
        raise NotFound("api_client")
    authorize(principal, "api_clients.manage")
    return client


async def list_api_clients(
    principal: Principal, *, uow_factory: UnitOfWorkFactory[PartnersUnitOfWork]
) -> Sequence[ApiClient]:
    """The clients the caller manages: all for administrators, their own partner's for managers."""
    authorize(principal, "api_clients.manage")
    async with uow_factory(principal, read_only=True) as uow:
        return await uow.clients.visible()


async def rotate_api_client(
    principal: Principal,
    client_id: uuid.UUID,
    *,
    grace: timedelta,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    auth: AuthComponents,
) -> IssuedSecret:
    """Issue a new secret; the old one keeps working for the grace period."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    secret_hash = await auth.hasher.hash(secret)
    async with uow_factory(principal) as uow:
        client = await uow.clients.get(client_id)
        if client is None:
            raise NotFound("api_client")
        authorize(principal, "api_clients.manage")
        client.rotate(secret_hash, grace, auth.clock.now())
        await uow.commit()
    return IssuedSecret(client, secret)


async def revoke_api_client(
    principal: Principal,
    client_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    auth: AuthComponents,
) -> ApiClient:
    """Revoke a client at once: its tokens stop working on their next use."""
    async with uow_factory(principal) as uow:
        client = await uow.clients.get(client_id)
        if client is None:
            raise NotFound("api_client")
        authorize(principal, "api_clients.manage")
        client.revoke(auth.clock.now())
        await uow.commit()
    return client


async def client_credentials_token(
    client_id: str,
    client_secret: str,
    requested_scopes: frozenset[str] | None,
    *,
    uow_factory: UnitOfWorkFactory[PartnersUnitOfWork],
    auth: AuthComponents,
) -> ClientToken:
    """OAuth2 client-credentials grant: an access token carrying the scopes the client holds and its partner's
    agreements allow today (a subset, if the request names scopes)."""
    now = auth.clock.now()
    try:
        parsed_id = uuid.UUID(client_id)
    except ValueError:
        parsed_id = None
    async with uow_factory(SYSTEM) as uow:
        client = await uow.clients.get(parsed_id) if parsed_id is not None else None
        if client is None:
            await auth.hasher.verify_unknown(client_secret)
            raise AuthenticationFailed("unknown client", code="invalid_client")
        matched = False
        for candidate in client.candidate_hashes(now):
            if await auth.hasher.verify(client_secret, candidate):
                matched = True
                break
        if not matched:
            raise AuthenticationFailed("wrong secret", code="invalid_client")
        if not client.is_usable(now):
            raise AuthenticationFailed("client revoked or expired", code="invalid_client")
        partner = await uow.partners.get(client.partner_id)
        if partner is None or not partner.is_active:
            raise AuthenticationFailed("partner suspended", code="partner_suspended")
        allowed = client.scopes & await _allowed_for(uow, client.partner_id, now)
        if requested_scopes is not None:
            if not requested_scopes <= client.scopes:
                raise InvalidScope("scope not held")
            allowed &= requested_scopes
        uow.act_as(Actor(ActorType.CLIENT, client.id))
        client.mark_used(now)
        await uow.commit()
    issued = auth.tokens.issue_client_access(client_id=client.id, scopes=allowed, now=now)
    return ClientToken(issued.token, issued.expires_at, allowed, now)
