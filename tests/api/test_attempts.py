"""Timed attempts: starting (and resuming), reading, submitting, and the deadlines on the injected clock."""
import pytest

from tests.support import HOUR, assert_error, iso, ms

MINUTE = 60 * 1000
ATTEMPT_KEYS = {"id", "round_id", "started_at", "deadline", "status", "questions", "prediction_question", "result"}
RESULT_KEYS = {"attempt_id", "round_id", "correct", "total", "duration_ms", "submitted_at", "prediction"}


def submit(api, token, attempt, body):
    return api.post(f"/api/attempts/{attempt['id']}/submission", body, token=token)


# --- starting


def test_start_draws_distinct_questions_with_shuffled_options_and_no_answer(api, contest, clock):
    contest.open_round()
    token, _ = contest.register()
    reply = api.post("/api/rounds/dot-1/attempts", token=token)
    assert reply.status == 201, reply.text
    assert set(reply.body) == {"attempt"}
    attempt = reply.body["attempt"]
    assert set(attempt) == ATTEMPT_KEYS
    assert attempt["round_id"] == "dot-1" and attempt["status"] == "in_progress" and attempt["result"] is None
    assert ms(attempt["started_at"]) == clock.now
    assert ms(attempt["deadline"]) == clock.now + 600 * 1000
    assert attempt["prediction_question"].startswith("Theo bạn")
    bank = contest.bank()
    ids = [q["id"] for q in attempt["questions"]]
    assert len(ids) == 5 and len(set(ids)) == 5 and set(ids) <= set(bank)
    for question in attempt["questions"]:
        assert set(question) == {"id", "text", "options"}
        stored = bank[question["id"]]
        assert question["text"] == stored.text
        assert all(set(option) == {"id", "text"} for option in question["options"])
        assert sorted((o["id"], o["text"]) for o in question["options"]) == sorted(stored.options)


def test_starting_again_returns_the_attempt_in_progress(api, contest, clock, tables):
    contest.open_round(max_attempts=2)
    token, _ = contest.register()
    first = contest.start(token)
    clock.advance(MINUTE)
    with tables.unchanged():  # resuming neither counts an attempt nor draws new questions
        again = api.post("/api/rounds/dot-1/attempts", token=token)
    assert again.status == 200, again.text
    assert again.body["attempt"] == first
    assert api.get("/api/me", token=token).body["rounds"][0]["attempts_used"] == 1


def test_unknown_round_is_404(api, contest, tables):
    token, _ = contest.register()
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-9/attempts", token=token), 404, "round_not_found")


def test_round_not_open_before_opening(api, contest, clock, tables):
    contest.add_round()
    token, _ = contest.register()
    clock.advance(HOUR - 1)
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-1/attempts", token=token), 409, "round_not_open")
    clock.advance(1)
    assert api.post("/api/rounds/dot-1/attempts", token=token).status == 201


def test_round_not_open_after_closes_at(api, contest, clock, tables):
    contest.open_round(length=2 * HOUR)
    token, _ = contest.register()
    clock.advance(2 * HOUR - 1)  # one ms before closes_at
    assert contest.start(token)["status"] == "in_progress"
    other, _ = contest.register("Trần Văn Bình")
    clock.advance(1)  # closes_at itself is outside the window
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-1/attempts", token=other), 409, "round_not_open")


def test_round_not_open_after_the_organizer_closes_it(api, contest, tables):
    contest.open_round()
    token, _ = contest.register()
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-1/attempts", token=token), 409, "round_not_open")


def test_round_without_questions_is_not_open(api, contest, clock, tables):
    contest.add_round(n_questions=0)
    clock.advance(HOUR)
    token, _ = contest.register()
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-1/attempts", token=token), 409, "round_not_open")


@pytest.mark.parametrize("max_attempts", [1, 2])
def test_attempt_limit_reached_after_max_attempts_submitted(api, contest, clock, tables, max_attempts):
    contest.open_round(max_attempts=max_attempts)
    token, _ = contest.register()
    for _ in range(max_attempts):
        attempt = contest.start(token)
        clock.advance(MINUTE)
        assert contest.submit(token, attempt).status == 200
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-1/attempts", token=token), 409, "attempt_limit_reached")
    assert api.get("/api/me", token=token).body["rounds"][0]["attempts_used"] == max_attempts


def test_an_abandoned_attempt_counts_against_the_limit(api, contest, clock, tables):
    contest.open_round(max_attempts=2)
    token, _ = contest.register()
    first = contest.start(token)
    clock.advance(631 * 1000)  # past deadline + grace: the first attempt expired unsubmitted
    second = contest.start(token)
    assert second["id"] != first["id"]
    clock.advance(631 * 1000)
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-1/attempts", token=token), 409, "attempt_limit_reached")


def test_unlimited_attempts_when_max_attempts_is_null(api, contest, clock):
    contest.open_round(max_attempts=None)
    token, _ = contest.register()
    for _ in range(7):
        attempt = contest.start(token)
        assert contest.submit(token, attempt).status == 200
    assert api.get("/api/me", token=token).body["rounds"][0]["attempts_used"] == 7


# --- reading


def test_owner_reads_the_attempt_others_get_404(api, contest, tables):
    contest.open_round()
    token, _ = contest.register()
    other, _ = contest.register("Trần Văn Bình")
    attempt = contest.start(token)
    reply = api.get(f"/api/attempts/{attempt['id']}", token=token)
    assert reply.status == 200 and reply.body == {"attempt": attempt}
    with tables.unchanged():
        assert_error(api.get(f"/api/attempts/{attempt['id']}", token=other), 404, "attempt_not_found")
        assert_error(api.get("/api/attempts/khong-co", token=token), 404, "attempt_not_found")
        assert_error(api.get(f"/api/attempts/{attempt['id']}"), 401, "unauthorized")
        assert_error(api.get(f"/api/attempts/{attempt['id']}", token=contest.admin), 403, "forbidden")


# --- submitting


def test_submission_scores_and_answers_the_result(api, contest, clock):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    started = clock.now
    clock.advance(123_456)
    reply = contest.submit(token, attempt, right=3, prediction=42)
    assert reply.status == 200, reply.text
    result = reply.body["result"]
    assert set(reply.body) == {"result"} and set(result) == RESULT_KEYS
    assert (result["attempt_id"], result["round_id"]) == (attempt["id"], "dot-1")
    assert (result["correct"], result["total"], result["prediction"]) == (3, 5, 42)
    assert result["duration_ms"] == 123_456
    assert ms(result["submitted_at"]) == started + 123_456
    read = api.get(f"/api/attempts/{attempt['id']}", token=token).body["attempt"]
    assert read["status"] == "submitted" and read["result"] == result


def test_unanswered_questions_count_as_wrong(api, contest):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    answers = contest.answers(attempt)
    some = dict(list(answers.items())[:2])
    reply = submit(api, token, attempt, {"answers": some, "prediction": 0})
    assert reply.status == 200, reply.text
    assert (reply.body["result"]["correct"], reply.body["result"]["total"]) == (2, 5)


def test_all_correct_and_empty_answers(api, contest):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    assert contest.submit(token, attempt).body["result"]["correct"] == 5
    second = contest.start(token)
    assert submit(api, token, second, {"answers": {}, "prediction": 0}).body["result"]["correct"] == 0


def test_the_same_submission_again_gets_the_same_result(api, contest, clock, tables):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    body = {"answers": contest.answers(attempt, 4), "prediction": 17}
    first = submit(api, token, attempt, body)
    assert first.status == 200
    clock.advance(HOUR)  # a retry long after the deadline still gets the stored result
    reordered = {"answers": dict(reversed(list(body["answers"].items()))), "prediction": 17}
    with tables.unchanged():
        again = submit(api, token, attempt, reordered)
    assert again.status == 200 and again.body == first.body


@pytest.mark.parametrize("change", ["answers", "prediction"])
def test_a_different_submission_after_it_is_refused(api, contest, tables, change):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    body = {"answers": contest.answers(attempt, 4), "prediction": 17}
    assert submit(api, token, attempt, body).status == 200
    changed = dict(body)
    if change == "answers":
        changed["answers"] = contest.answers(attempt, 5)
    else:
        changed["prediction"] = 18
    with tables.unchanged():
        assert_error(submit(api, token, attempt, changed), 409, "already_submitted")
    assert api.get(f"/api/attempts/{attempt['id']}", token=token).body["attempt"]["result"]["correct"] == 4


def test_invalid_answers_name_the_bad_fields(api, contest, tables):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    first, second = attempt["questions"][:2]
    body = {"answers": {first["id"]: second["options"][0]["id"], "q-khong-co": "x"}, "prediction": 1}
    with tables.unchanged():
        reply = submit(api, token, attempt, body)
    assert_error(reply, 400, "invalid", {f"answers.{first['id']}", "answers.q-khong-co"})


def test_another_participant_cannot_submit(api, contest, tables):
    contest.open_round()
    token, _ = contest.register()
    other, _ = contest.register("Trần Văn Bình")
    attempt = contest.start(token)
    with tables.unchanged():
        reply = submit(api, other, attempt, {"answers": contest.answers(attempt), "prediction": 1})
    assert_error(reply, 404, "attempt_not_found")


# --- deadlines on the injected clock


def test_accepted_at_exactly_deadline_plus_grace(api, contest, clock):
    contest.open_round()  # time limit 600 s, grace 30 s
    token, _ = contest.register()
    attempt = contest.start(token)
    clock.now = ms(attempt["deadline"]) + 30 * 1000
    reply = contest.submit(token, attempt)
    assert reply.status == 200, reply.text
    assert reply.body["result"]["duration_ms"] == 600 * 1000  # capped at the time limit


def test_refused_one_millisecond_later_and_shown_expired(api, contest, clock, tables):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    clock.now = ms(attempt["deadline"]) + 30 * 1000
    assert api.get(f"/api/attempts/{attempt['id']}", token=token).body["attempt"]["status"] == "in_progress"
    clock.advance(1)
    with tables.unchanged():
        assert_error(contest.submit(token, attempt), 409, "deadline_passed")
    read = api.get(f"/api/attempts/{attempt['id']}", token=token).body["attempt"]
    assert read["status"] == "expired" and read["result"] is None
    assert api.get("/api/me", token=token).body["rounds"][0]["attempt_in_progress"] is None


def test_grace_follows_the_round_setting(api, contest, clock, tables):
    contest.open_round(grace_seconds=0)
    token, _ = contest.register()
    attempt = contest.start(token)
    clock.now = ms(attempt["deadline"]) + 1
    with tables.unchanged():
        assert_error(contest.submit(token, attempt), 409, "deadline_passed")


def test_started_one_minute_before_closing_the_deadline_is_closes_at(api, contest, clock):
    sent = contest.open_round(length=2 * HOUR)
    closes_at = ms(sent["closes_at"])
    clock.now = closes_at - MINUTE
    token, _ = contest.register()
    attempt = contest.start(token)
    assert ms(attempt["deadline"]) == closes_at == clock.now + MINUTE
    clock.now = closes_at + 30 * 1000
    reply = contest.submit(token, attempt)
    assert reply.status == 200, reply.text
    assert reply.body["result"]["duration_ms"] == MINUTE + 30 * 1000


def test_started_one_minute_before_closing_refused_after_closes_at_plus_grace(api, contest, clock, tables):
    sent = contest.open_round(length=2 * HOUR)
    closes_at = ms(sent["closes_at"])
    clock.now = closes_at - MINUTE
    token, _ = contest.register()
    attempt = contest.start(token)
    clock.now = closes_at + 30 * 1000 + 1
    with tables.unchanged():
        assert_error(contest.submit(token, attempt), 409, "deadline_passed")
    assert api.get(f"/api/attempts/{attempt['id']}", token=token).body["attempt"]["status"] == "expired"


def test_closing_the_round_ends_attempts_in_progress_after_the_grace(api, contest, clock, tables):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    clock.advance(MINUTE)
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    clock.advance(30 * 1000 + 1)  # within the attempt's own time, but past close + grace
    with tables.unchanged():
        assert_error(contest.submit(token, attempt), 409, "deadline_passed")
    read = api.get(f"/api/attempts/{attempt['id']}", token=token).body["attempt"]
    assert read["status"] == "expired"
    assert ms(read["deadline"]) <= clock.now
    assert api.get("/api/me", token=token).body["rounds"][0]["attempt_in_progress"] is None


def test_closing_the_round_still_accepts_within_the_grace(api, contest, clock):
    contest.open_round()
    token, _ = contest.register()
    attempt = contest.start(token)
    clock.advance(MINUTE)
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    clock.advance(30 * 1000)
    assert contest.submit(token, attempt).status == 200


def test_moving_closes_at_earlier_while_open_shortens_new_attempts(api, contest, clock):
    contest.open_round()
    new_close = clock.now + 5 * MINUTE
    reply = api.put("/api/admin/rounds/dot-1", {"closes_at": iso(new_close)}, token=contest.admin)
    assert reply.status == 200, reply.text
    token, _ = contest.register()
    assert ms(contest.start(token)["deadline"]) == new_close
