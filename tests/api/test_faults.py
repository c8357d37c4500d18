"""Transient DynamoDB faults on the write path (registration, start, submission), injected below boto3: a fault
that clears within the retry budget leaves the result exactly as without it; one that outlasts it answers 503
`busy` with Retry-After, never a 500 or a false success, with nothing half-stored; a write that went through
but whose answer was lost is neither doubled nor refused."""
import pytest

from chalicelib.services import retries
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from tests.support import assert_error

THROTTLED = "ProvisionedThroughputExceededException"


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch):
    monkeypatch.setattr(retries.time, "sleep", lambda seconds: None)


def _registration(contest, name="Nguyễn Văn An"):
    return {"full_name": name, "phone": contest.next_phone(), "password": "mat-khau-123", "unit_id": "so-noi-vu",
            "category": "official"}


@pytest.mark.parametrize("code", [THROTTLED, "InternalServerError", "ThrottlingException", "timeout"])
def test_a_registration_survives_a_passing_fault(api, contest, aws_calls, code):
    body = _registration(contest)
    aws_calls.fail("TransactWriteItems", code, times=retries.TRIES - 1)
    reply = api.post("/api/participants", body)
    assert reply.status == 201, reply.text
    assert participant_store.find_by_phone(body["phone"]).id == reply.body["participant"]["id"]
    assert api.get("/api/me", token=reply.body["token"]).status == 200


def test_a_registration_whose_answer_was_lost_is_not_phone_taken(api, contest, aws_calls):
    body = _registration(contest)
    aws_calls.fail("TransactWriteItems", "timeout", after=True)
    reply = api.post("/api/participants", body)
    assert reply.status == 201, reply.text
    assert participant_store.count() == 1


def test_a_registration_under_a_lasting_fault_is_busy_and_stores_nothing(api, contest, tables, aws_calls):
    body = _registration(contest)
    aws_calls.fail("TransactWriteItems", THROTTLED, times=None)
    with tables.unchanged():
        reply = api.post("/api/participants", body)
    assert_error(reply, 503, "busy")
    assert int(reply.headers["retry-after"]) >= 1
    aws_calls.faults.clear()
    assert api.post("/api/participants", body).status == 201      # and the same body goes through once it clears


def test_a_start_survives_a_passing_fault_and_a_lost_answer(api, contest, aws_calls):
    contest.open_round()
    token, me = contest.register()
    aws_calls.fail("PutItem", THROTTLED, times=retries.TRIES - 1)
    first = api.post("/api/rounds/dot-1/attempts", token=token)
    assert first.status == 201, first.text
    contest.submit(token, first.body["attempt"])
    aws_calls.fail("PutItem", "timeout", after=True)        # the next start is stored, its answer lost
    second = api.post("/api/rounds/dot-1/attempts", token=token)
    assert second.status == 200, second.text                # the retry finds it in progress: one attempt, not two
    assert [a.number for a in attempt_store.of_participant(me["id"])] == [1, 2]


def test_a_start_under_a_lasting_fault_is_busy_and_stores_nothing(api, contest, tables, aws_calls):
    contest.open_round()
    token, _ = contest.register()
    aws_calls.fail("PutItem", "InternalServerError", times=None)
    with tables.unchanged():
        reply = api.post("/api/rounds/dot-1/attempts", token=token)
    assert_error(reply, 503, "busy")


def test_a_submission_received_in_time_stays_in_time_through_the_retries(api, contest, aws_calls, clock):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    clock.advance(attempt_store.get(attempt["id"]).accept_until - clock() - 50)     # 50 ms before the end

    def late(service, operation, params):
        if operation == "UpdateItem":
            clock.advance(1000)         # each try takes a second: the window closes during the retries
    aws_calls.before.append(late)
    aws_calls.fail("UpdateItem", THROTTLED, times=retries.TRIES - 1)
    reply = contest.submit(token, attempt, right=3)
    assert reply.status == 200, reply.text
    assert reply.body["result"]["correct"] == 3
    assert attempt_store.get(attempt["id"]).is_submitted


def test_a_submission_whose_answer_was_lost_gets_its_result_once(api, contest, aws_calls):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    aws_calls.fail("UpdateItem", "timeout", after=True)
    reply = contest.submit(token, attempt, right=2)
    assert reply.status == 200, reply.text
    assert reply.body["result"]["correct"] == 2
    assert contest.submit(token, attempt, right=2).body == reply.body      # the same result again


def test_a_submission_under_a_lasting_fault_is_busy_and_the_attempt_stays_open(api, contest, tables, aws_calls):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    aws_calls.fail("UpdateItem", THROTTLED, times=None)
    with tables.unchanged():
        reply = contest.submit(token, attempt, right=4)
    assert_error(reply, 503, "busy")
    assert reply.headers["retry-after"]
    aws_calls.faults.clear()
    again = contest.submit(token, attempt, right=4)
    assert again.status == 200 and again.body["result"]["correct"] == 4


def test_a_fault_that_is_no_transient_one_is_not_tried_again(api, contest, aws_calls):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    answers = {"answers": contest.answers(attempt), "prediction": 0}
    aws_calls.clear()
    aws_calls.fail("UpdateItem", "ValidationException", times=None)
    reply = api.post(f"/api/attempts/{attempt['id']}/submission", answers, token=token)
    assert reply.status == 500
    assert aws_calls.count("UpdateItem") == 1
