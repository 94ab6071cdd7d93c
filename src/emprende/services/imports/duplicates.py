"""Probable duplicates among imported people: blocking by birth date and phone, a name screen, the domain's decision.

Each new person is compared with the live people born the same day or sharing the phone (the registry's blocks, looked
up once per batch) and with the batch's earlier people. A registry day block (about 60 people in a registry of a
million) is screened by name in one call into rapidfuzz; `duplicate_reasons` decides on whoever is left, so the pairs
are exactly those it would flag comparing everyone in the blocks. Every pair is queued for review; the report names
only the people the importing principal may see (the blocks say which, see `RegistrySketches`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy
from rapidfuzz import fuzz, process

from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.matching import PROBABLE_DUPLICATE_THRESHOLD, PersonSketch, duplicate_reasons
from emprende.services.imports.ports import RegistrySketches

# `key_similarity` scores with token_set_ratio or token_sort_ratio; token_ratio is the larger of the two, so screening
# with it drops no pair `duplicate_reasons` would flag. One point below the threshold absorbs any rounding.
_SCREEN_CUTOFF = PROBABLE_DUPLICATE_THRESHOLD - 1.0
NO_SKETCHES = RegistrySketches({}, [])


def similar_names(key: str, keys: Sequence[str]) -> list[int]:
    """Positions of the name keys that may score at or above the probable-duplicate threshold against `key`, in order.

    One rapidfuzz `cdist` call, which scores the whole block without holding the GIL: run from a worker thread, the
    screen goes on while the event loop's thread validates and writes."""
    if not keys:
        return []
    scores = process.cdist((key,), keys, scorer=fuzz.token_ratio, score_cutoff=_SCREEN_CUTOFF, workers=1)
    return [int(index) for index in numpy.flatnonzero(scores[0])]  # below the cutoff a score is 0


def screen_blocks(people: Sequence[tuple[uuid.UUID, PersonSketch]], known: RegistrySketches) -> list[list[int]]:
    """For each (id, sketch) person, the positions in the registry's block of its birth date of the people whose names
    pass `similar_names` (none without a block)."""
    screened: list[list[int]] = []
    for _, sketch in people:
        block = known.born_on.get(sketch.birth_date) if sketch.birth_date is not None else None
        screened.append(similar_names(sketch.name_key, block.name_keys) if block is not None else [])
    return screened


def blocking_keys(people: Sequence[tuple[uuid.UUID, PersonSketch]]) -> tuple[list[date], list[str]]:
    """The birth dates and phones to look the blocks of these (id, sketch) people up by."""
    days = sorted({person.birth_date for _, person in people if person.birth_date is not None})
    phones = sorted({person.phone for _, person in people if person.phone is not None})
    return days, phones


@dataclass(slots=True)
class EarlierPeople:
    """People met before, by birth date and by phone: compared in full with each person after them."""

    by_day: dict[date, list[tuple[uuid.UUID, PersonSketch]]] = field(default_factory=dict)
    by_phone: dict[str, list[tuple[uuid.UUID, PersonSketch]]] = field(default_factory=dict)

    def add(self, person: tuple[uuid.UUID, PersonSketch]) -> None:
        sketch = person[1]
        if sketch.birth_date is not None:
            self.by_day.setdefault(sketch.birth_date, []).append(person)
        if sketch.phone is not None:
            self.by_phone.setdefault(sketch.phone, []).append(person)


@dataclass(frozen=True, slots=True)
class PersonPairs:
    """One imported person's probable duplicates: every pair to queue, and the others the importer may be told of."""

    pairs: list[DuplicateCandidate]
    shown: tuple[uuid.UUID, ...]


def probable_duplicates(
    people: Sequence[tuple[uuid.UUID, PersonSketch]],
    known: RegistrySketches,
    now: datetime,
    screened: Sequence[list[int]] | None = None,
    earlier: EarlierPeople | None = None,
) -> Iterator[PersonPairs]:
    """For each (id, sketch) person, in order, the pairs to queue: with the registry's blocks and with the people
    before it. Lazily: each person's pairs are worked out when they are asked for. `screened` is `screen_blocks` of
    the same people and blocks, when it was run beforehand. The people before it are `earlier`'s, to which these
    people are added as they go (a caller keeps it from one batch to the next), else the batch's earlier ones.

    Every pair is queued; only the registry's people the blocks mark visible (and the file's own) are `shown`."""
    if earlier is None:
        earlier = EarlierPeople()
    by_day, by_phone = earlier.by_day, earlier.by_phone
    registry_phones: dict[str, list[tuple[uuid.UUID, PersonSketch, bool]]] = {}
    for pid, sketch, visible in known.with_phone:
        if sketch.phone is not None:
            registry_phones.setdefault(sketch.phone, []).append((pid, sketch, visible))
    for position, (person_id, sketch) in enumerate(people):
        day, phone = sketch.birth_date, sketch.phone
        candidates: dict[uuid.UUID, PersonSketch] = {}
        hidden: set[uuid.UUID] = set()
        if day is not None:
            if (block := known.born_on.get(day)) is not None:
                # Someone screened out here has a dissimilar name, and someone kept here comes without a phone: if
                # they share this person's phone, the phone block below brings them (back) with it.
                kept = similar_names(sketch.name_key, block.name_keys) if screened is None else screened[position]
                flags = block.visible
                for index in kept:
                    other_id = block.ids[index]
                    candidates[other_id] = PersonSketch(block.name_keys[index], day, None)
                    if flags is not None and not flags[index]:
                        hidden.add(other_id)
            candidates.update(by_day.get(day, ()))
            by_day.setdefault(day, []).append((person_id, sketch))
        if phone is not None:
            for other_id, other, visible in registry_phones.get(phone, ()):
                candidates[other_id] = other
                if not visible:
                    hidden.add(other_id)
            same_phone = by_phone.setdefault(phone, [])
            candidates.update(same_phone)
            same_phone.append((person_id, sketch))
        candidates.pop(person_id, None)
        found: list[DuplicateCandidate] = []
        for other_id, other in candidates.items():
            reasons, similarity = duplicate_reasons(sketch, other)
            if reasons:
                found.append(
                    DuplicateCandidate(
                        participant_id=person_id,
                        other_id=other_id,
                        reasons=frozenset(reasons),
                        similarity=similarity,
                        now=now,
                    )
                )
        yield PersonPairs(found, tuple(pair.other_id for pair in found if pair.other_id not in hidden))
