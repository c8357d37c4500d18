"""Stream aggregation throughput on DynamoDB Local: Lambda-shaped records per second, and DynamoDB write calls
per record (the chunk transaction writes each touched key once)."""
from __future__ import annotations

import random
import time

from bench.common import counting_dynamodb_calls, dynamodb_local

RECORDS = 2000
PARTICIPANTS = 800
UNITS = ["so-noi-vu", "dong-hoi", "dong-hoi-hai-dinh"]


def _records(rng: random.Random) -> list[dict]:
    from chalicelib.store import attempts as attempt_store
    from tests.seed import submitted

    records = []
    for n in range(RECORDS):
        p = rng.randrange(PARTICIPANTS)
        attempt = submitted(f"a{n:06d}", f"p{p}", "dot-1", UNITS[p % 3], "official" if p % 2 else "citizen",
                            correct=rng.randint(0, 20), total=20, prediction=rng.randint(0, 50),
                            duration_ms=rng.randint(60_000, 1_200_000), submitted_at=10**12 + n, started_at=n,
                            display_name=f"Người {p}")
        records.append({"eventID": f"e{n}", "eventName": "MODIFY", "eventVersion": "1.1",
                        "eventSource": "aws:dynamodb", "awsRegion": "ap-southeast-1",
                        "eventSourceARN": "arn:aws:dynamodb:ap-southeast-1:000000000000:table/x/stream/1",
                        "dynamodb": {"Keys": {"attempt_id": {"S": attempt.id}},
                                     "NewImage": attempt_store.image(attempt), "SequenceNumber": f"{n:021d}",
                                     "SizeBytes": 500, "StreamViewType": "NEW_IMAGE",
                                     "ApproximateCreationDateTime": 1_700_000_000}})
    return records


def main() -> None:
    from chalicelib.events.aggregator import handle_attempts

    records = _records(random.Random(1))
    with dynamodb_local("bench-agg-"), counting_dynamodb_calls() as calls:
        began = time.perf_counter()
        for start in range(0, RECORDS, 100):
            response = handle_attempts({"Records": records[start:start + 100]})
            assert response == {"batchItemFailures": []}, response
        elapsed = time.perf_counter() - began
        replay_began = time.perf_counter()
        handle_attempts({"Records": records[:100]})
        replay = time.perf_counter() - replay_began
    writes = calls["TransactWriteItems"]
    print(f"aggregator, {RECORDS} records from {PARTICIPANTS} participants in batches of 100 (DynamoDB Local):")
    print(f"  {RECORDS / elapsed:.0f} records/s; {writes} transactions "
          f"({writes / RECORDS:.3f} per record); DynamoDB calls {dict(calls)}")
    print(f"  replaying one batch of 100 already applied: {replay * 1000:.0f} ms")


if __name__ == "__main__":
    main()
