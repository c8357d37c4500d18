"""What the tasks leave each other (chalicelib/events/parts.py): bests and candidates read back as written, in any
number of batches and chunks, and a part that would make the merge load a class refused."""
import io
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.finals import Accepted, final_order
from chalicelib.events import parts

names = st.none() | st.text(max_size=12)
attempts = st.builds(Accepted, st.text(min_size=1, max_size=8), st.text(max_size=8), st.text(max_size=4),
                     st.sampled_from(["official", "citizen"]), st.integers(0, 20), st.just(20),
                     st.integers(0, 10**7), st.integers(0, 2**42), st.integers(0, 10**6), st.integers(0, 2**42),
                     st.lists(st.sampled_from(["too_fast", "probe"]), unique=True).map(tuple))


@given(st.lists(st.tuples(attempts, names, st.binary(max_size=9), st.binary(max_size=9)), max_size=30),
       st.integers(1, 7), st.integers(1, 50))
def test_bests_read_back_as_written(rows, batch_size, chunk_size):
    key = final_order(12)
    bests = [parts.best_of(a, key(a), name, (csv_rest, xml_rest)) for a, name, csv_rest, xml_rest in rows]
    out = io.BytesIO()
    parts.write_tuples(out, bests, batch_size)
    data = out.getvalue()
    chunks = [data[n:n + chunk_size] for n in range(0, len(data), chunk_size)]
    read = [row for batch in parts.read_tuples(chunks) for row in batch]
    assert read == bests
    assert all(type(row) is tuple and len(row) == len(parts.Best._fields) for row in read)


@given(st.lists(attempts, max_size=30), st.integers(1, 7))
def test_candidates_written_as_named_tuples_come_back_as_the_same_attempts(candidates, batch_size):
    out = io.BytesIO()
    parts.write_tuples(out, candidates, batch_size)
    read = [row for batch in parts.read_tuples([out.getvalue()]) for row in batch]
    assert all(type(row) is tuple for row in read) and [Accepted(*row) for row in read] == candidates


def test_a_part_that_names_a_class_is_refused():
    data = pickle.dumps([(Accepted("a", "p", "u", "citizen", 1, 2, 3, 4, 5, 6),)])
    with pytest.raises(pickle.UnpicklingError):
        list(parts.read_tuples([data]))
