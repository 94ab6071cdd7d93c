"""The application's unit of work: the shared core and, as bases, every area's repositories.

Adding an area with repositories adds its `AreaRepositories` mixin to the bases of `UnitOfWork` — the one line of the
composition root an area needs. Defining the class registers the areas' mapping, audited entities, unique constraints
and new-row tables with the core; mypy checks that it offers every repository each area's use cases ask for."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.calls.repositories import SqlCallsRepositories
from emprende.adapters.sql.ideas.repositories import SqlIdeasRepositories
from emprende.adapters.sql.identity.principal_cache import PrincipalCache, session_info
from emprende.adapters.sql.identity.repositories import SqlIdentityRepositories
from emprende.adapters.sql.participants.repositories import SqlParticipantRepositories
from emprende.adapters.sql.partners.repositories import SqlPartnerRepositories
from emprende.adapters.sql.shared.database import write_engine
from emprende.adapters.sql.shared.unit_of_work import SqlAlchemyUnitOfWork, build_session_factory
from emprende.adapters.sql.training.repositories import SqlTrainingRepositories
from emprende.services.shared.ports import Clock
from emprende.services.shared.principal import Scope


class UnitOfWork(
    SqlAlchemyUnitOfWork,
    SqlIdentityRepositories,
    SqlPartnerRepositories,
    SqlParticipantRepositories,
    SqlTrainingRepositories,
    SqlIdeasRepositories,
    SqlCallsRepositories,
):
    """One business transaction, offering every area's repositories (`uow.users`, `uow.participants`…)."""


class UnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine, clock: Clock, principal_cache: PrincipalCache | None = None) -> None:
        self._writers = build_session_factory(write_engine(engine))
        self._readers = build_session_factory(engine)
        if principal_cache is not None:
            # Commits that change a user, login session, partner or API client clear this process's cache at once.
            self._writers.configure(info=session_info(principal_cache))
        self._clock = clock

    def __call__(self, scope: Scope, *, read_only: bool = False) -> UnitOfWork:
        sessions = self._readers if read_only else self._writers
        return UnitOfWork(sessions, self._clock, scope, read_only=read_only)
