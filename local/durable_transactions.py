"""DynamoDB Local's transactions made durable before the app is told they succeeded.

DynamoDB Local (2.x, `-dbPath`) answers a TransactWriteItems before the transaction is on disk: it stays in
the process until the next write of any kind, so a SIGKILL right after the answer loses it (measured here: the
last transaction's items missing after a restart in 7 trials of 8; a later PutItem, to any table, makes it
durable; the same loss is reported against LocalStack, whose DynamoDB is DynamoDB Local). Real DynamoDB does
not do this, so the app is left as it is: the launcher's process follows each successful TransactWriteItems
sent to DynamoDB Local with a one-item PutItem to a table of its own, inside the same botocore call, so the
answer the app (and through it a participant) gets comes after the transaction is durable."""
from __future__ import annotations

from botocore.client import BaseClient

FLUSH_TABLE = "local-flush"
_ITEM = {"k": {"S": "flush"}}


def ensure_table(client) -> None:
    if FLUSH_TABLE in client.list_tables()["TableNames"]:
        return
    client.create_table(TableName=FLUSH_TABLE, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    client.get_waiter("table_exists").wait(TableName=FLUSH_TABLE)


_ENDPOINTS: set[str] = set()


def install(endpoint: str) -> None:
    """Every botocore client of this process that talks to DynamoDB Local at `endpoint` flushes its transactions
    (each endpoint installed, if a process starts DynamoDB Local more than once)."""
    _ENDPOINTS.add(endpoint.rstrip("/"))
    real = BaseClient._make_api_call
    if getattr(real, "flushes_transactions", False):
        return

    def call(client, operation_name, api_params):
        answer = real(client, operation_name, api_params)
        if operation_name == "TransactWriteItems" and client.meta.endpoint_url.rstrip("/") in _ENDPOINTS:
            real(client, "PutItem", {"TableName": FLUSH_TABLE, "Item": _ITEM})
        return answer

    call.flushes_transactions = True  # type: ignore[attr-defined]
    BaseClient._make_api_call = call  # type: ignore[method-assign]
