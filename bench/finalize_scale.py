"""Finalization of a national round from synthetic shard data in memory: the whole pipeline but DynamoDB (the
count and reduce tasks in a local process pool, the k-way merge, the ranking, units and attempts files written
as CSV and XLSX to disk). Targets: 1 M participants / 5 M attempts in at most 60 s and 2 GB peak memory.

    python -m bench.finalize_scale [participants] [attempts_each]
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

PARTICIPANTS = 1_000_000
ATTEMPTS_EACH = 5
TASKS = 16
WORKERS = 2
UNITS = 700


def _participant_id(n: int) -> str:
    """The n-th participant's id: 32 hex digits, as `uuid4().hex` (spread by a multiplicative hash)."""
    return f"{n * 0x9E3779B97F4A7C15F39CC0605CEDC835 % 2**128:032x}"


class SyntheticSource:
    """A round's accepted attempts made up on the fly, partition by partition, as the index would yield them:
    participant n lives in partition n mod the partition count; each has `each` attempts. Ids are shaped as the
    store makes them (a participant's 32 hex digits, an attempt's `<participant>.<n>`). Cheap to make (the
    strings shared by a participant's attempts made once), so that the run measures finalization, not this."""

    def __init__(self, participants: int, each: int, partitions: int) -> None:
        self.participants, self.each, self.partitions = participants, each, partitions
        self._units = [f"u{n:03d}" for n in range(UNITS)]

    def attempts(self, round_id: str, partitions):
        from chalicelib.contest.finals import Accepted

        units, suffixes, too_fast = self._units, [f".{k + 1}" for k in range(self.each)], ("too_fast",)
        make = tuple.__new__        # Accepted(*fields) less the call of its generated __new__
        for partition in partitions:
            for n in range(partition, self.participants, self.partitions):
                pid, unit, category = _participant_id(n), units[n % UNITS], "official" if n % 3 else "citizen"
                for k, suffix in enumerate(suffixes):
                    seed = (n * 7919 + k * 104729) % 1_000_003
                    yield make(Accepted, (pid + suffix, pid, unit, category, seed % 21, 20,
                                          60_000 + seed % 1_140_000, 1_633_021_200_000 + seed * 997, seed % 500,
                                          1_633_021_000_000 + seed, too_fast if seed % 97 == 0 else ()))

    def people(self, ids):
        from chalicelib.events.exports import Person

        return {pid: Person(f"Nguyễn Văn {pid[:6]}", f"09{int(pid[:8], 16) % 10**8:08d}") for pid in ids}

    def unit_names(self):
        return {f"u{n:03d}": f"Xã số {n}" for n in range(UNITS)}


def _units():
    from chalicelib.contest.units import Unit

    districts = [Unit(f"d{d}", f"Huyện {d}", None, "district", 5000, 200_000) for d in range(10)]
    return districts + [Unit(f"u{n:03d}", f"Xã số {n}", f"d{n % 10}", "commune", 500, 20_000) for n in range(UNITS)]


def run(participants: int = PARTICIPANTS, each: int = ATTEMPTS_EACH) -> dict:
    from chalicelib.contest.units import Targets, UnitTree
    from chalicelib.events import finalizer
    from chalicelib.store import attempts as attempt_store

    source = SyntheticSource(participants, each, attempt_store.ROUND_SHARDS)
    with tempfile.TemporaryDirectory(prefix="bench-finals-") as folder:
        out = Path(folder) / "files"
        out.mkdir()
        began, began_cpu = time.perf_counter(), sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        planned = finalizer.plan("dot-1", "bench", TASKS, {"folder": f"{folder}/parts"})
        with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
            counts = list(pool.map(partial(finalizer.count_task, source=source), finalizer.jobs(planned)))
            truth = finalizer.truth_of(planned, counts, "perfect_participants")
            list(pool.map(partial(finalizer.reduce_task, truth=truth), finalizer.jobs(planned)))
            reduced = time.perf_counter()
            summary = finalizer.merge(planned, truth, UnitTree(_units()),
                                      lambda name: open(out / name, "wb"), Targets())
        elapsed = time.perf_counter() - began
        sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    child_peak, own_peak = children.ru_maxrss * 1024, own.ru_maxrss * 1024
    task_cpu = children.ru_utime + children.ru_stime
    return {"participants": participants, "attempts": participants * each, "seconds": elapsed,
            "reduce_seconds": reduced - began, "ranked": summary.ranked, "written_attempts": summary.attempts,
            "merge_peak_bytes": own_peak, "task_peak_bytes": child_peak,
            "peak_bytes": own_peak + WORKERS * child_peak, "files": sizes, "task_cpu_seconds": task_cpu,
            "merge_cpu_seconds": own.ru_utime + own.ru_stime - began_cpu, "load": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> dict:
    args = sys.argv[1:] if argv is None else argv
    figures = run(int(args[0]) if args else PARTICIPANTS, int(args[1]) if len(args) > 1 else ATTEMPTS_EACH)
    print(f"finalization at national scale, synthetic shard data in memory ({os.cpu_count()} cores, "
          f"{WORKERS} worker processes, {TASKS} tasks):")
    print(f"  {figures['participants']:,} participants / {figures['attempts']:,} attempts: "
          f"{figures['seconds']:.1f} s (target <= 60 s; count + reduce {figures['reduce_seconds']:.1f} s, "
          f"merge and files {figures['seconds'] - figures['reduce_seconds']:.1f} s)")
    print(f"  peak memory: merge {figures['merge_peak_bytes'] / 2**20:.0f} MiB, largest task process "
          f"{figures['task_peak_bytes'] / 2**20:.0f} MiB; all processes at once at most "
          f"{figures['peak_bytes'] / 2**30:.2f} GiB (target <= 2 GB)")
    idle = figures["task_cpu_seconds"] / WORKERS + figures["merge_cpu_seconds"]
    print(f"  CPU: tasks {figures['task_cpu_seconds']:.0f} s, merge {figures['merge_cpu_seconds']:.0f} s; with "
          f"{WORKERS} cores to itself about {idle:.0f} s (load average {figures['load']:.1f} during the run)")
    print(f"  ranked {figures['ranked']:,}; attempts written {figures['written_attempts']:,}; files (MiB): "
          + ", ".join(f"{name} {size / 2**20:.0f}" for name, size in figures["files"].items()))
    return figures


if __name__ == "__main__":
    main()
