"""Finalization's passes: the first keeps candidates enough for any truth, the second picks the same bests as
the final order over every attempt, and the merge of the shards' sorted batches is one sorted sequence."""
from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.finals import Accepted, final_bests, final_order, first_pass, merge_batches, merge_ranked

rows = st.tuples(st.integers(0, 5), st.sampled_from(["official", "citizen"]), st.integers(0, 10**6))


def batched(run: list, sizes: list[int]) -> list[list]:
    """A sorted run cut into batches of the given sizes (empty ones too), the rest in one last batch."""
    batches, start = [], 0
    for size in sizes:
        batches.append(run[start:start + size])
        start += size
    return [*batches, run[start:]]


@given(st.lists(st.tuples(st.lists(rows, unique=True), st.lists(st.integers(0, 4), max_size=6)), max_size=8))
def test_sorted_batches_merge_into_one_sorted_sequence(runs):
    seen: set = set()
    shards = []
    for run, sizes in runs:          # rows are unique across the shards, as a participant's best is
        mine = sorted(r for r in set(run) if r not in seen)
        seen |= set(mine)
        shards.append(batched(mine, sizes))
    merged = list(merge_batches(shards))
    assert [row for batch in merged for row in batch] == sorted(seen)
    assert all(merged)                      # no empty batch comes out


def test_the_ranking_numbers_overall_and_in_each_category():
    first = [[(1, "official", 1), (3, "citizen", 2)], [(4, "official", 3)]]
    second = [[(2, "citizen", 4), (5, "citizen", 5)]]
    ranked = [numbered for batch in merge_ranked([first, second], lambda row: row[1]) for numbered in batch]
    assert [(rank, category_rank, row[2]) for rank, category_rank, row in ranked] == [
        (1, 1, 1), (2, 1, 4), (3, 2, 2), (4, 2, 3), (5, 3, 5)]


accepted = st.builds(lambda n, pid, correct, prediction, duration, at: Accepted(
    f"a{n}", f"p{pid}", f"u{pid % 3}", "official" if pid % 2 else "citizen", correct, 3, duration, at, prediction,
    at - duration), st.integers(0, 10**6), st.integers(0, 5), st.integers(0, 3), st.integers(0, 4),
    st.integers(1, 3), st.integers(10, 12))


@given(st.lists(accepted, unique_by=lambda a: a.attempt_id, max_size=40), st.integers(0, 6),
       st.sets(st.sampled_from([f"p{n}" for n in range(6)])))
def test_the_candidates_give_the_bests_of_every_attempt_whatever_the_truth(attempts, truth, excluded):
    first = first_pass(attempts, excluded)
    kept = [a for pid_kept in first.candidates.values() for a in pid_kept]
    result = final_bests(kept, truth, first.submissions)
    key = final_order(truth)
    counted = [a for a in attempts if a.participant_id not in excluded]
    expected = {}
    for a in counted:
        if a.participant_id not in expected or key(a) < key(expected[a.participant_id]):
            expected[a.participant_id] = a
    assert result.bests == sorted(expected.values(), key=key)
    assert first.attempts == len(attempts) and first.counts.submissions == len(counted)
    assert first.counts.participants == len(expected)
    assert first.counts.perfect_participants == len({a.participant_id for a in counted if a.is_perfect})
    assert {uid: t.submissions for uid, t in result.units.items()} == dict(Counter(a.unit_id for a in counted))
    assert {uid: t.participants for uid, t in result.units.items() if t.participants} == dict(
        Counter(a.unit_id for a in expected.values()))
    assert all(len({a.prediction for a in pid_kept}) == len(pid_kept) for pid_kept in first.candidates.values())
