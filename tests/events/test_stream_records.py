"""chalicelib/events/stream_records.py: GetRecords records (as boto3 decodes them) in the shape Lambda delivers."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from chalice.app import DynamoDBEvent

from chalicelib.events.stream_records import epoch_seconds, lambda_record

ARN = "arn:aws:dynamodb:ap-southeast-1:123456789012:table/cuocthi-prod-attempts/stream/2026-01-01T00:00:00.000"
CREATED = datetime(2026, 1, 1, 7, 30, tzinfo=UTC)


def boto3_record(**dynamodb) -> dict:
    """A record as boto3's dynamodbstreams get_records returns it."""
    return {"eventID": "e1", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "ap-southeast-1",
            "dynamodb": {"ApproximateCreationDateTime": CREATED, "Keys": {"attempt_id": {"S": "a1"}},
                         "SequenceNumber": "100", "SizeBytes": 42, "StreamViewType": "NEW_IMAGE", **dynamodb}}


def test_the_envelope_is_lambdas():
    shaped = lambda_record(boto3_record(), ARN)
    assert shaped == {
        "eventID": "e1", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "ap-southeast-1", "eventSourceARN": ARN,
        "dynamodb": {"ApproximateCreationDateTime": 1767252600.0, "Keys": {"attempt_id": {"S": "a1"}},
                     "SequenceNumber": "100", "SizeBytes": 42, "StreamViewType": "NEW_IMAGE"}}
    assert json.loads(json.dumps(shaped)) == shaped


def test_the_region_given_wins_then_the_records_then_the_arns():
    record = boto3_record()
    assert lambda_record(record, ARN, "us-east-1")["awsRegion"] == "us-east-1"
    record["awsRegion"] = "ddblocal"
    assert lambda_record(record, ARN)["awsRegion"] == "ddblocal"
    del record["awsRegion"], record["eventVersion"], record["eventSource"]
    shaped = lambda_record(record, ARN)
    assert (shaped["awsRegion"], shaped["eventVersion"], shaped["eventSource"]) == \
        ("ap-southeast-1", "1.1", "aws:dynamodb")


def test_binary_values_become_base64_text_at_any_depth():
    image = {
        "attempt_id": {"S": "a1"},
        "blob": {"B": b"\x00\xff"},
        "blobs": {"BS": [b"\x01", b"\x02\x03"]},
        "nested": {"M": {"inner": {"B": bytearray(b"hi")},
                         "list": {"L": [{"B": b"\xfe"}, {"N": "3"}, {"M": {"deep": {"BS": [b"x"]}}}]}}},
        "flag": {"BOOL": True}, "none": {"NULL": True}, "tags": {"SS": ["a", "b"]},
    }
    shaped = lambda_record(boto3_record(NewImage=image, OldImage={"blob": {"B": b""}}), ARN)
    assert shaped["dynamodb"]["NewImage"] == {
        "attempt_id": {"S": "a1"},
        "blob": {"B": "AP8="},
        "blobs": {"BS": ["AQ==", "AgM="]},
        "nested": {"M": {"inner": {"B": "aGk="},
                         "list": {"L": [{"B": "/g=="}, {"N": "3"}, {"M": {"deep": {"BS": ["eA=="]}}}]}}},
        "flag": {"BOOL": True}, "none": {"NULL": True}, "tags": {"SS": ["a", "b"]},
    }
    assert shaped["dynamodb"]["OldImage"] == {"blob": {"B": ""}}
    json.dumps(shaped)                                      # nothing left that JSON cannot carry


def test_a_python_set_of_binaries_becomes_a_sorted_list():
    shaped = lambda_record(boto3_record(NewImage={"blobs": {"BS": {b"\x02", b"\x01"}}}), ARN)
    assert shaped["dynamodb"]["NewImage"]["blobs"] == {"BS": ["AQ==", "Ag=="]}


def test_the_creation_time_is_whole_epoch_seconds():
    assert epoch_seconds(CREATED) == 1767252600.0
    assert epoch_seconds(CREATED + timedelta(milliseconds=999)) == 1767252600.0      # rounded down, as DynamoDB does
    assert epoch_seconds(1767252600) == 1767252600.0
    assert epoch_seconds(1767252600.75) == 1767252600.0
    in_hanoi = datetime(2026, 1, 1, 14, 30, 0, 500_000, tzinfo=timezone(timedelta(hours=7)))
    assert epoch_seconds(in_hanoi) == 1767252600.0
    fractional = lambda_record(boto3_record(ApproximateCreationDateTime=CREATED + timedelta(seconds=1.5)), ARN)
    assert fractional["dynamodb"]["ApproximateCreationDateTime"] == 1767252601.0


def test_a_record_without_a_creation_time_stays_without():
    record = boto3_record()
    del record["dynamodb"]["ApproximateCreationDateTime"]
    assert "ApproximateCreationDateTime" not in lambda_record(record, ARN)["dynamodb"]


def test_the_identity_of_a_ttl_delete_uses_lambdas_names():
    record = {**boto3_record(), "eventName": "REMOVE",
              "userIdentity": {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}}
    assert lambda_record(record, ARN)["userIdentity"] == {"principalId": "dynamodb.amazonaws.com", "type": "Service"}
    assert "userIdentity" not in lambda_record(boto3_record(), ARN)


def test_chalice_reads_the_shaped_record():
    image = {"attempt_id": {"S": "a1"}, "blob": {"B": b"\x00"}}
    event = DynamoDBEvent({"Records": [lambda_record(boto3_record(NewImage=image), ARN)]}, context=None)
    (record,) = list(event)
    assert (record.event_name, record.table_name, record.sequence_number) == ("INSERT", "cuocthi-prod-attempts", "100")
    assert record.new_image["blob"] == {"B": "AA=="}
    assert record.timestamp == CREATED.replace(tzinfo=None)           # chalice reads it as UTC epoch seconds
