"""Individual scoring order, prediction truth and round rankings (pure, streaming)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial

from chalicelib.contest.records import Struct

PREDICTION_TARGETS = ("perfect_participants", "participants", "submissions")
CATEGORIES = ("official", "citizen")

SortKey = Callable[["ScoredAttempt"], tuple]


class ScoredAttempt(Struct, frozen=True):
    """An accepted, scored attempt."""

    attempt_id: str
    participant_id: str
    unit_id: str
    category: str
    correct: int
    total: int
    duration_ms: int
    submitted_at: int
    prediction: int

    @property
    def is_perfect(self) -> bool:
        """Every question of the attempt was answered correctly."""
        return self.total > 0 and self.correct == self.total


def live_key(a: ScoredAttempt) -> tuple:
    """Live order (smaller is better): correct, duration, submission time, id."""
    return (-a.correct, a.duration_ms, a.submitted_at, a.attempt_id)


def final_key(a: ScoredAttempt, truth: int) -> tuple:
    """Final order: like the live one, with the prediction distance after `correct`."""
    return (-a.correct, abs(a.prediction - truth), a.duration_ms, a.submitted_at, a.attempt_id)


def is_better(a: ScoredAttempt, b: ScoredAttempt, key: SortKey) -> bool:
    """True when `a` ranks strictly before `b` under `key`."""
    return key(a) < key(b)


def prediction_truth(attempts: Iterable[ScoredAttempt], target: str) -> int:
    """The value predictions are measured against, for `target`."""
    if target not in PREDICTION_TARGETS:
        raise ValueError(f"unknown prediction target: {target!r}")
    if target == "submissions":
        return sum(1 for _ in attempts)
    if target == "participants":
        return len({a.participant_id for a in attempts})
    return len({a.participant_id for a in attempts if a.is_perfect})


def best_per_participant(
    attempts: Iterable[ScoredAttempt], key: SortKey
) -> dict[str, ScoredAttempt]:
    """Each participant's best attempt under `key`."""
    best: dict[str, ScoredAttempt] = {}
    for attempt in attempts:
        current = best.get(attempt.participant_id)
        if current is None or is_better(attempt, current, key):
            best[attempt.participant_id] = attempt
    return best


class RankedEntry(Struct, frozen=True):
    """A participant's best attempt with its overall and per-category rank."""

    rank: int
    category_rank: int
    attempt: ScoredAttempt


def rank_attempts(best: Iterable[ScoredAttempt], key: SortKey) -> list[RankedEntry]:
    """Number one-per-participant best attempts, overall and within each category."""
    seen_per_category: Counter[str] = Counter()
    entries = []
    for rank, attempt in enumerate(sorted(best, key=key), start=1):
        seen_per_category[attempt.category] += 1
        entries.append(RankedEntry(rank, seen_per_category[attempt.category], attempt))
    return entries


class FinalRanking(Struct, frozen=True):
    """The ranking published when a round closes."""

    truth: int
    entries: list[RankedEntry]


def final_ranking(
    load_attempts: Callable[[], Iterable[ScoredAttempt]], target: str
) -> FinalRanking:
    """Two passes over the accepted attempts: the prediction truth, then the final bests."""
    truth = prediction_truth(load_attempts(), target)
    key = partial(final_key, truth=truth)
    best = best_per_participant(load_attempts(), key)
    return FinalRanking(truth=truth, entries=rank_attempts(best.values(), key))
