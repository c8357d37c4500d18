"""Builds the live standings from the DynamoDB streams (at-least-once, in batches).

Each record is parsed on its own (Powertools BatchProcessor: a malformed record is reported as a batch item
failure and, in the cloud, ends in the on-failure queue). An accepted attempt carries what it changes for its
participant (first in the round, new best, the gain in best `correct`, first in the contest: worked out exactly
when it was accepted), so its counter deltas need no reading. The good records are then counted a chunk at a
time: one conditional write per marker (a participant's, or a device's for first attempts) records the
attempts under the chunk's token, one small
transaction commits the token with the chunk's counter pages (store/standings.py says why that is exactly once),
and the participants' bests are placed in the top lists. Registrations are counted with a marker per record."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from chalicelib import runtime
from chalicelib.contest.attempts import Attempt, Progress
from chalicelib.contest.ranking import live_key
from chalicelib.contest.records import Struct
from chalicelib.contest.signals import SHARED_DEVICE, USERS_KEPT, over_limit, uses_of
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


class Accepted(Struct, frozen=True):
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


class Registered(Struct, frozen=True):
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


def _device_marker(record: Accepted) -> str | None:
    """The marker of the record's device if it is the participant's first attempt of the round and came with a
    device id: the marker's entries, participants, are then the device's users in the round."""
    a = record.attempt
    return standing_store.device_marker(a.round_id, a.device_hash) if record.progress.first and a.device_hash else None


def _marker(record: Accepted) -> tuple[str, standing_store.Entry]:
    """Where a record's attempt is marked counted, and as what: in its device's marker by participant (a first
    attempt: one a round, and no write of its own for `shared_device`), else in its participant's by number."""
    device = _device_marker(record)
    if device is not None:
        return device, record.attempt.participant_id
    return standing_store.participant_marker(*record.key), record.attempt.number


def _bests(records: list[Accepted]) -> list[standing_store.Best]:
    """The participants' live bests among these records: each record says whether it was the best when it was
    accepted, so the best of a participant's flagged records is the live one (the top lists keep a better one
    they hold)."""
    found: dict[tuple[str, str], standing_store.Best] = {}
    for record in records:
        if record.progress.best:
            best = standing_store.Best(record.attempt.scored(), record.attempt.round_id, record.attempt.display_name)
            held = found.get(record.key)
            if held is None or live_key(best.attempt) < live_key(held.attempt):
                found[record.key] = best
    return list(found.values())


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


def _count_once(records: list[Accepted]) -> dict[str, frozenset[standing_store.Entry]] | None:
    """Counts the records not counted yet; then every entry of their markers (counted or pending), or None to
    try again from a fresh read."""
    now = runtime.now_ms()
    marks = [_marker(r) for r in records]
    markers = standing_store.read_markers({key for key, _ in marks})
    committed = standing_store.resolve({m.pend for m in markers.values() if m.pend}, now)
    counted = {key: marker.counted(committed) for key, marker in markers.items()}
    entries = {key: marker.done | marker.pend_entries for key, marker in markers.items()}
    fresh = [(r, key, entry) for r, (key, entry) in zip(records, marks, strict=True) if entry not in counted[key]]
    if not fresh:
        return entries
    maybe = {r.attempt.participant_id for r, _, _ in fresh if r.progress.contest_first == "maybe"}
    persons = maybe - standing_store.known_persons(maybe) if maybe else set()
    token = standing_store.new_token(now)
    adding: dict[str, set[standing_store.Entry]] = {}
    for _, key, entry in fresh:
        adding.setdefault(key, set()).add(entry)

    def write(key: str) -> bool:
        return standing_store.write_marker(markers[key], counted[key], token, frozenset(adding[key]))

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:     # one small write per marker, side by side
        if not all(pool.map(write, adding)):
            return None
    if not _commit(token, _tally([r for r, _, _ in fresh], persons), persons):
        return None
    return {key: known | adding.get(key, set()) for key, known in entries.items()}


def _place(records: list[Accepted]) -> bool:
    bests = _bests(records)
    for round_id in {best.round_id for best in bests}:
        placed = [best for best in bests if best.round_id == round_id]
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
            entries = _count_once(unique)
        except (standing_store.Aborted, standing_store.Contention):
            entries = None
        if entries is not None:
            _signal(unique, entries)
            return _place(unique)
        _backoff(attempt)
    return False


def _signal(records: list[Accepted], entries: dict[str, frozenset[standing_store.Entry]]) -> None:
    """`shared_device` (RULES.md, Fairness): each participant's first accepted attempt of a round joins the users
    of its device (its entry in the device's marker) and of its address (one write per address in the chunk,
    adding to a set: a replay changes nothing; none once it holds USERS_KEPT); past `max_accounts_per_device`
    users, all are flagged on their participants (a write only for those not flagged yet). The attempts' own
    signals stay on the attempts."""
    firsts = [r.attempt for r in records if r.progress.first]
    devices = {key for key in map(_device_marker, records) if key is not None}
    users = [frozenset(str(entry) for entry in entries[key]) for key in devices]
    crowded: set[str] = set()          # on an address that holds USERS_KEPT users already: over any limit
    for round_id in {a.round_id for a in firsts}:
        in_round = uses_of((a.participant_id, None, a.address_hash) for a in firsts if a.round_id == round_id)
        for (kind, value), ids in in_round.items():
            noted = guard_store.note_users(f"uses#{round_id}#{kind}#{value}", ids, runtime.now_ms(),
                                           USES_KEEP_SECONDS, USERS_KEPT)
            if noted is None:
                crowded |= ids
            else:
                users.append(noted)
    flagged = over_limit(users, contest_service.settings().max_accounts_per_device) | crowded
    if not flagged:
        return
    known = participant_store.signals_of(flagged)          # read first: a signal already there costs no write
    for participant_id in flagged:
        if SHARED_DEVICE not in known.get(participant_id, frozenset()):
            participant_store.add_signals(participant_id, {SHARED_DEVICE})


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
