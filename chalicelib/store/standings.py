"""Derived standings: live bests (indexed as sharded top lists), slot-sharded counters, replay markers and
final snapshots. Writes for a chunk of stream records go in one transaction, so a chunk counts once or not
at all; the `done#<event id>` markers make a redelivered record a no-op."""
from __future__ import annotations

import json
import random
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from heapq import merge
from itertools import islice

from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from chalicelib.contest.ranking import ScoredAttempt
from chalicelib.store import connection
from chalicelib.store.items import cancelled, get_or_none, reason_codes
from chalicelib.store.models import StandingModel

COUNTER_SLOTS = 8        # each counter is spread over this many partitions: no hot key
TOP_SHARDS = 16          # each top list is spread over this many index partitions
MARKER_SECONDS = 3 * 24 * 3600
FINAL_CHUNK_BYTES = 300_000   # a final snapshot's rows per item, well under DynamoDB's 400 KB
COUNTERS = ("participants", "officials", "citizens", "submissions", "sum_best_correct", "registered")
# Counter scopes: a round's id (its units' own counters), the contest's totals (one key for the contest and one
# per round, so the public totals are one small read per slot), and the hourly series. Round ids have no "#".
CONTEST = "#contest"
HOURS = "#hours"


@dataclass(frozen=True)
class Best:
    """A participant's live best attempt in a round, with what the public leaderboard shows."""

    attempt: ScoredAttempt
    round_id: str
    display_name: str


@dataclass
class ChunkWrite:
    """Everything one chunk of records changes, gathered so each key is written once."""

    event_ids: list[str] = field(default_factory=list)
    bests: dict[tuple[str, str], tuple[Best, int | None]] = field(default_factory=dict)  # new best, old version
    new_persons: set[str] = field(default_factory=set)
    counters: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)         # (scope, key) → deltas

    def add(self, scope: str, key: str, **deltas: int) -> None:
        bucket = self.counters.setdefault((scope, key), {})
        for name, delta in deltas.items():
            bucket[name] = bucket.get(name, 0) + delta


class AlreadyApplied(Exception):
    """Some records of the chunk were applied before (a redelivery); `event_ids` names them."""

    def __init__(self, event_ids: set[str]) -> None:
        super().__init__(sorted(event_ids))
        self.event_ids = event_ids


class Contention(Exception):
    """Another writer changed a best or a counter first; re-read and try again."""


def hour_key(epoch_ms: int) -> str:
    """The counter key (in the HOURS scope) of the UTC hour a submission arrived in."""
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H")


def round_key(round_id: str) -> str:
    """The counter key (in the CONTEST scope) of a round's totals."""
    return f"round#{round_id}"


def _best_key(round_id: str, participant_id: str) -> str:
    return f"best#{round_id}#{participant_id}"


def rank_key(a: ScoredAttempt) -> str:
    """Sorts like the live order: more correct, then less time, then earlier, then attempt id."""
    return f"{10**6 - a.correct:07d}#{a.duration_ms:012d}#{a.submitted_at:015d}#{a.attempt_id}"


def _top_shard(participant_id: str) -> int:
    return zlib.crc32(participant_id.encode()) % TOP_SHARDS


def read_bests(keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[Best, int]]:
    """Stored live bests (and their versions) for (round, participant) keys."""
    items = StandingModel.batch_get([(_best_key(r, p), "-") for r, p in keys], consistent_read=True)
    found = {}
    for item in items:
        data = item.data
        best = Best(ScoredAttempt(**data["attempt"]), data["round_id"], data["display_name"])
        found[(best.round_id, best.attempt.participant_id)] = (best, int(item.version))
    return found


def known_persons(participant_ids: set[str]) -> set[str]:
    items = StandingModel.batch_get([(f"person#{p}", "-") for p in participant_ids], consistent_read=True)
    return {item.pk.split("#", 1)[1] for item in items}


def _best_item(best: Best, version: int) -> StandingModel:
    a = best.attempt
    shard = _top_shard(a.participant_id)
    return StandingModel(
        _best_key(best.round_id, a.participant_id), "-", version=version, data=asdict(best),
        rank_all=f"{best.round_id}#{shard}", rank_category=f"{best.round_id}#{a.category}#{shard}",
        rank_key=rank_key(a))


def save_bests(bests: list[Best]) -> None:
    """Stores live bests as they are (seeding data in benchmarks and tests; the aggregator uses `apply`)."""
    with StandingModel.batch_write() as batch:
        for best in bests:
            batch.save(_best_item(best, 1))


def apply(chunk: ChunkWrite, now_ms: int, slot: int | None = None) -> None:
    """One transaction for the chunk, its counters added in `slot` (a random one unless given).
    Raises AlreadyApplied or Contention; nothing is written then."""
    slot = random.randrange(COUNTER_SLOTS) if slot is None else slot
    expires = datetime.fromtimestamp(now_ms / 1000 + MARKER_SECONDS, tz=UTC)
    try:
        with TransactWrite(connection=connection()) as tx:
            for event_id in chunk.event_ids:
                tx.save(StandingModel(f"done#{event_id}", "-", expires_at=expires),
                        condition=StandingModel.pk.does_not_exist())
            for best, old_version in chunk.bests.values():
                condition = (StandingModel.pk.does_not_exist() if old_version is None
                             else StandingModel.version == old_version)
                tx.save(_best_item(best, (old_version or 0) + 1), condition=condition)
            for participant_id in chunk.new_persons:
                tx.save(StandingModel(f"person#{participant_id}", "-"),
                        condition=StandingModel.pk.does_not_exist())
            for (scope, key), deltas in chunk.counters.items():
                actions = [getattr(StandingModel, name).add(delta) for name, delta in deltas.items()]
                actions.append(StandingModel.updated_at.set(now_ms))
                tx.update(StandingModel(f"tally#{scope}#{slot}", key), actions=actions)
    except TransactWriteError as error:
        replayed = {event_id for event_id, reason in zip(chunk.event_ids, reason_codes(error), strict=False)
                    if reason == "ConditionalCheckFailed"}
        if replayed:
            raise AlreadyApplied(replayed) from error
        if cancelled(error):
            raise Contention() from error
        raise


def counters(scope: str) -> tuple[dict[str, dict[str, int]], int | None]:
    """Counters of a scope (a round id, CONTEST or HOURS) summed over slots: key → counter → value; and as_of."""
    totals: dict[str, dict[str, int]] = {}
    as_of = None
    for slot in range(COUNTER_SLOTS):
        for item in StandingModel.query(f"tally#{scope}#{slot}"):
            bucket = totals.setdefault(item.sk, dict.fromkeys(COUNTERS, 0))
            for name in COUNTERS:
                bucket[name] += int(getattr(item, name) or 0)
            if item.updated_at is not None:
                as_of = max(as_of or 0, int(item.updated_at))
    return totals, as_of


def top(round_id: str, category: str | None, limit: int) -> list[Best]:
    """The live top `limit` of a round: TOP_SHARDS index queries of at most `limit` items, merged."""
    index: GlobalSecondaryIndex
    if category:
        index, prefix = StandingModel.rank_category_index, f"{round_id}#{category}#"
    else:
        index, prefix = StandingModel.rank_all_index, f"{round_id}#"
    shards = [index.query(f"{prefix}{shard}", limit=limit, page_size=limit) for shard in range(TOP_SHARDS)]
    merged = merge(*shards, key=lambda item: item.rank_key)
    return [Best(ScoredAttempt(**item.data["attempt"]), round_id, item.data["display_name"])
            for item in islice(merged, limit)]


def save_final(round_id: str, part: str, rows: list) -> None:
    """A final snapshot (a list of rows), in chunks under DynamoDB's 400 KB item limit: the chunks of a new
    version first, then the head item that names it (readers never see half of one), then the old chunks go."""
    pk = f"final#{round_id}"
    old = get_or_none(StandingModel, pk, part)
    version = uuid.uuid4().hex[:8]
    chunks = list(_chunks(rows))
    with StandingModel.batch_write() as batch:
        for n, chunk in enumerate(chunks):
            batch.save(StandingModel(pk, f"{part}#{version}#{n:05d}", data=chunk))
    StandingModel(pk, part, data={"version": version, "chunks": len(chunks)}).save()
    if old is not None and isinstance(old.data, dict) and "version" in old.data:
        with StandingModel.batch_write() as batch:
            for item in StandingModel.query(pk, StandingModel.sk.startswith(f"{part}#{old.data['version']}#")):
                batch.delete(item)


def _chunks(rows: list) -> Iterator[list]:
    chunk: list = []
    size = 0
    for row in rows:
        row_size = len(json.dumps(row)) + 2           # as JSONAttribute stores it (ASCII escapes)
        if chunk and size + row_size > FINAL_CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += row_size
    yield chunk


def load_final(round_id: str, part: str) -> list | None:
    """A final snapshot's rows (None when there is none): the head item, then its chunks in one query."""
    pk = f"final#{round_id}"
    head = get_or_none(StandingModel, pk, part, consistent=False)
    if head is None:
        return None
    if not (isinstance(head.data, dict) and "version" in head.data):
        return head.data                      # a snapshot saved whole, before chunks
    rows: list = []
    for item in StandingModel.query(pk, StandingModel.sk.startswith(f"{part}#{head.data['version']}#")):
        rows.extend(item.data)
    return rows
