"""Module use cases: create a module (its first draft), edit it (the draft, or a new draft after publication),
publish a version, read modules and their versions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from emprende.domain.partners.agreement import AgreementRole
from emprende.domain.shared.errors import InvalidInput, NotFound, PermissionDenied
from emprende.domain.training.module import ModuleContent, ModuleVersion, TrainingModule, VersionStatus
from emprende.services.shared.ports import Clock, UnitOfWorkFactory
from emprende.services.shared.principal import Principal
from emprende.services.training.agreements import require_role
from emprende.services.training.permissions import authorize, is_allowed
from emprende.services.training.ports import TrainingUnitOfWork


@dataclass(frozen=True, slots=True)
class ModuleView:
    """A module and one of its versions."""

    module: TrainingModule
    version: ModuleVersion


def may_author(principal: Principal, module: TrainingModule) -> bool:
    """Administrators and the staff of the module's authoring partners edit it and see its drafts."""
    return is_allowed(principal, "modules.write") and (
        principal.is_admin or principal.partner_id in module.author_partner_ids
    )


def _authors(principal: Principal, named: Sequence[uuid.UUID]) -> frozenset[uuid.UUID]:
    if principal.is_admin:
        if not named:
            raise InvalidInput("name the authoring partner(s)", field="author_partner_ids")
        return frozenset(named)
    if principal.partner_id is None or (named and set(named) != {principal.partner_id}):
        raise InvalidInput("a partner authors modules in its own name", field="author_partner_ids")
    return frozenset({principal.partner_id})


async def create_module(
    principal: Principal,
    content: ModuleContent,
    author_partner_ids: Sequence[uuid.UUID],
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> ModuleView:
    """Create a module with its first draft version; its authors need a `content_authoring` agreement in force."""
    authorize(principal, "modules.write")
    now = clock.now()
    async with uow_factory(principal) as uow:
        authors = _authors(principal, author_partner_ids)
        for author in sorted(authors):
            await require_role(uow, author, AgreementRole.CONTENT_AUTHORING, now.date(), field="author_partner_ids")
        module = TrainingModule(authors=authors, now=now, created_by=principal.id)
        version = module.new_version(content, now, principal.id)
        uow.modules.add(module)
        uow.modules.add_version(version)
        await uow.commit()
    return ModuleView(module, version)


async def _visible_module(uow: TrainingUnitOfWork, principal: Principal, module_id: uuid.UUID) -> TrainingModule:
    """The module, if the principal may know of it: authors and administrators see drafts, others published ones."""
    module = await uow.modules.get(module_id)
    if module is None or (module.published_number is None and not may_author(principal, module)):
        raise NotFound("training module")
    return module


async def _authored_module(
    uow: TrainingUnitOfWork, principal: Principal, module_id: uuid.UUID, day: date
) -> TrainingModule:
    authorize(principal, "modules.write")
    module = await _visible_module(uow, principal, module_id)
    if not may_author(principal, module):
        raise PermissionDenied("only the module's authors edit or publish it")
    if principal.partner_id is not None:
        await require_role(uow, principal.partner_id, AgreementRole.CONTENT_AUTHORING, day)
    return module


async def revise_module(
    principal: Principal,
    module_id: uuid.UUID,
    content: ModuleContent,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> ModuleView:
    """Edit a module: its draft in place, or a new draft version when the newest version is published."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        module = await _authored_module(uow, principal, module_id, now.date())
        latest = await uow.modules.version(module.id, module.latest_number)
        assert latest is not None  # a module is created with its first version
        version = module.revise(latest, content, now, principal.id)
        if version is not latest:
            uow.modules.add_version(version)
        await uow.commit()
    return ModuleView(module, version)


async def edit_version(
    principal: Principal,
    module_id: uuid.UUID,
    number: int,
    content: ModuleContent,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> ModuleView:
    """Edit one version: only a draft changes (a published version answers 409 `module_version_published`)."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        module = await _authored_module(uow, principal, module_id, now.date())
        version = await uow.modules.version(module.id, number)
        if version is None:
            raise NotFound("module version")
        version.edit(content, now)
        module.updated_at = now
        await uow.commit()
    return ModuleView(module, version)


async def publish_version(
    principal: Principal,
    module_id: uuid.UUID,
    number: int,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
    clock: Clock,
) -> ModuleView:
    """Publish a draft version: from then on it never changes, and cohorts may teach it."""
    now = clock.now()
    async with uow_factory(principal) as uow:
        module = await _authored_module(uow, principal, module_id, now.date())
        version = await uow.modules.version(module.id, number)
        if version is None:
            raise NotFound("module version")
        module.publish(version, now, principal.id)
        await uow.commit()
    return ModuleView(module, version)


async def get_module(
    principal: Principal,
    module_id: uuid.UUID,
    number: int | None,
    *,
    uow_factory: UnitOfWorkFactory[TrainingUnitOfWork],
) -> ModuleView:
    """A module with one version: the one asked for, else the newest published one (authors: the newest)."""
    authorize(principal, "modules.read")
    async with uow_factory(principal, read_only=True) as uow:
        module = await _visible_module(uow, principal, module_id)
        author = may_author(principal, module)
        if number is None:
            number = module.latest_number if author or module.published_number is None else module.published_number
        version = await uow.modules.version(module.id, number)
        if version is None or (version.status is VersionStatus.DRAFT and not author):
            raise NotFound("module version")
        return ModuleView(module, version)


async def list_versions(
    principal: Principal, module_id: uuid.UUID, *, uow_factory: UnitOfWorkFactory[TrainingUnitOfWork]
) -> Sequence[ModuleVersion]:
    """A module's versions, oldest first (drafts only for its authors)."""
    authorize(principal, "modules.read")
    async with uow_factory(principal, read_only=True) as uow:
        module = await _visible_module(uow, principal, module_id)
        versions = await uow.modules.versions(module.id)
        if may_author(principal, module):
            return versions
        return [version for version in versions if version.status is VersionStatus.PUBLISHED]
