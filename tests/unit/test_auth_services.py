"""Authentication use cases with in-memory fakes: sign in, rate limits, refresh rotation, logout, token resolution."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest

from emprende.domain.audit.trail import Actor, ActorType
from emprende.domain.identity.user import Role
from emprende.domain.shared.errors import AuthenticationFailed, TooManyAttempts
from emprende.services.identity.auth import (
    PasswordLogin,
    TokenPair,
    authenticate,
    login_with_password,
    logout,
    refresh_session,
)
from emprende.services.shared.principal import PrincipalKind
from tests.unit.fakes import AuthWorld, FakePasswordHasher, add_user, build_world

PASSWORD = "una clave bastante larga"
EMAIL = "maria.quispe@example.org"
ADDRESS = "203.0.113.7"


@pytest.fixture
def world() -> AuthWorld:
    return build_world()


async def sign_in(world: AuthWorld, email: str = EMAIL, password: str = PASSWORD, address: str = ADDRESS) -> TokenPair:
    return await login_with_password(
        PasswordLogin(email=email, password=password, client_address=address), uow_factory=world.uow, auth=world.auth
    )


async def refresh(world: AuthWorld, token: str) -> TokenPair:
    return await refresh_session(token, uow_factory=world.uow, auth=world.auth)


async def failed_code(world: AuthWorld, email: str = EMAIL, password: str = PASSWORD, address: str = ADDRESS) -> str:
    with pytest.raises(AuthenticationFailed) as caught:
        await sign_in(world, email, password, address)
    return caught.value.code


# --- signing in -------------------------------------------------------------------------------------------------


async def test_login_opens_a_session_and_issues_a_token_pair(world: AuthWorld) -> None:
    user = add_user(world.db, EMAIL, PASSWORD)

    pair = await sign_in(world)

    [session] = world.db.sessions.values()
    assert session.user_id == user.id
    assert not session.is_revoked
    assert session.expires_at == world.clock.now() + timedelta(days=14)
    assert pair.expires_in == 15 * 60
    assert pair.refresh_expires_at == session.expires_at
    access = world.tokens.decode_access(pair.access_token)
    assert (access.subject, access.session_id) == (user.id, session.id)
    refresh_claims = world.tokens.decode_refresh(pair.refresh_token)
    assert refresh_claims.token_id == session.current_token_id
    assert world.db.commits == [Actor(ActorType.USER, user.id)]


async def test_login_accepts_the_email_in_any_case_and_with_spaces(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)

    await sign_in(world, email="  Maria.Quispe@EXAMPLE.org ")

    assert len(world.db.sessions) == 1


async def test_wrong_password_is_refused_without_opening_a_session(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)

    assert await failed_code(world, password="not the password") == "invalid_credentials"

    assert world.db.sessions == {}
    assert world.db.commits == []


@pytest.mark.parametrize("email", ["nadie@example.org", "not-an-email", ""])
async def test_unknown_email_costs_one_verification_like_a_known_one(world: AuthWorld, email: str) -> None:
    add_user(world.db, EMAIL, PASSWORD)

    known_code = await failed_code(world, password="wrong password here")
    known_calls = list(world.hasher.calls)
    world.hasher.calls.clear()
    unknown_code = await failed_code(world, email=email, password="wrong password here")

    assert known_code == unknown_code == "invalid_credentials"
    assert known_calls == ["verify"]
    assert world.hasher.calls == ["verify_unknown"]


async def test_inactive_account_is_refused_even_with_the_right_password(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD, active=False)

    assert await failed_code(world) == "account_inactive"
    assert world.db.sessions == {}


async def test_inactive_account_with_a_wrong_password_looks_like_any_wrong_password(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD, active=False)

    assert await failed_code(world, password="wrong password here") == "invalid_credentials"


async def test_an_outdated_hash_is_upgraded_on_a_successful_login(world: AuthWorld) -> None:
    user = add_user(world.db, EMAIL, PASSWORD)
    user.password_hash = f"old-hash:{PASSWORD}"

    await sign_in(world)

    assert world.hasher.calls == ["verify", "hash"]
    assert world.db.users[user.id].password_hash == f"fake-hash:{PASSWORD}"
    assert world.db.users[user.id].version == 2


async def test_upgrading_an_outdated_hash_keeps_a_required_change_required(world: AuthWorld) -> None:
    user = add_user(world.db, EMAIL, PASSWORD)
    user.password_hash = f"old-hash:{PASSWORD}"
    user.password_reset_required = True

    pair = await sign_in(world)

    assert world.db.users[user.id].password_hash == f"fake-hash:{PASSWORD}"
    assert world.db.users[user.id].password_reset_required
    assert pair.password_change_required
    principal = await authenticate(pair.access_token, auth=world.auth)
    assert principal.password_change_required


async def test_the_token_pair_says_whether_the_password_must_change(world: AuthWorld) -> None:
    user = add_user(world.db, EMAIL, PASSWORD)
    assert not (await sign_in(world)).password_change_required
    user.password_reset_required = True
    pair = await sign_in(world)
    assert pair.password_change_required
    assert (await refresh(world, pair.refresh_token)).password_change_required


# --- rate limiting --------------------------------------------------------------------------------------------------


async def test_five_failures_lock_the_account_for_the_window(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    for _ in range(5):
        await failed_code(world, password="wrong password here")
        world.clock.advance(seconds=10)

    # Even the right password is refused now, and without spending a hash verification.
    world.hasher.calls.clear()
    with pytest.raises(TooManyAttempts) as caught:
        await sign_in(world)
    assert world.hasher.calls == []
    # The oldest failure was 50 s ago in a 15 min window.
    assert caught.value.retry_after_seconds == 15 * 60 - 50

    world.clock.advance(seconds=15 * 60 - 50)
    await sign_in(world)


async def test_the_account_lock_ignores_case_and_other_addresses(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    for number in range(5):
        await failed_code(world, email=EMAIL.upper(), password="wrong password here", address=f"198.51.100.{number}")

    with pytest.raises(TooManyAttempts):
        await sign_in(world, address="192.0.2.200")


async def test_the_account_lock_does_not_affect_other_accounts(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    add_user(world.db, "otra@example.org", PASSWORD)
    for number in range(5):
        await failed_code(world, password="wrong password here", address=f"198.51.100.{number}")

    await sign_in(world, email="otra@example.org")


async def test_unknown_accounts_are_locked_like_known_ones(world: AuthWorld) -> None:
    for _ in range(5):
        await failed_code(world, email="nadie@example.org")

    with pytest.raises(TooManyAttempts):
        await sign_in(world, email="nadie@example.org")


async def test_a_successful_login_clears_the_account_failures(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    for _ in range(4):
        await failed_code(world, password="wrong password here")
    await sign_in(world)

    for _ in range(4):
        await failed_code(world, password="wrong password here")
    await sign_in(world)


class GatedHasher(FakePasswordHasher):
    """Holds every verification until each of `expected` attempts is either verifying or refused early, as slow
    argon2 work in worker threads keeps a burst of requests in flight together."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.expected = expected
        self.parked = 0
        self.refused = 0
        self._gate = asyncio.Event()

    def _open_when_all_arrived(self) -> None:
        if self.parked + self.refused >= self.expected:
            self._gate.set()

    def refused_early(self) -> None:
        self.refused += 1
        self._open_when_all_arrived()

    async def verify(self, password: str, password_hash: str) -> bool:
        self.parked += 1
        self._open_when_all_arrived()
        await self._gate.wait()
        return await super().verify(password, password_hash)


async def test_a_burst_of_parallel_guesses_gets_no_more_tries_than_the_account_limit() -> None:
    hasher = GatedHasher(expected=20)
    world = build_world()
    world.auth = dataclasses.replace(world.auth, hasher=hasher)
    add_user(world.db, EMAIL, PASSWORD)

    async def guess(number: int) -> str:
        try:
            await sign_in(world, password=f"guess number {number}", address=f"198.51.100.{number}")
        except TooManyAttempts as error:
            hasher.refused_early()
            return error.code
        except AuthenticationFailed as error:
            return error.code
        return "signed in"

    outcomes = await asyncio.gather(*(guess(number) for number in range(20)))

    assert hasher.parked == 5
    assert sorted(outcomes) == ["invalid_credentials"] * 5 + ["too_many_attempts"] * 15


async def test_one_address_is_limited_across_accounts() -> None:
    world = build_world(max_client_attempts=3)
    for number in range(3):
        add_user(world.db, f"persona{number}@example.org", PASSWORD)
        await sign_in(world, email=f"persona{number}@example.org")
        world.clock.advance(seconds=60)

    with pytest.raises(TooManyAttempts) as caught:
        await sign_in(world, email="persona0@example.org")
    assert caught.value.retry_after_seconds == 15 * 60 - 180
    # Another address is not affected.
    await sign_in(world, email="persona0@example.org", address="192.0.2.99")


# --- refresh rotation -----------------------------------------------------------------------------------------------


async def test_refresh_rotates_the_refresh_token(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    first = await sign_in(world)
    world.clock.advance(minutes=5)

    second = await refresh(world, first.refresh_token)

    [session] = world.db.sessions.values()
    assert world.tokens.decode_refresh(second.refresh_token).token_id == session.current_token_id
    assert world.tokens.decode_refresh(first.refresh_token).token_id != session.current_token_id
    assert session.last_refreshed_at == world.clock.now()
    assert world.tokens.decode_access(second.access_token).session_id == session.id
    third = await refresh(world, second.refresh_token)
    assert third.refresh_token != second.refresh_token


async def test_reusing_a_refresh_token_revokes_the_session_and_the_revocation_sticks(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    first = await sign_in(world)
    second = await refresh(world, first.refresh_token)

    with pytest.raises(AuthenticationFailed) as caught:
        await refresh(world, first.refresh_token)

    assert caught.value.code == "refresh_token_reused"
    [session] = world.db.sessions.values()  # committed state, although the request failed
    assert session.is_revoked
    assert session.revoked_reason == "refresh_token_reuse"
    # The newest refresh token and the session's access token stop working too.
    with pytest.raises(AuthenticationFailed) as newest:
        await refresh(world, second.refresh_token)
    assert newest.value.code == "session_revoked"
    with pytest.raises(AuthenticationFailed) as access:
        await authenticate(second.access_token, auth=world.auth)
    assert access.value.code == "session_revoked"


async def test_an_access_token_is_not_a_refresh_token(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    pair = await sign_in(world)

    with pytest.raises(AuthenticationFailed) as caught:
        await refresh(world, pair.access_token)
    assert caught.value.code == "invalid_token"
    with pytest.raises(AuthenticationFailed):
        await authenticate(pair.refresh_token, auth=world.auth)


async def test_refresh_for_a_deactivated_account_fails_and_ends_the_session(world: AuthWorld) -> None:
    user = add_user(world.db, EMAIL, PASSWORD)
    pair = await sign_in(world)
    world.db.users[user.id].deactivate(world.clock.now())

    with pytest.raises(AuthenticationFailed) as caught:
        await refresh(world, pair.refresh_token)

    assert caught.value.code == "account_inactive"
    [session] = world.db.sessions.values()
    assert session.is_revoked


async def test_refresh_after_the_session_expired_fails(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    pair = await sign_in(world)
    world.clock.advance(days=14)

    with pytest.raises(AuthenticationFailed) as caught:
        await refresh(world, pair.refresh_token)
    assert caught.value.code == "token_expired"


# --- resolving tokens and signing out -------------------------------------------------------------------------------


async def test_authenticate_resolves_the_principal(world: AuthWorld) -> None:
    user = add_user(world.db, EMAIL, PASSWORD, role=Role.FACILITATOR)
    pair = await sign_in(world)

    principal = await authenticate(pair.access_token, auth=world.auth)

    assert principal.kind is PrincipalKind.USER
    assert (principal.id, principal.role) == (user.id, Role.FACILITATOR)
    assert principal.session_id == next(iter(world.db.sessions))
    assert not principal.is_admin


async def test_an_access_token_of_a_deactivated_account_fails_at_once(world: AuthWorld) -> None:
    user = add_user(world.db, EMAIL, PASSWORD)
    pair = await sign_in(world)
    world.db.users[user.id].deactivate(world.clock.now())

    with pytest.raises(AuthenticationFailed) as caught:
        await authenticate(pair.access_token, auth=world.auth)
    assert caught.value.code == "account_inactive"


async def test_an_access_token_of_a_deleted_account_fails(world: AuthWorld) -> None:
    user = add_user(world.db, EMAIL, PASSWORD)
    pair = await sign_in(world)
    del world.db.users[user.id]

    with pytest.raises(AuthenticationFailed) as caught:
        await authenticate(pair.access_token, auth=world.auth)
    assert caught.value.code == "invalid_token"


async def test_an_expired_access_token_fails(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    pair = await sign_in(world)
    world.clock.advance(minutes=15)

    with pytest.raises(AuthenticationFailed) as caught:
        await authenticate(pair.access_token, auth=world.auth)
    assert caught.value.code == "token_expired"


async def test_logout_ends_the_session_for_access_and_refresh_tokens(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    pair = await sign_in(world)
    principal = await authenticate(pair.access_token, auth=world.auth)

    await logout(principal, uow_factory=world.uow, auth=world.auth)

    [session] = world.db.sessions.values()
    assert session.revoked_reason == "logout"
    with pytest.raises(AuthenticationFailed) as access:
        await authenticate(pair.access_token, auth=world.auth)
    assert access.value.code == "session_revoked"
    with pytest.raises(AuthenticationFailed) as refreshed:
        await refresh(world, pair.refresh_token)
    assert refreshed.value.code == "session_revoked"


async def test_logout_leaves_other_sessions_alone(world: AuthWorld) -> None:
    add_user(world.db, EMAIL, PASSWORD)
    laptop = await sign_in(world)
    phone = await sign_in(world)

    await logout(await authenticate(laptop.access_token, auth=world.auth), uow_factory=world.uow, auth=world.auth)

    await authenticate(phone.access_token, auth=world.auth)
    await refresh(world, phone.refresh_token)
