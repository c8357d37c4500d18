"""Finalization at any size, as a map over shards and a streaming merge (pure: no storage, no clock).

The accepted attempts are partitioned by participant, so a participant's attempts meet in one shard and every
"distinct participants" count adds up across shards. Each shard is read twice: the first pass counts what the
prediction truth is made of (`count_truth`), the second, knowing the truth, keeps each participant's final best
and the unit counts (`reduce_shard`). The shards' bests, each sorted by the final order, are merged in that order
by a streaming k-way merge (`merge_ranked`), so memory holds one shard at a time and the merge one row per shard.

Participants in `excluded` (disqualified: issue 11) are left out of the truth, the ranking and the unit counts.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Set
from heapq import merge
from typing import NamedTuple, TypeVar

from chalicelib.contest.ranking import PREDICTION_TARGETS
from chalicelib.contest.records import Struct, field
from chalicelib.contest.units import UnitTally

T = TypeVar("T")
NOBODY: frozenset[str] = frozenset()


class Accepted(NamedTuple):
    """An accepted attempt as the accepted-attempts index projects it: only what finalization uses."""

    attempt_id: str
    participant_id: str
    unit_id: str
    category: str
    correct: int
    total: int
    duration_ms: int
    submitted_at: int
    prediction: int
    started_at: int
    flags: tuple[str, ...] = ()

    @property
    def is_perfect(self) -> bool:
        return self.total > 0 and self.correct == self.total


def final_order(truth: int) -> Callable[[Accepted], tuple]:
    """The final order (smaller is better): correct, prediction distance, duration, submission time, id."""
    def key(a: Accepted) -> tuple:
        return (-a.correct, abs(a.prediction - truth), a.duration_ms, a.submitted_at, a.attempt_id)
    return key


class TruthCounts(Struct, frozen=True):
    """What the prediction truth is made of, for one shard or (added up) for the round."""

    participants: int = 0
    perfect_participants: int = 0
    submissions: int = 0

    def __add__(self, other: TruthCounts) -> TruthCounts:
        return TruthCounts(self.participants + other.participants,
                           self.perfect_participants + other.perfect_participants,
                           self.submissions + other.submissions)

    def truth(self, target: str) -> int:
        if target not in PREDICTION_TARGETS:
            raise ValueError(f"unknown prediction target: {target!r}")
        return int(getattr(self, target))


def count_truth(attempts: Iterable[Accepted], excluded: Set[str] = NOBODY) -> TruthCounts:
    """Pass one over a shard. Distinct counts add up across shards because shards split participants."""
    participants: set[str] = set()
    perfect: set[str] = set()
    submissions = 0
    for a in attempts:
        if a.participant_id in excluded:
            continue
        submissions += 1
        participants.add(a.participant_id)
        if a.is_perfect:
            perfect.add(a.participant_id)
    return TruthCounts(len(participants), len(perfect), submissions)


def total_truth(parts: Iterable[TruthCounts], target: str) -> int:
    return sum(parts, TruthCounts()).truth(target)


class ShardResult(Struct):
    """Pass two over a shard: each participant's final best (sorted by the final order) and the counters of each
    unit's own participants and submissions (not rolled up the tree: the merge does that once)."""

    bests: list[Accepted] = field(default_factory=list)
    units: dict[str, UnitTally] = field(default_factory=dict)
    attempts: int = 0


def reduce_shard(attempts: Iterable[Accepted], truth: int, excluded: Set[str] = NOBODY) -> ShardResult:
    key = final_order(truth)
    best: dict[str, tuple[tuple, Accepted]] = {}
    submissions: dict[str, int] = {}
    count = 0
    for a in attempts:                  # millions: plain counters here, the tallies made once at the end
        count += 1
        pid = a.participant_id
        if pid in excluded:
            continue
        submissions[a.unit_id] = submissions.get(a.unit_id, 0) + 1
        k = key(a)
        current = best.get(pid)
        if current is None or k < current[0]:
            best[pid] = (k, a)
    result = ShardResult(attempts=count, units={uid: UnitTally(submissions=n) for uid, n in submissions.items()})
    ordered = sorted(best.values(), key=lambda pair: pair[0])
    result.bests = [a for _, a in ordered]
    for a in result.bests:
        tally = result.units[a.unit_id]
        tally.participants += 1
        tally.officials += a.category == "official"
        tally.citizens += a.category == "citizen"
        tally.sum_best_correct += a.correct
    return result


def add_tallies(into: dict[str, UnitTally], more: dict[str, UnitTally]) -> dict[str, UnitTally]:
    """Adds one shard's own unit counters into `into` (shards split participants, so the counts just add)."""
    for unit_id, tally in more.items():
        into.setdefault(unit_id, UnitTally()).add(tally)
    return into


def merge_ranked(shards: Iterable[Iterable[T]], key: Callable[[T], tuple] | None,
                 category: Callable[[T], str]) -> Iterator[tuple[int, int, T]]:
    """The ranking: the shards' rows, each shard sorted by `key` (None: rows that compare in the order
    themselves), merged in that order (heapq.merge reads one row of each shard at a time) and numbered overall
    and within their category."""
    per_category: dict[str, int] = {}
    for rank, row in enumerate(merge(*shards, key=key), start=1):      # type: ignore[arg-type]  # None: T's order
        c = category(row)
        per_category[c] = n = per_category.get(c, 0) + 1
        yield rank, n, row


def task_keys(shard_keys: int, tasks: int, task: int) -> list[int]:
    """The index partitions (0 … shard_keys-1) that reduce task `task` of `tasks` reads: every tasks-th one."""
    if not 0 <= task < tasks <= shard_keys:
        raise ValueError(f"task {task} of {tasks} over {shard_keys} partitions")
    return list(range(task, shard_keys, tasks))
