"""Builds the live standings from the DynamoDB streams (at-least-once, in batches).

Each record is parsed on its own (Powertools BatchProcessor: a malformed record is reported as a batch item
failure and, in the cloud, ends in the on-failure queue). The good ones are then aggregated a chunk at a
time: one transaction per chunk writes each touched key once, plus a marker per record, so a redelivered,
re-batched or half-applied batch leaves every derived value exactly as one delivery would."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

from chalicelib import runtime
from chalicelib.contest.ranking import ScoredAttempt, live_key
from chalicelib.observability import logger, metric, tracer
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import standings as standing_store

CHUNK = 20            # records per transaction: markers + bests + persons + counters stay under 100 items
TRIES = 6


@dataclass(frozen=True)
class Accepted:
    event_id: str
    sequence: str
    attempt: ScoredAttempt
    round_id: str
    display_name: str


@dataclass(frozen=True)
class Registered:
    event_id: str
    sequence: str


def _image(record) -> dict:
    return record.raw_event["dynamodb"]["NewImage"]


def _accepted(record) -> Accepted | None:
    """An accepted attempt, or None for records the aggregator has no use for (starts, removals)."""
    if record.raw_event.get("eventName") not in ("INSERT", "MODIFY"):
        return None
    attempt = attempt_store.from_image(_image(record))
    if not attempt.is_submitted:
        return None
    return Accepted(record.event_id, record.dynamodb.sequence_number, attempt.scored(), attempt.round_id,
                    attempt.display_name)


def _registered(record) -> Registered | None:
    if record.raw_event.get("eventName") != "INSERT":
        return None
    participant_store.from_image(_image(record))  # a malformed image fails here, as a batch item failure
    return Registered(record.event_id, record.dynamodb.sequence_number)


def _plan_attempts(records: list[Accepted]) -> standing_store.ChunkWrite:
    """Reads the chunk's stored bests and persons, then folds the records into one write."""
    stored = standing_store.read_bests({(r.round_id, r.attempt.participant_id) for r in records})
    seen = standing_store.known_persons({r.attempt.participant_id for r in records})
    write = standing_store.ChunkWrite(event_ids=[r.event_id for r in records])
    current = {key: best for key, (best, _) in stored.items()}
    for record in records:
        a, round_id = record.attempt, record.round_id
        write.add(round_id, a.unit_id, submissions=1)
        write.add(standing_store.CONTEST, standing_store.round_key(round_id), submissions=1)
        write.add(standing_store.CONTEST, standing_store.CONTEST, submissions=1)
        write.add(standing_store.HOURS, standing_store.hour_key(a.submitted_at), submissions=1)
        key = (round_id, a.participant_id)
        old = current.get(key)
        if old is None:
            write.add(round_id, a.unit_id, participants=1, sum_best_correct=a.correct,
                      **{"officials" if a.category == "official" else "citizens": 1})
            write.add(standing_store.CONTEST, standing_store.round_key(round_id), participants=1)
        elif live_key(a) < live_key(old.attempt):
            write.add(round_id, a.unit_id, sum_best_correct=a.correct - old.attempt.correct)
        if old is None or live_key(a) < live_key(old.attempt):
            current[key] = standing_store.Best(a, round_id, record.display_name)
            write.bests[key] = (current[key], stored[key][1] if key in stored else None)
        if a.participant_id not in seen:
            seen.add(a.participant_id)
            write.new_persons.add(a.participant_id)
            write.add(standing_store.CONTEST, standing_store.CONTEST, participants=1)
    return write


def _plan_registrations(records: list[Registered]) -> standing_store.ChunkWrite:
    write = standing_store.ChunkWrite(event_ids=[r.event_id for r in records])
    write.add(standing_store.CONTEST, standing_store.CONTEST, registered=len(records))
    return write


def _apply_chunk(records: list, plan: Callable[[list], standing_store.ChunkWrite]) -> bool:
    """Applies one chunk, dropping records already applied; False if contention outlasted the retries."""
    pending = list({r.event_id: r for r in records}.values())
    for attempt in range(TRIES):
        if not pending:
            return True
        try:
            standing_store.apply(plan(pending), runtime.now_ms())
            return True
        except standing_store.AlreadyApplied as replayed:
            pending = [r for r in pending if r.event_id not in replayed.event_ids]
        except standing_store.Contention:
            time.sleep(min(0.05 * 2 ** attempt, 1.0) * runtime.rng.random())
    return not pending


def _aggregate(records: Iterable, plan) -> list[str]:
    """Applies records chunk by chunk; returns the sequence numbers to retry (a failed chunk and all after)."""
    records = list(records)
    for start in range(0, len(records), CHUNK):
        if not _apply_chunk(records[start:start + CHUNK], plan):
            return [r.sequence for r in records[start:]]
    return []


@tracer.capture_method
def _handle(event: dict, parse, plan) -> PartialItemFailureResponse:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    records = event.get("Records", [])
    with processor(records, parse):
        results = processor.process()
    parsed = [result for status, result, _ in results if status == "success" and result is not None]
    retry = _aggregate(parsed, plan)
    response = processor.response()
    response["batchItemFailures"].extend({"itemIdentifier": sequence} for sequence in retry)
    failures = len(response["batchItemFailures"])
    metric("AggregatorBatchSize", len(records))
    if failures:
        metric("AggregatorFailures", failures)
        logger.warning("stream records to retry", extra={"failures": failures, "records": len(records)})
    return response


def handle_attempts(event: dict) -> PartialItemFailureResponse:
    return _handle(event, _accepted, _plan_attempts)


def handle_registrations(event: dict) -> PartialItemFailureResponse:
    return _handle(event, _registered, _plan_registrations)
