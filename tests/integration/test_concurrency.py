"""Races on the write path, with real threads sending real HTTP requests to the app (served by the local
stack's threaded server) on DynamoDB Local: its conditions and transactions decide, not the code's reads."""
from __future__ import annotations

from tests.integration.conftest import scan, together
from tests.streams import stream_records

THREADS = 20


def test_simultaneous_starts_give_one_attempt_and_the_limit_holds(api, contest, local_tables):
    contest.open_round(max_attempts=5)
    token, me = contest.register()
    started = []
    for _ in range(5):
        replies = together(THREADS, lambda i: api.post("/api/rounds/dot-1/attempts", token=token))
        statuses = sorted(r.status for r in replies)
        assert statuses == [200] * (THREADS - 1) + [201], [(r.status, r.code) for r in replies]
        ids = {r.body["attempt"]["id"] for r in replies}
        assert len(ids) == 1, ids                   # everyone got the one attempt in progress
        attempt = next(r.body["attempt"] for r in replies if r.status == 201)
        started.append(attempt["id"])
        assert contest.submit(token, attempt, right=3).status == 200

    replies = together(THREADS, lambda i: api.post("/api/rounds/dot-1/attempts", token=token))
    assert {(r.status, r.code) for r in replies} == {(409, "attempt_limit_reached")}

    stored = scan(local_tables, "attempts", participant_id=me["id"])
    assert sorted(a["attempt_id"] for a in stored) == sorted(started)
    assert sorted(int(a["number"]) for a in stored) == [1, 2, 3, 4, 5]     # the racing starts took no number
    assert all(a["status"] == "submitted" for a in stored)
    assert api.get("/api/me", token=token).body["rounds"][0]["attempts_used"] == 5


def test_simultaneous_identical_submissions_store_one_result(api, contest, local_tables):
    contest.open_round()
    token, me = contest.register()
    attempt = contest.start(token)
    body = {"answers": contest.answers(attempt, right=4), "prediction": 12}

    replies = together(THREADS, lambda i: api.post(f"/api/attempts/{attempt['id']}/submission", body, token=token))

    assert {r.status for r in replies} == {200}, [(r.status, r.text[:200]) for r in replies]
    results = {tuple(sorted(r.body["result"].items())) for r in replies}
    assert len(results) == 1                        # every caller sees the same stored result
    result = replies[0].body["result"]
    assert (result["correct"], result["prediction"], result["attempt_id"]) == (4, 12, attempt["id"])

    stored = scan(local_tables, "attempts", participant_id=me["id"])
    assert [(a["attempt_id"], a["status"]) for a in stored] == [(attempt["id"], "submitted")]
    # One accepted write means one MODIFY on the stream: the aggregator sees a single submission.
    changes = [r["eventName"] for r in stream_records(local_tables.table_name("attempts"),
                                                       local_tables.dynamodb_endpoint)
               if r["dynamodb"]["NewImage"]["attempt_id"]["S"] == attempt["id"]]
    assert changes == ["INSERT", "MODIFY"]


def test_simultaneous_registrations_of_one_phone_give_one_participant(api, contest, local_tables):
    phone = contest.next_phone()

    def register(i: int):
        return api.post("/api/participants", {
            "full_name": f"Người Thứ {i}", "phone": phone, "password": "mat-khau-123", "unit_id": "so-noi-vu",
            "category": "official"})

    replies = together(10, register)

    assert sorted((r.status, r.code) for r in replies) == [(201, None)] + [(409, "phone_taken")] * 9, \
        [(r.status, r.text[:200]) for r in replies]
    winner = next(r.body["participant"]["id"] for r in replies if r.status == 201)
    assert [p["participant_id"] for p in scan(local_tables, "participants", phone=phone)] == [winner]
    assert [g["participant_id"] for g in scan(local_tables, "guards", key=f"phone#{phone}")] == [winner]
