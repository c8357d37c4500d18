"""The stream runner: Lambda's DynamoDB event source mapping, locally.

For every `@app.on_dynamodb_record` handler of the app it reads the matching DynamoDB Local table's stream
and calls the very handler app.py registers (`app.handler_map[name]`, so the call goes through Chalice's
DynamoDBEvent) with Lambda-shaped events. Like Lambda with ReportBatchItemFailures it

- reads each shard in order, parents before children, in batches of the handler's batch_size;
- honours the partial batch response: records before the first reported failure are done, the rest are
  retried (with back-off) — a failing record is never skipped; a handler exception or an invalid
  `itemIdentifier` retries the whole batch; after `alarm_after` failures in a row it logs loudly and keeps
  retrying;
- keeps its position per shard in a checkpoint file written after each handled batch, so a restart resumes
  where it stopped (a batch handled but not yet checkpointed when the runner dies is delivered again:
  at-least-once, as in the cloud).

Lag (records read from the stream but not yet handled, and for how long the oldest has waited) is in the
log line of every busy cycle and available from `StreamRunner.lag()`; `wait_until_caught_up()` waits
until everything written before the call has been handled.

    python -m local.streams [--checkpoint FILE]     # run it alone against $DYNAMODB_ENDPOINT
"""
from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from chalicelib.events.sources import StreamSource, event_sources
from chalicelib.events.stream_records import lambda_record

log = logging.getLogger("local.streams")

GET_RECORDS_LIMIT = 1000


# --- finding the handlers ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mapping:
    """One event source mapping: which handler reads which table's stream, and how."""

    name: str
    handler: Callable[[dict, Any], Any]
    table: str
    batch_size: int
    starting_position: str


def discover(app, prefix: str, logical_tables: set[str] | None = None) -> list[Mapping]:
    """The app's DynamoDB stream handlers, each mapped to its local table (`prefix` + the logical name)."""
    if logical_tables is None:
        from local.schema import table_definitions

        logical_tables = set(table_definitions())
    return [Mapping(source.name, app.handler_map[source.name], prefix + source.table(logical_tables),
                    source.batch_size, source.starting_position)
            for source in event_sources(app) if isinstance(source, StreamSource)]


# --- Lambda-shaped events ----------------------------------------------------------------------------------

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


# --- checkpoints -------------------------------------------------------------------------------------------

class Checkpoints:
    """Per mapping and shard: the last sequence number handled, and whether the shard is done.
    Kept in one JSON file, replaced atomically; without a path, in memory only."""

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._data: dict = {"version": 1, "mappings": {}}
        if self.path and self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict) and isinstance(loaded.get("mappings"), dict):
                    self._data = loaded
            except ValueError:
                log.error("checkpoint file %s is unreadable: starting from the streams' beginning", self.path)

    def shards(self, mapping: str, stream_arn: str) -> dict[str, dict]:
        """The checkpoints of `mapping` on this stream (a different stream — a recreated table — starts over)."""
        with self._lock:
            entry = self._data["mappings"].get(mapping)
            if not entry or entry.get("stream_arn") != stream_arn:
                if entry:
                    log.warning("%s: stream changed (%s → %s): its old checkpoints are dropped",
                                mapping, entry.get("stream_arn"), stream_arn)
                self._data["mappings"][mapping] = {"stream_arn": stream_arn, "shards": {}}
                self._save()
            return {k: dict(v) for k, v in self._data["mappings"][mapping]["shards"].items()}

    def started(self, mapping: str) -> bool:
        with self._lock:
            return bool(self._data["mappings"].get(mapping, {}).get("started"))

    def mark_started(self, mapping: str) -> None:
        """The mapping has listed its shards once: a later start never applies LATEST again (it could skip
        records written while the runner was down; reading them again is the safe side)."""
        with self._lock:
            entry = self._data["mappings"][mapping]
            if not entry.get("started"):
                entry["started"] = True
                self._save()

    def update(self, mapping: str, shard_id: str, **values) -> None:
        with self._lock:
            shards = self._data["mappings"][mapping]["shards"]
            shards.setdefault(shard_id, {}).update({k: v for k, v in values.items() if v is not None})
            self._save()

    def snapshot(self) -> dict:
        with self._lock:
            return json.loads(json.dumps(self._data))

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self._data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


# --- reading one mapping -----------------------------------------------------------------------------------

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


# --- the runner --------------------------------------------------------------------------------------------

class StreamRunner:
    """Runs one worker thread per mapping. `start()`/`stop()`, `lag()`, `wait_until_caught_up()`;
    `run_once()` does one cycle of every mapping in the calling thread (tests)."""

    def __init__(self, app, *, endpoint: str, region: str, table_prefix: str,
                 checkpoint_path: Path | None = None, poll_interval: float = 0.25, alarm_after: int = 5,
                 backoff: tuple[float, float] = (0.5, 30.0), mappings: list[Mapping] | None = None,
                 clients: tuple | None = None) -> None:
        self.poll_interval = poll_interval
        self.mappings = mappings if mappings is not None else discover(app, table_prefix)
        dynamodb, streams = clients or _clients(endpoint, region)
        self.checkpoints = Checkpoints(checkpoint_path)
        self.workers = {m.name: MappingWorker(m, dynamodb, streams, self.checkpoints, region,
                                              alarm_after=alarm_after, backoff=backoff)
                        for m in self.mappings}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._progress = threading.Condition()
        self._started = {name: 0 for name in self.workers}   # cycles begun, per worker
        self._ok = {name: 0 for name in self.workers}        # number of the last cycle that ended well

    def describe(self) -> list[str]:
        return [f"{m.name} ← {m.table} (batch {m.batch_size})" for m in self.mappings]

    def start(self) -> "StreamRunner":
        self._stop.clear()
        for name, worker in self.workers.items():
            thread = threading.Thread(target=self._loop, args=(name, worker), name=f"stream-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def _loop(self, name: str, worker: MappingWorker) -> None:
        errors = 0
        last_report = 0.0
        while not self._stop.is_set():
            with self._progress:
                self._started[name] += 1
                number = self._started[name]
            handled, ok = 0, False
            try:
                started = time.monotonic()
                handled = worker.cycle(self._stop)
                errors, ok = 0, True
                lag = worker.lag()
                if handled or (lag.records and time.monotonic() - last_report > 30):
                    log.info("%s: handled %d records in %.2f s (%s)", name, handled,
                             time.monotonic() - started, lag)
                    last_report = time.monotonic()
            except Exception:  # noqa: BLE001 - DynamoDB Local restarting, a network hiccup: keep going
                errors += 1
                worker.forget_stream()      # start again from the checkpoints (what was handled is kept)
                log.warning("%s: reading the stream failed (%d in a row)", name, errors, exc_info=errors == 1)
                self._stop.wait(min(30.0, 0.5 * 2 ** min(errors, 6)))
            with self._progress:
                if ok:
                    self._ok[name] = number
                self._progress.notify_all()
            if not handled:
                self._stop.wait(self.poll_interval)

    def run_once(self) -> int:
        return sum(worker.cycle() for worker in self.workers.values())

    def lag(self) -> dict[str, Lag]:
        return {name: worker.lag() for name, worker in self.workers.items()}

    def wait_until_caught_up(self, timeout: float = 10.0) -> bool:
        """True once every record written before this call has been handled (False on timeout, e.g. while
        a handler keeps failing)."""
        deadline = time.monotonic() + timeout
        if not self._threads:
            while time.monotonic() < deadline:
                self.run_once()
                if not any(lag.records for lag in self.lag().values()):
                    return True
                time.sleep(0.05)
            return False
        with self._progress:
            # A cycle that begins after this call reads the streams to their end and handles what it read.
            targets = {name: begun + 1 for name, begun in self._started.items()}
            while True:
                for name, worker in self.workers.items():
                    if self._ok[name] >= targets[name] and worker.lag().records:
                        targets[name] = self._started[name] + 1     # records still wait: needs a later cycle
                if all(self._ok[name] >= targets[name] for name in self.workers):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._progress.wait(min(remaining, 0.5))


def _clients(endpoint: str, region: str):
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=20)
    return (session.client("dynamodb", endpoint_url=endpoint, region_name=region, config=config),
            session.client("dynamodbstreams", endpoint_url=endpoint, region_name=region, config=config))


def from_config(app, checkpoint_path: Path | None, **options) -> StreamRunner:
    """A runner for the app's current configuration (DYNAMODB_ENDPOINT, TABLE_PREFIX, region)."""
    from chalicelib import config

    settings = config.current()
    if not settings.dynamodb_endpoint:
        raise SystemExit("DYNAMODB_ENDPOINT is not set: the stream runner reads DynamoDB Local only")
    return StreamRunner(app, endpoint=settings.dynamodb_endpoint, region=settings.region,
                        table_prefix=settings.table_prefix, checkpoint_path=checkpoint_path, **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.streams", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, help="checkpoint file (default: in memory)")
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between reads when idle")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from app import app

    runner = from_config(app, args.checkpoint, poll_interval=args.poll)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner.start()
    log.info("stream runner started (pid %d): %s", os.getpid(), "; ".join(runner.describe()))
    while not stop.wait(1.0):
        pass
    runner.stop()
    log.info("stream runner stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
