"""Calling a handler as Lambda does: its context, and what its partial batch response asks to retry."""
from __future__ import annotations

import logging

log = logging.getLogger("local.streams")


def lambda_context(name: str):
    from chalice.local import LambdaContext

    return LambdaContext(function_name=f"cuocthi-local-{name}", memory_size=512, max_runtime_ms=60_000)


def first_failure(result, batch: list[dict]) -> int | None:
    """Index of the first record to retry, from a partial batch response; None when all succeeded.
    As Lambda does: no response or an empty list is success, an unknown or empty identifier fails it all."""
    if not isinstance(result, dict):
        return None
    failures = result.get("batchItemFailures") or []
    if not isinstance(failures, list):
        log.error("batchItemFailures is not a list (%r): the whole batch is retried", failures)
        return 0
    positions = {r["dynamodb"]["SequenceNumber"]: i for i, r in enumerate(batch)}
    found = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in positions:
            log.error("invalid itemIdentifier %r in the partial batch response: the whole batch is retried",
                      identifier)
            return 0
        found.append(positions[identifier])
    return min(found) if found else None
