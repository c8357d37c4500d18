"""The local stream runner (local/streams/) and scheduler (local/scheduler.py): Lambda's event source mapping
and EventBridge's schedule, checked on DynamoDB Local's real streams with small Chalice apps."""
from __future__ import annotations

import json
import logging
import threading
import time

import boto3
from chalice import Chalice

from local.scheduler import Scheduler, rate_seconds
from local.streams import Checkpoints, Mapping, MappingWorker, StreamRunner, discover

PLACEHOLDER = "arn:aws:dynamodb:ap-southeast-1:000000000000:table/{}/stream/1970-01-01T00:00:00.000"


def feed_app(handle, batch_size: int = 10, starting_position: str = "TRIM_HORIZON") -> Chalice:
    """A Chalice app with one stream handler on the participants table, calling `handle(event)`."""
    app = Chalice(app_name="streams-test")

    @app.on_dynamodb_record(stream_arn=PLACEHOLDER.format("participants"), batch_size=batch_size,
                            starting_position=starting_position, name="feed")
    def feed(event):
        return handle(event)

    return app


def runner_for(app, settings, checkpoint=None, **options) -> StreamRunner:
    options = {"backoff": (0.01, 0.05), "alarm_after": 3, "poll_interval": 0.05, **options}
    return StreamRunner(app, endpoint=settings.dynamodb_endpoint, region=settings.region,
                        table_prefix=settings.table_prefix, checkpoint_path=checkpoint, **options)


def put(settings, *keys: str, **extra) -> None:
    client = boto3.client("dynamodb", endpoint_url=settings.dynamodb_endpoint, region_name=settings.region)
    for key in keys:
        client.put_item(TableName=settings.table_name("participants"),
                        Item={"participant_id": {"S": key}, **extra})


def keys_of(event) -> list[str]:
    return [record["dynamodb"]["Keys"]["participant_id"]["S"] for record in event.to_dict()["Records"]]


def drain(runner: StreamRunner, until, timeout: float = 10.0) -> None:
    """Runs cycles in this thread until `until()` holds."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "the runner did not get there in time"
        runner.run_once()
        time.sleep(0.01)


def test_records_reach_the_registered_handler_in_lambda_shape(local_tables):
    seen = []

    def handle(event):
        seen.append((event.to_dict(), [(r.event_name, r.sequence_number, r.table_name, r.new_image)
                                       for r in event]))
        return {"batchItemFailures": []}

    app = feed_app(handle)
    runner = runner_for(app, local_tables)
    assert [(m.name, m.table) for m in runner.mappings] == [("feed", local_tables.table_name("participants"))]
    put(local_tables, "p1", "p2", blob={"B": b"\x00\xff"}, count={"N": "3"})
    runner.run_once()

    assert len(seen) == 1
    event, chalice_view = seen[0]
    json.dumps(event)                                       # plain JSON, as Lambda delivers it
    arn = boto3.client("dynamodb", endpoint_url=local_tables.dynamodb_endpoint, region_name=local_tables.region) \
        .describe_table(TableName=local_tables.table_name("participants"))["Table"]["LatestStreamArn"]
    for record in event["Records"]:
        assert set(record) == {"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb",
                               "eventSourceARN"}
        assert (record["eventName"], record["eventSource"], record["awsRegion"], record["eventSourceARN"]) == \
            ("INSERT", "aws:dynamodb", local_tables.region, arn)
        dynamodb = record["dynamodb"]
        assert {"Keys", "NewImage", "SequenceNumber", "SizeBytes", "StreamViewType",
                "ApproximateCreationDateTime"} <= set(dynamodb)
        assert dynamodb["StreamViewType"] == "NEW_IMAGE"
        assert isinstance(dynamodb["ApproximateCreationDateTime"], (int, float))
        assert dynamodb["NewImage"]["blob"] == {"B": "AP8="}     # binary as base64 text, as in the cloud
        assert dynamodb["NewImage"]["count"] == {"N": "3"}
    assert [view[2] for view in chalice_view] == [local_tables.table_name("participants")] * 2
    assert [view[0] for view in chalice_view] == ["INSERT", "INSERT"]
    assert runner.lag()["feed"].records == 0


def test_a_runner_started_on_an_empty_stream_reads_what_comes_later(local_tables, caplog):
    seen = []
    runner = runner_for(feed_app(lambda event: seen.extend(keys_of(event))), local_tables)
    with caplog.at_level(logging.WARNING, logger="local.streams"):
        runner.run_once()                                  # nothing there yet
        put(local_tables, "late")
        runner.run_once()
        put(local_tables, "later")
        runner.run_once()
    assert seen == ["late", "later"]
    assert not caplog.records, [r.getMessage() for r in caplog.records]


def test_a_partial_batch_failure_retries_from_the_first_failed_record(local_tables, tmp_path):
    calls = []
    failures = {"p3": 2}                                   # p3 fails twice, then succeeds

    def handle(event):
        keys = keys_of(event)
        calls.append(keys)
        for record, key in zip(event.to_dict()["Records"], keys, strict=True):
            if failures.get(key):
                failures[key] -= 1
                return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
        return {"batchItemFailures": []}

    runner = runner_for(feed_app(handle), local_tables, tmp_path / "checkpoints.json")
    put(local_tables, *[f"p{i}" for i in range(1, 7)])
    drain(runner, lambda: runner.lag()["feed"].records == 0 and calls and calls[-1][-1] == "p6"
          and not failures["p3"])

    everything = [f"p{i}" for i in range(1, 7)]
    assert calls == [everything, everything[2:], everything[2:]]
    saved = json.loads((tmp_path / "checkpoints.json").read_text())["mappings"]["feed"]["shards"]
    last = list(saved.values())[0]["sequence_number"]
    assert last == max(r["dynamodb"]["SequenceNumber"] for r in _stream(local_tables))


def test_an_invalid_item_identifier_retries_the_whole_batch(local_tables):
    calls = []

    def handle(event):
        calls.append(keys_of(event))
        return {"batchItemFailures": [{"itemIdentifier": "not-a-sequence-number"}]} if len(calls) == 1 else None

    runner = runner_for(feed_app(handle), local_tables)
    put(local_tables, "a", "b")
    drain(runner, lambda: len(calls) == 2)
    assert calls == [["a", "b"], ["a", "b"]]


def test_a_failing_handler_is_retried_with_backoff_and_reported_loudly(local_tables, caplog):
    calls = []

    def handle(event):
        calls.append(keys_of(event))
        if len(calls) <= 4:
            raise RuntimeError("the standings table is unreachable")
        return None

    runner = runner_for(feed_app(handle), local_tables, alarm_after=3)
    put(local_tables, "x", "y")
    with caplog.at_level(logging.WARNING, logger="local.streams"):
        runner.run_once()
        lag = runner.lag()["feed"]
        assert (lag.records, lag.failing) == (2, True)      # waiting, not skipped
        drain(runner, lambda: runner.lag()["feed"].records == 0)
    assert calls == [["x", "y"]] * 5
    stuck = [r for r in caplog.records if r.levelno == logging.ERROR and "STUCK" in r.getMessage()]
    assert len(stuck) == 2                                  # the 3rd and 4th failures in a row
    assert not runner.lag()["feed"].failing


def test_a_restarted_runner_resumes_from_its_checkpoint(local_tables, tmp_path):
    seen = []
    app = feed_app(lambda event: seen.extend(keys_of(event)))
    checkpoint = tmp_path / "checkpoints.json"

    first = runner_for(app, local_tables, checkpoint).start()
    put(local_tables, "a", "b", "c")
    assert first.wait_until_caught_up(10)
    first.stop()
    put(local_tables, "d", "e")                             # written while no runner runs

    second = runner_for(app, local_tables, checkpoint).start()
    assert second.wait_until_caught_up(10)
    second.stop()
    assert seen == ["a", "b", "c", "d", "e"]

    # A checkpoint of another stream (the table was recreated) is dropped: that stream is read from the start.
    data = json.loads(checkpoint.read_text())
    data["mappings"]["feed"]["stream_arn"] = "arn:aws:dynamodb:ddblocal:000000000000:table/old/stream/x"
    checkpoint.write_text(json.dumps(data))
    seen.clear()
    third = runner_for(app, local_tables, checkpoint)
    drain(third, lambda: len(seen) == 5)


def test_latest_skips_what_was_written_before_the_first_start_only(local_tables, tmp_path):
    seen = []
    app = feed_app(lambda event: seen.extend(keys_of(event)), starting_position="LATEST")
    put(local_tables, "old")
    runner_for(app, local_tables, tmp_path / "checkpoints.json").run_once()
    assert seen == []
    put(local_tables, "while-down")              # the next start does not begin at LATEST again: nothing is lost
    runner = runner_for(app, local_tables, tmp_path / "checkpoints.json")
    drain(runner, lambda: seen == ["while-down"])
    put(local_tables, "new")
    drain(runner, lambda: seen == ["while-down", "new"])


def test_the_threaded_runner_reports_its_lag_and_catches_up(local_tables):
    gate = threading.Event()
    seen = []

    def handle(event):
        gate.wait(10)
        seen.extend(keys_of(event))

    put(local_tables, *[f"k{i}" for i in range(5)])        # all there before the first read
    runner = runner_for(feed_app(handle, batch_size=2), local_tables).start()
    try:
        deadline = time.monotonic() + 5
        while runner.lag()["feed"].records < 5:
            assert time.monotonic() < deadline, runner.lag()
            time.sleep(0.02)
        assert not runner.wait_until_caught_up(0.3)         # the handler is held up
        time.sleep(0.1)
        assert runner.lag()["feed"].seconds >= 0.1
        gate.set()
        assert runner.wait_until_caught_up(10)
        lag = runner.lag()["feed"]
        assert (lag.records, lag.seconds, lag.handled) == (0, 0.0, 5)
        assert seen == [f"k{i}" for i in range(5)]
    finally:
        gate.set()
        runner.stop()


# --- shard lineage, with a stand-in for DynamoDB Streams (DynamoDB Local rarely rolls its shards over)

class FakeStreams:
    """Two shards: a closed parent and its open child, listed child first."""

    ARN = "arn:aws:dynamodb:ddblocal:000000000000:table/t-participants/stream/x"

    def __init__(self) -> None:
        self.shards = {
            "child": {"parent": "parent", "records": ["3", "4"], "closed": False},
            "parent": {"parent": None, "records": ["1", "2"], "closed": True},
        }
        self.reads: list[str] = []

    # dynamodb
    def describe_table(self, TableName):
        return {"Table": {"LatestStreamArn": self.ARN, "StreamSpecification": {"StreamEnabled": True}}}

    # dynamodbstreams
    def describe_stream(self, StreamArn, **kwargs):
        shards = []
        for shard_id, shard in self.shards.items():
            info = {"ShardId": shard_id, "SequenceNumberRange": {"StartingSequenceNumber": shard["records"][0]}}
            if shard["parent"]:
                info["ParentShardId"] = shard["parent"]
            if shard["closed"]:
                info["SequenceNumberRange"]["EndingSequenceNumber"] = shard["records"][-1]
            shards.append(info)
        return {"StreamDescription": {"Shards": shards}}

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType, SequenceNumber=None):
        records = self.shards[ShardId]["records"]
        start = records.index(SequenceNumber) + 1 if SequenceNumber else 0
        return {"ShardIterator": f"{ShardId}:{start}"}

    def get_records(self, ShardIterator, Limit):
        shard_id, start = ShardIterator.split(":")
        shard = self.shards[shard_id]
        records = shard["records"][int(start):]
        self.reads.append(shard_id)
        answer = {"Records": [{"eventID": f"e{s}", "eventName": "INSERT", "eventVersion": "1.1",
                               "eventSource": "aws:dynamodb", "awsRegion": "ddblocal",
                               "dynamodb": {"Keys": {"participant_id": {"S": s}}, "SequenceNumber": s,
                                            "SizeBytes": 10, "StreamViewType": "NEW_IMAGE"}} for s in records]}
        end = len(shard["records"])
        if not shard["closed"] or records == [] and int(start) < end:
            answer["NextShardIterator"] = f"{shard_id}:{end}"
        return answer


def test_a_child_shard_is_read_only_after_its_parent_is_done(tmp_path):
    seen = []
    fake = FakeStreams()
    mapping = Mapping("feed", lambda event, context: seen.extend(r["dynamodb"]["SequenceNumber"]
                                                                 for r in event["Records"]),
                      "t-participants", 10, "TRIM_HORIZON")
    checkpoints = Checkpoints(tmp_path / "checkpoints.json")
    worker = MappingWorker(mapping, fake, fake, checkpoints, "ap-southeast-1")
    worker.cycle()
    worker.cycle()
    assert seen == ["1", "2", "3", "4"]
    assert fake.reads.index("parent") < fake.reads.index("child")
    saved = checkpoints.snapshot()["mappings"]["feed"]["shards"]
    assert saved["parent"] == {"sequence_number": "2", "finished": True}
    assert saved["child"]["sequence_number"] == "4" and not saved["child"].get("finished")

    # After a restart the finished parent is not read again.
    fake.reads.clear()
    again = MappingWorker(mapping, fake, fake, Checkpoints(tmp_path / "checkpoints.json"), "ap-southeast-1")
    again.cycle()
    assert "parent" not in fake.reads and seen == ["1", "2", "3", "4"]


# --- the app's own handlers and schedules

def test_the_apps_stream_handlers_are_mapped_to_their_local_tables():
    from app import app

    mappings = {m.name: m for m in discover(app, "cuocthi-local-")}
    assert {name: m.table for name, m in mappings.items()} == {
        "aggregate_attempts": "cuocthi-local-attempts", "count_registrations": "cuocthi-local-participants"}
    assert all(m.handler is app.handler_map[m.name] for m in mappings.values())


def test_rates():
    assert rate_seconds("rate(1 minute)") == 60
    assert rate_seconds("rate(5 minutes)") == 300
    assert rate_seconds("rate(2 hours)") == 7200
    assert rate_seconds("cron(0 1 * * ? *)") is None


def test_the_scheduler_calls_each_schedule_with_an_eventbridge_event(caplog):
    app = Chalice(app_name="schedule-test")
    events, boom = [], []

    @app.schedule("rate(5 minutes)", name="tick")
    def tick(event):
        events.append(event.to_dict())
        return {"ok": True}

    @app.schedule("rate(1 hour)", name="broken")
    def broken(event):
        boom.append(event.detail_type)
        raise RuntimeError("boom")

    scheduler = Scheduler(app, "ap-southeast-1")
    assert {s.name: s.seconds for s in scheduler.schedules} == {"tick": 300, "broken": 3600}
    with caplog.at_level(logging.ERROR, logger="local.scheduler"):
        assert scheduler.run_all() == {"tick": {"ok": True}, "broken": None}
    event = events[0]
    assert (event["detail-type"], event["source"], event["region"], event["detail"]) == \
        ("Scheduled Event", "aws.events", "ap-southeast-1", {})
    assert event["resources"][0].startswith("arn:aws:events:ap-southeast-1:")
    assert boom == ["Scheduled Event"] and scheduler.failures["broken"] == 1
    assert any("broken failed" in r.getMessage() for r in caplog.records)

    fast = Scheduler(app, "ap-southeast-1", override_seconds=0.05).start()
    deadline = time.monotonic() + 10
    while min(fast.runs.values()) < 3:                  # a failing schedule keeps its rhythm too
        assert time.monotonic() < deadline, fast.runs
        time.sleep(0.02)
    fast.stop()


def _stream(settings) -> list[dict]:
    from tests.streams import stream_records

    return stream_records(settings.table_name("participants"), settings.dynamodb_endpoint)
