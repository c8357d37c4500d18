"""What each request of a participant's pages costs, measured on DynamoDB Local through the handlers: DynamoDB
units (consumed capacity, transactions counted double and cancelled ones counted, as DynamoDB bills them), the
handler's duration and the answer's bytes on the wire; and the stream aggregator's units per accepted attempt.

The flow per participant is what the pages do (chalicelib/web/static/app.js, tests/browser/test_page_requests.py):
register, then for each attempt the home page (the contest, the totals, the announcements, which are public but not
among the paths infra/template/cdn.py caches at the edge, and GET /api/me for the participant's own counts per
round), "Vào thi" (no request: the start step is drawn from the home page's counts and contest), the start (whose
answer carries the test), the submission (whose answer carries the result page: no GET of the attempt) and a look at
the leaderboard (which reads the contest again: the pages keep it 30 s, a test lasts longer). `measure()` returns
the figures by request kind and the requests of one attempt; bench/cost.py reads them.
"""
from __future__ import annotations

import gzip
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from bench.common import dynamodb_local

PARTICIPANTS = 40
ATTEMPTS_EACH = 3
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


@contextmanager
def consumed() -> Iterator[dict[str, float]]:
    """Every DynamoDB call asks for its consumed capacity; the block's read and write units add up here."""
    from botocore.client import BaseClient

    totals: dict[str, float] = defaultdict(float)
    real = BaseClient._make_api_call

    def counted(client, operation, params):
        if client.meta.service_model.service_name != "dynamodb" or operation.startswith("Describe"):
            return real(client, operation, params)
        params = {**params, "ReturnConsumedCapacity": "TOTAL"}
        try:
            answer = real(client, operation, params)
        except client.exceptions.TransactionCanceledException as error:
            _add(totals, operation, error.response.get("ConsumedCapacity"))
            raise
        _add(totals, operation, answer.get("ConsumedCapacity"))
        return answer

    BaseClient._make_api_call = counted
    try:
        yield totals
    finally:
        BaseClient._make_api_call = real


def _add(totals: dict[str, float], operation: str, capacity) -> None:
    for entry in capacity if isinstance(capacity, list) else [capacity] if capacity else []:
        totals["write" if operation in WRITES else "read"] += float(entry.get("CapacityUnits", 0))


class Meter:
    """Requests through the Chalice test client, by kind: count, handler ms, gzip bytes, DynamoDB units."""

    def __init__(self, api) -> None:
        self.api = api
        self.kinds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.calls: list[str] = []

    def __call__(self, kind: str, method: str, path: str, body=None, token: str | None = None):
        with consumed() as units:
            began = time.perf_counter()
            reply = self.api.call(method, path, body, token=token)
            elapsed = (time.perf_counter() - began) * 1000
        self.calls.append(f"{method} {path}")
        figures = self.kinds[kind]
        figures["count"] += 1
        figures["ms"] += elapsed
        figures["bytes"] += len(gzip.compress(reply.text.encode("utf-8"))) + 300   # + headers
        figures["read_units"] += units["read"]
        figures["write_units"] += units["write"]
        return reply


def _aggregate(attempt_ids: list[str]) -> dict[str, float]:
    """The attempts' stream records through the aggregator, as the stream mapping delivers them."""
    from chalicelib.events.aggregator import handle_attempts
    from chalicelib.store import attempts as attempt_store

    records = []
    for n, attempt_id in enumerate(attempt_ids):
        image = attempt_store.image(attempt_store.get(attempt_id))
        records.append({"eventID": f"e{n}", "eventName": "MODIFY", "eventVersion": "1.1",
                        "eventSource": "aws:dynamodb", "awsRegion": "ap-southeast-1",
                        "eventSourceARN": "arn:aws:dynamodb:ap-southeast-1:000000000000:table/x/stream/1",
                        "dynamodb": {"Keys": {"attempt_id": {"S": attempt_id}}, "NewImage": image,
                                     "SequenceNumber": f"{n:021d}", "SizeBytes": 500,
                                     "StreamViewType": "NEW_IMAGE", "ApproximateCreationDateTime": 1_700_000_000}})
    with consumed() as units:
        began = time.perf_counter()
        for start in range(0, len(records), 100):
            answer = handle_attempts({"Records": records[start:start + 100]})
            assert answer == {"batchItemFailures": []}, answer
        elapsed = (time.perf_counter() - began) * 1000
    count = max(1, len(records))
    return {"read_units": units["read"] / count, "write_units": units["write"] / count, "ms": elapsed / count}


def measure(participants: int = PARTICIPANTS, each: int = ATTEMPTS_EACH) -> dict:
    from chalice.test import Client

    from app import app
    from chalicelib import runtime
    from chalicelib.services import admin
    from tests.support import HOUR, T0, Api, Clock, Contest

    rng = random.Random(7)
    with dynamodb_local("bench-req-"), Client(app) as client:
        clock = Clock(T0)
        runtime.set_clock(clock)
        api = Api(client.http)
        admin.create_organizer("btc", "mat-khau-btc-1")
        contest = Contest(api, clock, api.post("/api/admin/sessions",
                                               {"username": "btc", "password": "mat-khau-btc-1"}).body["token"])
        contest.add_units()
        contest.open_round(n_questions=60, questions_per_attempt=20, max_attempts=each)
        meter, accepted, flow = Meter(api), [], []
        for p in range(participants):
            body = {"full_name": f"Người Thi {p}", "phone": contest.next_phone(), "password": "mat-khau-123",
                    "unit_id": "so-noi-vu", "category": "official"}
            token = meter("register", "POST", "/api/participants", body).body["token"]
            for _ in range(each):
                before = len(meter.calls)
                for path in ("/api/contest", "/api/stats"):                            # the home page
                    meter("public read", "GET", path)
                meter("announcements", "GET", "/api/announcements")     # public, not cached at the edge
                meter("me", "GET", "/api/me", token=token)
                attempt = meter("start", "POST", "/api/rounds/dot-1/attempts", token=token).body["attempt"]
                clock.advance(HOUR // 200)
                answers = contest.answers(attempt, rng.randint(0, 20))
                reply = meter("submit", "POST", f"/api/attempts/{attempt['id']}/submission",
                              {"answers": answers, "prediction": rng.randint(0, 99)}, token=token)
                assert reply.status == 200, reply.text
                accepted.append(attempt["id"])
                for path in ("/api/contest", "/api/rounds/dot-1/leaderboard?limit=100"):  # the leaderboard page
                    meter("public read", "GET", path)
                flow = flow or [c.replace(attempt["id"], "{id}") for c in meter.calls[before:]]
        aggregator = _aggregate(accepted)
        runtime.reset_clock()
    kinds = {kind: {"per_attempt": f["count"] / len(accepted), "ms": f["ms"] / f["count"],
                    "bytes": f["bytes"] / f["count"], "read_units": f["read_units"] / f["count"],
                    "write_units": f["write_units"] / f["count"]} for kind, f in meter.kinds.items()}
    per_attempt = {unit: sum(k[unit] * k["per_attempt"] for k in kinds.values()) + aggregator[unit]
                   for unit in ("read_units", "write_units")}
    return {"accepted": len(accepted), "participants": participants, "kinds": kinds, "aggregator": aggregator,
            "flow": flow,
            "write_units_per_attempt": per_attempt["write_units"], "read_units_per_attempt": per_attempt["read_units"]}


def main() -> dict:
    figures = measure()
    print(f"requests of the pages, {figures['participants']} participants x {ATTEMPTS_EACH} attempts "
          f"(DynamoDB Local, consumed capacity):")
    print(f"  one attempt's requests ({len(figures['flow'])}): " + ", ".join(figures["flow"]))
    for kind, f in figures["kinds"].items():
        print(f"  {kind:13s} {f['per_attempt']:.2f}/attempt  {f['ms']:6.1f} ms  {f['bytes']:6.0f} B  "
              f"{f['read_units']:5.2f} RCU  {f['write_units']:5.2f} WCU")
    agg = figures["aggregator"]
    print(f"  aggregator    per attempt {agg['ms']:.1f} ms  {agg['read_units']:.2f} RCU  {agg['write_units']:.2f} WCU")
    print(f"  all in per accepted attempt: {figures['write_units_per_attempt']:.1f} write units, "
          f"{figures['read_units_per_attempt']:.1f} read units")
    return figures


if __name__ == "__main__":
    main()
