"""Finalization at any size, as a map over shards and a streaming merge (pure: no storage, no clock).

The accepted attempts are partitioned by participant, so a participant's attempts meet in one shard and every
"distinct participants" count adds up across shards. Each shard's attempts are read once (`first_pass`): it
counts what the prediction truth is made of and each unit's submissions, and keeps each participant's
candidates, the few attempts that can still be their final best whatever the truth. The second pass, knowing
the truth, goes over the candidates only (`final_bests`). The shards' bests, each sorted by the final order, are
merged in that order by a streaming k-way merge (`merge_ranked`), so memory holds one shard at a time and the
merge a batch per shard.

Participants in `excluded` (disqualified: issue 11) are left out of the truth, the ranking and the unit counts.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Set
from typing import Any, NamedTuple, TypeVar

from chalicelib.contest.ranking import PREDICTION_TARGETS
from chalicelib.contest.records import Struct, field
from chalicelib.contest.units import UnitTally

Row = TypeVar("Row", bound=tuple[Any, ...])
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
    """The final order (smaller is better): correct, prediction distance, then `tie_break`."""
    def key(a: Accepted) -> tuple:
        return (-a.correct, abs(a.prediction - truth), *tie_break(a))
    return key


def tie_break(a: Accepted) -> tuple:
    """The final order after correct answers and the prediction's distance: duration, submission time, id."""
    return a.duration_ms, a.submitted_at, a.attempt_id


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


def total_truth(parts: Iterable[TruthCounts], target: str) -> int:
    return sum(parts, TruthCounts()).truth(target)


class FirstPass(Struct):
    """Pass one over a shard, the only one over its attempts."""

    counts: TruthCounts
    candidates: dict[str, list[Accepted]]   # participant → the attempts that can still be their final best
    submissions: dict[str, int]             # unit → its own submissions
    attempts: int                           # every attempt read, the excluded participants' too


def first_pass(attempts: Iterable[Accepted], excluded: Set[str] = NOBODY) -> FirstPass:
    """What the truth is made of, each unit's submissions and each participant's candidates: of their attempts with
    the most correct answers, for each prediction the first in `tie_break` (the truth, unknown until every shard
    is counted, weighs only the distance of the prediction; any other attempt of theirs is behind one of these
    whatever it is). A participant keeps at most as many candidates as distinct predictions."""
    candidates: dict[str, list[Accepted]] = {}
    submissions: dict[str, int] = {}
    perfect: set[str] = set()
    count = 0
    for a in attempts:                  # millions: plain counters here
        count += 1
        pid = a.participant_id
        if pid in excluded:
            continue
        submissions[a.unit_id] = submissions.get(a.unit_id, 0) + 1
        if a.is_perfect:
            perfect.add(pid)
        kept = candidates.get(pid)
        if kept is None or a.correct > kept[0].correct:
            candidates[pid] = [a]
        elif a.correct == kept[0].correct:
            _keep(kept, a)
    counts = TruthCounts(len(candidates), len(perfect), sum(submissions.values()))
    return FirstPass(counts, candidates, submissions, count)


def _keep(kept: list[Accepted], a: Accepted) -> None:
    """`a` among a participant's candidates, all with as many correct answers as it."""
    for i, other in enumerate(kept):
        if other.prediction == a.prediction:
            if tie_break(a) < tie_break(other):
                kept[i] = a
            return
    kept.append(a)


class ShardResult(Struct):
    """Pass two over a shard: each participant's final best (sorted by the final order) and the counters of each
    unit's own participants and submissions (not rolled up the tree: the merge does that once)."""

    bests: list[Accepted] = field(default_factory=list)
    units: dict[str, UnitTally] = field(default_factory=dict)


def final_bests(candidates: Iterable[Accepted], truth: int, submissions: dict[str, int]) -> ShardResult:
    """Pass two, over the candidates of `first_pass` (and its `submissions`): each participant's final best."""
    key = final_order(truth)
    best: dict[str, tuple[tuple, Accepted]] = {}
    for a in candidates:
        k = key(a)
        current = best.get(a.participant_id)
        if current is None or k < current[0]:
            best[a.participant_id] = (k, a)
    result = ShardResult(units={uid: UnitTally(submissions=n) for uid, n in submissions.items()})
    result.bests = [a for _, a in sorted(best.values(), key=lambda pair: pair[0])]
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


def merge_ranked(runs: Iterable[Iterable[list[Row]]],
                 category: Callable[[Row], str]) -> Iterator[list[tuple[int, int, Row]]]:
    """The ranking: the shards' rows (tuples that compare in the final order themselves), each shard's read in
    sorted batches, merged in that order and numbered overall and within their category, in batches."""
    per_category: dict[str, int] = {}
    rank = 0
    for batch in merge_batches(runs):
        numbered = []
        for row in batch:
            rank += 1
            c = category(row)
            per_category[c] = n = per_category.get(c, 0) + 1
            numbered.append((rank, n, row))
        yield numbered


def merge_batches(runs: Iterable[Iterable[list[Row]]]) -> Iterator[list[Row]]:
    """Sorted runs, each read in sorted batches, merged into sorted batches. Each round takes from every run's
    buffered batch the rows up to the smallest of the buffers' last rows, which no row still unread can come
    before (a run's later rows come after its buffer's last), and sorts them: Timsort merges those runs in C, a
    few times cheaper a row than heapq.merge's loop in Python. Memory: a batch per run."""
    sources = [iter(run) for run in runs]
    buffers = {i: (batch, 0) for i, source in enumerate(sources) if (batch := _next_batch(source))}
    while buffers:
        bound = min(batch[-1] for batch, _ in buffers.values())
        taken: list[Row] = []
        for i, (batch, start) in list(buffers.items()):
            end = bisect_right(batch, bound, start)
            taken += batch[start:end]
            if end < len(batch):
                buffers[i] = (batch, end)
            elif following := _next_batch(sources[i]):
                buffers[i] = (following, 0)
            else:
                del buffers[i]
        taken.sort()
        yield taken


def _next_batch(source: Iterator[list[Row]]) -> list[Row] | None:
    """A run's next non-empty batch, or None at its end."""
    return next((batch for batch in source if batch), None)


def task_keys(shard_keys: int, tasks: int, task: int) -> list[int]:
    """The index partitions (0 … shard_keys-1) that reduce task `task` of `tasks` reads: every tasks-th one."""
    if not 0 <= task < tasks <= shard_keys:
        raise ValueError(f"task {task} of {tasks} over {shard_keys} partitions")
    return list(range(task, shard_keys, tasks))
