"""Authentication use cases: sign in, rotate refresh tokens, sign out, and resolve a token to a principal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from emprende.domain.audit.trail import Actor, ActorType
from emprende.domain.identity.session import LoginSession, RefreshTokenReusedError
from emprende.domain.identity.user import normalize_email
from emprende.domain.shared.errors import AuthenticationFailed, InvalidInput
from emprende.services.identity.ports import (
    IdentityUnitOfWork,
    LoginRateLimiter,
    PasswordHasher,
    PrincipalLookup,
    TokenService,
)
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind


@dataclass(frozen=True, slots=True)
class AuthComponents:
    """The ports every authentication use case needs, wired once by the composition root."""

    hasher: PasswordHasher
    tokens: TokenService
    limiter: LoginRateLimiter
    clock: Clock
    principals: PrincipalLookup
    session_lifetime: timedelta


@dataclass(frozen=True, slots=True)
class PasswordLogin:
    email: str
    password: str
    client_address: str


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    issued_at: datetime
    password_change_required: bool = False
    """The account's password was set by someone else (or reset): nothing but changing it is allowed yet."""

    @property
    def expires_in(self) -> int:
        return max(0, int((self.access_expires_at - self.issued_at).total_seconds()))


def _account_key(email: str) -> str:
    try:
        return normalize_email(email)
    except InvalidInput:
        return email.strip().lower()[:254]


def _issue_pair(auth: AuthComponents, session: LoginSession, now: datetime, *, change_required: bool) -> TokenPair:
    access = auth.tokens.issue_access(subject=session.user_id, session_id=session.id, now=now)
    refresh = auth.tokens.issue_refresh(
        subject=session.user_id,
        session_id=session.id,
        token_id=session.current_token_id,
        now=now,
        expires_at=session.expires_at,
    )
    return TokenPair(access.token, access.expires_at, refresh.token, refresh.expires_at, now, change_required)


async def login_with_password(
    cmd: PasswordLogin, *, uow_factory: UnitOfWorkFactory[IdentityUnitOfWork], auth: AuthComponents
) -> TokenPair:
    """Sign a person in with e-mail and password and open a login session."""
    now = auth.clock.now()
    account = _account_key(cmd.email)
    auth.limiter.check(account, cmd.client_address, now)
    auth.limiter.record_attempt(cmd.client_address, now)
    # Count the attempt as a failure before the first await, so parallel guesses cannot all pass `check` while
    # their hashes are being verified; a successful sign-in clears the account's failures below.
    auth.limiter.record_failure(account, cmd.client_address, now)
    async with uow_factory(SYSTEM) as uow:
        user = await uow.users.get_by_email(account) if "@" in account else None
        if user is None:
            await auth.hasher.verify_unknown(cmd.password)
            raise AuthenticationFailed()
        if not await auth.hasher.verify(cmd.password, user.password_hash):
            raise AuthenticationFailed()
        if not user.is_active:
            raise AuthenticationFailed("inactive", code="account_inactive")
        if user.partner_id is not None:
            partner = await uow.partners.get(user.partner_id)
            if partner is None or not partner.is_active:
                raise AuthenticationFailed("partner suspended", code="partner_suspended")
        auth.limiter.reset_account(account)
        uow.act_as(Actor(ActorType.USER, user.id))
        if auth.hasher.needs_rehash(user.password_hash):
            user.rehash_password(await auth.hasher.hash(cmd.password), now)
        session = LoginSession(user_id=user.id, now=now, expires_at=now + auth.session_lifetime)
        uow.sessions.add(session)
        await uow.commit()
    return _issue_pair(auth, session, now, change_required=user.password_reset_required)


async def refresh_session(
    refresh_token: str, *, uow_factory: UnitOfWorkFactory[IdentityUnitOfWork], auth: AuthComponents
) -> TokenPair:
    """Exchange the newest refresh token of a session for a new pair; a replayed token revokes the session."""
    claims = auth.tokens.decode_refresh(refresh_token)
    now = auth.clock.now()
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(Actor(ActorType.USER, claims.subject))
        session = await uow.sessions.get(claims.session_id)
        if session is None or session.user_id != claims.subject:
            raise AuthenticationFailed("unknown session", code="invalid_token")
        user = await uow.users.get(session.user_id)
        if user is None or not user.is_active:
            session.revoke("account_inactive", now)
            await uow.commit()
            raise AuthenticationFailed("inactive", code="account_inactive")
        if user.partner_id is not None:
            partner = await uow.partners.get(user.partner_id)
            if partner is None or not partner.is_active:
                raise AuthenticationFailed("partner suspended", code="partner_suspended")
        try:
            session.rotate(claims.token_id, now)
        except RefreshTokenReusedError:
            # The revocation must outlive the failed request: commit it before answering.
            await uow.commit()
            raise
        await uow.commit()
    return _issue_pair(auth, session, now, change_required=user.password_reset_required)


async def logout(
    principal: Principal, *, uow_factory: UnitOfWorkFactory[IdentityUnitOfWork], auth: AuthComponents
) -> None:
    """End the caller's login session: its refresh and access tokens stop working at once."""
    if principal.session_id is None:
        return
    async with uow_factory(SYSTEM) as uow:
        uow.act_as(principal.actor)
        session = await uow.sessions.get(principal.session_id)
        if session is not None and session.user_id == principal.id:
            session.revoke("logout", auth.clock.now())
            await uow.commit()


async def authenticate(access_token: str, *, auth: AuthComponents) -> Principal:
    """Resolve a bearer token to the acting principal, refusing revoked sessions, inactive accounts, revoked clients
    and suspended partners."""
    claims = auth.tokens.decode_access(access_token)
    if claims.is_client:
        client = await auth.principals.find_client(claims.subject, auth.clock.now())
        if client is None or not client.usable:
            raise AuthenticationFailed("client revoked", code="invalid_client")
        if not client.partner_active:
            raise AuthenticationFailed("partner suspended", code="partner_suspended")
        return Principal(
            kind=PrincipalKind.CLIENT,
            id=client.client_id,
            role=None,
            partner_id=client.partner_id,
            # A scope removed from the client since the token was issued is gone at once.
            scopes=claims.scopes & client.scopes,
        )
    record = await auth.principals.find(claims.subject, claims.session_id)
    if record is None:
        raise AuthenticationFailed("unknown subject", code="invalid_token")
    if not record.is_active:
        raise AuthenticationFailed("inactive", code="account_inactive")
    if record.session_revoked or (
        record.session_expires_at is not None and auth.clock.now() >= record.session_expires_at
    ):
        raise AuthenticationFailed("session ended", code="session_revoked")
    if not record.partner_active:
        raise AuthenticationFailed("partner suspended", code="partner_suspended")
    return Principal(
        kind=PrincipalKind.USER,
        id=record.user_id,
        role=record.role,
        partner_id=record.partner_id,
        session_id=claims.session_id,
        password_change_required=record.password_reset_required,
        participant_id=record.participant_id,
    )
