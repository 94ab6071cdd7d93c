"""A seed-capital call's committee at size: the ranked view of 5,000 applications with 3 reviews each, and an
evaluator saving scores, over HTTP, against the FastAPI constant floor measured in the same run.

Seeds a fresh database through the domain (a funding partner and an evaluating one, `--evaluators` evaluator accounts,
`--applications` people each with a submitted idea and an application, three cleared assignments and three submitted
reviews per application, and one more cleared assignment without a review for `--scores` of them), then serves
emprende (`emprende serve`) and times:

1. `GET /api/v1/seed-capital-calls/{id}/ranking` (every figure of every application), `--rankings` times in a row;
2. `PUT /api/v1/review-assignments/{id}/review` by the evaluators: a first save on each of `--scores` assignments
   (the review is created), then a second save on each (it is changed).

    .venv/bin/python bench/committee.py --db postgresql     # PostgreSQL at EMPRENDE_BENCH_POSTGRES_URL
    .venv/bin/python bench/committee.py                     # SQLite

All traffic goes to 127.0.0.1; the server is stopped and the database removed whatever happens."""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from http_load import (
    ADMIN_EMAIL,
    BENCH_SIGNING_KEY,
    DEFAULT_POSTGRES_URL,
    BenchError,
    _log_tail,
    clean_environment,
    git_revision,
    measure_floor,
    postgres_database,
    run_benchmark,
    server,
    sign_in,
    sqlite_database,
)
from registry_load import migrate

PASSWORD = "una clave de evaluación bastante larga"  # noqa: S105 - the benchmark's own throwaway accounts
BATCH = 500


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--applications", type=int, default=5_000)
    parser.add_argument("--evaluators", type=int, default=30)
    parser.add_argument("--rankings", type=int, default=30, help="ranked views timed")
    parser.add_argument("--scores", type=int, default=300, help="assignments scored (twice each)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    args = parser.parse_args(argv)
    args.tool, args.floor, args.workers = "builtin", True, 1
    args.admin_password = "clave-de-administracion-de-medicion"  # noqa: S105 - a throwaway database
    if args.loop == "auto":
        try:
            import uvloop  # noqa: F401

            args.loop = "uvloop"
        except ImportError:
            args.loop = "asyncio"
    return args


def env_for(database_url: str, workdir: Path, admin_password: str) -> dict[str, str]:
    return clean_environment() | {
        "EMPRENDE_ENV": "development",
        "EMPRENDE_DATABASE_URL": database_url,
        "EMPRENDE_DATA_DIR": str(workdir),
        "EMPRENDE_SECRET_KEY": BENCH_SIGNING_KEY,
        "EMPRENDE_LOG_LEVEL": "WARNING",
        "EMPRENDE_ACCESS_TOKEN_MINUTES": "1440",
        "EMPRENDE_LOGIN_MAX_ATTEMPTS_PER_CLIENT": "1000",  # every evaluator signs in from 127.0.0.1
        "EMPRENDE_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "EMPRENDE_ADMIN_PASSWORD": admin_password,
    }


async def seed(database_url: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The call, its committee and its reviews, through the domain; the ids and emails the measurements need."""
    from emprende.bootstrap import build_container
    from emprende.domain.calls.application import Application, check_request
    from emprende.domain.calls.assignment import Assignment
    from emprende.domain.calls.call import SeedCapitalCall
    from emprende.domain.calls.committee import CallEvaluator
    from emprende.domain.calls.review import CriterionScore, Review
    from emprende.domain.calls.rubric import Criterion
    from emprende.domain.calls.terms import CallTerms, RankingMethod, ReviewPhase
    from emprende.domain.ideas.canvas import CANVAS_BLOCKS, Canvas
    from emprende.domain.ideas.idea import BusinessIdea, IdeaContent, IdeaPlace, IdeaStage
    from emprende.domain.ideas.plan import InvestmentCategory, InvestmentPlan, LineItem
    from emprende.domain.identity.user import Language, Role
    from emprende.domain.participants.participant import Participant, ParticipantDetails, PopulationGroup, Sex
    from emprende.domain.partners.agreement import AgreementRole
    from emprende.domain.partners.partner import PartnerKind
    from emprende.services.identity.users import CreateUser, change_password, create_user, ensure_bootstrap_admin
    from emprende.services.partners.agreements import CreateAgreement, create_agreement
    from emprende.services.partners.partners import CreatePartner, create_partner
    from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind
    from emprende.settings import Environment, Settings

    settings = Settings(
        env=Environment.DEVELOPMENT, database_url=database_url, data_dir=workdir, secret_key=BENCH_SIGNING_KEY
    )
    container = build_container(settings)
    container.start()
    rng = random.Random(20261206)
    try:
        now = container.clock.now()
        # The server creates its first administrator only on an empty database: this one comes first.
        await ensure_bootstrap_admin(
            ADMIN_EMAIL, args.admin_password, uow_factory=container.uow, hasher=container.hasher, clock=container.clock
        )
        admin = Principal(kind=PrincipalKind.USER, id=uuid.uuid4(), role=Role.ADMIN)
        partners = {}
        for name, kind, role in (
            ("Agencia de cooperación", PartnerKind.INTERNATIONAL_COOPERATION, AgreementRole.FUNDING),
            ("Universidad evaluadora", PartnerKind.ACADEMIA, AgreementRole.EVALUATION),
        ):
            partner = await create_partner(
                CreatePartner(name=name, kind=kind, country="ECU"),
                admin,
                uow_factory=container.uow,
                clock=container.clock,
            )
            await create_agreement(
                admin,
                partner.id,
                CreateAgreement(
                    code=f"CONV-{role.value.upper()}",
                    title=f"Convenio {name}",
                    roles=frozenset({role}),
                    start_date=now.date() - timedelta(days=60),
                    end_date=now.date() + timedelta(days=365),
                    data_sharing=False,
                    activate=True,
                ),
                uow_factory=container.uow,
                clock=container.clock,
            )
            partners[role] = partner.id
        print(f"  {args.evaluators} evaluators", file=sys.stderr, flush=True)
        evaluators = []
        for index in range(args.evaluators):
            email = f"evaluador{index:03d}@universidad.example.org"
            user = await create_user(
                CreateUser(
                    email=email,
                    full_name=f"Evaluador {index}",
                    password=PASSWORD + "-temporal",
                    role=Role.EVALUATOR,
                    preferred_language=Language.ES,
                    partner_id=partners[AgreementRole.EVALUATION],
                ),
                admin,
                uow_factory=container.uow,
                hasher=container.hasher,
                clock=container.clock,
            )
            owner = Principal(
                kind=PrincipalKind.USER,
                id=user.id,
                role=Role.EVALUATOR,
                partner_id=user.partner_id,
                password_change_required=True,
            )
            await change_password(
                owner, PASSWORD + "-temporal", PASSWORD, uow_factory=container.uow, hasher=container.hasher,
                clock=container.clock,
            )  # fmt: skip
            evaluators.append((user.id, email))
        criteria = [
            Criterion("viability", "Viabilidad", "", Decimal(40), 1, 5, {}),
            Criterion("impact", "Impacto", "", Decimal(30), 1, 5, {}),
            Criterion("team", "Equipo", "", Decimal(30), 0, 10, {}),
        ]
        terms = CallTerms(
            title="Convocatoria de medición",
            description="",
            budget=Decimal("10000000.00"),
            ceiling=Decimal("3000.00"),
            floor=Decimal("100.00"),
            fundable_categories=(InvestmentCategory.EQUIPMENT,),
            eligibility_rules=(),
            opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=1),
            quorum=3,
            review_phases=(ReviewPhase("ciega", True),),
            ranking_method=RankingMethod.Z_SCORE,
            disagreement_threshold=Decimal(15),
        )
        call = SeedCapitalCall(
            owner_partner_id=partners[AgreementRole.FUNDING],
            terms=terms,
            criteria=criteria,
            now=now - timedelta(days=60),
        )
        call.open(now - timedelta(days=60))
        call.start_review(now)
        call.freeze_rubric(now)
        async with container.uow(SYSTEM) as uow:
            uow.seed_capital_calls.add(call)
            for user_id, _ in evaluators:
                uow.call_evaluators.add(
                    CallEvaluator(
                        call_id=call.id,
                        user_id=user_id,
                        partner_id=partners[AgreementRole.EVALUATION],
                        now=now,
                        by=None,
                    )
                )
            await uow.commit()
        canvas = Canvas(**dict.fromkeys(CANVAS_BLOCKS, "Texto del bloque del lienzo"))
        supporter = partners[AgreementRole.FUNDING]
        scoring: list[tuple[uuid.UUID, str]] = []
        load = 0
        started = time.perf_counter()
        for first in range(0, args.applications, BATCH):
            count = min(BATCH, args.applications - first)
            people, ideas = [], []
            for index in range(first, first + count):
                person = Participant(
                    owner_partner_id=supporter,
                    details=ParticipantDetails(
                        given_names=f"Emprendedora {index:05d}",
                        family_names="Medición",
                        birth_date=date(1975, 1, 1) + timedelta(days=index * 3),
                        sex=Sex.FEMALE if index % 2 else Sex.MALE,
                        population_group=PopulationGroup.MIGRANT,
                        nationality="VEN",
                    ),
                    now=now,
                    registered_by=None,
                )
                line = LineItem(
                    "Horno", InvestmentCategory.EQUIPMENT, Decimal(1), Decimal("1500.00"), Decimal("100.00")
                )
                idea = BusinessIdea(
                    participant_id=person.id,
                    supporting_partner_id=supporter,
                    content=IdeaContent(
                        name=f"Idea {index:05d}",
                        sector="10",
                        stage=IdeaStage.IDEA,
                        place=IdeaPlace("13", "1308"),
                        canvas=canvas,
                        plan=InvestmentPlan([line]),
                    ),
                    now=now,
                    by=None,
                )
                idea.submit(now)
                people.append(person)
                ideas.append(idea)
            async with container.uow(SYSTEM) as uow:
                for person in people:
                    uow.participants.add(person)
                await uow.commit()
            async with container.uow(SYSTEM) as uow:
                for idea in ideas:
                    uow.business_ideas.add(idea)
                await uow.commit()
            applications = []
            async with container.uow(SYSTEM) as uow:
                for idea in ideas:
                    snapshot = idea.snapshot()
                    application = Application(
                        call_id=call.id,
                        owner_partner_id=supporter,
                        participant_id=idea.participant_id,
                        snapshot=snapshot,
                        requested=check_request(terms, snapshot),
                        rules=(),
                        now=now,
                        by=None,
                    )
                    uow.applications.add(application)
                    applications.append(application)
                await uow.commit()
            async with container.uow(SYSTEM) as uow:
                for application in applications:
                    chosen = rng.sample(evaluators, 4)
                    for position, (user_id, email) in enumerate(chosen):
                        assignment = Assignment(
                            call_id=call.id,
                            application_id=application.id,
                            evaluator_id=user_id,
                            participant_id=application.participant_id,
                            now=now,
                        )
                        assignment.declare(conflict=None, note=None, detected=(), now=now)
                        uow.review_assignments.add(assignment)
                        if position == 3:
                            if len(scoring) < args.scores:
                                scoring.append((assignment.id, email))
                            continue
                        review = Review(
                            call_id=call.id,
                            application_id=application.id,
                            evaluator_id=user_id,
                            rubric=call.rubric,
                            now=now,
                        )
                        scores = {
                            "viability": CriterionScore(rng.randint(1, 5), "Comentario de viabilidad"),
                            "impact": CriterionScore(rng.randint(1, 5), "Comentario de impacto"),
                            "team": CriterionScore(rng.randint(0, 10), "Comentario del equipo"),
                        }
                        review.save(call.rubric, scores, now)
                        review.submit(call.rubric, now)
                        uow.reviews.add(review)
                await uow.commit()
            load += count
            print(
                f"  {load:,} applications seeded ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True
            )
        return {"call_id": str(call.id), "scoring": scoring}
    finally:
        await container.close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def _row(label: str, values: list[float], target: str) -> str:
    return (
        f"| {label} | {len(values)} | {statistics.median(values):.1f} | {_percentile(values, 0.95):.1f} "
        f"| {max(values):.1f} | {target} |"
    )


async def measure(args: argparse.Namespace, workdir: Path, url: str) -> list[str]:
    admin_password = args.admin_password
    env = env_for(url, workdir, admin_password)
    await migrate(env)
    print(f"seeding {args.applications:,} applications", file=sys.stderr, flush=True)
    seeded = await seed(url, workdir, args)
    executable = Path(sys.executable).with_name("emprende")
    rows = []
    async with server(
        [str(executable), "serve", "--workers", "1"], env, "/api/v1/health/ready", workdir / "emprende.log"
    ) as (
        port,
        _cpu,
    ):
        base = f"http://127.0.0.1:{port}"
        admin = {"Authorization": f"Bearer {await sign_in(port, ADMIN_EMAIL, admin_password)}"}
        tokens: dict[str, dict[str, str]] = {}
        for _, email in seeded["scoring"]:
            if email not in tokens:
                tokens[email] = {"Authorization": f"Bearer {await sign_in(port, email, PASSWORD)}"}
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            ranking_url = f"/api/v1/seed-capital-calls/{seeded['call_id']}/ranking"
            timings = []
            for attempt in range(args.rankings + 2):
                began = time.perf_counter()
                response = await client.get(ranking_url, headers=admin)
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    raise BenchError(f"ranking: {response.status_code} {response.text[:300]}")
                items = response.json()["items"]
                if len(items) != args.applications or any(item["reviews"] != 3 for item in items):
                    raise BenchError("the ranking does not show every application with its three reviews")
                if attempt >= 2:  # the first two warm the server
                    timings.append(elapsed)
            rows.append(
                _row(f"ranked view, {args.applications:,} applications x 3 reviews", timings, "< 300 ms (PostgreSQL)")
            )
            for label in ("first save (the review is created)", "second save (the review changes)"):
                saves = []
                for number, (assignment, email) in enumerate(seeded["scoring"]):
                    body = {"scores": {"viability": {"score": 1 + number % 5, "comment": "Guardado"}}}
                    began = time.perf_counter()
                    response = await client.put(
                        f"/api/v1/review-assignments/{assignment}/review", headers=tokens[email], json=body
                    )
                    saves.append((time.perf_counter() - began) * 1000)
                    if response.status_code != 200:
                        raise BenchError(f"scoring: {response.status_code} {response.text[:300]}")
                rows.append(_row(f"scoring: {label}", saves, "p95 < 20 ms"))
    return rows


async def run(args: argparse.Namespace) -> int:
    revision = await git_revision()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="emprende-bench-") as tmp:
        workdir = Path(tmp)
        floor = [summary for summary in await measure_floor(args, workdir) if "FastAPI" in summary.label]
        if args.db == "postgresql":
            database = postgres_database(os.environ.get("EMPRENDE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
        else:
            database = sqlite_database(workdir)
        async with database as url:
            try:
                rows = await measure(args, workdir, url)
            except BenchError as error:
                raise BenchError(f"{error}\n{_log_tail(workdir / 'emprende.log')}") from None
    lines = [
        f"emprende committee, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, revision {revision}, "
        f"load average before the run {load}",
        f"{args.db}, 1 worker, {os.cpu_count()} CPUs shared by client and server, {platform.platform()}, "
        f"Python {platform.python_version()}",
        "",
        "| request (one at a time) | n | p50 ms | p95 ms | max ms | target |",
        "|---|--:|--:|--:|--:|---|",
        *rows,
        "",
        *(
            f"{summary.label}, {args.connections} connections: p50 {summary.p50:.2f} ms, "
            f"p99 {summary.p99:.2f} ms, {summary.rate:,.0f} req/s"
            for summary in floor
        ),
        f"reproduce: .venv/bin/python bench/committee.py --db {args.db} --applications {args.applications}",
    ]
    print("\n".join(lines))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_benchmark(run(args), args.loop, "the server was stopped and the database removed")


if __name__ == "__main__":
    sys.exit(main())
