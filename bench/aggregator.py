"""Stream aggregation on DynamoDB Local: records per second, and write units per record by batch size (what the
batching window buys: a chunk's commit and counter pages are paid once per batch), and a redelivered batch."""
from __future__ import annotations

import random
import time
from collections import defaultdict

from bench.capacity import metering
from bench.common import dynamodb_local

RECORDS = 2000
PARTICIPANTS = 800
UNITS = ["so-noi-vu", "dong-hoi", "dong-hoi-hai-dinh"]
BATCHES = (500, 100, 10, 1)


def _records(rng: random.Random, count: int, prefix: str) -> list[dict]:
    """Accepted attempts as the attempts stream carries them: each participant's attempts in order, each
    knowing what it changes (as the submission works it out)."""
    from chalicelib.contest.attempts import BankQuestion, begin, draw
    from chalicelib.contest.rounds import Round
    from chalicelib.store import attempts as attempt_store
    from tests.seed import person

    bank = tuple(BankQuestion(f"q{i}", "Câu hỏi", tuple((f"q{i}o{k}", "Phương án") for k in range(4)), f"q{i}o0")
                 for i in range(60))
    round_ = Round("dot-1", "Đợt 1", 0, 10**13, status="open", questions_per_attempt=20, bank_version="v")
    people = [person(f"{prefix}p{p}", UNITS[p % 3], "official" if p % 2 else "citizen", full_name=f"Người Thi {p}")
              for p in range(PARTICIPANTS)]
    mine: dict[int, list] = defaultdict(list)
    records = []
    for n in range(count):
        p = rng.randrange(PARTICIPANTS)
        started = begin(people[p], len(mine[p]) + 1, round_, draw(bank, 20, rng), 10**12 + n * 1000)
        chosen = tuple(0 if rng.random() < 0.6 else rng.randrange(4) for _ in range(20))
        received = started.started_at + rng.randint(60, 1200) * 1000
        done = started.submit(chosen, bank, rng.randint(0, 50), round_, received, mine[p])
        mine[p].append(done)
        records.append({"eventID": f"{prefix}e{n}", "eventName": "MODIFY", "eventVersion": "1.1",
                        "eventSource": "aws:dynamodb", "awsRegion": "ap-southeast-1",
                        "eventSourceARN": "arn:aws:dynamodb:ap-southeast-1:000000000000:table/x/stream/1",
                        "dynamodb": {"Keys": {}, "NewImage": attempt_store.image(done),
                                     "SequenceNumber": f"{n:021d}", "SizeBytes": 600,
                                     "StreamViewType": "NEW_IMAGE", "ApproximateCreationDateTime": 1_700_000_000}})
    return records


def _deliver(records: list[dict], batch: int) -> None:
    from chalicelib.events.aggregator import handle_attempts

    for start in range(0, len(records), batch):
        assert handle_attempts({"Records": records[start:start + batch]}) == {"batchItemFailures": []}


def main() -> None:
    import boto3

    rng = random.Random(1)
    with dynamodb_local("bench-agg-") as settings:
        records = _records(rng, RECORDS, "t")
        began = time.perf_counter()
        _deliver(records, 100)
        elapsed = time.perf_counter() - began
        began = time.perf_counter()
        _deliver(records[:100], 100)
        replay = time.perf_counter() - began
        raw = boto3.client("dynamodb", endpoint_url=settings.dynamodb_endpoint, region_name=settings.region)
        units = {}
        for batch in BATCHES:
            sample = _records(rng, 500, f"b{batch}")
            with metering(raw, settings.table_prefix) as meter:
                meter.phase = "aggregator"
                _deliver(sample, batch)
            units[batch] = meter.usage["aggregator"].writes() / len(sample)
    print(f"aggregator, {RECORDS} records from {PARTICIPANTS} participants (DynamoDB Local):")
    print(f"  {RECORDS / elapsed:.0f} records/s in batches of 100; a redelivered batch of 100: {replay * 1000:.0f} ms")
    print("  write units per record by batch size: " + ", ".join(f"{b}: {u:.2f}" for b, u in units.items()))


if __name__ == "__main__":
    main()
