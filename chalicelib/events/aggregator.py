"""Builds the live standings from the DynamoDB streams (at-least-once, in batches).

Each record is parsed on its own (Powertools BatchProcessor: a malformed record is reported as a batch item
failure and, in the cloud, ends in the on-failure queue). An accepted attempt carries what it changes for its
participant (first in the round, new best, the gain in best `correct`, first in the contest: worked out exactly
when it was accepted), so its counter deltas need no reading. The good records are then counted a chunk at a
time: one conditional write per participant records the attempts under the chunk's token, one small
transaction commits the token with the chunk's counter pages (store/standings.py says why that is exactly once),
and the participants' bests are placed in the top lists. Registrations are counted with a marker per record."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib import runtime
from chalicelib.contest.attempts import Attempt, Progress
from chalicelib.contest.ranking import live_key
from chalicelib.contest.signals import SHARED_DEVICE, over_limit, uses_of
from chalicelib.observability import logger, metric
from chalicelib.services import contest as contest_service
from chalicelib.store import attempts as attempt_store
from chalicelib.store import guards as guard_store
from chalicelib.store import participants as participant_store
from chalicelib.store import standings as standing_store
from chalicelib.store import tallies, tops
from chalicelib.store import units as unit_store

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

MAX_ITEMS = 100        # a transaction's limit: the commit record, new persons and the pages a chunk touches
TRIES = 6
WRITERS = 16           # best items written side by side (each its own conditional write)
USES_KEEP_SECONDS = 90 * 24 * 3600   # who used a device or an address in a round: kept for the round's season


@dataclass(frozen=True)
class Accepted:
    event_id: str
    sequence: str
    attempt: Attempt

    @property
    def key(self) -> tuple[str, str]:
        return self.attempt.round_id, self.attempt.participant_id

    @property
    def progress(self) -> Progress:
        assert self.attempt.progress is not None  # checked when the record was parsed
        return self.attempt.progress


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
    if attempt.progress is None:
        raise ValueError(f"accepted attempt {attempt.id} does not say what it changes")
    return Accepted(record.event_id, record.dynamodb.sequence_number, attempt)


def _registered(record) -> Registered | None:
    if record.raw_event.get("eventName") != "INSERT":
        return None
    participant_store.from_image(_image(record))  # a malformed image fails here, as a batch item failure
    return Registered(record.event_id, record.dynamodb.sequence_number)


def _tally(records: Iterable[Accepted], new_persons: set[str]) -> tallies.Tally:
    """The counter deltas of the records; of the "maybe" firsts in the contest, those of `new_persons` count,
    once each."""
    tally = tallies.Tally()
    persons = set(new_persons)
    for record in records:
        a, progress = record.attempt, record.progress
        first = int(progress.first)
        tally.add(a.round_id, a.unit_id, submissions=1, participants=first, sum_best_correct=progress.gain,
                  **{"officials" if a.category == "official" else "citizens": first})
        tally.add(tallies.CONTEST, tallies.round_key(a.round_id), submissions=1, participants=first)
        if progress.best and (progress.first or progress.gain):     # the round's bests by correct answers
            tally.add(a.round_id, tallies.score_key(a.category, a.correct or 0), participants=1)
            if not progress.first:
                tally.add(a.round_id, tallies.score_key(a.category, (a.correct or 0) - progress.gain),
                          participants=-1)
        contest_first = progress.contest_first == "yes"
        if progress.contest_first == "maybe" and a.participant_id in persons:
            persons.discard(a.participant_id)
            contest_first = True
        tally.add(tallies.CONTEST, tallies.CONTEST, submissions=1, participants=int(contest_first))
        tally.add(tallies.HOURS, tallies.hour_key(a.submitted_at or 0), submissions=1)
    return tally


def _best(marker: standing_store.Marker, records: list[Accepted]) -> standing_store.Best | None:
    """The participant's live best once these records are counted (an older record never wins)."""
    candidates = [standing_store.Best(r.attempt.scored(), r.attempt.round_id, r.attempt.display_name)
                  for r in records if r.progress.best]
    if marker.best is not None:
        candidates.append(marker.best)
    return min(candidates, key=lambda best: live_key(best.attempt), default=None)


def _backoff(attempt: int) -> None:
    time.sleep(min(0.05 * 2 ** attempt, 1.0) * runtime.rng.random())


def _commit(token: str, tally: tallies.Tally, persons: set[str]) -> bool:
    """Commits the chunk's token; False if it was aborted first (count the chunk again)."""
    pages = tallies.unit_pages(len(unit_store.list_units()))
    for attempt in range(TRIES):
        try:
            standing_store.commit(token, tally, persons, pages, runtime.now_ms())
            return True
        except standing_store.Contention:
            _backoff(attempt)
    raise standing_store.Contention()


def _count_once(records: list[Accepted]) -> dict[tuple[str, str], standing_store.Best | None] | None:
    """Counts the records not counted yet; the participants' bests, or None to try again from a fresh read."""
    now = runtime.now_ms()
    markers = standing_store.read_markers({r.key for r in records})
    committed = standing_store.resolve({m.pend for m in markers.values() if m.pend}, now)

    def counted(marker: standing_store.Marker) -> frozenset[int]:
        return marker.done | (marker.pend_numbers if marker.pend and committed[marker.pend] else frozenset())

    fresh = [r for r in records if r.attempt.number not in counted(markers[r.key])]
    bests = {key: marker.best for key, marker in markers.items()}
    if not fresh:
        return bests
    maybe = {r.attempt.participant_id for r in fresh if r.progress.contest_first == "maybe"}
    persons = maybe - standing_store.known_persons(maybe) if maybe else set()
    token = standing_store.new_token(now)
    by_key: dict[tuple[str, str], list[Accepted]] = {}
    for record in fresh:
        by_key.setdefault(record.key, []).append(record)
    for key, mine in by_key.items():
        bests[key] = _best(markers[key], mine)

    def write(key: tuple[str, str]) -> bool:
        numbers = frozenset(r.attempt.number for r in by_key[key])
        return standing_store.write_marker(markers[key], counted(markers[key]), token, numbers, bests[key])

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:     # one small write per participant, side by side
        if not all(pool.map(write, by_key)):
            return None
    return bests if _commit(token, _tally(fresh, persons), persons) else None


def _place(bests: dict[tuple[str, str], standing_store.Best | None]) -> bool:
    for round_id in {round_id for round_id, _ in bests}:
        placed = [best for (r, _), best in bests.items() if r == round_id and best is not None]
        for attempt in range(TRIES):
            if tops.place(round_id, placed):
                break
            _backoff(attempt)
        else:
            return False
    return True


def _count_attempts(records: list[Accepted]) -> bool:
    """Counts one chunk exactly once and places its bests; False if contention outlasted the retries."""
    unique = list({(r.key, r.attempt.number): r for r in records}.values())
    for attempt in range(TRIES):
        try:
            bests = _count_once(unique)
        except (standing_store.Aborted, standing_store.Contention):
            bests = None
        if bests is not None:
            _signal(unique)
            return _place(bests)
        _backoff(attempt)
    return False


def _signal(records: list[Accepted]) -> None:
    """The attempts' signals added to their participants, for the organizers' lists (adding to a set: a replay
    changes nothing; a write only for a signal the participant does not have yet). And `shared_device` (RULES.md,
    Fairness): each participant's first accepted attempt of a round joins the users of its device and of its
    address, one write per device or address in the chunk; past `max_accounts_per_device` users, all are flagged."""
    flagged: dict[str, set[str]] = {}
    for record in records:
        if record.attempt.flags:
            flagged.setdefault(record.attempt.participant_id, set()).update(record.attempt.flags)
    firsts = [r.attempt for r in records if r.progress.first]
    users = []
    for round_id in {a.round_id for a in firsts}:
        in_round = uses_of((a.participant_id, a.device_hash, a.address_hash) for a in firsts if a.round_id == round_id)
        users += [guard_store.note_users(f"uses#{round_id}#{kind}#{value}", ids, runtime.now_ms(), USES_KEEP_SECONDS)
                  for (kind, value), ids in in_round.items()]
    for participant_id in over_limit(users, contest_service.settings().max_accounts_per_device):
        flagged.setdefault(participant_id, set()).add(SHARED_DEVICE)
    if not flagged:
        return
    known = participant_store.signals_of(flagged)          # read first: a signal already there costs no write
    for participant_id, signals in flagged.items():
        if not signals <= known.get(participant_id, frozenset()):
            participant_store.add_signals(participant_id, signals - known.get(participant_id, frozenset()))


def _count_registrations(records: list[Registered]) -> bool:
    pending = list({r.event_id: r for r in records}.values())
    for attempt in range(TRIES):
        if not pending:
            return True
        tally = tallies.Tally()
        tally.add(tallies.CONTEST, tallies.CONTEST, registered=len(pending))
        try:
            standing_store.apply_once([r.event_id for r in pending], tally, runtime.now_ms())
            return True
        except standing_store.AlreadyApplied as replayed:
            pending = [r for r in pending if r.event_id not in replayed.event_ids]
        except standing_store.Contention:
            _backoff(attempt)
    return not pending


def _chunks(records: list) -> list[list]:
    """Consecutive chunks whose commit transaction stays within MAX_ITEMS items (its commit record, the counter
    pages and person markers its records touch; for registrations, a marker per record and a page)."""
    if not records or not isinstance(records[0], Accepted):
        return [records[i:i + MAX_ITEMS - 1] for i in range(0, len(records), MAX_ITEMS - 1)]
    pages = tallies.unit_pages(len(unit_store.list_units()))
    chunks: list[list] = []
    touched: set = set()
    for record in records:
        items = set(_tally([record], set()).pages(pages))
        if record.progress.contest_first == "maybe":
            items.add(("person", record.attempt.participant_id))
        if not chunks or len(touched | items) + 1 > MAX_ITEMS:
            chunks.append([])
            touched = set()
        chunks[-1].append(record)
        touched |= items
    return chunks


def _aggregate(records: list, count: Callable[[list], bool]) -> list[str]:
    """Counts records chunk by chunk; returns the sequence numbers to retry (a failed chunk and all after)."""
    done = 0
    for chunk in _chunks(records):
        if not count(chunk):
            return [r.sequence for r in records[done:]]
        done += len(chunk)
    return []


def _handle(event: dict, parse, count) -> PartialItemFailureResponse:
    # Imported here: only the stream functions handle batches (the API function never loads it).
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    records = event.get("Records", [])
    with processor(records, parse):
        results = processor.process()
    parsed = [result for status, result, _ in results if status == "success" and result is not None]
    retry = _aggregate(parsed, count)
    response = processor.response()
    response["batchItemFailures"].extend({"itemIdentifier": sequence} for sequence in retry)
    failures = len(response["batchItemFailures"])
    metric("AggregatorBatchSize", len(records))
    if failures:
        metric("AggregatorFailures", failures)
        logger.warning("stream records to retry", extra={"failures": failures, "records": len(records)})
    return response


def handle_attempts(event: dict) -> PartialItemFailureResponse:
    return _handle(event, _accepted, _count_attempts)


def handle_registrations(event: dict) -> PartialItemFailureResponse:
    return _handle(event, _registered, _count_registrations)
