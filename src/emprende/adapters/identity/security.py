"""Security adapters: argon2id password hashing through passlib, and JWTs through python-jose."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio.to_thread
from jose import jwt
from jose.exceptions import ExpiredSignatureError, JOSEError
from passlib.context import CryptContext

from emprende.domain.shared.errors import AuthenticationFailed
from emprende.services.identity.ports import AccessClaims, IssuedToken, RefreshClaims

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"
CLIENT = "client"
_REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "typ", "jti")
ISSUED_AT_LEEWAY_SECONDS = 60
"""How far in the future a token's `iat` may lie (clocks of the processes behind a load balancer drift apart); a token
issued later than that was not issued by this service's clock, and is refused."""


def _number(value: Any) -> float:
    """A numeric date claim (python-jose has checked that it reads as an integer)."""
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise AuthenticationFailed("malformed date claim", code="invalid_token") from error


def _expiry(claims: dict[str, Any]) -> datetime:
    try:
        return datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (TypeError, ValueError, OverflowError, OSError) as error:  # beyond the years `datetime` holds
        raise AuthenticationFailed("malformed expiry", code="invalid_token") from error


class Argon2PasswordHasher:
    """argon2id via passlib; hashing runs in a worker thread so the event loop keeps serving."""

    def __init__(self, *, memory_kib: int, time_cost: int, parallelism: int) -> None:
        self._scheme = CryptContext(
            schemes=["argon2"],
            argon2__type="ID",
            argon2__memory_cost=memory_kib,
            argon2__rounds=time_cost,
            argon2__parallelism=parallelism,
        )
        # A real hash of a random password: verifying against it costs what a real verification costs.
        self._decoy = self._scheme.hash(secrets.token_urlsafe(32))

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._scheme.hash, password)

    async def verify(self, password: str, password_hash: str) -> bool:
        try:
            return bool(await anyio.to_thread.run_sync(self._scheme.verify, password, password_hash))
        except (ValueError, TypeError):
            return False

    async def verify_unknown(self, password: str) -> None:
        await self.verify(password, self._decoy)

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return bool(self._scheme.needs_update(password_hash))
        except (ValueError, TypeError):
            return True


VERIFIED_TOKENS = 10_000
"""Verified access tokens remembered per process (each ≈ 0.5 KB)."""


class JoseTokenService:
    """HS256 JWTs with required exp/iat/iss/aud/sub/jti and a `typ` that keeps access and refresh apart."""

    def __init__(self, *, secret: str, issuer: str, audience: str, access_lifetime: timedelta) -> None:
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self._access_lifetime = access_lifetime
        # Access tokens already verified, by their exact text: a client sends the same one for its whole lifetime,
        # and checking it again (signature, claims) would give the same answer until it expires.
        self._verified: dict[str, AccessClaims] = {}

    def _encode(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def issue_access(self, *, subject: uuid.UUID, session_id: uuid.UUID, now: datetime) -> IssuedToken:
        expires_at = now + self._access_lifetime
        token = self._encode(
            {
                "iss": self._issuer,
                "aud": self._audience,
                "sub": str(subject),
                "iat": int(now.timestamp()),
                "exp": int(expires_at.timestamp()),
                "jti": uuid.uuid4().hex,
                "typ": ACCESS,
                "sid": str(session_id),
            }
        )
        return IssuedToken(token, expires_at)

    def issue_client_access(self, *, client_id: uuid.UUID, scopes: frozenset[str], now: datetime) -> IssuedToken:
        expires_at = now + self._access_lifetime
        token = self._encode(
            {
                "iss": self._issuer,
                "aud": self._audience,
                "sub": str(client_id),
                "iat": int(now.timestamp()),
                "exp": int(expires_at.timestamp()),
                "jti": uuid.uuid4().hex,
                "typ": ACCESS,
                "pty": CLIENT,
                "scope": " ".join(sorted(scopes)),
            }
        )
        return IssuedToken(token, expires_at)

    def issue_refresh(
        self,
        *,
        subject: uuid.UUID,
        session_id: uuid.UUID,
        token_id: uuid.UUID,
        now: datetime,
        expires_at: datetime,
    ) -> IssuedToken:
        token = self._encode(
            {
                "iss": self._issuer,
                "aud": self._audience,
                "sub": str(subject),
                "iat": int(now.timestamp()),
                "exp": int(expires_at.timestamp()),
                "jti": str(token_id),
                "typ": REFRESH,
                "sid": str(session_id),
            }
        )
        return IssuedToken(token, expires_at)

    def _decode(self, token: str, expected_type: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM:
                raise AuthenticationFailed("unexpected algorithm", code="invalid_token")
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={f"require_{name}": True for name in ("exp", "iat", "iss", "aud", "sub", "jti")},
            )
        except ExpiredSignatureError as error:
            raise AuthenticationFailed("token expired", code="token_expired") from error
        except (
            JOSEError,
            TypeError,
            ValueError,
            OverflowError,
        ) as error:  # python-jose lets a few claim shapes through
            raise AuthenticationFailed("invalid token", code="invalid_token") from error
        if any(name not in claims for name in _REQUIRED_CLAIMS) or claims["typ"] != expected_type:
            raise AuthenticationFailed("wrong token type", code="invalid_token")
        if _number(claims["iat"]) > time.time() + ISSUED_AT_LEEWAY_SECONDS:
            raise AuthenticationFailed("token issued in the future", code="invalid_token")
        return claims

    @staticmethod
    def _uuid_claim(claims: dict[str, Any], name: str) -> uuid.UUID:
        try:
            return uuid.UUID(str(claims[name]))
        except (KeyError, ValueError) as error:
            raise AuthenticationFailed("malformed claim", code="invalid_token") from error

    def decode_access(self, token: str) -> AccessClaims:
        verified = self._verified.get(token)
        if verified is not None:
            if time.time() < verified.expires_at.timestamp():
                return verified
            del self._verified[token]
            raise AuthenticationFailed("token expired", code="token_expired")
        claims = self._verify_access(token)
        if len(self._verified) >= VERIFIED_TOKENS:
            del self._verified[next(iter(self._verified))]  # the oldest
        self._verified[token] = claims
        return claims

    def _verify_access(self, token: str) -> AccessClaims:
        claims = self._decode(token, ACCESS)
        if claims.get("pty") == CLIENT:
            scope = claims.get("scope", "")
            if not isinstance(scope, str):
                raise AuthenticationFailed("malformed scope", code="invalid_token")
            return AccessClaims(
                subject=self._uuid_claim(claims, "sub"),
                session_id=None,
                expires_at=_expiry(claims),
                is_client=True,
                scopes=frozenset(scope.split()),
            )
        if "sid" not in claims:
            raise AuthenticationFailed("user tokens belong to a session", code="invalid_token")
        return AccessClaims(
            subject=self._uuid_claim(claims, "sub"),
            session_id=self._uuid_claim(claims, "sid"),
            expires_at=_expiry(claims),
        )

    def decode_refresh(self, token: str) -> RefreshClaims:
        claims = self._decode(token, REFRESH)
        return RefreshClaims(
            subject=self._uuid_claim(claims, "sub"),
            session_id=self._uuid_claim(claims, "sid"),
            token_id=self._uuid_claim(claims, "jti"),
        )

    def subject_of(self, token: str) -> str | None:
        try:
            return str(self.decode_access(token).subject)
        except AuthenticationFailed:
            return None
