"""Stored attempts seen through the domain's ranking types."""
from __future__ import annotations

from typing import Callable, Iterable

from chalicelib.contest.ranking import ScoredAttempt
from chalicelib.store.models import AttemptModel


def scored(item: AttemptModel) -> ScoredAttempt:
    return ScoredAttempt(
        attempt_id=item.attempt_id, participant_id=item.participant_id, unit_id=item.unit_id,
        category=item.category, correct=int(item.correct), total=int(item.total),
        duration_ms=int(item.duration_ms), submitted_at=int(item.submitted_at), prediction=int(item.prediction))


def best_of(items: Iterable[AttemptModel], key: Callable[[ScoredAttempt], tuple]) -> AttemptModel | None:
    """The best submitted attempt under `key`, or None."""
    return min(items, key=lambda item: key(scored(item)), default=None)
