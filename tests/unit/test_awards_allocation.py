"""Allocating a fixed fund to ranked applications: the same inputs and seed always give the same result, the budget
and ceiling are never passed, quotas are honoured whenever they can be and reported when they cannot, and every
application gets its reason."""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emprende.domain.awards.allocation import Candidate, QuotasInfeasible, Reason, Rules, allocate, order
from emprende.domain.calls.terms import Quota, QuotaDimension, QuotaKind

NOW = datetime(2026, 12, 1, tzinfo=UTC)
RULES = Rules(
    budget=Decimal("10000.00"),
    ceiling=Decimal("3000.00"),
    floor=Decimal("500.00"),
    partial=False,
    min_figure=None,
    quotas=(),
    tie_criterion="viability",
    seed=42,
)


def candidate(number: int, figure: float | None, requested: str = "2000.00", **changes: object) -> Candidate:
    base = Candidate(
        application_id=uuid.UUID(int=number),
        figure=figure,
        requested=Decimal(requested),
        submitted_at=NOW + timedelta(minutes=number),
        population_group="migrant",
        sex="male",
        province="17",
        criteria={"viability": 3.0},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_funds_go_in_rank_order_until_they_run_out_and_each_application_says_why() -> None:
    people = [candidate(n, 90 - n) for n in range(1, 8)] + [candidate(9, None)]
    outcomes = allocate(people, replace(RULES, min_figure=84.0))
    assert [(o.rank, o.amount, o.reason) for o in outcomes] == [
        (1, Decimal("2000.00"), Reason.FUNDED_AT_RANK),
        (2, Decimal("2000.00"), Reason.FUNDED_AT_RANK),
        (3, Decimal("2000.00"), Reason.FUNDED_AT_RANK),
        (4, Decimal("2000.00"), Reason.FUNDED_AT_RANK),
        (5, Decimal("2000.00"), Reason.FUNDED_AT_RANK),
        (6, Decimal("0.00"), Reason.FUNDS_RAN_OUT),
        (7, Decimal("0.00"), Reason.BELOW_MIN_SCORE),
        (8, Decimal("0.00"), Reason.NOT_REVIEWED),
    ]
    assert outcomes[5].detail == {"rank": 6}


def test_a_partial_award_takes_what_is_left_when_it_stays_above_the_floor() -> None:
    people = [candidate(1, 90, "3000.00"), candidate(2, 80, "3000.00"), candidate(3, 70, "3000.00"), candidate(4, 60)]
    outcomes = allocate(people, replace(RULES, partial=True))
    assert [o.amount for o in outcomes] == [
        Decimal("3000.00"),
        Decimal("3000.00"),
        Decimal("3000.00"),
        Decimal("1000.00"),
    ]
    requests_over_the_ceiling = allocate([candidate(1, 90, "9000.00")], RULES)
    assert requests_over_the_ceiling[0].amount == Decimal("3000.00")


def test_the_published_tie_break_decides_equal_figures() -> None:
    better_criterion = candidate(5, 80.0, criteria={"viability": 4.5})
    earlier = candidate(1, 80.0)
    later = candidate(2, 80.0)
    assert [c.application_id.int for c in order([later, earlier, better_criterion], RULES)] == [5, 1, 2]
    same_moment = [candidate(n, 80.0, submitted_at=NOW) for n in range(1, 9)]
    drawn = [c.application_id for c in order(same_moment, RULES)]
    assert drawn == [c.application_id for c in order(list(reversed(same_moment)), RULES)]
    assert drawn != [c.application_id for c in order(same_moment, replace(RULES, seed=7))]


def test_a_reserve_funds_the_groups_best_before_the_others() -> None:
    hosts = [candidate(n, 50 - n, population_group="host_community") for n in (10, 11)]
    migrants = [candidate(n, 90 - n) for n in range(1, 6)]
    quota = Quota(QuotaDimension.POPULATION_GROUP, "host_community", QuotaKind.MIN_SHARE_OF_FUNDS, Decimal("0.3"))
    outcomes = {o.application_id.int: o for o in allocate(hosts + migrants, replace(RULES, quotas=(quota,)))}
    assert outcomes[10].reason is Reason.FUNDED_BY_RESERVE
    assert outcomes[11].reason is Reason.FUNDED_BY_RESERVE
    assert [outcomes[n].reason for n in range(1, 4)] == [Reason.FUNDED_AT_RANK] * 3
    assert outcomes[4].reason is Reason.FUNDS_RAN_OUT


def test_quotas_the_applications_cannot_meet_are_reported_not_relaxed() -> None:
    quota = Quota(QuotaDimension.SEX, "female", QuotaKind.MIN_SHARE_OF_FUNDS, Decimal("0.5"))
    with pytest.raises(QuotasInfeasible) as caught:
        allocate(
            [candidate(1, 90), candidate(2, 80, sex="female", requested="1000.00")], replace(RULES, quotas=(quota,))
        )
    assert caught.value.code == "quotas_infeasible"
    assert [(issue.field, issue.code) for issue in caught.value.issues] == [("quotas[0]", "quota_unreachable")]


people_strategy = st.lists(
    st.builds(
        lambda number, figure, requested, group, sex, minutes: candidate(
            number,
            figure,
            str(requested),
            population_group=group,
            sex=sex,
            submitted_at=NOW + timedelta(minutes=minutes),
        ),
        st.integers(1, 10_000),
        st.one_of(st.none(), st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 1))),
        st.decimals(500, 5000, places=2),  # a call refuses requests under its floor
        st.sampled_from(["migrant", "host_community", "returnee"]),
        st.sampled_from(["female", "male"]),
        st.integers(0, 5),
    ),
    max_size=25,
    unique_by=lambda c: c.application_id,
)
quota_strategy = st.lists(
    st.one_of(
        st.builds(
            lambda share: Quota(QuotaDimension.POPULATION_GROUP, "host_community", QuotaKind.MIN_SHARE_OF_FUNDS, share),
            st.sampled_from([Decimal("0.1"), Decimal("0.3")]),
        ),
        st.builds(
            lambda share: Quota(QuotaDimension.SEX, "female", QuotaKind.MIN_SHARE_OF_AWARDS, share),
            st.sampled_from([Decimal("0.3"), Decimal("0.5")]),
        ),
        st.builds(
            lambda share: Quota(QuotaDimension.POPULATION_GROUP, "returnee", QuotaKind.MAX_SHARE_OF_FUNDS, share),
            st.sampled_from([Decimal("0.2"), Decimal("0.5")]),
        ),
    ),
    max_size=3,
    unique_by=lambda q: (q.dimension, q.value, q.kind),
)


@settings(max_examples=300, deadline=None)
@given(people_strategy, quota_strategy, st.booleans(), st.integers(0, 10))
def test_any_allocation_keeps_the_budget_ceiling_floor_and_quotas_or_says_they_cannot_be_met(
    people: list[Candidate], quotas: list[Quota], partial: bool, seed: int
) -> None:
    rules = replace(RULES, quotas=tuple(quotas), partial=partial, seed=seed)
    try:
        outcomes = allocate(people, rules)
    except QuotasInfeasible:
        return
    assert allocate(list(reversed(people)), rules) == outcomes  # reproducible, whatever order the inputs come in
    funded = [o for o in outcomes if o.amount > 0]
    assert sum(o.amount for o in outcomes) <= rules.budget
    assert all(rules.floor <= o.amount <= rules.ceiling for o in funded)
    assert {o.application_id for o in outcomes} == {c.application_id for c in people}
    by_id = {c.application_id: c for c in people}
    for quota in quotas:
        inside = [o for o in funded if by_id[o.application_id].value_of(quota.dimension) == quota.value]
        if quota.kind is QuotaKind.MIN_SHARE_OF_FUNDS:
            assert sum(o.amount for o in inside) >= (rules.budget * quota.share).quantize(Decimal("0.01")) or all(
                by_id[o.application_id].value_of(quota.dimension) != quota.value
                for o in outcomes
                if o.amount == 0 and o.reason not in (Reason.BELOW_MIN_SCORE, Reason.NOT_REVIEWED)
            )
        elif quota.kind is QuotaKind.MIN_SHARE_OF_AWARDS:
            assert len(inside) >= math.ceil(quota.share * len(funded))
        elif quota.kind is QuotaKind.MAX_SHARE_OF_FUNDS:
            assert sum(o.amount for o in inside) <= (rules.budget * quota.share).quantize(Decimal("0.01"))
