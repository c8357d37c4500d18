"""Real stream records (moto's or DynamoDB Local's) turned into Lambda-shaped DynamoDB stream events."""
from __future__ import annotations

import boto3

from chalicelib.events.stream_records import lambda_record


def stream_records(table_name: str, endpoint_url: str | None = None) -> list[dict]:
    """Every record in the table's stream, oldest first, shaped as Lambda delivers it."""
    region = boto3.session.Session().region_name or "ap-southeast-1"
    dynamodb = boto3.client("dynamodb", region_name=region, endpoint_url=endpoint_url)
    streams = boto3.client("dynamodbstreams", region_name=region, endpoint_url=endpoint_url)
    arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records.extend(lambda_record(record, arn, region) for record in page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def events(records: list[dict], batch_size: int) -> list[dict]:
    return [{"Records": records[i:i + batch_size]} for i in range(0, len(records), batch_size)]

