"""The merge of the shards' bests: sorted runs read in batches come out as one sorted sequence, numbered."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.finals import merge_batches, merge_ranked

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
