#!/usr/bin/env python3
"""Replays the stream batches the aggregators gave up on (README.md, Operations).

A message in the on-failure queue does not carry the records, only where they are: the stream, the shard and
the sequence range of the batch (`DDBStreamBatchInfo`) and the function that failed (`requestContext`). The
records stay in the table's stream for 24 hours. This script reads each batch back from the stream
(GetShardIterator AT_SEQUENCE_NUMBER, then GetRecords up to the end of the range) and invokes the function
with it, the way the event source mapping would. The aggregators are idempotent (a marker per record), so a
batch that was partly applied, or is replayed twice, counts once. A message is deleted only when its batch was
replayed without any failure; otherwise it stays in the queue for another try.

    python infra/replay_failures.py --stack cuocthi-prod --dry-run    # show what would be replayed
    python infra/replay_failures.py --stack cuocthi-prod              # replay and delete what succeeded
    python infra/replay_failures.py --queue-url https://sqs.<region>.amazonaws.com/<account>/<queue>

Needs credentials allowed to: cloudformation:DescribeStacks (with --stack), sqs:ReceiveMessage and
sqs:DeleteMessage on the queue, dynamodb:GetShardIterator and dynamodb:GetRecords on the stream, and
lambda:InvokeFunction on the aggregators.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # run as a script: `python infra/replay_failures.py`
    sys.path.insert(0, str(ROOT))

from chalicelib.events.stream_records import lambda_record  # noqa: E402

QUEUE_OUTPUT = "StreamFailureQueueUrl"
INVOKE_BATCH = 100          # records per invocation: the event source mapping's batch size
VISIBILITY_SECONDS = 900    # a message being replayed stays hidden from a second replayer this long


@dataclass(frozen=True)
class FailedBatch:
    message_id: str
    receipt_handle: str
    function_arn: str
    stream_arn: str
    shard_id: str
    start: str
    end: str
    size: int

    @classmethod
    def from_message(cls, message: dict) -> FailedBatch:
        body = json.loads(message["Body"])
        info = body["DDBStreamBatchInfo"]
        return cls(message["MessageId"], message["ReceiptHandle"], body["requestContext"]["functionArn"],
                   info["streamArn"], info["shardId"], info["startSequenceNumber"], info["endSequenceNumber"],
                   int(info.get("batchSize", 0)))


class Expired(Exception):
    """The batch's records are no longer in the stream (older than 24 hours)."""


def queue_url(cloudformation, stack: str) -> str:
    (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    for output in described.get("Outputs", []):
        if output["OutputKey"] == QUEUE_OUTPUT:
            return output["OutputValue"]
    raise SystemExit(f"stack {stack} has no output {QUEUE_OUTPUT}")


def failed_batches(sqs, url: str, limit: int) -> Iterator[FailedBatch]:
    """Messages from the queue (each hidden for VISIBILITY_SECONDS while it is worked on), at most `limit`."""
    seen = 0
    while seen < limit:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(10, limit - seen), WaitTimeSeconds=1,
                                    VisibilityTimeout=VISIBILITY_SECONDS)
        messages = reply.get("Messages", [])
        if not messages:
            return
        for message in messages:
            seen += 1
            yield FailedBatch.from_message(message)


def read_batch(streams, batch: FailedBatch) -> list[dict]:
    """The batch's records, from its first to its last sequence number, read back from the stream."""
    from botocore.exceptions import ClientError

    try:
        iterator = streams.get_shard_iterator(StreamArn=batch.stream_arn, ShardId=batch.shard_id,
                                              ShardIteratorType="AT_SEQUENCE_NUMBER",
                                              SequenceNumber=batch.start)["ShardIterator"]
    except ClientError as error:
        if error.response["Error"]["Code"] in ("TrimmedDataAccessException", "ResourceNotFoundException"):
            raise Expired(error.response["Error"].get("Message", "")) from error
        raise
    end = int(batch.end)
    records: list[dict] = []
    while iterator:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        for record in page["Records"]:
            if int(record["dynamodb"]["SequenceNumber"]) > end:
                return records
            records.append(lambda_record(record, batch.stream_arn))
        if not page["Records"]:
            break  # an open shard with nothing newer: the range is complete
        iterator = page.get("NextShardIterator")
    return records


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def invoke(lambda_client, function_arn: str, records: list[dict]) -> list[str]:
    """Invokes the function with the records; returns the problems (empty when every record went through)."""
    problems = []
    for chunk in _chunks(records, INVOKE_BATCH):
        reply = lambda_client.invoke(FunctionName=function_arn, InvocationType="RequestResponse",
                                     Payload=json.dumps({"Records": chunk}).encode())
        payload: Any = reply["Payload"].read()
        if reply.get("FunctionError"):
            problems.append(f"function error: {payload[:500]!r}")
            continue
        answer = json.loads(payload or b"null") or {}
        failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
        if failures:
            problems.append(f"{len(failures)} records failed again, from {failures[0].get('itemIdentifier')}")
    return problems


def replay(sqs, streams, lambda_client, url: str, limit: int = 1000, dry_run: bool = False,
           out=sys.stdout) -> dict[str, int]:
    """Replays up to `limit` failed batches; returns counts of replayed, failed, expired (and seen)."""
    counts = {"seen": 0, "replayed": 0, "failed": 0, "expired": 0}
    looked_at = []
    for batch in failed_batches(sqs, url, limit):
        counts["seen"] += 1
        where = f"{batch.shard_id} {batch.start}..{batch.end}"
        try:
            records = read_batch(streams, batch)
        except Expired as error:
            counts["expired"] += 1
            print(f"EXPIRED  {where}: the records left the stream ({error}); kept in the queue", file=out)
            continue
        if dry_run:
            print(f"WOULD    {where}: {len(records)} records → {batch.function_arn}", file=out)
            looked_at.append(batch.receipt_handle)
            continue
        problems = invoke(lambda_client, batch.function_arn, records)
        if problems:
            counts["failed"] += 1
            print(f"FAILED   {where}: {'; '.join(problems)}; kept in the queue", file=out)
            continue
        sqs.delete_message(QueueUrl=url, ReceiptHandle=batch.receipt_handle)
        counts["replayed"] += 1
        print(f"REPLAYED {where}: {len(records)} records → {batch.function_arn}", file=out)
    for handle in looked_at:  # a dry run hands the messages back at once
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Replay the stream batches in the on-failure queue.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="the CloudFormation stack (its StreamFailureQueueUrl output)")
    where.add_argument("--queue-url")
    parser.add_argument("--region")
    parser.add_argument("--max-messages", type=int, default=1000)
    parser.add_argument("--dry-run", action="store_true", help="read the batches back, invoke nothing")
    args = parser.parse_args(argv)

    import boto3

    session = boto3.session.Session(region_name=args.region)
    url = args.queue_url or queue_url(session.client("cloudformation"), args.stack)
    counts = replay(session.client("sqs"), session.client("dynamodbstreams"), session.client("lambda"), url,
                    args.max_messages, args.dry_run)
    print(json.dumps(counts))
    return 1 if counts["failed"] or counts["expired"] else 0


if __name__ == "__main__":
    sys.exit(main())
