"""Cooperation agreements: lifecycle by date, amendments kept as history, and the policy "may partner P act in role R
on date D?" that every later use case asks. Also the scopes a partner's clients may hold and the roles a user may grant,
both of which follow from the same rules."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from emprende.domain.identity.user import Role
from emprende.domain.partners.agreement import (
    AgreementNotAmendable,
    AgreementRequired,
    AgreementRole,
    AgreementStatus,
    CooperationAgreement,
    may_act,
    require_agreement,
)
from emprende.domain.shared.errors import InvalidInput, PermissionDenied
from emprende.services.shared.authorization import ROLE_RANK, SCOPES, allowed_scopes, may_grant_role
from emprende.services.shared.principal import Principal, PrincipalKind

START = date(2026, 1, 1)
END = date(2026, 12, 31)
PARTNER = uuid.UUID("01900000-0000-7000-8000-00000000000a")
R = AgreementRole


def at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def agreement(
    roles: frozenset[AgreementRole] = frozenset({R.TRAINING_DELIVERY}),
    *,
    start: date = START,
    end: date = END,
    data_sharing: bool = False,
    active: bool = True,
    code: str = "conv-2026-001",
) -> CooperationAgreement:
    subject = CooperationAgreement(
        partner_id=PARTNER,
        code=code,
        title="Convenio de cooperación para formación",
        roles=roles,
        start_date=start,
        end_date=end,
        data_sharing=data_sharing,
        now=at(start),
        document_reference="Resolución 014-2026",
    )
    if active:
        subject.activate(at(start))
    return subject


# --- creation ---------------------------------------------------------------------------------------------------


def test_a_new_agreement_is_a_draft_that_grants_nothing() -> None:
    subject = agreement(active=False)
    assert subject.code == "CONV-2026-001"
    assert subject.status_on(START + timedelta(days=10)) is AgreementStatus.DRAFT
    assert not subject.grants(R.TRAINING_DELIVERY, START + timedelta(days=10))
    assert [event.name for event in subject.pull_events()] == ["agreement.created"]


def test_the_end_date_may_not_precede_the_start_date() -> None:
    with pytest.raises(InvalidInput) as caught:
        agreement(start=START, end=START - timedelta(days=1))
    assert caught.value.code == "invalid_period"
    assert agreement(start=START, end=START).grants(R.TRAINING_DELIVERY, START)


def test_an_agreement_grants_at_least_one_role() -> None:
    with pytest.raises(InvalidInput):
        agreement(frozenset())


@pytest.mark.parametrize(("field", "value"), [("code", " "), ("code", "C" * 65), ("title", ""), ("title", "t" * 301)])
def test_code_and_title_are_bounded(field: str, value: str) -> None:
    values: dict[str, object] = {
        "partner_id": PARTNER,
        "code": "C-1",
        "title": "Convenio",
        "roles": {R.FUNDING},
        "start_date": START,
        "end_date": END,
        "data_sharing": False,
        "now": at(START),
    }
    values[field] = value
    with pytest.raises(InvalidInput):
        CooperationAgreement(**values)


# --- lifecycle: draft → active → expired by date, or terminated early -------------------------------------------------


def test_an_active_agreement_grants_its_roles_within_its_period_only() -> None:
    subject = agreement(frozenset({R.TRAINING_DELIVERY, R.REFERRAL}))
    assert subject.status_on(START) is AgreementStatus.ACTIVE
    assert subject.grants(R.TRAINING_DELIVERY, START)
    assert subject.grants(R.REFERRAL, END)
    assert not subject.grants(R.FUNDING, START)
    assert not subject.grants(R.TRAINING_DELIVERY, START - timedelta(days=1))
    assert not subject.grants(R.TRAINING_DELIVERY, END + timedelta(days=1))


def test_an_agreement_expires_by_date_the_day_after_it_ends() -> None:
    subject = agreement()
    assert subject.status_on(END) is AgreementStatus.ACTIVE
    assert subject.status_on(END + timedelta(days=1)) is AgreementStatus.EXPIRED


def test_only_a_draft_can_be_activated() -> None:
    subject = agreement()
    with pytest.raises(AgreementNotAmendable) as caught:
        subject.activate(at(START))
    assert caught.value.code == "agreement_not_amendable"


def test_termination_ends_the_agreement_from_its_date_with_a_reason() -> None:
    subject = agreement()
    on = date(2026, 6, 15)
    subject.terminate("  Incumplimiento de la contraparte ", on, at(on))
    assert subject.termination_reason == "Incumplimiento de la contraparte"
    assert subject.status_on(on - timedelta(days=1)) is AgreementStatus.ACTIVE
    assert subject.grants(R.TRAINING_DELIVERY, on - timedelta(days=1))
    assert subject.status_on(on) is AgreementStatus.TERMINATED
    assert not subject.grants(R.TRAINING_DELIVERY, on)
    assert subject.status_on(END + timedelta(days=30)) is AgreementStatus.TERMINATED


def test_termination_needs_a_reason_a_date_in_the_period_and_happens_once() -> None:
    subject = agreement()
    with pytest.raises(InvalidInput):
        subject.terminate("   ", date(2026, 5, 1), at(START))
    with pytest.raises(InvalidInput):
        subject.terminate("motivo", START - timedelta(days=1), at(START))
    assert subject.terminated_on is None
    subject.terminate("motivo", date(2026, 5, 1), at(START))
    with pytest.raises(AgreementNotAmendable):
        subject.terminate("otra vez", date(2026, 6, 1), at(START))
    assert subject.terminated_on == date(2026, 5, 1)


# --- amendments ------------------------------------------------------------------------------------------------------


def test_amendments_change_roles_from_their_date_and_are_kept_as_history() -> None:
    subject = agreement(frozenset({R.TRAINING_DELIVERY}))
    recorder = uuid.uuid4()
    first = subject.amend(
        reason="Se suma la evaluación de planes",
        effective_from=date(2026, 4, 1),
        roles_added={R.EVALUATION},
        now=at(date(2026, 3, 20)),
        recorded_by=recorder,
    )
    second = subject.amend(
        reason="La formación pasa a otra contraparte",
        effective_from=date(2026, 7, 1),
        roles_removed={R.TRAINING_DELIVERY},
        now=at(date(2026, 6, 20)),
    )
    assert (first.number, second.number) == (1, 2)
    assert first.recorded_by == recorder
    assert first.reason == "Se suma la evaluación de planes"
    assert [item.number for item in subject.amendments] == [1, 2]
    assert subject.roles == frozenset({R.TRAINING_DELIVERY}), "the original roles stay as agreed"
    assert subject.roles_on(date(2026, 3, 31)) == {R.TRAINING_DELIVERY}
    assert subject.roles_on(date(2026, 4, 1)) == {R.TRAINING_DELIVERY, R.EVALUATION}
    assert subject.roles_on(date(2026, 7, 1)) == {R.EVALUATION}
    assert subject.grants(R.TRAINING_DELIVERY, date(2026, 6, 30))
    assert not subject.grants(R.TRAINING_DELIVERY, date(2026, 7, 1))
    assert not subject.grants(R.EVALUATION, date(2026, 3, 31))
    assert subject.grants(R.EVALUATION, date(2026, 4, 1))
    assert [event.name for event in subject.pull_events()][-2:] == ["agreement.amended", "agreement.amended"]


def test_a_new_end_date_extends_or_shortens_the_period_and_keeps_the_original() -> None:
    subject = agreement()
    subject.amend(reason="Prórroga", effective_from=date(2026, 10, 1), new_end_date=date(2027, 6, 30), now=at(START))
    assert subject.end_date == END
    assert subject.current_end_date == date(2027, 6, 30)
    assert subject.grants(R.TRAINING_DELIVERY, date(2027, 6, 30))
    assert subject.status_on(date(2027, 7, 1)) is AgreementStatus.EXPIRED
    subject.amend(reason="Recorte", effective_from=date(2026, 11, 1), new_end_date=date(2026, 11, 30), now=at(START))
    assert subject.current_end_date == date(2026, 11, 30)
    assert not subject.grants(R.TRAINING_DELIVERY, date(2026, 12, 1))


def test_an_amendment_must_follow_the_previous_one_amendments_may_not_overlap() -> None:
    subject = agreement()
    subject.amend(reason="uno", effective_from=date(2026, 5, 1), roles_added={R.FUNDING}, now=at(START))
    for effective_from in (date(2026, 5, 1), date(2026, 4, 30)):
        with pytest.raises(AgreementNotAmendable):
            subject.amend(reason="dos", effective_from=effective_from, roles_added={R.REFERRAL}, now=at(START))
    assert len(subject.amendments) == 1
    assert R.REFERRAL not in subject.roles_on(END)


@pytest.mark.parametrize(
    ("changes", "effective_from"),
    [
        ({}, date(2026, 5, 1)),  # changes nothing
        ({"roles_added": {R.FUNDING}, "roles_removed": {R.FUNDING}}, date(2026, 5, 1)),
        ({"roles_removed": {R.TRAINING_DELIVERY}}, date(2026, 5, 1)),  # would leave no role
        ({"roles_added": {R.FUNDING}}, START - timedelta(days=1)),  # before the period
        ({"roles_added": {R.FUNDING}}, END + timedelta(days=1)),  # after the period
        ({"new_end_date": date(2026, 4, 30)}, date(2026, 5, 1)),  # ends before it takes effect
    ],
)
def test_invalid_amendments_are_refused_and_change_nothing(changes: dict[str, object], effective_from: date) -> None:
    subject = agreement()
    with pytest.raises(InvalidInput):
        subject.amend(reason="cambio", effective_from=effective_from, now=at(START), **changes)
    assert subject.amendments == []
    assert subject.current_end_date == END
    assert subject.roles_on(END) == {R.TRAINING_DELIVERY}


def test_an_amendment_needs_a_reason() -> None:
    with pytest.raises(InvalidInput):
        agreement().amend(reason="  ", effective_from=date(2026, 5, 1), roles_added={R.FUNDING}, now=at(START))


def test_expired_and_terminated_agreements_cannot_be_amended() -> None:
    expired = agreement()
    with pytest.raises(AgreementNotAmendable):
        expired.amend(
            reason="tarde", effective_from=END, new_end_date=date(2027, 12, 31), now=at(END + timedelta(days=1))
        )
    terminated = agreement()
    terminated.terminate("fin anticipado", date(2026, 3, 1), at(date(2026, 3, 1)))
    with pytest.raises(AgreementNotAmendable):
        terminated.amend(reason="x", effective_from=date(2026, 5, 1), roles_added={R.FUNDING}, now=at(date(2026, 3, 2)))


# --- property: roles and grants over random amendment sequences ------------------------------------------------------

roles_strategy = st.frozensets(st.sampled_from(list(AgreementRole)), max_size=3)


Attempt = tuple[int, frozenset[AgreementRole], frozenset[AgreementRole], int | None]
"""Days after the start it takes effect, roles added, roles removed, new end (days after the start) or None."""


@st.composite
def amendment_attempts(draw: st.DrawFn) -> list[Attempt]:
    count = draw(st.integers(min_value=0, max_value=6))
    return [
        (
            draw(st.integers(min_value=-20, max_value=420)),
            draw(roles_strategy),
            draw(roles_strategy),
            draw(st.none() | st.integers(min_value=-30, max_value=500)),
        )
        for _ in range(count)
    ]


def timeline(
    original: frozenset[AgreementRole], accepted: list[tuple[date, frozenset[AgreementRole], frozenset[AgreementRole]]]
) -> dict[date, frozenset[AgreementRole]]:
    """An independent oracle: walk the calendar day by day and apply each amendment on its day."""
    by_day = {effective: (added, removed) for effective, added, removed in accepted}
    roles = set(original)
    result: dict[date, frozenset[AgreementRole]] = {}
    day = START - timedelta(days=40)
    while day <= START + timedelta(days=900):
        if day in by_day:
            added, removed = by_day[day]
            roles = (roles | added) - removed
        result[day] = frozenset(roles)
        day += timedelta(days=1)
    return result


@settings(max_examples=150, deadline=None)
@given(
    original=st.frozensets(st.sampled_from(list(AgreementRole)), min_size=1, max_size=5),
    length=st.integers(min_value=0, max_value=400),
    attempts=amendment_attempts(),
    probes=st.lists(st.integers(min_value=-40, max_value=900), min_size=1, max_size=12),
    terminate_after=st.none() | st.integers(min_value=0, max_value=500),
)
def test_roles_and_grants_follow_the_amendment_history(
    original: frozenset[AgreementRole],
    length: int,
    attempts: list[Attempt],
    probes: list[int],
    terminate_after: int | None,
) -> None:
    subject = agreement(original, end=START + timedelta(days=length))
    accepted: list[tuple[date, frozenset[AgreementRole], frozenset[AgreementRole]]] = []
    end = subject.current_end_date
    for offset, added, removed, end_offset in attempts:
        effective_from = START + timedelta(days=offset)
        new_end = None if end_offset is None else START + timedelta(days=end_offset)
        roles_then = timeline(original, accepted).get(effective_from, frozenset())
        expected_ok = (
            bool(added or removed or new_end is not None)
            and not added & removed
            and START <= effective_from <= end
            and (not accepted or effective_from > accepted[-1][0])
            and (new_end is None or new_end >= effective_from)
            and bool((roles_then | added) - removed)
        )
        before = (list(subject.amendments), subject.current_end_date, subject.roles_on(END))
        try:
            subject.amend(
                reason=f"enmienda {offset}",
                effective_from=effective_from,
                roles_added=added,
                roles_removed=removed,
                new_end_date=new_end,
                now=at(START),
            )
        except (InvalidInput, AgreementNotAmendable):
            assert not expected_ok, "a valid amendment was refused"
            assert (list(subject.amendments), subject.current_end_date, subject.roles_on(END)) == before
            continue
        assert expected_ok, "an invalid amendment was accepted"
        accepted.append((effective_from, added, removed))
        if new_end is not None:
            end = new_end
    assert subject.current_end_date == end
    assert subject.end_date == START + timedelta(days=length), "the original end date is kept"
    assert [item.number for item in subject.amendments] == list(range(1, len(accepted) + 1))
    assert [item.effective_from for item in subject.amendments] == [item[0] for item in accepted]
    terminated_on = None if terminate_after is None else START + timedelta(days=terminate_after)
    if terminated_on is not None:
        subject.terminate("fin anticipado", terminated_on, at(START))
    oracle = timeline(original, accepted)
    for probe in probes:
        day = START + timedelta(days=probe)
        assert subject.roles_on(day) == oracle[day]
        in_force = START <= day <= end and (terminated_on is None or day < terminated_on)
        for role in AgreementRole:
            assert subject.grants(role, day) == (in_force and role in oracle[day]), (role, day)
            assert may_act(True, [subject], role, day) == subject.grants(role, day)
            assert not may_act(False, [subject], role, day), "a suspended partner never acts"


# --- the policy: may partner P act in role R on date D? ----------------------------------------------------------


def test_may_act_needs_an_active_partner_and_one_agreement_granting_the_role_that_day() -> None:
    training = agreement(frozenset({R.TRAINING_DELIVERY}), code="A")
    funding = agreement(frozenset({R.FUNDING}), start=date(2026, 6, 1), end=date(2026, 8, 31), code="B")
    day = date(2026, 7, 1)
    assert may_act(True, [training, funding], R.FUNDING, day)
    assert may_act(True, [training, funding], R.TRAINING_DELIVERY, day)
    assert not may_act(True, [training, funding], R.EVALUATION, day)
    assert not may_act(True, [training, funding], R.FUNDING, date(2026, 9, 1))
    assert not may_act(False, [training, funding], R.FUNDING, day)
    assert not may_act(True, [], R.FUNDING, day)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: agreement(active=False), id="draft"),
        pytest.param(lambda: agreement(end=date(2026, 3, 31)), id="expired"),
        pytest.param(lambda: agreement(start=date(2026, 9, 1)), id="not-yet-started"),
        pytest.param(lambda: agreement(frozenset({R.REFERRAL})), id="other-role"),
    ],
)
def test_require_agreement_fails_with_agreement_required(make: object) -> None:
    subject = make()
    with pytest.raises(AgreementRequired) as caught:
        require_agreement(True, [subject], R.TRAINING_DELIVERY, date(2026, 6, 1))
    assert caught.value.code == "agreement_required"
    assert isinstance(caught.value, PermissionDenied)


def test_require_agreement_after_a_termination_or_a_removing_amendment() -> None:
    terminated = agreement()
    terminated.terminate("cierre", date(2026, 6, 1), at(date(2026, 6, 1)))
    require_agreement(True, [terminated], R.TRAINING_DELIVERY, date(2026, 5, 31))
    with pytest.raises(AgreementRequired):
        require_agreement(True, [terminated], R.TRAINING_DELIVERY, date(2026, 6, 1))
    amended = agreement(frozenset({R.TRAINING_DELIVERY, R.REFERRAL}))
    amended.amend(
        reason="sin formación", effective_from=date(2026, 6, 1), roles_removed={R.TRAINING_DELIVERY}, now=at(START)
    )
    require_agreement(True, [amended], R.TRAINING_DELIVERY, date(2026, 5, 31))
    with pytest.raises(AgreementRequired):
        require_agreement(True, [amended], R.TRAINING_DELIVERY, date(2026, 6, 1))
    require_agreement(True, [amended], R.REFERRAL, date(2026, 6, 1))


# --- the scopes a partner's API clients may hold ---------------------------------------------------------------------

DAY = date(2026, 6, 1)
BASIC = frozenset({"partners:read", "agreements:read"})
PARTICIPANTS = frozenset({"participants:read", "participants:write"})
IDEAS = frozenset({"ideas:read", "ideas:write"})
APPLYING = frozenset({"calls:read", "applications:write"})


def test_the_data_sharing_clause_counts_only_in_the_agreement_that_grants_the_role() -> None:
    evaluation_sharing = agreement(frozenset({R.EVALUATION}), data_sharing=True)
    training_without = agreement(frozenset({R.TRAINING_DELIVERY}), data_sharing=False)
    scopes = allowed_scopes(True, [evaluation_sharing, training_without], DAY)
    assert "participants:write" in scopes
    assert "participants:sensitive" not in scopes


def test_scopes_follow_the_roles_and_the_data_sharing_clause_in_force() -> None:
    assert allowed_scopes(True, [agreement(frozenset({R.EVALUATION}))], DAY) == BASIC
    assert allowed_scopes(True, [agreement(frozenset({R.REFERRAL}))], DAY) == BASIC | PARTICIPANTS | IDEAS | APPLYING
    assert allowed_scopes(True, [agreement(frozenset({R.FUNDING}))], DAY) == BASIC | {"calls:read", "calls:write"}
    training = agreement(frozenset({R.TRAINING_DELIVERY}), data_sharing=True)
    assert allowed_scopes(True, [training], DAY) == (
        BASIC | PARTICIPANTS | IDEAS | APPLYING | {"participants:sensitive", "training:read", "training:write"}
    )
    assert allowed_scopes(True, [training, agreement(frozenset({R.FUNDING}))], DAY) == set(SCOPES)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: agreement(active=False), id="draft"),
        pytest.param(lambda: agreement(end=date(2026, 5, 31)), id="expired"),
        pytest.param(lambda: agreement(start=date(2026, 6, 2)), id="not-yet-started"),
    ],
)
def test_no_scope_without_an_agreement_in_force(make: object) -> None:
    assert allowed_scopes(True, [make()], DAY) == frozenset()


def test_no_scope_for_a_suspended_partner_or_after_termination() -> None:
    subject = agreement(frozenset({R.REFERRAL}), data_sharing=True)
    assert allowed_scopes(False, [subject], DAY) == frozenset()
    subject.terminate("cierre", DAY, at(DAY))
    assert allowed_scopes(True, [subject], DAY) == frozenset()
    assert allowed_scopes(True, [], DAY) == frozenset()


def test_scopes_narrow_when_an_amendment_removes_the_roles_behind_them() -> None:
    subject = agreement(frozenset({R.REFERRAL, R.EVALUATION}), data_sharing=True)
    subject.amend(reason="sin derivación", effective_from=DAY, roles_removed={R.REFERRAL}, now=at(START))
    assert "participants:read" in allowed_scopes(True, [subject], DAY - timedelta(days=1))
    assert allowed_scopes(True, [subject], DAY) == BASIC


# --- roles a user may grant ------------------------------------------------------------------------------------------


def user(role: Role) -> Principal:
    partner_id = None if role is Role.ADMIN else PARTNER
    return Principal(kind=PrincipalKind.USER, id=uuid.uuid4(), role=role, partner_id=partner_id)


@pytest.mark.parametrize("granter", list(Role))
@pytest.mark.parametrize("granted", list(Role))
def test_nobody_grants_a_role_above_their_own_and_only_the_operator_grants_admin(granter: Role, granted: Role) -> None:
    expected = granter is Role.ADMIN if granted is Role.ADMIN else ROLE_RANK[granted] <= ROLE_RANK[granter]
    assert may_grant_role(user(granter), granted) == expected


def test_a_partner_manager_may_grant_every_partner_role_but_not_admin() -> None:
    manager = user(Role.PARTNER_MANAGER)
    assert {role for role in Role if may_grant_role(manager, role)} == set(Role) - {Role.ADMIN}
    staff = user(Role.PARTNER_STAFF)
    assert not may_grant_role(staff, Role.PARTNER_MANAGER)


@pytest.mark.parametrize("granted", list(Role))
def test_api_clients_grant_no_role(granted: Role) -> None:
    machine = Principal(
        kind=PrincipalKind.CLIENT, id=uuid.uuid4(), role=None, partner_id=PARTNER, scopes=frozenset(SCOPES)
    )
    assert not may_grant_role(machine, granted)


@given(st.sampled_from(list(Role)), st.sampled_from(list(Role)))
def test_granting_is_never_an_escalation(granter: Role, granted: Role) -> None:
    assume(granter is not Role.ADMIN)
    if may_grant_role(user(granter), granted):
        assert ROLE_RANK[granted] <= ROLE_RANK[granter]
        assert granted is not Role.ADMIN
