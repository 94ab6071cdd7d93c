"""The seed-capital call's rules: its terms, its rubric (versioned, frozen once scoring begins), its course, and what
an application may request."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from emprende.domain.calls.application import Application, check_request
from emprende.domain.calls.call import ApplicationWindowClosed, CallStateConflict, CallStatus, ReviewNotOpen
from emprende.domain.calls.rubric import Criterion, RubricFrozen, check_criteria
from emprende.domain.calls.terms import Quota, QuotaDimension, QuotaKind, check_terms
from emprende.domain.shared.errors import InvalidInput, issues_of
from tests.unit.calls_support import CRITERIA, NOW, new_call, rubric, snapshot, terms


def fields(error: InvalidInput) -> list[str | None]:
    return [issue.field for issue in issues_of(error)]


def test_terms_report_every_broken_rule_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_terms(
            terms(
                title=" ",
                budget=Decimal("-1"),
                ceiling=Decimal("10.001"),
                fundable_categories=(),
                closes_at=NOW,
                quorum=0,
                review_phases=(),
                disagreement_threshold=Decimal("0"),
            )
        )
    assert fields(caught.value) == [
        "title",
        "budget",
        "ceiling",
        "fundable_categories",
        "closes_at",
        "quorum",
        "review_phases",
        "disagreement_threshold",
    ]


def test_floor_and_ceiling_must_fit_the_budget() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_terms(terms(floor=Decimal("4000.00"), ceiling=Decimal("3000.00")))
    assert fields(caught.value) == ["floor"]
    with pytest.raises(InvalidInput) as caught:
        check_terms(terms(ceiling=Decimal("200000.00")))
    assert fields(caught.value) == ["ceiling"]


def test_quotas_name_known_values_and_never_reserve_more_than_everything() -> None:
    quotas = (
        Quota(QuotaDimension.SEX, "female", QuotaKind.MIN_SHARE_OF_AWARDS, Decimal("0.5")),
        Quota(QuotaDimension.SEX, "male", QuotaKind.MIN_SHARE_OF_AWARDS, Decimal("0.6")),
        Quota(QuotaDimension.PROVINCE, "99", QuotaKind.MAX_SHARE_OF_FUNDS, Decimal("0.3")),
        Quota(QuotaDimension.POPULATION_GROUP, "host_community", QuotaKind.MIN_SHARE_OF_FUNDS, Decimal("1.5")),
    )
    with pytest.raises(InvalidInput) as caught:
        check_terms(terms(quotas=quotas))
    assert fields(caught.value) == ["quotas[1].share", "quotas[2].value", "quotas[3].share"]
    fine = (
        Quota(QuotaDimension.POPULATION_GROUP, "host_community", QuotaKind.MIN_SHARE_OF_FUNDS, Decimal("0.3")),
        Quota(QuotaDimension.SEX, "female", QuotaKind.MIN_SHARE_OF_AWARDS, Decimal("0.5")),
        Quota(QuotaDimension.PROVINCE, "17", QuotaKind.MAX_SHARE_OF_FUNDS, Decimal("0.4")),
    )
    assert check_terms(terms(quotas=fine)).quotas == fine


def test_rubric_criteria_are_checked_each_by_its_path() -> None:
    bad = (
        Criterion("Bad Key", "", "", Decimal("0"), 5, 5, {9: "off the scale"}),
        CRITERIA[1],
        CRITERIA[1],
    )
    with pytest.raises(InvalidInput) as caught:
        check_criteria(bad)
    assert fields(caught.value) == [
        "rubric[0].key",
        "rubric[0].title",
        "rubric[0].weight",
        "rubric[0].scale_max",
        "rubric[0].descriptors.9",
        "rubric[2].key",
    ]


def test_a_weighted_total_puts_every_criterion_on_0_to_100() -> None:
    assert rubric().weighted_total({"viability": 5, "team": 10}) == 100
    assert rubric().weighted_total({"viability": 1, "team": 0}) == 0
    # viability 3 of 1..5 is 50 %, team 5 of 0..10 is 50 %; 4 of 1..5 is 75 %.
    assert rubric().weighted_total({"viability": 3, "team": 5}) == 50
    assert rubric().weighted_total({"viability": 4, "team": 5}) == pytest.approx(0.6 * 75 + 0.4 * 50)


def test_the_rubric_is_versioned_until_the_first_score_freezes_it() -> None:
    call = new_call()
    call.set_rubric(CRITERIA[:1], NOW)
    assert (call.rubric.version, len(call.rubric.criteria)) == (2, 1)
    call.freeze_rubric(NOW)
    with pytest.raises(RubricFrozen):
        call.set_rubric(CRITERIA, NOW)
    assert call.rubric.version == 2
    assert [event.name for event in call.pull_events()][-2:] == [
        "seed_capital_call.rubric_revised",
        "seed_capital_call.rubric_frozen",
    ]


def test_a_call_runs_its_course() -> None:
    call = new_call()
    with pytest.raises(CallStateConflict):
        call.check_accepting(NOW)
    call.open(NOW)
    assert call.blind  # evaluators declaring before the review starts see only the idea too
    call.check_accepting(NOW)
    with pytest.raises(ApplicationWindowClosed):
        call.check_accepting(NOW + timedelta(days=30))
    with pytest.raises(CallStateConflict):
        call.start_review(NOW + timedelta(days=29))
    with pytest.raises(ReviewNotOpen):
        call.check_reviewing()
    call.start_review(NOW + timedelta(days=30))
    assert call.blind
    assert call.review_phase.name == "blind"
    call.next_phase(NOW + timedelta(days=31))
    assert not call.blind
    with pytest.raises(CallStateConflict):
        call.next_phase(NOW + timedelta(days=31))
    call.check_reviewing()
    call.close_review(NOW + timedelta(days=40))
    assert call.status is CallStatus.REVIEW_CLOSED
    with pytest.raises(ReviewNotOpen):
        call.check_reviewing()
    with pytest.raises(CallStateConflict):
        call.cancel(NOW)
    with pytest.raises(CallStateConflict):
        call.revise(terms(), NOW)


def test_a_request_must_fit_floor_ceiling_and_fundable_categories() -> None:
    assert check_request(terms(), snapshot()) == Decimal("1200.00")
    with pytest.raises(InvalidInput) as caught:
        check_request(terms(), snapshot([("vehicles", "2000.00", "0.00"), ("tools", "1500.00", "0.00")]))
    assert [(issue.field, issue.code) for issue in issues_of(caught.value)] == [
        ("investment_plan[0].category", "category_not_fundable"),
        ("requested", "over_ceiling"),
    ]
    with pytest.raises(InvalidInput) as caught:
        check_request(terms(), snapshot([("tools", "400.00", "0.00")]))
    assert caught.value.code == "under_floor"
    # A category the call does not fund is fine when the person pays all of it.
    assert check_request(terms(), snapshot([("vehicles", "900.00", "900.00"), ("tools", "800.00", "0")])) == Decimal(
        "800.00"
    )


def test_an_application_keeps_what_was_submitted() -> None:
    idea = snapshot()
    application = Application(
        call_id=new_call().id,
        owner_partner_id=None,
        participant_id=new_call().id,
        snapshot=idea,
        requested=Decimal("1200.00"),
        rules=(),
        now=NOW,
        by=None,
    )
    idea["name"] = "changed later"
    idea["investment_plan"][0]["requested"] = "9999.00"
    assert application.snapshot["name"] == "Panadería La Esperanza"
    assert application.snapshot["investment_plan"][0]["requested"] == "1200.00"
    assert application.idea_version == 3
