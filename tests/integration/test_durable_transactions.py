"""DynamoDB Local with data on disk keeps an answered TransactWriteItems in memory until the next write; the
launcher's processes follow each one with a write of their own (local/durable_transactions.py), so a SIGKILL
right after the answer loses nothing."""
from __future__ import annotations

import os
import signal
import uuid

import pytest

from local import durable_transactions
from local.dynamodb import DynamoDBLocal

TRIALS = 2
WRITES = 15       # measured without the flush: the last transaction lost in 7 trials of 8


@pytest.fixture
def restore_botocore():
    from botocore.client import BaseClient

    real = BaseClient._make_api_call
    yield
    BaseClient._make_api_call = real


def _table(client) -> None:
    if "kept" not in client.list_tables()["TableNames"]:
        client.create_table(TableName="kept", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])


def test_an_answered_transaction_survives_a_sigkill(tmp_path, restore_botocore):
    written = []
    for _ in range(TRIALS):
        server = DynamoDBLocal(db_path=tmp_path).start()
        client = server.client()
        _table(client)
        durable_transactions.ensure_table(client)
        durable_transactions.install(server.endpoint)
        for _ in range(WRITES):     # a burst of single writes and transactions, a transaction last
            key, pair = uuid.uuid4().hex, [uuid.uuid4().hex, uuid.uuid4().hex]
            client.put_item(TableName="kept", Item={"k": {"S": key}})
            client.transact_write_items(TransactItems=[
                {"Put": {"TableName": "kept", "Item": {"k": {"S": k}}}} for k in pair])
            written += [key, *pair]
        os.kill(server.child.pid, signal.SIGKILL)       # right after the answer: nothing else was written
        server.child.process.wait(10)
        server = DynamoDBLocal(db_path=tmp_path).start()
        try:
            client = server.client()
            found = [k for k in written
                     if "Item" in client.get_item(TableName="kept", Key={"k": {"S": k}}, ConsistentRead=True)]
        finally:
            server.stop()
        assert found == written
