"""The import's name screen: one rapidfuzz call per birth-date block keeps every pair `duplicate_reasons` would flag."""

from __future__ import annotations

import datetime
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from emprende.domain.participants.matching import (
    PROBABLE_DUPLICATE_THRESHOLD,
    PersonSketch,
    duplicate_reasons,
    key_similarity,
    name_key,
)
from emprende.services.imports.duplicates import probable_duplicates, similar_names
from emprende.services.imports.ports import NameBlock, RegistrySketches

DAY = datetime.date(1990, 5, 17)
WORDS = [
    "maria",
    "mario",
    "jose",
    "ana",
    "luis",
    "luisa",
    "perez",
    "peres",
    "gomez",
    "gomes",
    "quispe",
    "de",
    "la",
    "cruz",
    "yusleidy",
    "yuslady",
    "carolina",
    "hernandez",
    "fernandez",
    "pena",
    "juan",
    "carlos",
    "pablo",
    "del",
    "pozo",
]
# Name keys as they are stored: lower-case words separated by single spaces, one to five words, typos included.
keys = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
typos = st.builds(lambda key, cut: key[:cut] + key[cut + 1 :], keys, st.integers(0, 12))


def flagged(key: str, others: list[str]) -> list[int]:
    sketch = PersonSketch(key, DAY, None)
    return [i for i, other in enumerate(others) if duplicate_reasons(sketch, PersonSketch(other, DAY, None))[0]]


@settings(max_examples=300)
@given(keys, st.lists(st.one_of(keys, typos), max_size=40))
def test_the_screen_keeps_every_name_the_duplicate_check_flags(key: str, others: list[str]) -> None:
    kept = similar_names(key, others)
    assert set(flagged(key, others)) <= set(kept)
    assert kept == sorted(kept)  # in block order: the report lists duplicates in a stable order


@settings(max_examples=300)
@given(st.one_of(keys, typos, st.text(max_size=30)), st.one_of(keys, typos, st.text(max_size=30)))
def test_the_screen_never_scores_below_the_domain(a: str, b: str) -> None:
    if key_similarity(a, b) >= PROBABLE_DUPLICATE_THRESHOLD:
        assert similar_names(a, [b]) == [0]


def test_the_screen_drops_unrelated_names() -> None:
    block = [name_key(given, family) for given, family in [("Ana", "Pérez"), ("Luis", "Quispe"), ("Ana", "Peres")]]
    assert similar_names(name_key("Ana", "Pérez"), block) == [0, 2]
    assert similar_names(name_key("Carlos", "Hernández"), block) == []
    assert similar_names("ana perez", []) == []


@settings(max_examples=200)
@given(
    st.lists(st.tuples(st.one_of(keys, typos), st.booleans(), st.booleans(), st.booleans()), max_size=12),
    st.one_of(keys, typos),
    st.booleans(),
)
def test_every_pair_is_queued_and_only_visible_people_are_shown(
    registry: list[tuple[str, bool, bool, bool]], key: str, with_phone: bool
) -> None:
    """Registry people born the same day: (name key, whether the importer sees them, whether they share the phone,
    whether the birth-date block holds them). The pairs are exactly the domain's; the report names the visible ones."""
    phone = "+593991234567"
    people = [
        (uuid.uuid4(), PersonSketch(other, DAY, phone if shares else None), seen, in_block)
        for other, seen, shares, in_block in registry
    ]
    block = [(pid, sketch.name_key, seen) for pid, sketch, seen, in_block in people if in_block]
    known = RegistrySketches(
        {DAY: NameBlock([pid for pid, _, _ in block], [k for _, k, _ in block], [v for _, _, v in block])},
        [(pid, sketch, seen) for pid, sketch, seen, _ in people if sketch.phone is not None],
    )
    me = PersonSketch(key, DAY, phone if with_phone else None)
    [found] = probable_duplicates([(uuid.uuid4(), me)], known, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))

    compared = {}  # whom the person is compared with, as the blocks bring them: by phone, else by birth date
    for pid, sketch, _, in_block in people:
        if with_phone and sketch.phone is not None:
            compared[pid] = sketch
        elif in_block:
            compared[pid] = PersonSketch(sketch.name_key, DAY, None)
    expected = {pid for pid, other in compared.items() if duplicate_reasons(me, other)[0]}
    assert {pair.other_id for pair in found.pairs} == expected
    seen = {pid for pid, _, visible, _ in people if visible}
    assert list(found.shown) == [pair.other_id for pair in found.pairs if pair.other_id in seen]
