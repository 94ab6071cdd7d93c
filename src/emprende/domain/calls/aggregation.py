"""How reviews add up to a ranking. Per application: the mean, median and standard deviation of its reviews'
weighted totals (a disagreement flag when the spread passes the call's threshold), and the mean of the per-evaluator
z-scores — each total measured against that evaluator's own mean and spread over the call, so harsh and lenient
evaluators weigh alike. Only submitted reviews of evaluators not recused count, for the figures and the quorum."""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from emprende.domain.calls.terms import RankingMethod


@dataclass(frozen=True, slots=True)
class ReviewTotal:
    """A submitted review's weighted total, by an evaluator not recused from the application."""

    application_id: uuid.UUID
    evaluator_id: uuid.UUID
    total: float


@dataclass(frozen=True, slots=True)
class Entry:
    """An application as the ranking sees it."""

    application_id: uuid.UUID
    submitted_at: datetime
    recusals: int = 0


@dataclass(frozen=True, slots=True)
class Figures:
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
        mean = statistics.fmean(values)
        spread = statistics.pstdev(values, mean) if len(values) > 1 else 0.0
        for review in reviews:
            z = (review.total - mean) / spread if spread > 1e-9 else 0.0
            found[(review.application_id, evaluator_id)] = z
    return found


def figures(entries: Sequence[Entry], totals: Sequence[ReviewTotal], *, quorum: int, threshold: float) -> list[Figures]:
    """The figures of every entry (in the entries' order)."""
    z = z_scores(totals)
    by_application: dict[uuid.UUID, list[ReviewTotal]] = defaultdict(list)
    for review in totals:
        by_application[review.application_id].append(review)
    found = []
    for entry in entries:
        reviews = by_application.get(entry.application_id, [])
        values = [review.total for review in reviews]
        stdev = statistics.stdev(values) if len(values) > 1 else (0.0 if values else None)
        found.append(
            Figures(
                application_id=entry.application_id,
                reviews=len(values),
                mean=_rounded(statistics.fmean(values)) if values else None,
                median=_rounded(statistics.median(values)) if values else None,
                stdev=_rounded(stdev),
                z_score=_rounded(statistics.fmean(z[(r.application_id, r.evaluator_id)] for r in reviews))
                if reviews
                else None,
                disagreement=stdev is not None and stdev > threshold,
                below_quorum=len(values) < quorum,
                recusals=entry.recusals,
            )
        )
    return found


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def rank(entries: Sequence[Entry], found: Sequence[Figures], method: RankingMethod) -> list[Figures]:
    """The figures best first by the call's method; applications without reviews last. Ties go to the higher mean,
    then to the earlier submission, then by id, so a ranking is reproducible."""
    submitted: Mapping[uuid.UUID, datetime] = {entry.application_id: entry.submitted_at for entry in entries}

    def key(item: Figures) -> tuple[bool, float, float, datetime, uuid.UUID]:
        value = {RankingMethod.MEAN: item.mean, RankingMethod.MEDIAN: item.median, RankingMethod.Z_SCORE: item.z_score}[
            method
        ]
        return (
            value is None,
            -(value or 0.0),
            -(item.mean or 0.0),
            submitted[item.application_id],
            item.application_id,
        )

    ordered = sorted(found, key=key)
    return [replace(item, rank=position) for position, item in enumerate(ordered, start=1)]
