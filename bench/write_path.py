"""The participant write path on DynamoDB Local: latency of start and submit, and DynamoDB calls per request.
Target: a submission is one conditional write (UpdateItem) plus reads served from memory where possible."""
from __future__ import annotations

import time

from bench.common import counting_dynamodb_calls, dynamodb_local, percentiles

PARTICIPANTS = 60


def main() -> None:
    from chalice.test import Client

    from app import app
    from chalicelib import runtime
    from chalicelib.services import admin
    from tests.support import HOUR, T0, Api, Clock, Contest

    with dynamodb_local("bench-write-"), Client(app) as client:
        clock = Clock(T0)
        runtime.set_clock(clock)
        api = Api(client.http)
        admin.create_organizer("btc", "mat-khau-btc-1")
        contest = Contest(api, clock, api.post("/api/admin/sessions",
                                               {"username": "btc", "password": "mat-khau-btc-1"}).body["token"])
        contest.add_units()
        contest.open_round(n_questions=60, questions_per_attempt=20)
        tokens = [contest.register(name=f"Người Thi {i}")[0] for i in range(PARTICIPANTS)]
        starts, submits, calls_per_submit, writes_per_submit = [], [], [], []
        for token in tokens:
            began = time.perf_counter()
            attempt = api.post("/api/rounds/dot-1/attempts", token=token).body["attempt"]
            starts.append((time.perf_counter() - began) * 1000)
            answers = {q["id"]: q["options"][0]["id"] for q in attempt["questions"]}
            clock.advance(HOUR // 100)
            with counting_dynamodb_calls() as calls:
                began = time.perf_counter()
                reply = api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": answers, "prediction": 5},
                                 token=token)
                submits.append((time.perf_counter() - began) * 1000)
            assert reply.status == 200, reply.text
            calls_per_submit.append(sum(calls.values()))
            writes_per_submit.append(sum(n for op, n in calls.items() if op in (
                "PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")))
        runtime.reset_clock()
    print(f"write path, {PARTICIPANTS} participants on DynamoDB Local (in-process handlers):")
    print(f"  start attempt : {percentiles(starts)}")
    print(f"  submit        : {percentiles(submits)}")
    print(f"  submit DynamoDB calls: mean {sum(calls_per_submit) / len(calls_per_submit):.2f}, "
          f"writes per submission: max {max(writes_per_submit)}")


if __name__ == "__main__":
    main()
