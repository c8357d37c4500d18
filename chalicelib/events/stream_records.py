"""DynamoDB stream records as Lambda delivers them to a function.

boto3's `dynamodbstreams` GetRecords hands back each record with binary attribute values as bytes, the creation
time as a datetime and the identity as `{"PrincipalId", "Type"}`. The event source mapping sends the same record
as JSON: binary values (B, BS, and inside L and M) as base64 text, `ApproximateCreationDateTime` as a number of
epoch seconds (DynamoDB rounds it down to the second), `userIdentity` as `{"principalId", "type"}`, and adds
`eventSourceARN`. The local stream runner, the tests and the on-failure replay tool all build their events here.
"""
from __future__ import annotations

import base64
import math
from datetime import datetime
from typing import Any

EVENT_SOURCE = "aws:dynamodb"
EVENT_VERSION = "1.1"
CREATED = "ApproximateCreationDateTime"
# GetRecords' Identity members → the names the Lambda event uses.
_IDENTITY_KEYS = {"PrincipalId": "principalId", "Type": "type"}


def lambda_record(record: dict, stream_arn: str, region: str | None = None) -> dict:
    """One GetRecords record in the shape Lambda delivers it from the stream `stream_arn`. `region` is the
    function's region (`awsRegion`); without it the record's own is kept, else the one the ARN names."""
    dynamodb = {key: _json(value) for key, value in record["dynamodb"].items() if key != CREATED}
    if CREATED in record["dynamodb"]:
        dynamodb[CREATED] = epoch_seconds(record["dynamodb"][CREATED])
    shaped = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion") or EVENT_VERSION,
        "eventSource": EVENT_SOURCE,
        "awsRegion": region or record.get("awsRegion") or _arn_region(stream_arn),
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if record.get("userIdentity"):
        shaped["userIdentity"] = {_IDENTITY_KEYS.get(k, k): _json(v) for k, v in record["userIdentity"].items()}
    return shaped


def epoch_seconds(value: datetime | float | int | str) -> float:
    """The creation time as Lambda sends it: whole epoch seconds (rounded down), a JSON number."""
    seconds = value.timestamp() if isinstance(value, datetime) else float(value)
    return float(math.floor(seconds))


def _json(value: Any) -> Any:
    """boto3's decoded attribute values back to their JSON form: bytes as base64 text, sets as lists."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(_json(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [_json(item) for item in value]
    return value


def _arn_region(stream_arn: str) -> str | None:
    parts = stream_arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else None
