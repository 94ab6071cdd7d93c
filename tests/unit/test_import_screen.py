"""The import's name screen: one rapidfuzz call per birth-date block keeps every pair `duplicate_reasons` would flag."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from emprende.domain.matching import (
    PROBABLE_DUPLICATE_THRESHOLD,
    PersonSketch,
    duplicate_reasons,
    key_similarity,
    name_key,
)
from emprende.services.import_duplicates import similar_names

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
