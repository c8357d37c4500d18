from __future__ import annotations

from functools import cmp_to_key, partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.ranking import (
    CATEGORIES,
    PREDICTION_TARGETS,
    ScoredAttempt,
    best_per_participant,
    final_key,
    final_ranking,
    is_better,
    live_key,
    prediction_truth,
    rank_attempts,
)
from chalicelib.contest.records import replace


def attempt(attempt_id: str = "a1", participant_id: str = "p1", **fields: object) -> ScoredAttempt:
    defaults = {
        "unit_id": "u1",
        "category": "official",
        "correct": 10,
        "total": 20,
        "duration_ms": 60_000,
        "submitted_at": 1_000,
        "prediction": 100,
    }
    return ScoredAttempt(attempt_id, participant_id, **{**defaults, **fields})


FINAL_100 = partial(final_key, truth=100)


# --- the order, step by step -------------------------------------------------------------


@pytest.mark.parametrize("key", [live_key, FINAL_100])
def test_more_correct_wins_over_everything_else(key) -> None:
    better = attempt("z", correct=11, duration_ms=900_000, submitted_at=9_999, prediction=5_000)
    worse = attempt("a", correct=10, duration_ms=1, submitted_at=1, prediction=100)
    assert is_better(better, worse, key)
    assert not is_better(worse, better, key)


def test_prediction_distance_counts_only_in_final_order() -> None:
    close = attempt("z", prediction=103, duration_ms=70_000)
    far = attempt("a", prediction=90, duration_ms=50_000)
    assert is_better(close, far, FINAL_100)
    assert is_better(far, close, live_key)


def test_prediction_distance_is_absolute() -> None:
    under = attempt("b", prediction=97)
    over = attempt("a", prediction=104)
    assert is_better(under, over, FINAL_100)


@pytest.mark.parametrize("key", [live_key, FINAL_100])
def test_shorter_duration_wins_when_correct_and_distance_tie(key) -> None:
    fast = attempt("z", prediction=95, duration_ms=59_999, submitted_at=5_000)
    slow = attempt("a", prediction=105, duration_ms=60_000, submitted_at=1_000)
    assert is_better(fast, slow, key)


@pytest.mark.parametrize("key", [live_key, FINAL_100])
def test_earlier_submission_wins_when_duration_ties(key) -> None:
    early = attempt("z", submitted_at=1_000)
    late = attempt("a", submitted_at=1_001)
    assert is_better(early, late, key)


@pytest.mark.parametrize("key", [live_key, FINAL_100])
def test_attempt_id_breaks_the_last_tie(key) -> None:
    first = attempt("a-1")
    second = attempt("a-2", participant_id="p2")
    assert is_better(first, second, key)
    assert not is_better(second, first, key)
    assert not is_better(first, first, key)


# --- prediction truth ----------------------------------------------------------------------


CONTEST = [
    attempt("a1", "p1", correct=20, total=20),
    attempt("a2", "p1", correct=20, total=20),  # second perfect attempt of p1: counted once
    attempt("a3", "p1", correct=3, total=20),
    attempt("a4", "p2", correct=19, total=20),
    attempt("a5", "p3", correct=20, total=20),
    attempt("a6", "p4", correct=0, total=0),  # no questions is not perfect
]


@pytest.mark.parametrize(
    ("target", "expected"),
    [("perfect_participants", 2), ("participants", 4), ("submissions", 6)],
)
def test_prediction_truth(target: str, expected: int) -> None:
    assert prediction_truth(iter(CONTEST), target) == expected


def test_prediction_truth_of_nothing_is_zero() -> None:
    assert [prediction_truth([], target) for target in PREDICTION_TARGETS] == [0, 0, 0]


def test_prediction_truth_rejects_unknown_target() -> None:
    with pytest.raises(ValueError):
        prediction_truth(CONTEST, "perfect")


# --- bests and ranks -----------------------------------------------------------------------


def test_final_best_can_differ_from_live_best() -> None:
    fast_far = attempt("a1", "p1", correct=18, duration_ms=100_000, prediction=50)
    slow_close = attempt("a2", "p1", correct=18, duration_ms=400_000, prediction=2)
    weak = attempt("a3", "p1", correct=17, duration_ms=10_000, prediction=3)
    other = attempt("a4", "p2", correct=20, total=20, prediction=0)
    other_perfect = attempt("a5", "p3", correct=20, total=20, prediction=0)
    attempts = [fast_far, slow_close, weak, other, other_perfect]

    assert best_per_participant(attempts, live_key)["p1"] == fast_far
    ranking = final_ranking(lambda: iter(attempts), "perfect_participants")
    assert ranking.truth == 2
    assert [e.attempt for e in ranking.entries] == [other, other_perfect, slow_close]


def test_best_per_participant_keeps_one_per_participant() -> None:
    attempts = [
        attempt("a1", "p1", correct=5),
        attempt("a2", "p2", correct=7),
        attempt("a3", "p1", correct=9),
        attempt("a4", "p1", correct=9, duration_ms=1),
    ]
    best = best_per_participant(attempts, live_key)
    assert {pid: a.attempt_id for pid, a in best.items()} == {"p1": "a4", "p2": "a2"}


def test_rank_attempts_numbers_overall_and_per_category() -> None:
    best = [
        attempt("a1", "p1", category="citizen", correct=15),
        attempt("a2", "p2", category="official", correct=19),
        attempt("a3", "p3", category="citizen", correct=18),
        attempt("a4", "p4", category="official", correct=12),
        attempt("a5", "p5", category="citizen", correct=20),
    ]
    ranked = rank_attempts(best, live_key)
    assert [(e.rank, e.category_rank, e.attempt.participant_id) for e in ranked] == [
        (1, 1, "p5"),
        (2, 1, "p2"),
        (3, 2, "p3"),
        (4, 3, "p1"),
        (5, 2, "p4"),
    ]


def test_final_ranking_reads_the_attempts_twice() -> None:
    calls = []

    def load():
        calls.append(1)
        return (a for a in CONTEST)

    ranking = final_ranking(load, "submissions")
    assert len(calls) == 2
    assert ranking.truth == 6
    assert [e.attempt.participant_id for e in ranking.entries] == ["p1", "p3", "p2", "p4"]


# --- properties ----------------------------------------------------------------------------

small = st.integers(min_value=0, max_value=3)

attempt_fields = st.fixed_dictionaries(
    {
        "participant_id": st.sampled_from(["p1", "p2", "p3", "p4", "p5", "p6"]),
        "correct": small,
        "duration_ms": small,
        "submitted_at": small,
        "prediction": small,
    }
)


@st.composite
def contests(draw) -> list[ScoredAttempt]:
    """Random contests with unique attempt ids and many ties on every field but the id."""
    rows = draw(st.lists(attempt_fields, max_size=25))
    ids = draw(st.permutations([f"a{i:02d}" for i in range(len(rows))]))
    profile = {
        pid: (draw(st.sampled_from(["u1", "u2", "u3"])), draw(st.sampled_from(CATEGORIES)))
        for pid in sorted({row["participant_id"] for row in rows})
    }
    return [
        ScoredAttempt(
            attempt_id=attempt_id,
            unit_id=profile[row["participant_id"]][0],
            category=profile[row["participant_id"]][1],
            total=3,
            **row,
        )
        for attempt_id, row in zip(ids, rows, strict=True)
    ]


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def rules_compare(a: ScoredAttempt, b: ScoredAttempt, truth: int | None) -> int:
    """The rules' order, written step by step: negative when `a` is better."""
    if a.correct != b.correct:
        return _sign(b.correct - a.correct)
    if truth is not None:
        distance_a, distance_b = abs(a.prediction - truth), abs(b.prediction - truth)
        if distance_a != distance_b:
            return _sign(distance_a - distance_b)
    for field in ("duration_ms", "submitted_at", "attempt_id"):
        x, y = getattr(a, field), getattr(b, field)
        if x != y:
            return -1 if x < y else 1
    return 0


def brute_force_ranking(attempts: list[ScoredAttempt], truth: int | None) -> list[tuple]:
    """Sort every attempt, keep each participant's first, number overall and per category."""
    ordered = sorted(attempts, key=cmp_to_key(lambda a, b: rules_compare(a, b, truth)))
    bests: list[ScoredAttempt] = []
    for a in ordered:
        if all(b.participant_id != a.participant_id for b in bests):
            bests.append(a)
    return [
        (i + 1, sum(1 for b in bests[: i + 1] if b.category == a.category), a.attempt_id)
        for i, a in enumerate(bests)
    ]


def brute_force_truth(attempts: list[ScoredAttempt], target: str) -> int:
    if target == "submissions":
        return len(attempts)
    if target == "participants":
        return len({a.participant_id for a in attempts})
    return len({a.participant_id for a in attempts if a.total > 0 and a.correct == a.total})


def as_tuples(entries) -> list[tuple]:
    return [(e.rank, e.category_rank, e.attempt.attempt_id) for e in entries]


@given(st.lists(attempt_fields, min_size=3, max_size=3), st.integers(0, 3))
def test_orders_are_strict_total_orders(rows, truth: int) -> None:
    a, b, c = (
        ScoredAttempt(attempt_id=f"a{i}", unit_id="u", category="official", total=3, **row)
        for i, row in enumerate(rows)
    )
    for key in (live_key, partial(final_key, truth=truth)):
        for x, y in ((a, b), (b, c), (a, c)):
            assert is_better(x, y, key) != is_better(y, x, key)  # total and antisymmetric
        for x in (a, b, c):
            assert not is_better(x, x, key)
        for x, y, z in ((a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)):
            if is_better(x, y, key) and is_better(y, z, key):
                assert is_better(x, z, key)


@given(contests())
def test_live_ranking_matches_brute_force(attempts: list[ScoredAttempt]) -> None:
    ranked = rank_attempts(best_per_participant(attempts, live_key).values(), live_key)
    assert as_tuples(ranked) == brute_force_ranking(attempts, truth=None)


@given(contests(), st.sampled_from(PREDICTION_TARGETS))
def test_final_ranking_matches_brute_force(attempts: list[ScoredAttempt], target: str) -> None:
    ranking = final_ranking(lambda: iter(attempts), target)
    truth = brute_force_truth(attempts, target)
    assert ranking.truth == truth
    assert as_tuples(ranking.entries) == brute_force_ranking(attempts, truth)


@given(contests())
def test_perfect_truth_counts_participants_not_attempts(attempts: list[ScoredAttempt]) -> None:
    doubled = attempts + [replace(a, attempt_id=a.attempt_id + "-copy") for a in attempts]
    assert prediction_truth(doubled, "perfect_participants") == prediction_truth(
        attempts, "perfect_participants"
    )
