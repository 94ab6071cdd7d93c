"""User use cases with in-memory fakes: who may create and change accounts, and what they may not do."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from emprende.domain.audit.trail import Actor, ActorType
from emprende.domain.identity.user import Language, Role, User
from emprende.domain.shared.errors import (
    EmailAlreadyRegistered,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)
from emprende.services.identity.users import (
    CreateUser,
    UpdateUser,
    change_password,
    create_admin,
    create_user,
    ensure_bootstrap_admin,
    get_user,
    update_user,
)
from tests.unit.fakes import (
    FakeClock,
    FakePasswordHasher,
    FakeUnitOfWorkFactory,
    FakeUserQueries,
    add_user,
    principal_of,
    shared_partner,
)

PASSWORD = "una clave bastante larga"
NEW_USER = CreateUser(
    email="Rosa.Mendoza@Example.org", full_name="  Rosa   Mendoza ", password=PASSWORD, role=Role.FACILITATOR
)


class Setup:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.hasher = FakePasswordHasher()
        self.clock = FakeClock()
        self.admin = add_user(self.uow.db, "admin@example.org", PASSWORD, role=Role.ADMIN)
        self.staff = add_user(self.uow.db, "staff@example.org", PASSWORD, role=Role.PARTNER_STAFF)

    async def create(self, cmd: CreateUser = NEW_USER, acting: User | None = None) -> User:
        principal = principal_of(acting or self.admin)
        if principal.is_admin and cmd.role is not Role.ADMIN and cmd.partner_id is None:
            cmd = dataclasses.replace(cmd, partner_id=shared_partner(self.uow.db).id)
        return await create_user(cmd, principal, uow_factory=self.uow, hasher=self.hasher, clock=self.clock)

    async def update(
        self, user_id: uuid.UUID, changes: UpdateUser, *, acting: User | None = None, version: int | None = None
    ) -> User:
        return await update_user(
            principal_of(acting or self.admin),
            user_id,
            changes,
            expected_version=version,
            uow_factory=self.uow,
            clock=self.clock,
        )


@pytest.fixture
def setup() -> Setup:
    return Setup()


# --- creating users -------------------------------------------------------------------------------------------------


async def test_an_admin_creates_a_user(setup: Setup) -> None:
    user = await setup.create()

    stored = setup.uow.db.users[user.id]
    assert stored.email == "rosa.mendoza@example.org"
    assert stored.full_name == "Rosa Mendoza"
    assert stored.role is Role.FACILITATOR
    assert stored.is_active
    assert stored.password_hash == f"fake-hash:{PASSWORD}"
    assert stored.version == 1
    assert setup.uow.db.commits == [Actor(ActorType.USER, setup.admin.id)]
    assert [event.name for event in setup.uow.db.events] == ["user.created"]


async def test_an_account_created_by_someone_else_must_change_its_password_first(setup: Setup) -> None:
    manager = add_user(setup.uow.db, "gestora@example.org", PASSWORD, role=Role.PARTNER_MANAGER)
    by_admin = await setup.create()
    by_manager = await setup.create(
        dataclasses.replace(NEW_USER, email="otra@example.org", role=Role.PARTNER_STAFF), acting=manager
    )
    assert setup.uow.db.users[by_admin.id].password_reset_required
    assert setup.uow.db.users[by_manager.id].password_reset_required

    owner = dataclasses.replace(principal_of(by_admin), password_change_required=True)
    changed = await change_password(
        owner, PASSWORD, "mi propia clave de acceso", uow_factory=setup.uow, hasher=setup.hasher, clock=setup.clock
    )
    assert not changed.password_reset_required
    assert not setup.uow.db.users[by_admin.id].password_reset_required


async def test_a_non_admin_may_not_create_users(setup: Setup) -> None:
    with pytest.raises(PermissionDenied):
        await setup.create(acting=setup.staff)

    assert len(setup.uow.db.users) == 2
    assert setup.hasher.calls == []


async def test_an_admin_bound_to_a_partner_is_not_a_programme_admin(setup: Setup) -> None:
    principal = principal_of(setup.admin, partner_id=uuid.uuid4())

    with pytest.raises(PermissionDenied):
        await create_user(NEW_USER, principal, uow_factory=setup.uow, hasher=setup.hasher, clock=setup.clock)


@pytest.mark.parametrize("email", ["staff@example.org", "STAFF@example.org", "  Staff@Example.ORG  "])
async def test_an_email_is_registered_once_whatever_its_case(setup: Setup, email: str) -> None:
    cmd = CreateUser(email=email, full_name="Otra Persona", password=PASSWORD, role=Role.EVALUATOR)

    with pytest.raises(EmailAlreadyRegistered) as caught:
        await setup.create(cmd)

    assert caught.value.code == "email_taken"
    assert len(setup.uow.db.users) == 2
    assert setup.uow.db.commits == []


@pytest.mark.parametrize(
    "password", ["corta", "aaaaaaaaaaaaaaaaaaaa", "abababababababab", "x" * 200 + "yz0123" + "w" * 100]
)
async def test_a_weak_password_is_refused_before_hashing(setup: Setup, password: str) -> None:
    cmd = CreateUser(email="nueva@example.org", full_name="Nueva Persona", password=password, role=Role.EVALUATOR)

    with pytest.raises(InvalidInput) as caught:
        await setup.create(cmd)

    assert (caught.value.code, caught.value.field) == ("weak_password", "password")
    assert setup.hasher.calls == []
    assert len(setup.uow.db.users) == 2


@pytest.mark.parametrize(("email", "full_name"), [("no-es-correo", "Nombre Válido"), ("ok@example.org", "   ")])
async def test_invalid_email_or_name_is_refused_and_nothing_is_stored(setup: Setup, email: str, full_name: str) -> None:
    with pytest.raises(InvalidInput):
        await setup.create(CreateUser(email=email, full_name=full_name, password=PASSWORD, role=Role.EVALUATOR))

    assert len(setup.uow.db.users) == 2


# --- reading and updating users -------------------------------------------------------------------------------------


async def test_users_read_themselves_and_admins_read_anyone(setup: Setup) -> None:
    assert (
        await get_user(principal_of(setup.staff), setup.staff.id, queries=FakeUserQueries(setup.uow.db))
    ).id == setup.staff.id
    assert (
        await get_user(principal_of(setup.admin), setup.staff.id, queries=FakeUserQueries(setup.uow.db))
    ).id == setup.staff.id
    with pytest.raises(NotFound):
        await get_user(principal_of(setup.staff), setup.admin.id, queries=FakeUserQueries(setup.uow.db))
    with pytest.raises(NotFound):
        await get_user(principal_of(setup.admin), uuid.uuid4(), queries=FakeUserQueries(setup.uow.db))


async def test_an_update_with_the_current_version_applies_and_bumps_the_version(setup: Setup) -> None:
    setup.clock.advance(hours=1)

    user = await setup.update(
        setup.staff.id, UpdateUser(full_name="Luis  Cedeño", preferred_language=Language.EN), version=1
    )

    assert (user.full_name, user.preferred_language, user.version) == ("Luis Cedeño", Language.EN, 2)
    assert user.updated_at == setup.clock.now()
    assert setup.uow.db.users[setup.staff.id].version == 2


async def test_an_update_with_a_stale_version_is_refused(setup: Setup) -> None:
    await setup.update(setup.staff.id, UpdateUser(full_name="Primer Cambio"), version=1)

    with pytest.raises(PreconditionFailed):
        await setup.update(setup.staff.id, UpdateUser(full_name="Cambio Tardío"), version=1)

    assert setup.uow.db.users[setup.staff.id].full_name == "Primer Cambio"


async def test_users_change_their_own_name_but_not_their_active_flag(setup: Setup) -> None:
    await setup.update(setup.staff.id, UpdateUser(full_name="Nombre Propio"), acting=setup.staff)

    with pytest.raises(PermissionDenied):
        await setup.update(setup.staff.id, UpdateUser(is_active=True), acting=setup.staff)
    assert setup.uow.db.users[setup.staff.id].full_name == "Nombre Propio"


async def test_a_non_admin_cannot_see_or_change_another_user(setup: Setup) -> None:
    with pytest.raises(NotFound):
        await setup.update(setup.admin.id, UpdateUser(full_name="Intruso"), acting=setup.staff)

    assert setup.uow.db.users[setup.admin.id].full_name == "Persona de Prueba"


async def test_an_admin_deactivates_and_reactivates_a_user(setup: Setup) -> None:
    await setup.update(setup.staff.id, UpdateUser(is_active=False))
    assert not setup.uow.db.users[setup.staff.id].is_active

    await setup.update(setup.staff.id, UpdateUser(is_active=True))
    assert setup.uow.db.users[setup.staff.id].is_active
    assert [event.name for event in setup.uow.db.events] == ["user.deactivated", "user.activated"]


async def test_an_admin_cannot_deactivate_themselves(setup: Setup) -> None:
    with pytest.raises(InvalidInput):
        await setup.update(setup.admin.id, UpdateUser(is_active=False))

    assert setup.uow.db.users[setup.admin.id].is_active


async def test_an_invalid_name_leaves_the_user_unchanged(setup: Setup) -> None:
    with pytest.raises(InvalidInput):
        await setup.update(setup.staff.id, UpdateUser(preferred_language=Language.EN, full_name="x" * 201))

    stored = setup.uow.db.users[setup.staff.id]
    assert (stored.preferred_language, stored.version) == (Language.ES, 1)


async def test_updating_a_missing_user_is_not_found(setup: Setup) -> None:
    with pytest.raises(NotFound):
        await setup.update(uuid.uuid4(), UpdateUser(full_name="Nadie"))


# --- the bootstrap administrator ------------------------------------------------------------------------------------


async def test_the_bootstrap_admin_is_created_on_an_empty_database() -> None:
    uow, hasher, clock = FakeUnitOfWorkFactory(), FakePasswordHasher(), FakeClock()

    user = await ensure_bootstrap_admin("Admin@Emprende.local", PASSWORD, uow_factory=uow, hasher=hasher, clock=clock)

    assert user is not None
    assert [(u.email, u.role) for u in uow.db.users.values()] == [("admin@emprende.local", Role.ADMIN)]
    assert uow.db.commits == [Actor.system()]
    assert not user.password_reset_required  # the operator's own password: no forced change


async def test_an_administrator_created_from_the_command_line_keeps_their_password() -> None:
    uow, hasher, clock = FakeUnitOfWorkFactory(), FakePasswordHasher(), FakeClock()

    user = await create_admin("ana@example.org", "Ana", PASSWORD, uow_factory=uow, hasher=hasher, clock=clock)

    assert not uow.db.users[user.id].password_reset_required


async def test_the_bootstrap_admin_is_not_created_when_anyone_exists() -> None:
    uow, hasher, clock = FakeUnitOfWorkFactory(), FakePasswordHasher(), FakeClock()
    add_user(uow.db, "alguien@example.org", PASSWORD, role=Role.PARTICIPANT)

    user = await ensure_bootstrap_admin("admin@emprende.local", PASSWORD, uow_factory=uow, hasher=hasher, clock=clock)

    assert user is None
    assert len(uow.db.users) == 1
    assert hasher.calls == []


async def test_the_bootstrap_admin_needs_a_strong_password() -> None:
    uow, hasher, clock = FakeUnitOfWorkFactory(), FakePasswordHasher(), FakeClock()

    with pytest.raises(InvalidInput):
        await ensure_bootstrap_admin("admin@emprende.local", "admin", uow_factory=uow, hasher=hasher, clock=clock)
    assert uow.db.users == {}
