"""The Washington Group Short Set and its recommended disability cut-off."""

from __future__ import annotations

import itertools
from dataclasses import fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emprende.domain.participants.disability import Difficulty, Domain, WashingtonGroupShortSet
from emprende.domain.shared.errors import InvalidInput

ANSWERS: list[Difficulty | None] = [None, *Difficulty]
SEVERE = {Difficulty.A_LOT_OF_DIFFICULTY, Difficulty.CANNOT_DO_AT_ALL}


def expected_cutoff(answers: tuple[Difficulty | None, ...]) -> bool | None:
    if any(answer in SEVERE for answer in answers):
        return True
    if None in answers:
        return None
    return False


def test_fields_are_the_six_domains_in_order() -> None:
    assert [item.name for item in fields(WashingtonGroupShortSet)] == [domain.value for domain in Domain]
    assert len(Domain) == 6


def test_cutoff_table_over_every_combination_in_one_pass() -> None:
    # 5 ** 6 = 15625 combinations, counted so that the table itself is checked, not only the predicate.
    outcomes: dict[bool | None, int] = {True: 0, False: 0, None: 0}
    for combination in itertools.product(ANSWERS, repeat=len(Domain)):
        result = WashingtonGroupShortSet(*combination).has_disability
        assert result is expected_cutoff(combination), combination
        outcomes[result] += 1
    assert outcomes[False] == 2**6  # every domain answered "no" or "some" difficulty
    assert outcomes[None] == 3**6 - 2**6  # None/no/some in every domain, at least one None
    assert outcomes[True] == 5**6 - 3**6  # at least one severe answer


def test_examples() -> None:
    assert WashingtonGroupShortSet().has_disability is None
    assert WashingtonGroupShortSet(walking=Difficulty.CANNOT_DO_AT_ALL).has_disability is True
    assert WashingtonGroupShortSet(hearing=Difficulty.A_LOT_OF_DIFFICULTY).has_disability is True
    everything_some = WashingtonGroupShortSet(*([Difficulty.SOME_DIFFICULTY] * 6))
    assert everything_some.has_disability is False
    assert WashingtonGroupShortSet(*([Difficulty.NO_DIFFICULTY] * 5)).has_disability is None


@given(
    st.dictionaries(st.sampled_from([d.value for d in Domain]), st.sampled_from([None, *(d.value for d in Difficulty)]))
)
def test_from_answers_round_trips(answers: dict[str, str | None]) -> None:
    wgss = WashingtonGroupShortSet.from_answers(answers)
    full = wgss.answers()
    assert list(full) == [domain.value for domain in Domain]
    assert full == {domain.value: answers.get(domain.value) for domain in Domain}
    assert WashingtonGroupShortSet.from_answers(full) == wgss


def test_from_answers_reads_values() -> None:
    wgss = WashingtonGroupShortSet.from_answers(
        {"self_care": "cannot_do_at_all", "seeing": None, "hearing": "no_difficulty"}
    )
    assert wgss.self_care is Difficulty.CANNOT_DO_AT_ALL
    assert wgss.seeing is None
    assert wgss.hearing is Difficulty.NO_DIFFICULTY
    assert wgss.answers()["self_care"] == "cannot_do_at_all"
    assert type(wgss.answers()["self_care"]) is str


def test_answers_of_an_empty_set() -> None:
    assert WashingtonGroupShortSet().answers() == dict.fromkeys((d.value for d in Domain), None)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"smelling": "no_difficulty"}, "disability.smelling"),
        ({"Seeing": "no_difficulty"}, "disability.Seeing"),
        ({"self-care": None}, "disability.self-care"),
        ({"seeing": "yes"}, "disability.seeing"),
        ({"walking": "A_LOT_OF_DIFFICULTY"}, "disability.walking"),
        ({"hearing": ""}, "disability.hearing"),
        ({"hearing": "no_difficulty", "remembering": "some"}, "disability.remembering"),
        ({"communicating": 1}, "disability.communicating"),
        ({"communicating": ["no_difficulty"]}, "disability.communicating"),
    ],
)
def test_from_answers_errors(answers: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        WashingtonGroupShortSet.from_answers(answers)
    assert caught.value.field == field
    assert caught.value.code == "invalid_disability_answer"


def test_is_immutable() -> None:
    wgss = WashingtonGroupShortSet()
    with pytest.raises(AttributeError):
        wgss.seeing = Difficulty.NO_DIFFICULTY
