"""Normalised search keys and probable-duplicate matching for people (participants).

Names in the registry are Spanish (Ecuadorian, Venezuelan, Colombian): compound given and family names, accents, ñ,
typed in capitals or without accents, sometimes with only one of two given or family names. Everything here is pure:
the persistence layer stores `name_key` (and `initials_key`) in indexed columns, and the duplicate check narrows the
candidates with **blocking keys** before calling `duplicate_reasons` on each:

- the birth date (indexed): candidates for "similar_name_and_birth_date" are only people born the same day;
- the phone in E.164 (indexed): candidates for "same_phone" are only people with that exact number.

The check therefore loads a handful of rows per registration and never scans the registry. `initials_key` can narrow
a large birth-date block further (same date *and* same initials) at the cost of missing a typo in a first letter
("Yohana"/"Johana").
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

# Chosen with tests/unit/test_matching.py: at or above it, two names born the same day are flagged for review. True
# duplicates score 88.9 ("ana perez"/"ana peres") and up; different people sharing a family name or a given name score
# below (e.g. "juan carlos pena"/"juan pablo pena" 83.9, "daniela castillo"/"gabriela castillo" 84.8, twin sisters
# "ana maria perez gomez"/"maria jose perez gomez" 89.5 is the closest call left above it on purpose — a review, not a
# block). One-letter differences in short names ("maria"/"mario", "luis"/"luisa") cannot be told from typos by string
# similarity and score over it; requiring the same birth date is what keeps those flags rare.
PROBABLE_DUPLICATE_THRESHOLD: float = 88.0

SIMILAR_NAME_AND_BIRTH_DATE = "similar_name_and_birth_date"
SAME_PHONE = "same_phone"

_NON_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_": any run of anything else becomes one space


_MARK_TABLE_MAX = 20_000  # distinct code points remembered; names use a few hundred


class _MarkTable(dict[int, int | None]):
    """A `str.translate` table that drops combining marks (category M) and keeps everything else, filled as code
    points are met (bounded: past the limit a code point is looked up every time)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)).startswith("M") else code
        if len(self) < _MARK_TABLE_MAX:
            self[code] = kept
        return kept


_MARKS = _MarkTable()


def _strip_marks(text: str) -> str:
    if text.isascii():  # ASCII has no marks and no decompositions: already its own NFKD
        return text
    return unicodedata.normalize("NFKD", text).translate(_MARKS)


def search_key(text: str) -> str:
    """Return the case- and accent-insensitive search form of `text` ("  PEÑA-Núñez " → "pena nunez")."""
    # NFKD can yield capitals ("Ⅳ" → "IV") and casefold can yield characters that decompose further, so strip marks
    # again after folding: the result is then a fixed point, which keeps the stored key idempotent. lower() after
    # casefold only matters for Cherokee, whose case fold is the capital letter. Checked over every code point.
    folded = _strip_marks(_strip_marks(text).casefold().lower())
    return " ".join(_NON_ALNUM.split(folded)).strip()


def name_key(given_names: str, family_names: str) -> str:
    """Return the search key of a person's full name, as stored in the indexed search column."""
    return search_key(f"{given_names} {family_names}")


def name_similarity(a: str, b: str) -> float:
    """Return how similar two name keys are, from 0 (unrelated) to 100 (same words in any order)."""
    # Scorer: rapidfuzz `token_set_ratio` (on search keys; the default processor=None does no preprocessing). It
    # compares the shared words plus each side's remainder, so it ignores word order ("perez gomez maria" vs
    # "maria perez gomez": 100) and a missing second given or family name ("maria jose perez gomez" vs "maria perez":
    # 100), while a different given name with the same family name stays low ("carlos perez" vs "maria perez": 69.6).
    # `token_sort_ratio` punishes the missing name (66.7) and `WRatio` barely clears it (85.5), so neither fits.
    # token_set_ratio returns 100 whenever one side's words are a subset of the other's, which is too generous for a
    # single word ("perez" vs "carlos perez"): when either side has fewer than two words, use `token_sort_ratio`.
    return key_similarity(search_key(a), search_key(b))


def key_similarity(a: str, b: str) -> float:
    """`name_similarity` for keys that are already search keys (stored name keys), without normalising again."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    if min(a.count(" "), b.count(" ")) == 0:
        return float(fuzz.token_sort_ratio(a, b))
    return float(fuzz.token_set_ratio(a, b))


@dataclass(frozen=True, slots=True)
class PersonSketch:
    """What the duplicate check compares of a person: name key, birth date and E.164 phone."""

    name_key: str
    birth_date: datetime.date | None
    phone: str | None


def duplicate_reasons(candidate: PersonSketch, other: PersonSketch) -> tuple[list[str], float]:
    """Return why `candidate` is probably `other` (empty if not) and the similarity of their names."""
    similarity = key_similarity(candidate.name_key, other.name_key)  # sketches hold stored, normalised keys
    reasons: list[str] = []
    if (
        candidate.birth_date is not None
        and candidate.birth_date == other.birth_date
        and similarity >= PROBABLE_DUPLICATE_THRESHOLD
    ):
        reasons.append(SIMILAR_NAME_AND_BIRTH_DATE)
    if candidate.phone is not None and candidate.phone == other.phone:
        reasons.append(SAME_PHONE)
    return reasons, similarity


def initials_key(given_names: str, family_names: str) -> str:
    """Return a short blocking key: the initials of the first given and first family name, sorted ("mp")."""
    # Sorted so that given and family names typed in each other's field ("Perez" / "Maria") block together, as
    # name_similarity ignores word order too. The duplicate check blocks on birth date and phone (both indexed) and
    # never scans the registry; this key is an optional extra narrowing next to the birth date in the same index.
    return "".join(sorted(search_key(given_names)[:1] + search_key(family_names)[:1]))
