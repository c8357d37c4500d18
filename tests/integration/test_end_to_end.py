"""The whole platform on the local stack's pieces: DynamoDB Local, the S3 emulator (s3rver), the API over HTTP, the
stream runner feeding the app's aggregator and the scheduler calling its lifecycle — no handler is called by
hand. Also: the stream runner killed in the middle of a burst (SIGKILL) or between handling a batch and
checkpointing it loses nothing and counts nothing twice."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from chalicelib.events import exports
from local.settings import ROOT
from local.streams import Checkpoints, StreamRunner, discover
from tests.events.recompute import derived, expected
from tests.integration.conftest import scan
from tests.streams import stream_records

COLUMNS = {"ranking": exports.RANKING, "attempts": exports.ATTEMPTS, "units": exports.UNITS}   # the result files

FRESH_WITHIN = 5.0      # seconds: how stale the live views may be


@pytest.fixture
def stack(local_tables, local_bucket, server, live_clock):
    from app import app
    from chalicelib import config
    from local.scheduler import Scheduler

    settings = config.current()          # DynamoDB Local and the S3 emulator, both
    runner = StreamRunner(app, endpoint=settings.dynamodb_endpoint, region=settings.region,
                          table_prefix=settings.table_prefix, poll_interval=0.05).start()
    try:
        yield SimpleNamespace(runner=runner, scheduler=Scheduler(app, settings.region), settings=settings)
    finally:
        runner.stop()


def eventually(check, timeout: float = FRESH_WITHIN, interval: float = 0.1):
    """Polls `check()` (which raises AssertionError until it holds); returns the seconds it took."""
    started = time.monotonic()
    while True:
        try:
            check()
            return time.monotonic() - started
        except AssertionError:
            if time.monotonic() - started > timeout:
                raise
            time.sleep(interval)


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return response.read()


def test_register_start_submit_see_it_live_close_and_download_the_results(api, contest, stack, live_clock):
    contest.open_round("dot-1", grace_seconds=0)
    people = {}
    for name, unit_id, category in (("Nguyễn Văn An", "so-noi-vu", "official"),
                                    ("Trần Thị Bình", "dong-hoi-hai-dinh", "citizen"),
                                    ("Lê Văn Cường", "dong-hoi", "official")):
        token, participant = contest.register(name, unit_id=unit_id, category=category)
        people[name] = SimpleNamespace(token=token, id=participant["id"], phone=participant["phone"])

    plan = [("Nguyễn Văn An", 5, 30), ("Trần Thị Bình", 3, 12), ("Lê Văn Cường", 4, 7), ("Lê Văn Cường", 2, 9)]
    submitted = []
    for name, right, prediction in plan:
        attempt = contest.start(people[name].token)
        reply = contest.submit(people[name].token, attempt, right=right, prediction=prediction)
        assert reply.status == 200, reply.text
        submitted.append(attempt["id"])
    an, binh, cuong = (people[n].id for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"))

    def live_views_show_it():
        board = api.get("/api/rounds/dot-1/leaderboard").body
        assert [(e["participant_id"], e["correct"]) for e in board["entries"]] == [(an, 5), (cuong, 4), (binh, 3)]
        assert board["final"] is False and all(e["prediction"] is None for e in board["entries"])
        citizens = api.get("/api/rounds/dot-1/leaderboard?category=citizen").body
        assert [e["participant_id"] for e in citizens["entries"]] == [binh]
        units = {u["unit_id"]: u for u in api.get("/api/rounds/dot-1/units").body["entries"]}
        assert (units["so-noi-vu"]["participants"], units["so-noi-vu"]["submissions"]) == (1, 1)
        assert (units["dong-hoi"]["participants"], units["dong-hoi"]["officials"], units["dong-hoi"]["citizens"],
                units["dong-hoi"]["submissions"]) == (2, 1, 1, 3)       # Hải Đình counts in Đồng Hới
        stats = api.get("/api/stats").body
        assert (stats["registered"], stats["participants"], stats["submissions"]) == (3, 3, 4)
        assert stats["rounds"] == [{"round_id": "dot-1", "participants": 3, "submissions": 4}]

    took = eventually(live_views_show_it)
    assert took < FRESH_WITHIN
    assert derived(api, "dot-1") == expected("dot-1")
    lag = stack.runner.lag()
    assert lag["aggregate_attempts"].records == 0 and lag["count_registrations"].handled == 3

    # Close, let the grace period and the settling time pass, and let the schedule finalize.
    reply = api.post("/api/admin/rounds/dot-1/close", token=contest.admin)
    assert reply.status == 202 and reply.body["round"]["status"] == "closed", reply.text
    assert api.get("/api/admin/rounds/dot-1/results", token=contest.admin).body["status"] == "pending"
    live_clock.advance(2 * 60 * 1000)
    runs = stack.scheduler.run_all()
    assert runs["finalize_rounds"] == {"finalized": ["dot-1"]}, runs

    results = api.get("/api/admin/rounds/dot-1/results", token=contest.admin)
    assert results.status == 200 and results.body["status"] == "ready", results.text
    files = {(f["name"], f["format"]): f["url"] for f in results.body["files"]}
    assert set(files) == {(n, f) for n in ("ranking", "units", "attempts", "prizes") for f in ("csv", "xlsx")}
    for url in files.values():
        assert url.startswith(stack.settings.s3_endpoint + "/"), url       # the local S3, presigned

    def table(name):
        rows = list(csv.reader(io.StringIO(download(files[(name, "csv")]).decode("utf-8-sig"))))
        sheet = load_workbook(io.BytesIO(download(files[(name, "xlsx")])), read_only=True).active
        xlsx_rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert len(xlsx_rows) == len(rows) and xlsx_rows[0] == [c.shown for c in COLUMNS[name]]
        assert rows[0] == [c.label for c in COLUMNS[name]]
        return rows[0], rows[1:]

    header, ranking = table("ranking")
    column = {title: i for i, title in enumerate(header)}
    assert [(r[column["Họ và tên"]], r[column["Số điện thoại"]], r[column["Số câu đúng"]]) for r in ranking] == [
        ("Nguyễn Văn An", people["Nguyễn Văn An"].phone, "5"), ("Lê Văn Cường", people["Lê Văn Cường"].phone, "4"),
        ("Trần Thị Bình", people["Trần Thị Bình"].phone, "3")]
    assert [r[column["Hạng"]] for r in ranking] == ["1", "2", "3"]
    assert all(r[column["Thời điểm nộp bài"]].endswith("+07:00") for r in ranking)    # the contest's zone
    header, attempts = table("attempts")
    assert sorted(r[0] for r in attempts) == sorted(submitted)
    header, units = table("units")
    column = {title: i for i, title in enumerate(header)}
    by_unit = {r[1]: r for r in units}
    assert by_unit["dong-hoi"][column["Người dự thi"]] == "2" and by_unit["so-noi-vu"][column["Người dự thi"]] == "1"
    assert by_unit["dong-hoi-hai-dinh"][column["Mã đơn vị cấp trên"]] == "dong-hoi"

    board = api.get("/api/rounds/dot-1/leaderboard").body
    assert board["final"] is True and board["prediction_truth"] == results.body["prediction_truth"]
    assert [e["participant_id"] for e in board["entries"]] == [an, cuong, binh]
    assert all(e["prediction"] is not None for e in board["entries"])


# --- the runner dies: nothing lost, nothing counted twice -------------------------------------------------

def burst(contest, count: int, threads: int = 6, first: int = 0, into: list | None = None) -> list[str]:
    """`count` participants register, start and submit (some twice) from several threads at once; the ids
    of the submitted attempts are appended to `into` as they are accepted."""
    submitted: list[str] = [] if into is None else into
    units = ["so-noi-vu", "dong-hoi", "dong-hoi-hai-dinh"]
    lock = threading.Lock()
    phones = [contest.next_phone() for _ in range(count)]

    def one(i: int) -> None:
        n = first + i
        reply = contest.api.post("/api/participants", {
            "full_name": f"Thí Sinh Số {n}", "phone": phones[i], "password": "mat-khau-123",
            "unit_id": units[n % 3], "category": "citizen" if n % 4 == 0 else "official"})
        assert reply.status == 201, reply.text
        token = reply.body["token"]
        for k in range(1 + n % 2):
            attempt = contest.start(token)
            answer = contest.submit(token, attempt, right=(n + k) % 6, prediction=n)
            assert answer.status == 200, answer.text
            with lock:
                submitted.append(attempt["id"])

    work = list(range(count))
    errors = []

    def worker() -> None:
        while True:
            with lock:
                if not work:
                    return
                i = work.pop(0)
            try:
                one(i)
            except BaseException as error:  # noqa: BLE001
                errors.append(error)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(120)
    assert not errors, errors
    return submitted


def handled_sequence(checkpoint) -> str | None:
    try:
        shards = json.loads(checkpoint.read_text())["mappings"]["aggregate_attempts"]["shards"]
    except (OSError, ValueError, KeyError):
        return None
    return max((s.get("sequence_number") or "" for s in shards.values()), default=None) or None


def start_runner_process(checkpoint, log):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "local.streams", "--checkpoint", str(checkpoint),
                             "--poll", "0.05"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_a_runner_killed_mid_burst_resumes_without_loss_or_double_counting(api, contest, local_tables, tmp_path):
    contest.open_round("dot-1")
    checkpoint = tmp_path / "checkpoints.json"
    log = open(tmp_path / "runner.log", "wb")
    runner = start_runner_process(checkpoint, log)
    try:
        first = burst(contest, 12)
        eventually(lambda: assert_(handled_sequence(checkpoint)), timeout=30)   # it is handling batches

        # Kill it hard while the next burst is on its way.
        second: list[str] = []
        sender = threading.Thread(target=burst, args=(contest, 18), kwargs={"first": 100, "into": second})
        sender.start()
        eventually(lambda: assert_(len(second) >= 4), timeout=30, interval=0.01)
        runner.send_signal(signal.SIGKILL)
        runner.wait(10)
        killed_at = handled_sequence(checkpoint)
        sender.join(120)
        submitted = first + second
        newest = max(r["dynamodb"]["SequenceNumber"]
                     for r in stream_records(local_tables.table_name("attempts"), local_tables.dynamodb_endpoint))
        assert killed_at < newest                 # it died with records still to handle
        accepted = scan(local_tables, "attempts", status="submitted")
        assert sorted(a["attempt_id"] for a in accepted) == sorted(submitted)

        runner = start_runner_process(checkpoint, log)
        want = expected("dot-1")
        assert want["stats"]["submissions"] == len(submitted) == 12 + 6 + 18 + 9

        def caught_up():
            assert derived(api, "dot-1") == want

        eventually(caught_up, timeout=60, interval=0.3)
        assert handled_sequence(checkpoint) > killed_at
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(10)
        log.close()
    text = (tmp_path / "runner.log").read_text(errors="replace")
    assert "STUCK" not in text and "Traceback" not in text, text[-3000:]


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the runner catches it."""


class CrashingCheckpoints(Checkpoints):
    """Dies right after the handler has applied the n-th batch and before that batch's checkpoint is saved."""

    def __init__(self, path, crash_on: int) -> None:
        super().__init__(path)
        self.batches, self.crash_on = 0, crash_on

    def update(self, mapping, shard_id, **values) -> None:
        if "sequence_number" in values and mapping == "aggregate_attempts":
            self.batches += 1
            if self.batches == self.crash_on:
                raise Crash()
        super().update(mapping, shard_id, **values)


def test_a_batch_handled_but_not_checkpointed_is_delivered_again_and_counted_once(api, contest, local_tables,
                                                                                 tmp_path):
    from app import app

    contest.open_round("dot-1")
    burst(contest, 8, threads=4)
    checkpoint = tmp_path / "checkpoints.json"
    small = [dataclasses.replace(m, batch_size=3) for m in discover(app, local_tables.table_prefix)]

    def runner(checkpoints_class=Checkpoints, **extra):
        made = StreamRunner(app, endpoint=local_tables.dynamodb_endpoint, region=local_tables.region,
                            table_prefix=local_tables.table_prefix, mappings=small)
        made.checkpoints = checkpoints_class(checkpoint, **extra)
        for worker in made.workers.values():
            worker.checkpoints = made.checkpoints
        return made

    crashing = runner(CrashingCheckpoints, crash_on=3)
    with pytest.raises(Crash):
        for _ in range(50):
            crashing.run_once()
    handled_before_crash = crashing.workers["aggregate_attempts"].handled

    again = runner()
    assert again.wait_until_caught_up(30)
    redelivered = again.workers["aggregate_attempts"].handled
    records = len(stream_records(local_tables.table_name("attempts"), local_tables.dynamodb_endpoint))
    # 2 batches were checkpointed; the 3rd was applied but not checkpointed, so it comes again.
    assert handled_before_crash == 3 * 3 - 3 and redelivered == records - 6
    assert derived(api, "dot-1") == expected("dot-1")


def assert_(value) -> None:
    assert value
