"""What an import keeps of the rows it has handled, until it ends: an in-memory `ImportLedger`.

Each batch, once handled, is settled into the ledger: its rows' report entries, the identifier keys its rows claimed
(a later row repeating one is refused), the people it created, and in a dry run (which writes nothing for later
batches to find in the registry) their sketches. The importer itself holds one batch at a time. This ledger keeps all
of it in memory, for small files and tests; the adapters' ledger keeps it in a temporary file, so that a file of any
size holds memory to a few batches.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date

from emprende.domain.participants.matching import PersonSketch
from emprende.services.imports.report import RowReport


class MemoryImportLedger:
    """An `ImportLedger` in the process's memory."""

    def __init__(self) -> None:
        self._reports: list[RowReport] = []
        self._claims: dict[str, uuid.UUID] = {}
        self._created: set[uuid.UUID] = set()
        self._people: list[tuple[uuid.UUID, PersonSketch]] = []
        self._by_day: dict[date, list[int]] = {}  # positions in _people
        self._by_phone: dict[str, list[int]] = {}

    def settle(
        self,
        reports: Sequence[RowReport],
        claims: Mapping[str, uuid.UUID],
        created: Iterable[uuid.UUID],
        people: Sequence[tuple[uuid.UUID, PersonSketch]],
    ) -> None:
        self._reports += reports
        self._claims.update(claims)
        self._created.update(created)
        for person in people:
            position, sketch = len(self._people), person[1]
            self._people.append(person)
            if sketch.birth_date is not None:
                self._by_day.setdefault(sketch.birth_date, []).append(position)
            if sketch.phone is not None:
                self._by_phone.setdefault(sketch.phone, []).append(position)

    def claimed(self, keys: Sequence[str]) -> dict[str, uuid.UUID]:
        return {key: self._claims[key] for key in keys if key in self._claims}

    def created_among(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        return {each for each in ids if each in self._created}

    def people_like(self, days: Sequence[date], phones: Sequence[str]) -> list[tuple[uuid.UUID, PersonSketch]]:
        positions: set[int] = set()
        for day in days:
            positions.update(self._by_day.get(day, ()))
        for phone in phones:
            positions.update(self._by_phone.get(phone, ()))
        return [self._people[position] for position in sorted(positions)]

    def reports(self) -> Iterator[RowReport]:
        return iter(self._reports)

    def close(self) -> None:
        self._reports, self._claims, self._created, self._people = [], {}, set(), []
        self._by_day, self._by_phone = {}, {}
