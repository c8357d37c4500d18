"""infra/replay_failures.py: reads each failed batch back from the stream by its sequence range and hands it to
the function named in the message; deletes the message only when the replay went through."""
from __future__ import annotations

import importlib.util
import io
import json
import sys
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tests.infra.conftest import ROOT

spec = importlib.util.spec_from_file_location("replay_failures", ROOT / "infra" / "replay_failures.py")
replay_failures = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = replay_failures
spec.loader.exec_module(replay_failures)

STREAM = "arn:aws:dynamodb:ap-southeast-1:123456789012:table/cuocthi-prod-attempts/stream/2026-01-01T00:00:00.000"
FUNCTION = "arn:aws:lambda:ap-southeast-1:123456789012:function:cuocthi-prod-AggregateAttempts-AbC"
SHARD = "shardId-00000001-aaaa"


def record(seq: int) -> dict:
    return {"eventID": f"e{seq}", "eventName": "MODIFY", "eventSource": "aws:dynamodb", "awsRegion": "ap-southeast-1",
            "dynamodb": {"ApproximateCreationDateTime": datetime(2026, 1, 1, tzinfo=UTC),
                         "Keys": {"attempt_id": {"S": f"a{seq}"}}, "NewImage": {"attempt_id": {"S": f"a{seq}"}},
                         "SequenceNumber": str(seq), "SizeBytes": 10, "StreamViewType": "NEW_IMAGE"}}


class FakeStreams:
    """A shard of records 100..119 served three at a time, like GetRecords pages."""

    def __init__(self, closed: bool = True, trimmed: bool = False) -> None:
        self.records = [record(seq) for seq in range(100, 120)]
        self.closed, self.trimmed = closed, trimmed

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType, SequenceNumber):
        assert (StreamArn, ShardId, ShardIteratorType) == (STREAM, SHARD, "AT_SEQUENCE_NUMBER")
        if self.trimmed:
            raise ClientError({"Error": {"Code": "TrimmedDataAccessException", "Message": "trimmed"}},
                              "GetShardIterator")
        start = next(i for i, r in enumerate(self.records)
                     if int(r["dynamodb"]["SequenceNumber"]) >= int(SequenceNumber))
        return {"ShardIterator": str(start)}

    def get_records(self, ShardIterator, Limit):
        start = int(ShardIterator)
        page = self.records[start:start + 3]
        reply = {"Records": page}
        if start + 3 < len(self.records) or not self.closed:
            reply["NextShardIterator"] = str(start + len(page))
        return reply


class FakeLambda:
    def __init__(self, answer=None, error: bool = False) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.answer, self.error = answer or {"batchItemFailures": []}, error

    def invoke(self, FunctionName, InvocationType, Payload):
        self.calls.append((FunctionName, json.loads(Payload)))
        reply = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(self.answer).encode())}
        if self.error:
            reply["FunctionError"] = "Unhandled"
        return reply


@pytest.fixture
def queue():
    with mock_aws():
        sqs = boto3.client("sqs", region_name="ap-southeast-1")
        url = sqs.create_queue(QueueName="failures")["QueueUrl"]
        yield sqs, url


def put_failure(sqs, url, start: int, end: int) -> None:
    """A message shaped like the one Lambda sends to an on-failure destination for a DynamoDB stream."""
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({
        "requestContext": {"requestId": "r", "functionArn": FUNCTION, "condition": "RetryAttemptsExhausted",
                           "approximateInvokeCount": 6},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0", "timestamp": "2026-01-01T00:00:00.000Z",
        "DDBStreamBatchInfo": {"shardId": SHARD, "startSequenceNumber": str(start), "endSequenceNumber": str(end),
                               "approximateArrivalOfFirstRecord": "2026-01-01T00:00:00Z",
                               "approximateArrivalOfLastRecord": "2026-01-01T00:00:00Z",
                               "batchSize": end - start + 1, "streamArn": STREAM}}))


def remaining(sqs, url) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_replays_exactly_the_batch_range_and_deletes_the_message(queue):
    sqs, url = queue
    put_failure(sqs, url, 104, 110)
    function = FakeLambda()
    counts = replay_failures.replay(sqs, FakeStreams(), function, url, out=io.StringIO())
    assert counts == {"seen": 1, "replayed": 1, "failed": 0, "expired": 0}
    ((name, payload),) = function.calls
    assert name == FUNCTION
    assert [r["dynamodb"]["SequenceNumber"] for r in payload["Records"]] == [str(s) for s in range(104, 111)]
    assert all(r["eventSourceARN"] == STREAM for r in payload["Records"])
    assert payload["Records"][0]["dynamodb"]["ApproximateCreationDateTime"] == 1767225600.0
    assert remaining(sqs, url) == 0


def test_binary_attributes_reach_the_function_as_base64_text(queue):
    """boto3 hands binary values back as bytes; the payload carries them as Lambda would, as base64."""
    sqs, url = queue
    put_failure(sqs, url, 100, 101)
    streams = FakeStreams()
    streams.records[0]["dynamodb"]["NewImage"]["token"] = {"B": b"\x00\xff"}
    streams.records[1]["dynamodb"]["NewImage"]["tokens"] = {"L": [{"BS": [b"\x01"]}]}
    function = FakeLambda()
    counts = replay_failures.replay(sqs, streams, function, url, out=io.StringIO())
    assert counts["replayed"] == 1
    ((_, payload),) = function.calls
    first, second = (r["dynamodb"]["NewImage"] for r in payload["Records"])
    assert (first["token"], second["tokens"]) == ({"B": "AP8="}, {"L": [{"BS": ["AQ=="]}]})


def test_reads_an_open_shard_up_to_its_newest_record(queue):
    sqs, url = queue
    put_failure(sqs, url, 118, 125)  # the range ends past what the shard holds yet
    function = FakeLambda()
    replay_failures.replay(sqs, FakeStreams(closed=False), function, url, out=io.StringIO())
    ((_, payload),) = function.calls
    assert [r["dynamodb"]["SequenceNumber"] for r in payload["Records"]] == ["118", "119"]


@pytest.mark.parametrize("function", [FakeLambda({"batchItemFailures": [{"itemIdentifier": "105"}]}),
                                      FakeLambda(error=True)], ids=["batch item failures", "function error"])
def test_keeps_the_message_when_the_replay_fails_again(queue, function):
    sqs, url = queue
    put_failure(sqs, url, 104, 110)
    counts = replay_failures.replay(sqs, FakeStreams(), function, url, out=io.StringIO())
    assert counts["failed"] == 1 and counts["replayed"] == 0
    assert remaining(sqs, url) == 1


def test_keeps_the_message_when_the_records_left_the_stream(queue):
    sqs, url = queue
    put_failure(sqs, url, 104, 110)
    function = FakeLambda()
    counts = replay_failures.replay(sqs, FakeStreams(trimmed=True), function, url, out=io.StringIO())
    assert counts["expired"] == 1 and not function.calls
    assert remaining(sqs, url) == 1


def test_dry_run_invokes_nothing_and_hands_the_messages_back(queue):
    sqs, url = queue
    put_failure(sqs, url, 100, 102)
    put_failure(sqs, url, 103, 109)
    function = FakeLambda()
    out = io.StringIO()
    counts = replay_failures.replay(sqs, FakeStreams(), function, url, dry_run=True, out=out)
    assert counts["seen"] == 2 and not function.calls
    assert "3 records" in out.getvalue() and "7 records" in out.getvalue()
    visible = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert visible["Attributes"]["ApproximateNumberOfMessages"] == "2"


def test_the_queue_is_found_from_the_stack_outputs():
    class Cfn:
        def describe_stacks(self, StackName):
            assert StackName == "cuocthi-prod"
            return {"Stacks": [{"Outputs": [{"OutputKey": "StreamFailureQueueUrl", "OutputValue": "https://q"}]}]}

    assert replay_failures.queue_url(Cfn(), "cuocthi-prod") == "https://q"


def test_the_stack_exports_the_queue_the_script_looks_for(package):
    assert package.template["Outputs"][replay_failures.QUEUE_OUTPUT] == {"Value": {"Ref": "StreamFailureQueue"}}
