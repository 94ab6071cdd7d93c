"""How reviews add up to a ranking. Per application: the mean, median and standard deviation of its reviews'
weighted totals (a disagreement flag when the spread passes the call's threshold), and the mean of the per-evaluator
z-scores — each total measured against that evaluator's own mean and spread over the call, so harsh and lenient
evaluators weigh alike. Only submitted reviews of evaluators not recused count, for the figures and the quorum."""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from emprende.domain.calls.terms import RankingMethod


# Plain float sums: a handful of totals on 0 to 100 per application, shown to four decimals.
def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _spread(values: Sequence[float], mean: float, *, sample: bool) -> float:
    """The standard deviation: of a sample (n - 1), or of the whole population (n); 0 for a single value."""
    count = len(values) - (1 if sample else 0)
    return math.sqrt(sum([(value - mean) ** 2 for value in values]) / count) if count > 0 else 0.0


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class ReviewTotal(NamedTuple):
    """A submitted review's weighted total, by an evaluator not recused from the application."""

    application_id: uuid.UUID
    evaluator_id: uuid.UUID
    total: float


class Entry(NamedTuple):
    """An application as the ranking sees it."""

    application_id: uuid.UUID
    submitted_at: datetime
    recusals: int = 0


class Figures(NamedTuple):
    application_id: uuid.UUID
    reviews: int
    mean: float | None
    median: float | None
    stdev: float | None
    z_score: float | None
    disagreement: bool
    below_quorum: bool
    recusals: int
    rank: int = 0


def z_scores(totals: Iterable[ReviewTotal]) -> dict[tuple[uuid.UUID, uuid.UUID], float]:
    """Each review's total as a z-score within its evaluator's reviews of the call (0 when the evaluator gave one
    review, or the same total to all)."""
    by_evaluator: dict[uuid.UUID, list[ReviewTotal]] = defaultdict(list)
    for review in totals:
        by_evaluator[review.evaluator_id].append(review)
    found: dict[tuple[uuid.UUID, uuid.UUID], float] = {}
    for evaluator_id, reviews in by_evaluator.items():
        values = [review.total for review in reviews]
        mean = _mean(values)
        spread = _spread(values, mean, sample=False)
        for review in reviews:
            z = (review.total - mean) / spread if spread > 1e-9 else 0.0
            found[(review.application_id, evaluator_id)] = z
    return found


def figures(entries: Sequence[Entry], totals: Sequence[ReviewTotal], *, quorum: int, threshold: float) -> list[Figures]:
    """The figures of every entry (in the entries' order)."""
    z = z_scores(totals)
    by_application: dict[uuid.UUID, list[tuple[float, float]]] = defaultdict(list)
    for review in totals:
        by_application[review.application_id].append((review.total, z[(review.application_id, review.evaluator_id)]))
    found = []
    for entry in entries:
        pairs = by_application.get(entry.application_id)
        if not pairs:
            found.append(Figures(entry.application_id, 0, None, None, None, None, False, quorum > 0, entry.recusals))
            continue
        values = [total for total, _ in pairs]
        mean = _mean(values)
        stdev = _spread(values, mean, sample=True)
        found.append(
            Figures(
                entry.application_id,
                len(values),
                round(mean, 4),
                round(_median(values), 4),
                round(stdev, 4),
                round(_mean([score for _, score in pairs]), 4),
                stdev > threshold,
                len(values) < quorum,
                entry.recusals,
            )
        )
    return found


def rank(entries: Sequence[Entry], found: Sequence[Figures], method: RankingMethod) -> list[Figures]:
    """The figures best first by the call's method; applications without reviews last. Ties go to the higher mean,
    then to the earlier submission, then by id, so a ranking is reproducible."""
    submitted: Mapping[uuid.UUID, datetime] = {entry.application_id: entry.submitted_at for entry in entries}

    field = {RankingMethod.MEAN: "mean", RankingMethod.MEDIAN: "median", RankingMethod.Z_SCORE: "z_score"}[method]

    def key(item: Figures) -> tuple[bool, float, float, datetime, uuid.UUID]:
        value: float | None = getattr(item, field)
        return (
            value is None,
            -(value or 0.0),
            -(item.mean or 0.0),
            submitted[item.application_id],
            item.application_id,
        )

    ordered = sorted(found, key=key)
    return [item._replace(rank=position) for position, item in enumerate(ordered, start=1)]
