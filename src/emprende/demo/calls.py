"""A demonstration seed-capital call under review: the people with submitted ideas applied while it was open, its
committee of three declared and scored — one evaluator recused from an application (a family relation) and was
replaced, and one application still waits for its second review, below the quorum.

The call's history (opened weeks ago, applications, the review started after they closed) is written through the
domain at the moments it happened, as a programme's records would hold it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from emprende.bootstrap import Container
from emprende.bootstrap.ideas import IdeasWiring
from emprende.domain.calls.application import Application, check_request
from emprende.domain.calls.assignment import Assignment, plan
from emprende.domain.calls.call import SeedCapitalCall
from emprende.domain.calls.committee import CallEvaluator
from emprende.domain.calls.conflicts import ConflictRelation
from emprende.domain.calls.review import CriterionScore, Review
from emprende.domain.calls.rubric import Criterion
from emprende.domain.calls.terms import CallTerms, Quota, QuotaDimension, QuotaKind, RankingMethod, ReviewPhase
from emprende.domain.ideas.plan import InvestmentCategory
from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import ConsentMethod, ConsentPurpose
from emprende.domain.training.eligibility import CompletedTrainingRule, MinAttendanceRule
from emprende.services.ideas.ports import IdeaFilters
from emprende.services.participants.consents import RecordConsent, record_consent
from emprende.services.shared.principal import SYSTEM, Principal

_CRITERIA = (
    Criterion("viability", "Viabilidad económica", "¿El negocio cubre sus costos y deja ganancia?", Decimal(40), 1, 5,
              {1: "No es viable", 3: "Viable con ajustes", 5: "Claramente viable"}),
    Criterion("market", "Mercado", "¿Hay clientes que pagarían por esto?", Decimal(30), 1, 5, {}),
    Criterion("team", "Equipo y experiencia", "", Decimal(30), 0, 10, {}),
)  # fmt: skip

# Scores each evaluator gives (by their place on the committee): viability, market, team.
_SCORES = ((4, 4, 7), (3, 4, 6), (5, 3, 8))


async def load_calls_demo(
    container: Container,
    acting: Principal,
    funder: uuid.UUID,
    evaluators: list[tuple[uuid.UUID, uuid.UUID]],
    applicants: list[uuid.UUID],
) -> list[str]:
    """`evaluators` are (user, partner) of partners holding `evaluation`; `applicants` people with a submitted idea."""
    if len(evaluators) < 3 or not applicants:
        return []
    ideas = container.area(IdeasWiring).ideas
    now = container.clock.now()
    opened, applied, started = now - timedelta(days=45), now - timedelta(days=30), now - timedelta(days=5)
    for person in applicants:
        await record_consent(
            acting,
            person,
            RecordConsent(ConsentPurpose.SEED_CAPITAL, "2026-01", Language.ES, ConsentMethod.IN_PERSON, opened),
            uow_factory=container.uow,
            clock=container.clock,
        )
    terms = CallTerms(
        title="Capital semilla Imbabura 2027",
        description="Capital semilla para emprendimientos de personas que completaron la formación.",
        budget=Decimal("60000.00"),
        ceiling=Decimal("3000.00"),
        floor=Decimal("500.00"),
        fundable_categories=(
            InvestmentCategory.EQUIPMENT,
            InvestmentCategory.MACHINERY,
            InvestmentCategory.TOOLS,
            InvestmentCategory.FURNITURE,
            InvestmentCategory.TECHNOLOGY,
            InvestmentCategory.INVENTORY,
            InvestmentCategory.RAW_MATERIALS,
        ),
        eligibility_rules=(CompletedTrainingRule(), MinAttendanceRule(percent=80)),
        opens_at=opened,
        closes_at=started - timedelta(days=1),
        quorum=2,
        review_phases=(ReviewPhase("Revisión ciega", True), ReviewPhase("Panel", False)),
        ranking_method=RankingMethod.Z_SCORE,
        disagreement_threshold=Decimal(15),
        quotas=(
            Quota(QuotaDimension.SEX, "female", QuotaKind.MIN_SHARE_OF_AWARDS, Decimal("0.5")),
            Quota(QuotaDimension.POPULATION_GROUP, "host_community", QuotaKind.MIN_SHARE_OF_FUNDS, Decimal("0.3")),
        ),
    )
    call = SeedCapitalCall(owner_partner_id=funder, terms=terms, criteria=_CRITERIA, now=opened)
    call.open(opened)
    committee = evaluators[:3]
    async with container.uow(SYSTEM) as uow:
        uow.act_as(acting.actor)
        uow.seed_capital_calls.add(call)
        await uow.commit()
    applications = []
    async with container.uow(SYSTEM) as uow:
        uow.act_as(acting.actor)
        for user_id, partner_id in committee:
            uow.call_evaluators.add(
                CallEvaluator(call_id=call.id, user_id=user_id, partner_id=partner_id, now=opened, by=acting.id)
            )
        for person in applicants:
            rows = await ideas.list_ideas(None, IdeaFilters(participant_id=person, status="submitted"), None, 1)
            idea = await uow.business_ideas.get(rows[0].id) if rows else None
            if idea is None:
                continue
            call.check_accepting(applied)
            snapshot = idea.snapshot()
            application = Application(
                call_id=call.id,
                owner_partner_id=idea.supporting_partner_id,
                participant_id=person,
                snapshot=snapshot,
                requested=check_request(terms, snapshot),
                rules=terms.eligibility_rules,
                now=applied,
                by=acting.id,
            )
            uow.applications.add(application)
            applications.append(application)
        await uow.commit()
    if not applications:
        return []
    async with container.uow(SYSTEM) as uow:
        uow.act_as(acting.actor)
        call = await uow.seed_capital_calls.lock(call.id) or call
        call.start_review(started)
        members = [user_id for user_id, _ in committee]
        # The first two evaluators take every application; the third stands by for recusals.
        pairs = plan({a.id: terms.quorum for a in applications}, members[:2], {}, {})
        by_id = {application.id: application for application in applications}
        assignments = [
            Assignment(
                call_id=call.id,
                application_id=application_id,
                evaluator_id=evaluator_id,
                participant_id=by_id[application_id].participant_id,
                now=started,
            )
            for application_id, evaluator_id in pairs
        ]
        recused = assignments[0]
        recused.declare(conflict=ConflictRelation.FAMILY, note="Es prima de mi esposa", detected=(), now=started)
        stand_in = Assignment(
            call_id=call.id,
            application_id=recused.application_id,
            evaluator_id=members[2],
            participant_id=recused.participant_id,
            now=started,
        )
        call.freeze_rubric(started)
        pending = assignments[-1] if len(applications) > 1 else None
        for assignment in [*assignments, stand_in]:
            uow.review_assignments.add(assignment)
            if assignment.recused:
                continue
            assignment.declare(conflict=None, note=None, detected=(), now=started)
            review = Review(
                call_id=call.id,
                application_id=assignment.application_id,
                evaluator_id=assignment.evaluator_id,
                rubric=call.rubric,
                now=started,
            )
            viability, market, team = _SCORES[members.index(assignment.evaluator_id)]
            review.save(
                call.rubric,
                {
                    "viability": CriterionScore(viability, "El plan de inversión cuadra con las ventas esperadas."),
                    "market": CriterionScore(market, "Hay demanda en el barrio; falta precisar precios."),
                    "team": CriterionScore(team, "Experiencia previa en el oficio."),
                },
                started,
            )
            if assignment is not pending:  # the last review is still a draft: its application is below the quorum
                review.submit(call.rubric, started)
            uow.reviews.add(review)
        await uow.commit()
    return [
        f"seed-capital call '{terms.title}' in review: {len(applications)} applications, "
        f"{len(pairs) + 1} reviews assigned, one recusal replaced, one application below its quorum"
    ]
