"""What the benchmarks share: an environment like the tests', DynamoDB Local, and a DynamoDB call counter."""
from __future__ import annotations

import os
import statistics
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

os.environ.update({
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "ap-southeast-1",
    "AWS_REGION": "ap-southeast-1", "TOKEN_SECRET": "bench-secret", "SCRYPT_N": "1024",
    "ROUND_CACHE_SECONDS": "5", "POWERTOOLS_METRICS_DISABLED": "true", "RESULTS_BUCKET": "bench-results",
})


@contextmanager
def dynamodb_local(prefix: str):
    """DynamoDB Local in memory with the project's tables under `prefix`, the store bound to it."""
    from local.dynamodb import DynamoDBLocal
    from local.speed import share_botocore_loader
    from tests.localstack import bind_local_store

    share_botocore_loader()
    server = DynamoDBLocal().start()
    try:
        yield bind_local_store(server.endpoint, prefix)
    finally:
        server.stop()


@contextmanager
def counting_dynamodb_calls() -> Iterator[Counter]:
    """Counts DynamoDB operations by name while the block runs (filled in when it ends)."""
    from tests.faults import observed_calls

    counted: Counter = Counter()
    with observed_calls() as calls:
        yield counted
    counted.update(calls.by_operation())


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p(0.95):.1f} ms, max {ordered[-1]:.1f} ms"
