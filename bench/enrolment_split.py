"""Where an enrolment's time goes, in process: emprende's use case `enroll_participant`, one person at a time, against
a registry, with each repository call and the commit timed (CPU and wall) and every SQL statement timed (wall).

No HTTP and no profiler: wrappers around the training and participants repositories and the unit of work's commit
read `time.process_time` and `time.perf_counter`, and SQLAlchemy's cursor events time the statements. The module and
the cohort are made straight through the domain (as the tests' `seed_training` does), the caller is a `partner_staff`
principal of the biggest partner, and the people are that partner's, each given a `training` consent first
(bench/enrolment.py's helpers).

    .venv/bin/python bench/enrolment_split.py --reuse DATABASE     # PostgreSQL: a registry kept by enrolment.py --keep
    .venv/bin/python bench/enrolment_split.py --sqlite 100000      # SQLite: a temporary registry of N people
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

import participants_gen as gen
from enrolment import (
    DEFAULT_POSTGRES_URL,
    server_env,
    sqlite_load,
    trainees_postgres,
    trainees_sqlite,
)
from http_load import BENCH_SIGNING_KEY
from registry_load import PASSWORD, migrate

Spent = collections.defaultdict[str, float]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--reuse", metavar="DATABASE", help="a PostgreSQL registry kept by enrolment.py --keep")
    where.add_argument("--sqlite", type=int, metavar="PEOPLE", help="a temporary SQLite registry of this many people")
    parser.add_argument("--count", type=int, default=500, help="measured enrolments, after 50 unmeasured")
    return parser.parse_args(argv)


def timed(spent: Spent, label: str, method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """The coroutine method, adding its CPU and wall seconds to `spent` (one call at a time: nothing else runs)."""

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return await method(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - cpu
            spent[f"{label} (wall)"] += time.perf_counter() - wall

    return wrapper


def instrument(spent: Spent) -> None:
    """Wrap the calls an enrolment makes (after its warm-up, so that only measured calls count)."""
    from emprende.adapters.sql.participants.repositories import SqlConsentRepository, SqlParticipantRepository
    from emprende.adapters.sql.shared.unit_of_work import SqlAlchemyUnitOfWork
    from emprende.adapters.sql.training.repositories import SqlCohortRepository, SqlEnrollmentRepository

    for cls, name, label in (
        (SqlCohortRepository, "lock", "lock the cohort (PostgreSQL: SELECT … FOR UPDATE)"),
        (SqlParticipantRepository, "get", "read the person, through the tenant's visibility"),
        (SqlEnrollmentRepository, "lapsed_offers", "sweep: the cohort's lapsed offers"),
        (SqlEnrollmentRepository, "of_participant", "the person's enrolment in the cohort"),
        (SqlConsentRepository, "for_participant", "the person's consents"),
        (SqlAlchemyUnitOfWork, "commit", "commit: flush, audit rows, outbox event, COMMIT"),
        (SqlAlchemyUnitOfWork, "__aenter__", "open the unit of work"),
        (SqlAlchemyUnitOfWork, "__aexit__", "close the unit of work"),
    ):
        setattr(cls, name, timed(spent, label, getattr(cls, name)))


def statement_kind(statement: str) -> str:
    """SELECT … FROM table (FOR UPDATE), INSERT INTO table, UPDATE table, or the statement itself (BEGIN …)."""
    words = statement.split()
    verb = words[0].upper()
    if verb == "SELECT" and "FROM" in words:
        table = words[words.index("FROM") + 1]
        locking = " … FOR UPDATE" if "FOR UPDATE" in statement else ""
        return f"SELECT … FROM {table}{locking}"  # noqa: S608 - a label for the report, never run
    if verb == "INSERT" and len(words) > 2:
        return f"INSERT INTO {words[2]}"
    if verb in ("UPDATE", "DELETE") and len(words) > 2:
        return f"{verb} {words[1] if verb == 'UPDATE' else words[2]}"
    return " ".join(words[:3])


async def open_cohort(container: Any, partner: uuid.UUID) -> uuid.UUID:
    """A published module of the partner's and an open cohort of 10,000 seats teaching it, through the domain."""
    from emprende.domain.identity.user import Language
    from emprende.domain.training.cohort import Cohort, CohortPlan, CohortStatus, CurriculumItem
    from emprende.domain.training.module import Modality, ModuleContent, ModuleText, TrainingModule
    from emprende.services.shared.principal import SYSTEM

    now = container.clock.now()
    today = now.date()
    module = TrainingModule(authors=[partner], now=now, created_by=None)
    text = ModuleText("Educación financiera", "Ahorro, crédito y costos de un negocio.", ())
    content = ModuleContent({Language.ES: text}, Decimal(12), frozenset({Modality.VIRTUAL}), ())
    version = module.new_version(content, now, None)
    module.publish(version, now, None)
    plan = CohortPlan(
        name="Cohorte de medición",
        curriculum=(CurriculumItem(module.id, 1),),
        modality=Modality.VIRTUAL,
        province_code=None,
        canton_code=None,
        address=None,
        start_date=today + timedelta(days=20),
        end_date=today + timedelta(days=80),
        capacity=10_000,
        enrolment_opens_on=today - timedelta(days=1),
        enrolment_closes_on=today + timedelta(days=19),
        offer_hours=48,
        eligibility_rules=(),
    )
    cohort = Cohort(partner_id=partner, plan=plan, now=now, by=None)
    cohort.move_to(CohortStatus.OPEN, now)
    async with container.uow(SYSTEM) as uow:
        uow.modules.add(module)
        uow.modules.add_version(version)
        uow.cohorts.add(cohort)
        await uow.commit()
    cohort_id: uuid.UUID = cohort.id
    return cohort_id


async def route_costs(
    container: Any, cohort: uuid.UUID, person: uuid.UUID, times: int = 1000
) -> list[tuple[str, float]]:
    """CPU seconds per request of unauthenticated requests through the whole app (routing, middleware, the failing
    bearer check, the 401) to the enrolment route and to two routes matched before it; and of `url_path_for`, which
    the enrolment's `Location` header uses."""
    import httpx

    from emprende.api.app import create_app

    app = create_app(container=container)
    bad = {"Authorization": "Bearer not-a-token"}
    body = {"participant_id": str(person)}
    results = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for label, send in (
            ("401 from POST /api/v1/cohorts/{id}/enrollments", lambda: client.post(
                f"/api/v1/cohorts/{cohort}/enrollments", headers=bad, json=body)),
            ("401 from GET /api/v1/participants/{id} (a hot route, matched first)", lambda: client.get(
                f"/api/v1/participants/{person}", headers=bad)),
            ("200 from GET /api/v1/health", lambda: client.get("/api/v1/health")),
        ):  # fmt: skip
            for _ in range(50):
                await send()
            began = time.process_time()
            for _ in range(times):
                await send()
            results.append((label, (time.process_time() - began) / times))
    began = time.process_time()
    for _ in range(times):
        app.url_path_for("get_enrollment", cohort_id=str(cohort), enrollment_id=str(person))
    label = "app.url_path_for('get_enrollment', …), what the Location header's url_for does"
    results.append((label, (time.process_time() - began) / times))
    return results


async def measure(url: str, people: list[uuid.UUID], partner: uuid.UUID, count: int) -> list[str]:
    """Enrol 50 people unmeasured, then `count` measured; the split as Markdown lines."""
    from emprende.bootstrap import build_container
    from emprende.domain.identity.user import Role
    from emprende.services.shared.principal import Principal, PrincipalKind
    from emprende.services.training import enrollments
    from emprende.settings import Environment, Settings

    with tempfile.TemporaryDirectory(prefix="emprende-split-") as tmp:
        settings = Settings(
            env=Environment.DEVELOPMENT,
            database_url=url,
            data_dir=Path(tmp),
            secret_key=BENCH_SIGNING_KEY,
            log_level="WARNING",
        )
        container = build_container(settings)
        container.start()
        try:
            cohort = await open_cohort(container, partner)
            staff = Principal(kind=PrincipalKind.USER, id=uuid.uuid4(), role=Role.PARTNER_STAFF, partner_id=partner)
            gc.collect()
            gc.freeze()  # as the server does after start-up

            async def enrol(person: uuid.UUID) -> None:
                await enrollments.enroll_participant(
                    staff, cohort, person, uow_factory=container.uow, clock=container.clock
                )

            for person in people[:50]:
                await enrol(person)
            spent: Spent = collections.defaultdict(float)
            statements: Spent = collections.defaultdict(float)
            executed: collections.Counter[str] = collections.Counter()
            instrument(spent)

            @event.listens_for(container.engine.sync_engine, "before_cursor_execute")
            def _before(connection: Any, *_: Any) -> None:
                connection.info["statement_began"] = time.perf_counter()

            @event.listens_for(container.engine.sync_engine, "after_cursor_execute")
            def _after(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
                key = statement_kind(statement)
                statements[key] += time.perf_counter() - connection.info.pop("statement_began")
                executed[key] += 1

            cpu, wall = time.process_time(), time.perf_counter()
            for person in people[50 : 50 + count]:
                await enrol(person)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            routing = await route_costs(container, cohort, people[0])
        finally:
            await container.close()
    lines = [
        "COMMIT (and on PostgreSQL BEGIN, through asyncpg's transaction) is not a cursor execution: it counts in the "
        "steps above, not among the statements below.",
        "",
        f"use case `enroll_participant`, {count} people one at a time: {cpu / count * 1e6:,.0f} µs CPU (all threads), "
        f"{wall / count * 1e6:,.0f} µs wall per enrolment",
        "",
        "| step | CPU µs | wall µs | share of the CPU |",
        "|---|--:|--:|--:|",
    ]
    steps = sorted(((label, seconds) for label, seconds in spent.items() if not label.endswith("(wall)")),
                   key=lambda item: -item[1])  # fmt: skip
    for label, seconds in steps:
        lines.append(
            f"| {label} | {seconds / count * 1e6:,.0f} | {spent[f'{label} (wall)'] / count * 1e6:,.0f} "
            f"| {seconds / cpu * 100:.0f} % |"
        )
    rest = cpu - sum(seconds for _, seconds in steps)
    lines.append(
        f"| the rest: the service, the rules, the entities | {rest / count * 1e6:,.0f} | | {rest / cpu * 100:.0f} % |"
    )
    lines += [
        "",
        "| statement (through SQLAlchemy's cursor) | per enrolment | wall µs per enrolment |",
        "|---|--:|--:|",
    ]
    for key, seconds in sorted(statements.items(), key=lambda item: -item[1]):
        lines.append(f"| `{key}` | {executed[key] / count:g} | {seconds / count * 1e6:,.0f} |")
    lines.append(
        f"| all of them | {sum(executed.values()) / count:g} | {sum(statements.values()) / count * 1e6:,.0f} |"
    )
    lines += ["", "| the app in process, through httpx (the client's work included) | CPU µs |", "|---|--:|"]
    lines += [f"| {label} | {seconds * 1e6:,.0f} |" for label, seconds in routing]
    return lines


async def run(args: argparse.Namespace) -> list[str]:
    partner = gen.partner_id(gen.DEFAULT_SEED, 0)
    wanted = 50 + args.count
    if args.reuse:
        admin = os.environ.get("EMPRENDE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        url = make_url(admin).set(drivername="postgresql+asyncpg", database=args.reuse).render_as_string(False)
        people, _ = await trainees_postgres(url, partner, wanted)
        return [f"PostgreSQL registry {args.reuse}", "", *await measure(url, people, partner, args.count)]
    with tempfile.TemporaryDirectory(prefix="emprende-split-") as tmp:
        path = Path(tmp) / "registry.db"
        url = f"sqlite+aiosqlite:///{path.as_posix()}"
        await migrate(server_env(url, Path(tmp), PASSWORD))
        timings = await asyncio.to_thread(sqlite_load, path, args.sqlite, gen.DEFAULT_SEED)
        people, _ = await asyncio.to_thread(trainees_sqlite, path, partner, wanted)
        header = f"SQLite registry of {args.sqlite:,} people (loaded in {timings['total']:.1f} s)"
        return [header, "", *await measure(url, people, partner, args.count)]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print("\n".join(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
