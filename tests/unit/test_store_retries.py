"""The registration transaction is retried when DynamoDB cancels it for a conflict, not for a taken claim."""
import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from chalicelib.store import participants
from chalicelib.store.models import ParticipantModel


class FakeTransaction:
    outcomes: list = []

    def __init__(self, connection=None):
        pass

    def __enter__(self):
        return self

    def save(self, *args, **kwargs):
        pass

    def __exit__(self, *exc):
        outcome = FakeTransaction.outcomes.pop(0)
        if outcome is not None:
            cause = VerboseClientError(
                {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}, "TransactWriteItems",
                cancellation_reasons=[None if c is None else CancellationReason(code=c) for c in outcome])
            raise TransactWriteError("cancelled", cause=cause)
        return False


@pytest.fixture
def fake_tx(monkeypatch):
    monkeypatch.setattr(participants, "TransactWrite", FakeTransaction)
    monkeypatch.setattr(participants, "connection", lambda: None)
    monkeypatch.setattr(participants.time, "sleep", lambda s: None)


def _person():
    return ParticipantModel("p1", phone="0912345678", full_name="A", unit_id="u", category="citizen",
                            password_hash="x", registered_at=0)


def test_conflict_then_success(fake_tx):
    FakeTransaction.outcomes = [[None, "TransactionConflict"], None]
    participants.register(_person())
    assert FakeTransaction.outcomes == []


def test_conflict_then_taken(fake_tx):
    FakeTransaction.outcomes = [[None, "TransactionConflict"], [None, "ConditionalCheckFailed"]]
    with pytest.raises(participants.AlreadyClaimed) as claimed:
        participants.register(_person())
    assert claimed.value.field == "phone"


def test_conflict_every_time_gives_up(fake_tx):
    FakeTransaction.outcomes = [[None, "TransactionConflict"]] * 4
    with pytest.raises(TransactWriteError):
        participants.register(_person())
