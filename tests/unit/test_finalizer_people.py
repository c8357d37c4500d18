"""Pass 1 looks up the participants of a task's attempts a batch at a time as it reads them, each participant
once, and adds `shared_device` to the flags of every attempt of those who shared a device or address."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.finals import Accepted
from chalicelib.contest.signals import SHARED_DEVICE
from chalicelib.events import finalizer
from chalicelib.events.exports import Person


class Source:
    """The participants' store as pass 1 sees it, with the lookups it was asked for."""

    def __init__(self, shared: set[str]) -> None:
        self.shared, self.asked = shared, []

    def people(self, ids: list[str]) -> dict[str, Person]:
        self.asked.append(ids)
        return {pid: Person(f"Người {pid}", None, pid in self.shared) for pid in ids}


attempts = st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=40).map(
    lambda drawn: [Accepted(f"p{pid}.{n}", f"p{pid}", "u", "citizen", 1, 2, 3, 4, 5, 6,
                            ("too_fast",) if fast else ()) for n, (pid, fast) in enumerate(drawn)])


@given(attempts, st.sets(st.sampled_from([f"p{n}" for n in range(7)])), st.integers(1, 5))
def test_each_participant_is_looked_up_once_and_every_attempt_of_a_shared_one_is_flagged(read, shared, batch):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(finalizer, "PEOPLE_BATCH", batch)
        source, people = Source(shared), {}
        passed = list(finalizer._with_people(iter(read), people, source))
    asked = [pid for ids in source.asked for pid in ids]
    assert sorted(asked) == sorted({a.participant_id for a in read}) == sorted(people)
    assert all(len(ids) <= batch for ids in source.asked)
    assert [a._replace(flags=()) for a in passed] == [a._replace(flags=()) for a in read]    # the same, in order
    for before, after in zip(read, passed, strict=True):
        wanted = {*before.flags, SHARED_DEVICE} if before.participant_id in shared else set(before.flags)
        assert after.flags == tuple(sorted(wanted))
