"""Derived standings: the markers that record which accepted attempts are counted, the commit records of counted
chunks, and final snapshots (counters: tallies.py; top lists: tops.py).

A marker holds the counted attempts of one key: a participant's in a round (`best#<round>#<participant>`, by
attempt number), or the first attempts of the round made on one device (`device#<round>#<hash>`, by participant:
a participant has one first attempt a round), which are also the device's users in the round for the
`shared_device` signal (events/aggregator.py), so a first attempt's marker costs no write of its own.

Counting a chunk of accepted attempts exactly once without a transaction per record:
1. each touched marker is written (one conditional put each) with the entries it adds under the chunk's token
   (`pend`, `pend_numbers` or `pend_users`), folding the entries of its previous token into `done` or `users`
   when that one committed;
2. one transaction then puts the token's commit record (`chunk#<token>`, only if absent) and adds the chunk's
   counters to their pages.
An attempt counts iff its entry is in `done`/`users`, or pending under a committed `pend`. A reader that meets
a token without a commit record aborts it (puts it `aborted`, only if absent): that chunk can then never commit,
and its attempts count as not yet counted. A crash, a timeout, a redelivery or a different batching therefore
changes no counter twice and loses none."""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.contest.ranking import ScoredAttempt
from chalicelib.contest.records import Struct
from chalicelib.store import connection, tallies
from chalicelib.store.items import cancelled, condition_failed, get_or_none, reason_codes, save_versioned
from chalicelib.store.models import StandingModel

RECORD_SECONDS = 3 * 24 * 3600      # commit records and markers outlive the stream's 24 hours and a replay
COMMITTED, ABORTED = "committed", "aborted"
FINAL_CHUNK_BYTES = 300_000   # a final snapshot's rows per item, well under DynamoDB's 400 KB


class Best(Struct, frozen=True):
    """A participant's live best attempt in a round, with what the public leaderboard shows."""

    attempt: ScoredAttempt
    round_id: str
    display_name: str


Entry = int | str     # an attempt number (a participant's marker) or a participant id (a device's)


class Marker(Struct, frozen=True):
    """A marker as the aggregator reads it."""

    key: str
    version: int | None = None          # None: no item yet
    done: frozenset[Entry] = frozenset()
    pend: str | None = None
    pend_entries: frozenset[Entry] = frozenset()

    def counted(self, committed: dict[str, bool]) -> frozenset[Entry]:
        """The entries counted, given whether the tokens (this one's `pend` among them) committed."""
        return self.done | (self.pend_entries if self.pend and committed[self.pend] else frozenset())


class Aborted(Exception):
    """The chunk's token was aborted by another reader before it committed; count the chunk again."""


class Contention(Exception):
    """Another writer's transaction touched the same items; try again."""


class AlreadyApplied(Exception):
    """Some records were applied before (a redelivery); `event_ids` names them."""

    def __init__(self, event_ids: set[str]) -> None:
        super().__init__(sorted(event_ids))
        self.event_ids = event_ids


def participant_marker(round_id: str, participant_id: str) -> str:
    return f"best#{round_id}#{participant_id}"     # named when it also held the participant's live best


def device_marker(round_id: str, device_hash: str) -> str:
    return f"device#{round_id}#{device_hash}"


def _expires(now_ms: int) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000 + RECORD_SECONDS, tz=UTC)


def _entries(numbers, users) -> frozenset[Entry]:
    return frozenset(int(n) for n in numbers or ()) | frozenset(users or ())


def read_markers(keys: Iterable[str]) -> dict[str, Marker]:
    """The markers under these keys, strongly consistent; a key without one gets an empty Marker."""
    found = {key: Marker(key) for key in keys}
    for item in StandingModel.batch_get([(key, "-") for key in found], consistent_read=True):
        found[item.pk] = Marker(item.pk, int(item.version), _entries(item.done, item.users), item.pend,
                                _entries(item.pend_numbers, item.pend_users))
    return found


def new_token(now_ms: int) -> str:
    return f"{now_ms:x}-{uuid.uuid4().hex[:16]}"


def resolve(tokens: Iterable[str], now_ms: int) -> dict[str, bool]:
    """Whether each chunk token committed; one without a commit record is aborted here, so it never will."""
    wanted = set(tokens)
    states = {item.pk.split("#", 1)[1]: item.state
              for item in StandingModel.batch_get([(f"chunk#{t}", "-") for t in wanted], consistent_read=True)}
    for token in wanted - set(states):
        try:
            StandingModel(f"chunk#{token}", "-", state=ABORTED, expires_at=_expires(now_ms)).save(
                condition=StandingModel.pk.does_not_exist())
            states[token] = ABORTED
        except PutError as error:
            if not condition_failed(error):
                raise
            item = get_or_none(StandingModel, f"chunk#{token}", "-")
            states[token] = item.state if item is not None else ABORTED
    return {token: states[token] == COMMITTED for token in wanted}


def _split(entries: frozenset[Entry]) -> tuple[set[int] | None, set[str] | None]:
    return ({e for e in entries if isinstance(e, int)} or None), ({e for e in entries if isinstance(e, str)} or None)


def write_marker(marker: Marker, done: frozenset[Entry], token: str, entries: frozenset[Entry]) -> bool:
    """Records `entries` under `token` (and `done` as counted); False if the item changed since it was read."""
    done_numbers, done_users = _split(done)
    pend_numbers, pend_users = _split(entries)
    item = StandingModel(marker.key, "-", done=done_numbers, users=done_users, pend=token,
                         pend_numbers=pend_numbers, pend_users=pend_users)
    return save_versioned(item, marker.version)


def known_persons(participant_ids: Iterable[str]) -> set[str]:
    """Those of the participants already counted in the contest's participants total (the "maybe" cases)."""
    items = StandingModel.batch_get([(f"person#{p}", "-") for p in set(participant_ids)], consistent_read=True)
    return {item.pk.split("#", 1)[1] for item in items}


def commit(token: str, tally: tallies.Tally, persons: set[str], unit_pages: int, now_ms: int,
           slot: int | None = None) -> None:
    """One transaction: the token's commit record, the new persons' markers and the tally's pages.
    Raises Aborted (the token was aborted first, or a person was counted meanwhile) or Contention."""
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(StandingModel(f"chunk#{token}", "-", state=COMMITTED, expires_at=_expires(now_ms)),
                    condition=StandingModel.pk.does_not_exist())
            for participant_id in sorted(persons):
                tx.save(StandingModel(f"person#{participant_id}", "-"), condition=StandingModel.pk.does_not_exist())
            for item, actions in tallies.page_writes(tally, unit_pages, now_ms, slot):
                tx.update(item, actions=actions)
    except TransactWriteError as error:
        if "ConditionalCheckFailed" in reason_codes(error):
            raise Aborted(token) from error
        if cancelled(error):
            raise Contention() from error
        raise


def apply_once(event_ids: list[str], tally: tallies.Tally, now_ms: int, slot: int | None = None) -> None:
    """For streams with no participant to keep counts on (registrations): one transaction with a marker per
    record and the tally's pages. Raises AlreadyApplied or Contention; nothing is written then."""
    try:
        with TransactWrite(connection=connection()) as tx:
            for event_id in event_ids:
                tx.save(StandingModel(f"done#{event_id}", "-", expires_at=_expires(now_ms)),
                        condition=StandingModel.pk.does_not_exist())
            for item, actions in tallies.page_writes(tally, 1, now_ms, slot):
                tx.update(item, actions=actions)
    except TransactWriteError as error:
        replayed = {event_id for event_id, reason in zip(event_ids, reason_codes(error), strict=False)
                    if reason == "ConditionalCheckFailed"}
        if replayed:
            raise AlreadyApplied(replayed) from error
        if cancelled(error):
            raise Contention() from error
        raise


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
