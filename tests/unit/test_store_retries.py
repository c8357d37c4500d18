"""The registration transaction, tried again (services/retries.py) when DynamoDB cancels it for a conflict with
another transaction, not for a taken claim; and safe to try again after a lost answer."""
import boto3
import pytest
from moto import mock_aws

from chalicelib import config, errors, store
from chalicelib.services import retries
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
        monkeypatch.setattr(retries.time, "sleep", lambda s: None)
        yield


def _register(participant):
    retries.retried(lambda: participant_store.register(participant), "register")


def test_conflict_then_success(registry, aws_calls):
    aws_calls.fail("TransactWriteItems", "TransactionCanceledException", reasons=[None, "TransactionConflict"])
    _register(person("p1", "u"))
    assert aws_calls.count("TransactWriteItems") == 2
    assert participant_store.find_by_phone("0912345678").id == "p1"


def test_conflict_then_taken(registry, aws_calls):
    participant_store.register(person("p0", "u"))
    aws_calls.fail("TransactWriteItems", "TransactionCanceledException", reasons=[None, "TransactionConflict"])
    with pytest.raises(participant_store.AlreadyClaimed) as claimed:
        _register(person("p1", "u"))
    assert claimed.value.field == "phone"
    assert aws_calls.count("TransactWriteItems") == 3


def test_conflict_every_time_is_busy_and_stores_nothing(registry, aws_calls):
    aws_calls.fail("TransactWriteItems", "TransactionCanceledException", times=None,
                   reasons=[None, "TransactionConflict"])
    with pytest.raises(errors.Busy):
        _register(person("p1", "u"))
    assert aws_calls.count("TransactWriteItems") == retries.TRIES
    assert participant_store.get("p1") is None


def test_a_lost_answer_is_no_phone_taken(registry, aws_calls):
    aws_calls.fail("TransactWriteItems", "timeout", after=True)      # stored, but the answer never came
    _register(person("p1", "u"))
    assert participant_store.find_by_phone("0912345678").id == "p1"
    assert aws_calls.count("TransactWriteItems") == 2
