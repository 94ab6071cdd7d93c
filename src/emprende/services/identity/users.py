"""User use cases: the bootstrap administrator, accounts of the operator and of partners, passwords."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from emprende.domain.audit.trail import Actor
from emprende.domain.identity.passwords import check_password_strength
from emprende.domain.identity.user import Language, Role, User, normalize_email
from emprende.domain.shared.errors import (
    EmailAlreadyRegistered,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)
from emprende.services.identity.permissions import authorize
from emprende.services.identity.ports import IdentityUnitOfWork, PasswordHasher, UserFilters, UserQueries, UserRow
from emprende.services.shared.authorization import may_grant_role
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import SYSTEM, Principal, Scope


class RoleNotGrantable(PermissionDenied):
    code = "role_not_grantable"


@dataclass(frozen=True, slots=True)
class CreateUser:
    email: str
    full_name: str
    password: str
    role: Role
    preferred_language: Language = Language.ES
    partner_id: uuid.UUID | None = None
    """Administrators name the partner for non-admin roles; partner managers always create in their own."""


@dataclass(frozen=True, slots=True)
class UpdateUser:
    """Fields left as None are not changed."""

    full_name: str | None = None
    preferred_language: Language | None = None
    is_active: bool | None = None


@dataclass(frozen=True, slots=True)
class PasswordReset:
    user: User
    temporary_password: str


async def _register(
    cmd: CreateUser,
    scope: Scope,
    actor: Actor,
    *,
    set_by_another: bool,
    uow_factory: UnitOfWorkFactory[IdentityUnitOfWork],
    hasher: PasswordHasher,
    clock: Clock,
) -> User:
    check_password_strength(cmd.password)
    email = normalize_email(cmd.email)
    password_hash = await hasher.hash(cmd.password)
    async with uow_factory(scope) as uow:
        uow.act_as(actor)
        if cmd.partner_id is not None and await uow.partners.get(cmd.partner_id) is None:
            raise NotFound("partner")
        if await uow.users.email_taken(email):
            raise EmailAlreadyRegistered("e-mail already registered", field="email")
        user = User(
            email=email,
            full_name=cmd.full_name,
            password_hash=password_hash,
            role=cmd.role,
            preferred_language=cmd.preferred_language,
            partner_id=cmd.partner_id,
            now=clock.now(),
            password_set_by_another=set_by_another,
        )
        uow.users.add(user)
        await uow.commit()
    return user


async def create_user(
    cmd: CreateUser,
    principal: Principal,
    *,
    uow_factory: UnitOfWorkFactory[IdentityUnitOfWork],
    hasher: PasswordHasher,
    clock: Clock,
) -> User:
    """Create an account. Partner managers create accounts of their own partner only, never above their own role.
    The password is the creator's choice: its owner must replace it at first sign-in (`password_reset_required`)."""
    authorize(principal, "users.create")
    if principal.partner_id is not None:
        if cmd.partner_id not in (None, principal.partner_id):
            raise NotFound("partner")
        cmd = CreateUser(
            email=cmd.email,
            full_name=cmd.full_name,
            password=cmd.password,
            role=cmd.role,
            preferred_language=cmd.preferred_language,
            partner_id=principal.partner_id,
        )
    if not may_grant_role(principal, cmd.role):
        raise RoleNotGrantable("you may not grant the role {role}", role=cmd.role.value)
    return await _register(
        cmd, principal, principal.actor, set_by_another=True, uow_factory=uow_factory, hasher=hasher, clock=clock
    )


async def create_admin(
    email: str,
    full_name: str,
    password: str,
    *,
    uow_factory: UnitOfWorkFactory[IdentityUnitOfWork],
    hasher: PasswordHasher,
    clock: Clock,
) -> User:
    """Create a programme administrator from the command line (the operator's own account: no forced change)."""
    cmd = CreateUser(email=email, full_name=full_name, password=password, role=Role.ADMIN)
    return await _register(
        cmd, SYSTEM, Actor.system(), set_by_another=False, uow_factory=uow_factory, hasher=hasher, clock=clock
    )


async def ensure_bootstrap_admin(
    email: str,
    password: str,
    *,
    uow_factory: UnitOfWorkFactory[IdentityUnitOfWork],
    hasher: PasswordHasher,
    clock: Clock,
) -> User | None:
    """On an empty database, create the first administrator; otherwise do nothing."""
    async with uow_factory(SYSTEM, read_only=True) as uow:
        if await uow.users.count() > 0:
            return None
    return await create_admin(
        email, "Administrador de emprende", password, uow_factory=uow_factory, hasher=hasher, clock=clock
    )


async def _visible_user(uow: IdentityUnitOfWork, principal: Principal, user_id: uuid.UUID) -> User:
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user")
    return user


async def get_user(principal: Principal, user_id: uuid.UUID, *, queries: UserQueries) -> UserRow:
    """Read one account: administrators any, partner managers their partner's, everyone their own."""
    user = await queries.get_user(principal.tenant, user_id)
    if user is None:
        raise NotFound("user")
    if user.id != principal.id:
        authorize(principal, "users.read")
    return user


async def update_user(
    principal: Principal,
    user_id: uuid.UUID,
    changes: UpdateUser,
    *,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory[IdentityUnitOfWork],
    clock: Clock,
) -> User:
    """Change name or language (own account, or as manager), or activate/deactivate (managers; takes effect at once)."""
    own = principal.id == user_id
    now = clock.now()
    async with uow_factory(principal) as uow:
        user = await _visible_user(uow, principal, user_id)
        if not own or changes.is_active is not None:
            authorize(principal, "users.update")
        if changes.is_active is not None and not may_grant_role(principal, user.role):
            raise RoleNotGrantable("you may not manage an account above your own role")
        if changes.is_active is False and own:
            raise InvalidInput("you cannot deactivate your own account", field="is_active")
        read_version = user.version
        if changes.full_name is not None:
            user.rename(changes.full_name, now)
        if changes.preferred_language is not None:
            user.set_language(changes.preferred_language, now)
        # If-Match is weighed once the input is known to be valid: a stale tag does not hide a bad body.
        if expected_version is not None and expected_version != read_version:
            raise PreconditionFailed("the user changed since it was read")
        if changes.is_active is True:
            user.activate(now)
        elif changes.is_active is False:
            user.deactivate(now)
            for session in await uow.sessions.active_for_user(user.id):
                session.revoke("account_deactivated", now)
        await uow.commit()
    return user


async def list_users(
    principal: Principal, filters: UserFilters, *, after: uuid.UUID | None, limit: int, queries: UserQueries
) -> Sequence[UserRow]:
    """List accounts page by page: all for administrators, a partner manager's own partner's otherwise."""
    authorize(principal, "users.read")
    return await queries.list_users(principal.tenant, filters, after, limit)


async def change_password(
    principal: Principal,
    current_password: str,
    new_password: str,
    *,
    uow_factory: UnitOfWorkFactory[IdentityUnitOfWork],
    hasher: PasswordHasher,
    clock: Clock,
) -> User:
    """Change one's own password (the current one is required); other sessions are ended."""
    check_password_strength(new_password)
    if new_password == current_password:
        raise InvalidInput(
            "the new password must differ from the current one", field="new_password", code="weak_password"
        )
    now = clock.now()
    async with uow_factory(principal) as uow:
        user = await _visible_user(uow, principal, principal.id)
        if not await hasher.verify(current_password, user.password_hash):
            # A 4xx about the form, not 401: the caller is still signed in.
            raise InvalidInput(
                "the current password is wrong", field="current_password", code="invalid_current_password"
            )
        user.change_password_hash(await hasher.hash(new_password), now)
        for session in await uow.sessions.active_for_user(user.id):
            if session.id != principal.session_id:
                session.revoke("password_changed", now)
        await uow.commit()
    return user


async def force_password_reset(
    principal: Principal,
    user_id: uuid.UUID,
    *,
    uow_factory: UnitOfWorkFactory[IdentityUnitOfWork],
    hasher: PasswordHasher,
    clock: Clock,
) -> PasswordReset:
    """Replace an account's password with a temporary one, end its sessions, and require a change (administrators)."""
    temporary = secrets.token_urlsafe(12)
    temporary_hash = await hasher.hash(temporary)
    now = clock.now()
    async with uow_factory(principal) as uow:
        user = await _visible_user(uow, principal, user_id)
        authorize(principal, "users.reset_password")
        user.force_password_reset(temporary_hash, now)
        for session in await uow.sessions.active_for_user(user.id):
            session.revoke("password_reset", now)
        await uow.commit()
    return PasswordReset(user, temporary)
