"""Starts the whole platform locally, on the loopback address only (`make run`):

- DynamoDB Local (data in .local/dynamodb/) and s3rver as S3 (every object a file in .local/s3rver/);
- the tables (infra/tables.json, through local.schema) and the results bucket;
- the API and web pages (the app object, served by Chalice's local server);
- the stream runner (local/streams/) and the scheduler (local/scheduler.py) feeding the app's handlers;
- on first start, the demo contest (local/demo.py) and an organizer account.

Ctrl-C (SIGINT) or SIGTERM stops everything. Ports: LOCAL_API_PORT (8000), LOCAL_DYNAMODB_PORT (8001),
LOCAL_S3_PORT (8002); LOCAL_DATA_DIR puts the data elsewhere than .local/; LOCAL_SCHEDULE_SECONDS runs the
schedules faster; LOCAL_DEMO=0 skips the demo.
`make clean-local` deletes .local/ and with it every piece of local data.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime

from local import settings as local_settings
from local.dynamodb import Missing
from local.processes import PortInUse, StartFailed, port_is_free

log = logging.getLogger("local.run")


class Shutdown(BaseException):
    """Raised in the main thread by SIGINT/SIGTERM: unwinds the start-up or the wait, then cleans up."""


class AlreadyRunning(Exception):
    pass


class Lock:
    """.local/run.lock, held (flock) for the launcher's lifetime; it names the running launcher."""

    def __init__(self, path) -> None:
        self.path = path
        self.file = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), "r+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            text = handle.read()
            handle.close()
            try:
                info = json.loads(text)
            except ValueError:
                info = {}
            raise AlreadyRunning(
                f"The local stack is already running (pid {info.get('pid', '?')}"
                f"{', ' + info['url'] if info.get('url') else ''}, started {info.get('started_at', '?')}).\n"
                f"Stop it first: Ctrl-C in its terminal, or `kill -INT {info.get('pid', '<pid>')}`.") from None
        self.file = handle
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.write()

    def write(self, **extra) -> None:
        info = {"pid": os.getpid(), "started_at": self.started_at, **extra}
        self.file.seek(0)
        self.file.truncate()
        self.file.write(json.dumps(info))
        self.file.flush()

    def release(self) -> None:
        if self.file is not None:
            self.file.seek(0)
            self.file.truncate()
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
            self.file = None


def _say(text: str = "") -> None:
    print(text, flush=True)


def check_ports(config: local_settings.Settings) -> None:
    for port in config.ports():
        if not port_is_free(port.value):
            raise PortInUse(port.value, port.what, port.variable)


def run(config: local_settings.Settings) -> int:
    started = time.monotonic()
    children = []
    shutting_down = False

    def on_signal(signum, frame):
        if not shutting_down:
            raise Shutdown(signal.Signals(signum).name)
        for child in children:          # a second Ctrl-C while stopping: no more waiting
            if child.alive():
                child.child.process.kill()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    lock = Lock(config.lock_file)
    lock.acquire()
    with ExitStack() as cleanup:
        cleanup.callback(lock.release)
        try:
            check_ports(config)
            return _serve(config, lock, cleanup, children, started)
        except Shutdown as stop:
            _say(f"\n{stop.args[0] if stop.args else 'signal'}: stopping the local stack …")
            return 0
        finally:
            shutting_down = True


def _serve(config: local_settings.Settings, lock: Lock, cleanup: ExitStack, children: list, started: float) -> int:
    from local.dynamodb import DynamoDBLocal
    from local.s3 import S3rver, count_objects, ensure_bucket

    config.logs_dir.mkdir(parents=True, exist_ok=True)

    dynamodb = DynamoDBLocal(config.dynamodb.value, config.dynamodb_dir, config.logs_dir / "dynamodb.log",
                             config.dynamodb.what, config.dynamodb.variable)
    s3 = S3rver(config.s3.value, config.s3_dir, config.logs_dir / "s3.log", config.s3.what, config.s3.variable)
    children += [dynamodb, s3]
    cleanup.callback(_stopped, "DynamoDB Local", dynamodb.stop)
    dynamodb.launch()
    cleanup.callback(_stopped, "S3 emulator", s3.stop)
    s3.launch()

    # While they start: the app's environment (read when app.py is imported), then the app itself.
    from local.speed import share_botocore_loader

    share_botocore_loader()
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "ATTEMPTS_STREAM_ARN",
                 "PARTICIPANTS_STREAM_ARN"):
        os.environ.pop(name, None)
    os.environ.update(local_settings.app_environment(config))
    from chalicelib import config as app_config
    from local.schema import create_tables

    app_config.current.cache_clear()
    settings = app_config.current()
    from app import app  # noqa: E402

    dynamodb.wait_ready()
    s3.wait_ready()
    from local import durable_transactions

    durable_transactions.ensure_table(dynamodb.client("dynamodb"))
    durable_transactions.install(settings.dynamodb_endpoint)     # before the app's first transaction
    created = create_tables(dynamodb.client("dynamodb"), settings.table_prefix)
    from chalicelib.store import participants as participant_store

    participant_store.backfill_index_keys()   # participants stored before their indexes existed
    s3_client = s3.client()
    ensure_bucket(s3_client, settings.results_bucket)
    kept = count_objects(s3_client, settings.results_bucket)

    from local.api import ApiServer
    from local.demo import ensure_demo, ensure_organizer
    from local.scheduler import Scheduler
    from local.streams import StreamRunner

    organizer = ensure_organizer(config.data_dir)
    api = ApiServer(app, config.api.value, what=config.api.what, variable=config.api.variable).start()
    cleanup.callback(_stopped, "API server", api.stop)

    runner = StreamRunner(app, endpoint=settings.dynamodb_endpoint, region=settings.region,
                          table_prefix=settings.table_prefix, checkpoint_path=config.checkpoint_file)
    runner.start()
    cleanup.callback(_stopped, "stream runner", runner.stop)

    demo = []
    if os.environ.get("LOCAL_DEMO", "1") != "0":
        demo = ensure_demo(api.url, organizer)

    from chalicelib.events import lifecycle
    from local.finals_pool import LazyPool

    finalizers = LazyPool()         # the finalization's shard tasks, in processes started at the first need
    cleanup.callback(finalizers.shutdown)
    lifecycle.use_mapper(finalizers.map)
    scheduler = Scheduler(app, settings.region, config.schedule_seconds).start()
    cleanup.callback(_stopped, "scheduler", scheduler.stop)

    lock.write(url=api.url + "/")
    _banner(config, settings, api, organizer, runner, scheduler, created, demo, kept,
            time.monotonic() - started)
    return _watch(dynamodb, s3, runner)


def _banner(config, settings, api, organizer, runner, scheduler, created, demo, kept, seconds) -> None:
    data = config.data_dir
    password = {"env": "(from CUOCTHI_ADMIN_PASSWORD)",
                "file": f"{organizer.password}   (kept in {data / 'admin-password'})",
                "generated": f"{organizer.password}   (new; kept in {data / 'admin-password'})"}[organizer.source]
    _say("")
    _say("cuocthi local stack is up (%.1f s) — loopback only" % seconds)
    _say(f"  Web pages and API  {api.url}/   (try {api.url}/api/contest)")
    _say(f"  Organizer login    {organizer.username} / {password}")
    _say(f"  DynamoDB Local     {settings.dynamodb_endpoint}   tables {settings.table_prefix}*, "
         f"data in {config.dynamodb_dir}" + (f" ({len(created)} tables created)" if created else ""))
    _say(f"  S3 (s3rver)        {settings.s3_endpoint}   bucket {settings.results_bucket}, files in {config.s3_dir}"
         + (f" ({kept} kept)" if kept else ""))
    for line in runner.describe():
        _say(f"  Stream             {line}")
    for line in scheduler.describe():
        _say(f"  Schedule           {line}")
    if demo:
        _say(f"  Demo contest       loaded: {', '.join(demo)}")
    _say(f"  SMS (not sent)     each one printed here and appended to {config.sms_outbox}")
    _say(f"  Logs               {config.logs_dir}   reset everything: make clean-local")
    _say("Ctrl-C stops everything.")
    _say("")


def _watch(dynamodb, s3, runner) -> int:
    """Waits for a signal; a child that dies on its own brings the stack down with a message."""
    last_lag = 0.0
    while True:
        time.sleep(1.0)
        for child, name in ((dynamodb, "DynamoDB Local"), (s3, "the S3 emulator")):
            if not child.alive():
                log.error("%s exited unexpectedly (code %s):\n%s", name, child.child.process.returncode,
                          child.child.tail())
                return 1
        if time.monotonic() - last_lag > 60:
            behind = {name: lag for name, lag in runner.lag().items() if lag.records or lag.failing}
            if behind:
                log.warning("streams behind: %s", "; ".join(f"{n}: {lag}" for n, lag in behind.items()))
            last_lag = time.monotonic()


def _stopped(what: str, stop) -> None:
    try:
        stop()
    except Exception:  # noqa: BLE001 - keep stopping the rest
        log.exception("stopping %s", what)
    else:
        _say(f"  stopped {what}")


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(name)-15s %(message)s",
                        datefmt="%H:%M:%S")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    config = local_settings.from_environ()
    try:
        return run(config)
    except AlreadyRunning as running:
        _say(str(running))
        return 1
    except PortInUse as busy:
        _say(f"Cannot start: {busy}.")
        return 1
    except (StartFailed, Missing) as failed:
        _say(f"Cannot start: {failed}")
        return 1
    except Shutdown:            # a signal before anything was started
        return 0


if __name__ == "__main__":
    sys.exit(main())
