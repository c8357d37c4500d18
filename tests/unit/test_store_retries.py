"""The registration transaction is retried when DynamoDB cancels it for a conflict, not for a taken claim."""
import boto3
import pytest
from moto import mock_aws

from chalicelib import config, store
from chalicelib.store import participants as participant_store
from local.schema import create_tables
from tests.seed import person


@pytest.fixture
def registry(monkeypatch):
    with mock_aws():
        config.current.cache_clear()
        settings = config.current()
        create_tables(boto3.client("dynamodb", region_name=settings.region), settings.table_prefix)
        store.bind(settings)
        monkeypatch.setattr(participant_store.time, "sleep", lambda s: None)
        yield


def test_conflict_then_success(registry, aws_calls):
    aws_calls.fail("TransactWriteItems", "TransactionCanceledException", reasons=[None, "TransactionConflict"])
    participant_store.register(person("p1", "u"))
    assert aws_calls.count("TransactWriteItems") == 2
    assert participant_store.find_by_phone("0912345678").id == "p1"


def test_conflict_then_taken(registry, aws_calls):
    participant_store.register(person("p0", "u"))
    aws_calls.fail("TransactWriteItems", "TransactionCanceledException", reasons=[None, "TransactionConflict"])
    with pytest.raises(participant_store.AlreadyClaimed) as claimed:
        participant_store.register(person("p1", "u"))
    assert claimed.value.field == "phone"
    assert aws_calls.count("TransactWriteItems") == 3


def test_conflict_every_time_gives_up(registry, aws_calls):
    aws_calls.fail("TransactWriteItems", "TransactionCanceledException", times=None,
                   reasons=[None, "TransactionConflict"])
    with pytest.raises(Exception) as raised:
        participant_store.register(person("p1", "u"))
    assert type(raised.value).__name__ == "TransactWriteError"
    assert aws_calls.count("TransactWriteItems") == 4
    assert participant_store.get("p1") is None
