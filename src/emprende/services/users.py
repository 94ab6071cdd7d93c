"""User use cases: the bootstrap administrator, creating users, reading and updating them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from emprende.domain.audit import Actor
from emprende.domain.errors import EmailAlreadyRegistered, InvalidInput, NotFound, PreconditionFailed
from emprende.domain.users import Language, Role, User, check_password_strength, normalize_email
from emprende.services.ports import (
    Clock,
    PasswordHasher,
    UnitOfWorkFactory,
    UserFilters,
    UserQueries,
    UserRow,
)
from emprende.services.principal import Principal, require_admin


@dataclass(frozen=True, slots=True)
class CreateUser:
    email: str
    full_name: str
    password: str
    role: Role
    preferred_language: Language = Language.ES


@dataclass(frozen=True, slots=True)
class UpdateUser:
    """Fields left as None are not changed."""

    full_name: str | None = None
    preferred_language: Language | None = None
    is_active: bool | None = None


async def _register(
    cmd: CreateUser, actor: Actor, *, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock
) -> User:
    check_password_strength(cmd.password)
    email = normalize_email(cmd.email)
    password_hash = await hasher.hash(cmd.password)
    async with uow_factory() as uow:
        uow.act_as(actor)
        if await uow.users.get_by_email(email) is not None:
            raise EmailAlreadyRegistered("e-mail already registered", field="email")
        user = User(
            email=email,
            full_name=cmd.full_name,
            password_hash=password_hash,
            role=cmd.role,
            preferred_language=cmd.preferred_language,
            now=clock.now(),
        )
        uow.users.add(user)
        await uow.commit()
    return user


async def create_user(
    cmd: CreateUser,
    principal: Principal,
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    clock: Clock,
) -> User:
    """Create a user account (administrators)."""
    require_admin(principal)
    return await _register(cmd, principal.actor, uow_factory=uow_factory, hasher=hasher, clock=clock)


async def create_admin(
    email: str,
    full_name: str,
    password: str,
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    clock: Clock,
) -> User:
    """Create a programme administrator from the command line."""
    cmd = CreateUser(email=email, full_name=full_name, password=password, role=Role.ADMIN)
    return await _register(cmd, Actor.system(), uow_factory=uow_factory, hasher=hasher, clock=clock)


async def ensure_bootstrap_admin(
    email: str, password: str, *, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock
) -> User | None:
    """On an empty database, create the first administrator; otherwise do nothing."""
    async with uow_factory() as uow:
        if await uow.users.count() > 0:
            return None
    return await create_admin(
        email, "Administrador de emprende", password, uow_factory=uow_factory, hasher=hasher, clock=clock
    )


async def get_user(principal: Principal, user_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory) -> User:
    """Read one user: administrators read anyone, everyone else only themselves."""
    if not principal.is_admin and principal.id != user_id:
        raise NotFound("user")
    async with uow_factory() as uow:
        user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user")
    return user


async def update_user(
    principal: Principal,
    user_id: uuid.UUID,
    changes: UpdateUser,
    *,
    expected_version: int | None,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
) -> User:
    """Change a user's name, language or active flag, refusing stale copies."""
    own = principal.id == user_id
    if not principal.is_admin and not own:
        raise NotFound("user")
    if changes.is_active is not None and not principal.is_admin:
        raise InvalidInput("only administrators activate or deactivate accounts", field="is_active")
    if changes.is_active is False and own:
        raise InvalidInput("administrators cannot deactivate themselves", field="is_active")
    now = clock.now()
    async with uow_factory() as uow:
        uow.act_as(principal.actor)
        user = await uow.users.get(user_id)
        if user is None:
            raise NotFound("user")
        if expected_version is not None and expected_version != user.version:
            raise PreconditionFailed("the user changed since it was read")
        if changes.full_name is not None:
            user.rename(changes.full_name, now)
        if changes.preferred_language is not None:
            user.set_language(changes.preferred_language, now)
        if changes.is_active is True:
            user.activate(now)
        elif changes.is_active is False:
            user.deactivate(now)
        await uow.commit()
    return user


async def list_users(
    principal: Principal, filters: UserFilters, *, after: uuid.UUID | None, limit: int, queries: UserQueries
) -> Sequence[UserRow]:
    """List users page by page (administrators)."""
    require_admin(principal)
    return await queries.list_users(filters, after, limit)
