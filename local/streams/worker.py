"""Reading one mapping: one table's stream, shard by shard, fed to one handler in batches."""
from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.events.stream_records import lambda_record
from local.streams.checkpoints import Checkpoints
from local.streams.handlers import Mapping
from local.streams.invocation import first_failure, lambda_context

log = logging.getLogger("local.streams")

GET_RECORDS_LIMIT = 1000


@dataclass
class _Pending:
    record: dict
    read_at: float


@dataclass
class _Shard:
    id: str
    parent: str | None
    checkpoint: str | None = None     # last sequence number handled
    finished: bool = False            # closed, read to its end and everything handled
    iterator: str | None = None
    exhausted: bool = False           # the shard is closed and read to its end
    last_read: str | None = None      # last sequence number read (handled or pending)
    pending: deque = field(default_factory=deque)
    failures: int = 0
    failing_at: str | None = None
    retry_at: float = 0.0
    start_latest: bool = False        # first start of a LATEST mapping: skip what the shard holds


@dataclass(frozen=True)
class Lag:
    records: int        # read from the stream, not yet handled
    seconds: float      # since the oldest of them was read
    handled: int        # records handled since the runner started
    failing: bool       # a batch is waiting to be retried

    def __str__(self) -> str:
        return f"lag {self.records} records, {self.seconds:.1f} s"


class MappingWorker:
    """Reads one table's stream and feeds one handler. `cycle()` does one round of reading and handling."""

    def __init__(self, mapping: Mapping, dynamodb, streams, checkpoints: Checkpoints, region: str,
                 alarm_after: int = 5, backoff: tuple[float, float] = (0.5, 30.0),
                 shard_refresh_seconds: float = 10.0, max_pending: int = 10_000,
                 context_factory: Callable[[str], Any] = lambda_context) -> None:
        self.mapping = mapping
        self.dynamodb, self.streams = dynamodb, streams
        self.checkpoints = checkpoints
        self.region = region
        self.alarm_after = alarm_after
        self.backoff = backoff
        self.shard_refresh_seconds = shard_refresh_seconds
        self.max_pending = max_pending
        self.context_factory = context_factory
        self.stream_arn: str | None = None
        self.shards: dict[str, _Shard] = {}
        self.handled = 0
        self.batches = 0
        self._refreshed_at = 0.0
        self._first_listing = True
        self._waiting_logged = False
        self.lock = threading.Lock()

    # -- the stream and its shards

    def _resolve_stream(self) -> bool:
        from botocore.exceptions import ClientError

        try:
            table = self.dynamodb.describe_table(TableName=self.mapping.table)["Table"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            if not self._waiting_logged:
                log.warning("%s: table %s does not exist yet; waiting", self.mapping.name, self.mapping.table)
                self._waiting_logged = True
            return False
        arn = table.get("LatestStreamArn")
        if not arn or not table.get("StreamSpecification", {}).get("StreamEnabled"):
            raise RuntimeError(f"table {self.mapping.table} has no stream enabled")
        if arn != self.stream_arn:
            self.stream_arn = arn
            self.shards = {}
            self._first_listing = True
            self._refreshed_at = 0.0
            saved = self.checkpoints.shards(self.mapping.name, arn)
            for shard_id, state in saved.items():
                self.shards[shard_id] = _Shard(shard_id, state.get("parent"), state.get("sequence_number"),
                                               bool(state.get("finished")))
        return True

    def _list_shards(self) -> list[dict]:
        shards, start = [], None
        while True:
            kwargs = {"StreamArn": self.stream_arn}
            if start:
                kwargs["ExclusiveStartShardId"] = start
            description = self.streams.describe_stream(**kwargs)["StreamDescription"]
            shards += description.get("Shards", [])
            start = description.get("LastEvaluatedShardId")
            if not start:
                return shards

    def _refresh_shards(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._refreshed_at < self.shard_refresh_seconds:
            return
        first_start = self._first_listing and not self.checkpoints.started(self.mapping.name)
        for info in self._list_shards():
            shard = self.shards.get(info["ShardId"])
            if shard is None:
                shard = _Shard(info["ShardId"], info.get("ParentShardId"))
                # LATEST applies only to the shards open when the mapping first starts, as in Lambda.
                shard.start_latest = first_start and self.mapping.starting_position == "LATEST"
                self.shards[shard.id] = shard
            elif shard.parent is None:
                shard.parent = info.get("ParentShardId")
        if self._first_listing:
            self.checkpoints.mark_started(self.mapping.name)
        self._first_listing = False
        self._refreshed_at = time.monotonic()

    def _ready(self, shard: _Shard) -> bool:
        """A child shard waits until its parent is done (a parent no longer listed was trimmed: done)."""
        if shard.finished:
            return False
        parent = self.shards.get(shard.parent) if shard.parent else None
        return parent is None or parent.finished

    def _iterator(self, shard: _Shard) -> str:
        kwargs = {"StreamArn": self.stream_arn, "ShardId": shard.id}
        after = shard.last_read or shard.checkpoint
        if after:
            kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=after)
        else:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        return self.streams.get_shard_iterator(**kwargs)["ShardIterator"]

    def _skip_to_tip(self, shard: _Shard) -> None:
        """LATEST, made to last: the shard's newest record becomes the checkpoint, so neither this start nor a
        later one delivers what was written before the mapping first started."""
        iterator = self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard.id,
                                                   ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        newest = None
        while iterator:
            page = self.streams.get_records(ShardIterator=iterator, Limit=GET_RECORDS_LIMIT)
            if page.get("Records"):
                newest = page["Records"][-1]["dynamodb"]["SequenceNumber"]
            elif page.get("NextShardIterator"):
                break
            iterator = page.get("NextShardIterator")
        shard.start_latest = False
        if newest:
            shard.checkpoint = newest
            self.checkpoints.update(self.mapping.name, shard.id, sequence_number=newest, parent=shard.parent)

    def _read(self, shard: _Shard) -> int:
        """Reads what the shard holds past what was already read (up to max_pending waiting records)."""
        from botocore.exceptions import ClientError

        read = 0
        if shard.start_latest and not (shard.checkpoint or shard.last_read):
            self._skip_to_tip(shard)
        while len(shard.pending) < self.max_pending and not shard.exhausted:
            fresh = shard.iterator is None
            if fresh:
                shard.iterator = self._iterator(shard)
            try:
                response = self.streams.get_records(ShardIterator=shard.iterator, Limit=GET_RECORDS_LIMIT)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                shard.iterator = None
                if code == "ExpiredIteratorException" and not fresh:
                    continue
                if code == "TrimmedDataAccessException" and not fresh:
                    # DynamoDB Local says this of an iterator taken on a shard that was still empty: a new
                    # iterator from the same position reads on (a real loss shows up again on the new one).
                    continue
                if code == "TrimmedDataAccessException" and (shard.last_read or shard.checkpoint):
                    log.error("!!! %s: shard %s was trimmed past sequence number %s: RECORDS WERE LOST; "
                              "continuing from the oldest record left", self.mapping.name, shard.id,
                              shard.last_read or shard.checkpoint)
                    shard.last_read, shard.checkpoint = None, None
                    continue
                raise
            now = time.monotonic()
            records = response.get("Records", [])
            for record in records:
                shard.pending.append(_Pending(lambda_record(record, self.stream_arn, self.region), now))
                shard.last_read = record["dynamodb"]["SequenceNumber"]
            read += len(records)
            shard.iterator = response.get("NextShardIterator")
            if shard.iterator is None:
                shard.exhausted = True
            if not records:
                break
        return read

    # -- handling

    def _handle(self, shard: _Shard, stop: threading.Event | None) -> int:
        handled = 0
        while shard.pending and not (stop and stop.is_set()):
            if time.monotonic() < shard.retry_at:
                break
            batch = [p.record for p in itertools.islice(shard.pending, self.mapping.batch_size)]
            error = None
            try:
                result = self.mapping.handler({"Records": batch}, self.context_factory(self.mapping.name))
                failed_at = first_failure(result, batch)
            except Exception as exc:  # noqa: BLE001 - a handler error must never stop the runner
                error, failed_at = exc, 0
            done = len(batch) if failed_at is None else failed_at
            if done:
                for _ in range(done):
                    shard.pending.popleft()
                shard.checkpoint = batch[done - 1]["dynamodb"]["SequenceNumber"]
                self.checkpoints.update(self.mapping.name, shard.id, sequence_number=shard.checkpoint,
                                        parent=shard.parent)
                handled += done
                self.handled += done
                self.batches += 1
            if failed_at is None:
                shard.failures, shard.failing_at = 0, None
                continue
            self._failed(shard, batch[failed_at]["dynamodb"]["SequenceNumber"], error)
            break
        if shard.exhausted and not shard.pending and not shard.finished:
            shard.finished = True
            self.checkpoints.update(self.mapping.name, shard.id, finished=True, parent=shard.parent)
            log.info("%s: shard %s is closed and fully handled", self.mapping.name, shard.id)
            self._refresh_shards(force=True)
        return handled

    def _failed(self, shard: _Shard, sequence_number: str, error: Exception | None) -> None:
        shard.failures = shard.failures + 1 if shard.failing_at == sequence_number else 1
        shard.failing_at = sequence_number
        low, high = self.backoff
        delay = min(high, low * 2 ** (shard.failures - 1))
        shard.retry_at = time.monotonic() + delay
        what = f"raised {error!r}" if error else "reported a failure"
        if shard.failures >= self.alarm_after:
            log.error("!!! %s: STUCK — the handler %s at sequence number %s of shard %s %d times in a row; "
                      "the %d records from there on wait (none is skipped); retrying in %.1f s",
                      self.mapping.name, what, sequence_number, shard.id, shard.failures, len(shard.pending),
                      delay, exc_info=error if shard.failures == self.alarm_after else None)
        else:
            log.warning("%s: the handler %s at sequence number %s (shard %s, attempt %d); retrying in %.1f s",
                        self.mapping.name, what, sequence_number, shard.id, shard.failures, delay,
                        exc_info=error if shard.failures == 1 else None)

    # -- one cycle

    def cycle(self, stop: threading.Event | None = None) -> int:
        """Reads every ready shard and handles what it can; returns the number of records handled."""
        with self.lock:
            if self.stream_arn is None and not self._resolve_stream():
                return 0
            self._refresh_shards()
            handled = 0
            for shard in list(self.shards.values()):
                if not self._ready(shard):
                    continue
                self._read(shard)
                handled += self._handle(shard, stop)
            return handled

    def forget_stream(self) -> None:
        """Drops what was read but not handled; the next cycle finds the stream again and reads on from the
        checkpoints (a table recreated under the runner gets its new stream)."""
        with self.lock:
            self.stream_arn = None
            self.shards = {}

    def lag(self) -> Lag:
        now = time.monotonic()
        # Read without the worker's lock: a snapshot that may be a cycle old is good enough for a lag figure.
        shards = list(self.shards.values())
        waiting = []
        for shard in shards:
            try:
                waiting.append(shard.pending[0].read_at)
            except IndexError:          # handled meanwhile
                pass
        return Lag(records=sum(len(s.pending) for s in shards),
                   seconds=max(0.0, now - min(waiting)) if waiting else 0.0,
                   handled=self.handled, failing=any(s.failures for s in shards))
