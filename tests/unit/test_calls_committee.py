"""Conflicts of interest, recusal, assignment, scoring and aggregation: the committee's rules, many of them as
properties over random committees."""

from __future__ import annotations

import statistics
import uuid
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emprende.domain.calls.aggregation import Entry, ReviewTotal, figures, rank, z_scores
from emprende.domain.calls.assignment import Assignment, DeclarationRequired, Recused, plan
from emprende.domain.calls.conflicts import ApplicantFacts, ConflictRelation, EvaluatorFacts, detect
from emprende.domain.calls.review import CriterionScore, Review, ReviewStatus, ReviewSubmitted
from emprende.domain.calls.terms import RankingMethod
from emprende.domain.shared.errors import InvalidInput, issues_of
from tests.unit.calls_support import NOW, rubric

PARTNER = uuid.UUID(int=1)
EVALUATOR = uuid.UUID(int=2)


def assignment() -> Assignment:
    return Assignment(
        call_id=uuid.UUID(int=10),
        application_id=uuid.UUID(int=11),
        evaluator_id=EVALUATOR,
        participant_id=uuid.UUID(int=12),
        now=NOW,
    )


def applicant(**changes: object) -> ApplicantFacts:
    base: dict[str, object] = {
        "participant_id": uuid.UUID(int=12),
        "supporting_partner_id": uuid.UUID(int=99),
        "facilitators": frozenset(),
        "related_evaluators": frozenset(),
    }
    return ApplicantFacts(**{**base, **changes})  # type: ignore[arg-type]


# --- conflicts --------------------------------------------------------------------------------------------------------


def test_conflicts_are_detected_from_the_records() -> None:
    evaluator = EvaluatorFacts(EVALUATOR, PARTNER)
    assert detect(evaluator, applicant()) == ()
    assert detect(evaluator, applicant(supporting_partner_id=PARTNER)) == (ConflictRelation.SAME_PARTNER,)
    assert detect(evaluator, applicant(facilitators=frozenset({EVALUATOR}))) == (ConflictRelation.FACILITATOR,)
    assert detect(evaluator, applicant(related_evaluators=frozenset({EVALUATOR}))) == (
        ConflictRelation.EARLIER_RELATION,
    )
    # The operator's experts belong to no partner: no partner matches theirs.
    assert detect(EvaluatorFacts(EVALUATOR, None), applicant(supporting_partner_id=None)) == ()


def test_declaring_no_conflict_clears_unless_one_is_detected() -> None:
    clear = assignment()
    with pytest.raises(DeclarationRequired):
        clear.require_cleared()
    clear.declare(conflict=None, note=None, detected=(), now=NOW)
    clear.require_cleared()
    detected = assignment()
    detected.declare(conflict=None, note=None, detected=(ConflictRelation.FACILITATOR,), now=NOW)
    assert detected.recused
    assert detected.relation is ConflictRelation.FACILITATOR
    assert detected.source is not None
    assert detected.source.value == "detected"
    with pytest.raises(Recused):
        detected.require_cleared()


def test_a_declared_conflict_recuses_for_good() -> None:
    conflicted = assignment()
    conflicted.declare(conflict=ConflictRelation.FAMILY, note=" my cousin ", detected=(), now=NOW)
    assert conflicted.recused
    assert conflicted.note == "my cousin"
    with pytest.raises(Recused):
        conflicted.declare(conflict=None, note=None, detected=(), now=NOW)
    assert [event.name for event in conflicted.pull_events()] == [
        "review_assignment.created",
        "review_assignment.recused",
    ]


def test_a_cleared_evaluator_may_still_recuse_later() -> None:
    later = assignment()
    later.declare(conflict=None, note=None, detected=(), now=NOW)
    later.declare(conflict=ConflictRelation.BUSINESS, note=None, detected=(), now=NOW)
    assert later.recused


def test_detected_relations_are_not_declared() -> None:
    with pytest.raises(InvalidInput) as caught:
        assignment().declare(conflict=ConflictRelation.SAME_PARTNER, note=None, detected=(), now=NOW)
    assert caught.value.field == "relation"
    with pytest.raises(InvalidInput):
        assignment().declare(conflict=ConflictRelation.OTHER, note="x" * 1001, detected=(), now=NOW)


# --- assignment -------------------------------------------------------------------------------------------------------

ids = st.integers(1, 40).map(lambda number: uuid.UUID(int=number))


@settings(max_examples=200)
@given(
    st.lists(ids, min_size=1, max_size=12, unique=True),
    st.lists(ids, min_size=0, max_size=10, unique=True),
    st.integers(1, 4),
    st.data(),
)
def test_assignment_never_picks_a_conflicted_evaluator_and_spreads_the_load(
    applications: list[uuid.UUID], evaluators: list[uuid.UUID], quorum: int, data: st.DataObject
) -> None:
    excluded = {
        application: frozenset(data.draw(st.lists(st.sampled_from(evaluators), unique=True)))
        if evaluators
        else frozenset()
        for application in applications
    }
    pairs = plan(dict.fromkeys(applications, quorum), evaluators, {}, excluded)
    assert len(set(pairs)) == len(pairs)
    for application, evaluator in pairs:
        assert evaluator in evaluators
        assert evaluator not in excluded[application]
    for application in applications:
        given_to = [evaluator for app, evaluator in pairs if app == application]
        free = len(set(evaluators) - excluded[application])
        assert len(given_to) == min(quorum, free)  # short only when no one else may take it
    if not any(excluded.values()) and evaluators:
        loads = [sum(1 for _, evaluator in pairs if evaluator == person) for person in evaluators]
        assert max(loads) - min(loads) <= 1
    assert plan(dict.fromkeys(applications, quorum), list(reversed(evaluators)), {}, excluded) == pairs


def test_a_top_up_goes_to_the_least_loaded_evaluator_not_already_there() -> None:
    a, b, c = (uuid.UUID(int=n) for n in (1, 2, 3))
    application = uuid.UUID(int=50)
    pairs = plan({application: 1}, [a, b, c], {a: 3, b: 1, c: 2}, {application: frozenset({b})})
    assert pairs == [(application, c)]


# --- reviews ----------------------------------------------------------------------------------------------------------


def review() -> Review:
    return Review(
        call_id=uuid.UUID(int=1), application_id=uuid.UUID(int=2), evaluator_id=EVALUATOR, rubric=rubric(), now=NOW
    )


def test_a_draft_is_saved_piece_by_piece_and_submitted_when_complete() -> None:
    draft = review()
    draft.save(rubric(), {"viability": CriterionScore(4, "Good market")}, NOW)
    with pytest.raises(InvalidInput) as caught:
        draft.submit(rubric(), NOW)
    assert (caught.value.field, caught.value.code) == ("scores.team", "review_incomplete")
    draft.save(rubric(), {"team": CriterionScore(5, "Small team")}, NOW + timedelta(minutes=1))
    draft.submit(rubric(), NOW + timedelta(minutes=2))
    assert draft.status is ReviewStatus.SUBMITTED
    assert draft.total == pytest.approx(0.6 * 75 + 0.4 * 50)
    with pytest.raises(ReviewSubmitted):
        draft.save(rubric(), {"team": CriterionScore(10, "changed my mind")}, NOW)


def test_scores_outside_the_scale_or_unknown_criteria_change_nothing() -> None:
    draft = review()
    with pytest.raises(InvalidInput) as caught:
        draft.save(
            rubric(),
            {"viability": CriterionScore(6, ""), "team": CriterionScore(-1, ""), "luck": CriterionScore(1, "")},
            NOW,
        )
    assert [(issue.field, issue.code) for issue in issues_of(caught.value)] == [
        ("scores.viability.score", "score_off_scale"),
        ("scores.team.score", "score_off_scale"),
        ("scores.luck", "unknown_criterion"),
    ]
    assert draft.scores == {}


def test_a_comment_is_needed_on_every_criterion() -> None:
    draft = review()
    draft.save(rubric(), {"viability": CriterionScore(4, "ok"), "team": CriterionScore(5, "  ")}, NOW)
    with pytest.raises(InvalidInput):
        draft.submit(rubric(), NOW)


# --- aggregation ------------------------------------------------------------------------------------------------------

totals_strategy = st.floats(0, 100, allow_nan=False).map(lambda value: round(value, 2))


@st.composite
def committees(draw: st.DrawFn) -> tuple[list[Entry], list[ReviewTotal]]:
    applications = [uuid.UUID(int=n) for n in range(1, draw(st.integers(1, 8)) + 1)]
    evaluators = [uuid.UUID(int=100 + n) for n in range(draw(st.integers(1, 5)))]
    totals = []
    for application in applications:
        for evaluator in draw(st.lists(st.sampled_from(evaluators), unique=True)):
            totals.append(ReviewTotal(application, evaluator, draw(totals_strategy)))
    entries = [Entry(application, NOW + timedelta(seconds=index)) for index, application in enumerate(applications)]
    return entries, totals


@settings(max_examples=200)
@given(committees(), st.floats(-30, 30, allow_nan=False), st.data())
def test_z_scores_ignore_a_constant_added_to_one_evaluators_totals(
    committee: tuple[list[Entry], list[ReviewTotal]], shift: float, data: st.DataObject
) -> None:
    entries, totals = committee
    if not totals:
        return
    harsh = data.draw(st.sampled_from(sorted({total.evaluator_id for total in totals})))
    shifted = [
        ReviewTotal(t.application_id, t.evaluator_id, t.total + shift if t.evaluator_id == harsh else t.total)
        for t in totals
    ]
    before = {f.application_id: f.z_score for f in figures(entries, totals, quorum=2, threshold=10)}
    after = {f.application_id: f.z_score for f in figures(entries, shifted, quorum=2, threshold=10)}
    assert before.keys() == after.keys()
    for application, value in before.items():
        assert (value is None) == (after[application] is None)
        if value is not None:
            assert after[application] == pytest.approx(value, abs=1e-3)


@settings(max_examples=200)
@given(committees(), st.integers(1, 4))
def test_figures_count_the_reviews_given_and_flag_quorum_and_disagreement(
    committee: tuple[list[Entry], list[ReviewTotal]], quorum: int
) -> None:
    entries, totals = committee
    for found in figures(entries, totals, quorum=quorum, threshold=10):
        values = [t.total for t in totals if t.application_id == found.application_id]
        assert found.reviews == len(values)
        assert found.below_quorum == (len(values) < quorum)
        if values:
            assert found.mean == pytest.approx(statistics.fmean(values), abs=1e-3)
            assert found.median == pytest.approx(statistics.median(values), abs=1e-3)
            spread = statistics.stdev(values) if len(values) > 1 else 0.0
            assert found.disagreement == (spread > 10)
        else:
            assert found.mean is None
            assert found.z_score is None
            assert not found.disagreement


def test_z_scores_are_zero_for_an_evaluator_without_spread() -> None:
    a, b = uuid.UUID(int=1), uuid.UUID(int=2)
    evaluator = uuid.UUID(int=9)
    assert z_scores([ReviewTotal(a, evaluator, 70.0), ReviewTotal(b, evaluator, 70.0)]) == {
        (a, evaluator): 0.0,
        (b, evaluator): 0.0,
    }


@settings(max_examples=100)
@given(committees(), st.sampled_from(list(RankingMethod)))
def test_the_ranking_orders_by_the_calls_method_with_unreviewed_last(
    committee: tuple[list[Entry], list[ReviewTotal]], method: RankingMethod
) -> None:
    entries, totals = committee
    ranked = rank(entries, figures(entries, totals, quorum=1, threshold=10), method)
    assert [item.rank for item in ranked] == list(range(1, len(entries) + 1))
    values = [getattr(item, "z_score" if method is RankingMethod.Z_SCORE else method.value) for item in ranked]
    reviewed = [value for value in values if value is not None]
    assert values[: len(reviewed)] == reviewed
    assert reviewed == sorted(reviewed, reverse=True)
    assert rank(list(reversed(entries)), figures(entries, totals, quorum=1, threshold=10), method) == ranked


def test_ties_go_to_the_earlier_submission() -> None:
    first, second = uuid.UUID(int=2), uuid.UUID(int=1)
    evaluator = uuid.UUID(int=9)
    entries = [Entry(second, NOW + timedelta(hours=1)), Entry(first, NOW)]
    totals = [ReviewTotal(first, evaluator, 80.0), ReviewTotal(second, evaluator, 80.0)]
    ranked = rank(entries, figures(entries, totals, quorum=1, threshold=10), RankingMethod.MEAN)
    assert [item.application_id for item in ranked] == [first, second]
