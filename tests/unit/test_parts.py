"""What a reduce task leaves for the merge (chalicelib/events/parts.py): its bests read back as written, in any
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
    assert read == [tuple(b) for b in bests]
    assert [parts.Best(*row) for row in read] == bests and all(type(row) is tuple for row in read)


def test_a_part_that_names_a_class_is_refused():
    data = pickle.dumps([(Accepted("a", "p", "u", "citizen", 1, 2, 3, 4, 5, 6),)])
    with pytest.raises(pickle.UnpicklingError):
        list(parts.read_tuples([data]))
