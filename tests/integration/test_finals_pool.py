"""The local process pool (local/finals_pool.py) runs finalization's tasks as the cloud's map does, in processes
of their own reading DynamoDB Local, and gives the files one process gives."""
from chalicelib.contest.units import Unit
from chalicelib.store import units as unit_store
from local.finals_pool import pool
from tests.events.test_finals import UNIT_IDS, _contest, _run
from tests.support import UNITS


def test_the_process_pool_gives_what_one_process_gives(local_tables):
    unit_store.save_units([Unit(u["id"], u["name"], u["parent_id"], u["kind"], u.get("headcount"),
                                u.get("population")) for u in UNITS])
    people = [(UNIT_IDS[p % len(UNIT_IDS)], ("official", "citizen")[p % 2],
               [(p % 4, p % 7, 1 + p % 3, p), (3, 1, 2, 5)]) for p in range(40)]
    round_ = _contest(people)
    serial_summary, serial = _run(round_, 6)
    with pool(2) as workers:
        pooled_summary, pooled = _run(round_, 6, mapper=workers.map)
    assert pooled_summary.truth == serial_summary.truth and pooled_summary.ranked == 40
    assert pooled == serial                 # the same tasks give the same bytes, file by file
    assert pooled_summary.units == serial_summary.units
