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
    from chalicelib.store.models import AttemptModel, DrawnQuestionMap

    records = []
    for n in range(RECORDS):
        p = rng.randrange(PARTICIPANTS)
        item = AttemptModel(f"a{n:06d}", participant_id=f"p{p}", round_id="dot-1", unit_id=UNITS[p % 3],
                            category="official" if p % 2 else "citizen", display_name=f"Người {p}", started_at=n,
                            deadline=n + 10**6, accept_until=n + 10**6, bank_version="v",
                            questions=[DrawnQuestionMap(id="q", option_ids=["o"])], status="submitted",
                            answers={}, correct=rng.randint(0, 20), total=20, prediction=rng.randint(0, 50),
                            duration_ms=rng.randint(60_000, 1_200_000), submitted_at=10**12 + n,
                            round_shard=f"dot-1#{n % 16}")
        records.append({"eventID": f"e{n}", "eventName": "MODIFY", "eventVersion": "1.1",
                        "eventSource": "aws:dynamodb", "awsRegion": "ap-southeast-1",
                        "eventSourceARN": "arn:aws:dynamodb:ap-southeast-1:000000000000:table/x/stream/1",
                        "dynamodb": {"Keys": {"attempt_id": {"S": item.attempt_id}},
                                     "NewImage": item.serialize(), "SequenceNumber": f"{n:021d}",
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
