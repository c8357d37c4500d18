"""Finalization on DynamoDB Local with the real index (1,024 partitions): how many times each accepted attempt is
read (passes, target <= 2), how many bytes of it (DynamoDB's item size of what the index projects, target
<= 200), the read units the queries consumed, and the time. `measure()` returns the figures (bench/cost.py)."""
from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from functools import partial

from bench.common import dynamodb_local

PARTICIPANTS = 1500
ATTEMPTS_EACH = 3


def item_size(item: dict) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values (numbers: about a byte a 2 digits)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict) -> int:
    ((kind, body),) = value.items()
    if kind == "S":
        return len(body.encode())
    if kind == "N":
        digits = len(body.lstrip("-").replace(".", "").lstrip("0")) or 1
        return (digits + 1) // 2 + 1
    if kind in ("SS", "NS"):
        return sum(_value_size({kind[0]: v}) for v in body)
    if kind in ("L", "M"):
        values = body if kind == "L" else body.values()
        names = 0 if kind == "L" else sum(len(k.encode()) for k in body)
        return 3 + names + sum(_value_size(v) + 1 for v in values)
    return 1


@contextmanager
def index_reads(index: str):
    """Items, their sizes and the read units of every Query on `index` while the block runs."""
    from botocore.client import BaseClient

    seen: Counter = Counter()
    real = BaseClient._make_api_call

    def observed(client, operation, params):
        answer = real(client, operation, params)
        if operation == "Query" and params.get("IndexName") == index:
            items = answer.get("Items", [])
            seen["queries"] += 1
            seen["items"] += len(items)
            seen["bytes"] += sum(item_size(i) for i in items)
            capacity = answer.get("ConsumedCapacity") or {}
            seen["read_units"] += float(capacity.get("CapacityUnits", 0))
        return answer

    BaseClient._make_api_call = observed
    try:
        yield seen
    finally:
        BaseClient._make_api_call = real


def _contest(round_id: str) -> int:
    from chalicelib.contest.rounds import Round
    from chalicelib.store import attempts as attempt_store
    from chalicelib.store import participants as participant_store
    from chalicelib.store import rounds as round_store
    from tests.seed import person, submitted

    round_store.create_round(Round(round_id, "Đợt", 0, 10**7, status="closed"))
    people, attempts = [], []
    for p in range(PARTICIPANTS):
        pid = f"{p:08x}6f1e4d3a9c2b{p:012x}"          # ids as the app makes them (uuid4().hex)
        people.append(person(pid, "huyen-bo-trach", "citizen", full_name=f"Nguyễn Văn {p}", phone=f"09{p:08d}"))
        attempts += [submitted(k + 1, pid, round_id, "huyen-bo-trach", "citizen",
                               correct=(p + k) % 21, total=20, prediction=k * 37, duration_ms=61_000 + 997 * k,
                               submitted_at=1_633_021_200_000 + p * 1000 + k,
                               started_at=1_633_021_100_000 + p * 1000 + k) for k in range(ATTEMPTS_EACH)]
    participant_store.save_all(people)
    attempt_store.save_all(attempts)
    return len(attempts)


def measure() -> dict:
    from chalicelib.contest.units import Targets, Unit, UnitTree
    from chalicelib.events import finalizer
    from chalicelib.events.workspace import Workspace
    from chalicelib.store import attempts as attempt_store
    from chalicelib.store import units as unit_store

    with dynamodb_local("bench-final-"):
        unit_store.save_units([Unit("huyen-bo-trach", "Huyện Bố Trạch", None, "district", 300, 130000)])
        accepted = _contest("dot-9")
        from chalicelib.store import rounds as round_store
        round_ = round_store.get_round("dot-9", fresh=True)
        files: dict[str, int] = {}

        class Sink:
            def __init__(self, name: str) -> None:
                self.name = name

            def __enter__(self):
                import io
                self.out = io.BytesIO()
                return self.out

            def __exit__(self, *exc) -> None:
                files[self.name] = len(self.out.getvalue())

        with index_reads(attempt_store.ACCEPTED_INDEX) as seen, Workspace.temporary() as space:
            began = time.perf_counter()
            planned = finalizer.plan(round_.id, "bench", finalizer.LOCAL_TASKS, space.spec)
            counts = list(map(finalizer.count_task, finalizer.jobs(planned)))
            truth = finalizer.truth_of(planned, counts, round_.prediction_target)
            list(map(partial(finalizer.reduce_task, truth=truth), finalizer.jobs(planned)))
            finalizer.merge(planned, truth, UnitTree(unit_store.list_units(fresh=True)), Sink, Targets())
            elapsed = time.perf_counter() - began
    return {"accepted": accepted, "partitions": attempt_store.ROUND_SHARDS, "queries": seen["queries"],
            "passes": seen["items"] / accepted, "bytes_per_attempt": seen["bytes"] / max(1, seen["items"]),
            "read_units_per_attempt": seen["read_units"] / accepted, "seconds": elapsed,
            "ms_per_attempt": elapsed * 1000 / accepted, "files": files}


def main() -> dict:
    figures = measure()
    print(f"finalization on DynamoDB Local, {figures['accepted']:,} accepted attempts, the index over "
          f"{figures['partitions']} partitions ({figures['queries']} queries):")
    print(f"  passes over the attempts: {figures['passes']:.2f} (target <= 2)")
    print(f"  bytes read per attempt: {figures['bytes_per_attempt']:.0f} (target <= 200; DynamoDB's item size of "
          f"the index projection)")
    print(f"  read units per attempt: {figures['read_units_per_attempt']:.3f}; {figures['seconds']:.1f} s "
          f"({figures['ms_per_attempt']:.2f} ms an attempt, one process)")
    return figures


if __name__ == "__main__":
    main()
