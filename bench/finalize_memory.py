"""Finalization's peak Python memory (tracemalloc) for the same participants with 1 and with 6 attempts each.
Target: memory grows with participants, not attempts (attempts are streamed twice and written to disk)."""
from __future__ import annotations

import tracemalloc

from bench.common import dynamodb_local

PARTICIPANTS = 1500


def _contest(round_id: str, attempts_each: int) -> None:
    from chalicelib.contest.rounds import Round
    from chalicelib.store import attempts as attempt_store
    from chalicelib.store import participants as participant_store
    from chalicelib.store import rounds as round_store
    from tests.seed import person, submitted

    round_store.create_round(Round(round_id, "Đợt", 0, 10**7, status="closed"))
    people, attempts = [], []
    for p in range(PARTICIPANTS):
        pid = f"{round_id}-p{p}"
        people.append(person(pid, "dong-hoi", "citizen", full_name=f"Nguyễn Văn {p}", phone=f"09{p:08d}"))
        attempts += [submitted(k + 1, pid, round_id, "dong-hoi", "citizen", correct=(p + k) % 21,
                               total=20, prediction=k, duration_ms=1000 + k, submitted_at=10 + k)
                     for k in range(attempts_each)]
    participant_store.save_all(people)
    attempt_store.save_all(attempts)


def main() -> None:
    import os

    from chalicelib import config, store
    from chalicelib.contest import tables
    from chalicelib.contest.units import Unit
    from chalicelib.events import finalizer
    from chalicelib.store import rounds as round_store
    from chalicelib.store import units as unit_store
    from local.s3 import S3rver, ensure_bucket

    s3 = S3rver().start()  # a separate process, so the uploaded files are not counted as this one's memory
    with dynamodb_local("bench-fin-"):
        os.environ["S3_ENDPOINT"] = s3.endpoint
        config.current.cache_clear()
        store.reset()
        ensure_bucket(s3.client(), config.current().results_bucket)
        unit_store.save_units([Unit("dong-hoi", "Thành phố Đồng Hới", None, "district", 300, 130000)])
        tables.write_xlsx("warm-up", ["a"], [["b"]])   # openpyxl loads on first use: not finalization's memory
        figures = []
        for attempts_each in (1, 6):
            round_id = f"r{attempts_each}"
            _contest(round_id, attempts_each)
            tracemalloc.start()
            finalizer.finalize(round_store.get_round(round_id, fresh=True))
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            figures.append((attempts_each, peak))
    s3.stop()
    print(f"finalization, {PARTICIPANTS} participants (DynamoDB Local, s3rver), peak traced memory:")
    for attempts_each, peak in figures:
        print(f"  {attempts_each} attempt(s) each ({attempts_each * PARTICIPANTS} attempts): {peak / 2**20:.1f} MiB")
    print(f"  ratio 6x attempts / 1x: {figures[1][1] / figures[0][1]:.2f}")


if __name__ == "__main__":
    main()
