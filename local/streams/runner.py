"""The runner: one worker thread per mapping, with the lag and a wait until everything is handled."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from local.streams.checkpoints import Checkpoints
from local.streams.handlers import Mapping, discover
from local.streams.worker import Lag, MappingWorker

log = logging.getLogger("local.streams")


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
        self._started = dict.fromkeys(self.workers, 0)   # cycles begun, per worker
        self._ok = dict.fromkeys(self.workers, 0)        # number of the last cycle that ended well

    def describe(self) -> list[str]:
        return [f"{m.name} ← {m.table} (batch {m.batch_size})" for m in self.mappings]

    def start(self) -> StreamRunner:
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
