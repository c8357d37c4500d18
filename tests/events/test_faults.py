"""Transient AWS faults injected below boto3 in the functions behind the pages: the aggregator, the round
lifecycle and the finalizer. Each fails its run honestly (a batch item failure, an exception the scheduler logs,
a round left `closed`) and the next delivery or run ends exactly as a run without the fault."""
import pytest

from app import aggregate_attempts, count_registrations, finalize_rounds, tick_rounds
from chalicelib.events import lifecycle
from chalicelib.store import rounds as round_store
from chalicelib.store.items import transient
from tests.events.recompute import derived, expected
from tests.streams import events, stream_records
from tests.support import HOUR, scheduled_event

THROTTLED = "ProvisionedThroughputExceededException"


def _play(contest, people: int = 6) -> None:
    contest.open_round()
    for i in range(people):
        token, _ = contest.register(name=f"Người Thi {i}", category="official" if i % 2 else "citizen")
        for right in (i % 4, (i + 2) % 5):
            attempt = contest.start(token)
            contest.clock.advance(20_000 + 1000 * i)
            assert contest.submit(token, attempt, right=right, prediction=i).status == 200


def _failed(run) -> bool:
    """Whether a stream function's run failed as Lambda sees it: an exception, or items reported failed."""
    try:
        return bool(run()["batchItemFailures"])
    except Exception:
        return True


def _attempt_batches(settings, size: int = 100) -> list[dict]:
    return events(stream_records(settings.table_name("attempts"), settings.dynamodb_endpoint), size)


@pytest.mark.parametrize("operation, code", [("TransactWriteItems", THROTTLED), ("PutItem", "InternalServerError"),
                                             ("BatchGetItem", "timeout")])
def test_the_aggregator_fails_its_batch_under_a_fault_and_the_redelivery_is_exact(api, contest, local_aws,
                                                                                    aws_calls, operation, code):
    _play(contest)
    (batch,) = _attempt_batches(local_aws)
    aws_calls.fail(operation, code)
    assert _failed(lambda: aggregate_attempts(batch, None)), "a batch under a fault must not be reported done"
    assert aws_calls.count(operation) >= 1
    assert aggregate_attempts(batch, None) == {"batchItemFailures": []}     # Lambda delivers it again
    for people in events(stream_records(local_aws.table_name("participants"), local_aws.dynamodb_endpoint), 100):
        assert count_registrations(people, None) == {"batchItemFailures": []}
    assert derived(api, "dot-1") == expected("dot-1")


def test_a_tick_under_a_fault_changes_nothing_and_the_next_one_opens_the_round(api, contest, aws_calls):
    contest.add_round(opens_in=HOUR, length=2 * HOUR)
    contest.clock.advance(HOUR)
    aws_calls.fail("UpdateItem", THROTTLED, times=None)
    with pytest.raises(Exception) as raised:     # noqa: B017  the scheduler logs it; the next minute runs again
        tick_rounds(scheduled_event(), None)
    assert transient(raised.value)
    assert round_store.get_round("dot-1", fresh=True).status == "scheduled"
    aws_calls.faults.clear()
    assert tick_rounds(scheduled_event(), None)["opened"] == ["dot-1"]
    assert round_store.get_round("dot-1", fresh=True).status == "open"


@pytest.mark.parametrize("service, operation", [("s3", "PutObject"), ("s3", "HeadObject"),
                                                ("dynamodb", "Query"), ("dynamodb", "BatchWriteItem")])
def test_a_finalization_under_a_fault_leaves_the_round_closed_and_the_next_run_finalizes_it(
        api, contest, local_aws, aws_calls, service, operation):
    _play(contest, people=4)
    for batch in _attempt_batches(local_aws):
        aggregate_attempts(batch, None)
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    contest.clock.advance(lifecycle.SETTLE_MS + 30_000)
    aws_calls.fail(operation, "InternalError" if service == "s3" else THROTTLED, times=None, service=service)
    with pytest.raises(lifecycle.FinalizationFailed):        # the run fails, counted, for the next to retry
        finalize_rounds(scheduled_event(), None)
    assert aws_calls.count(operation, service=service) >= 1
    assert round_store.get_round("dot-1", fresh=True).status == "closed"
    assert api.get("/api/admin/rounds/dot-1/results", token=contest.admin).body["status"] == "pending"
    aws_calls.faults.clear()
    finalize_rounds(scheduled_event(), None)
    assert round_store.get_round("dot-1", fresh=True).status == "finalized"
    results = api.get("/api/admin/rounds/dot-1/results", token=contest.admin).body
    assert results["status"] == "ready" and len(results["files"]) == 8
    board = api.get("/api/rounds/dot-1/leaderboard?limit=100").body
    assert board["final"] is True and len(board["entries"]) == 4
