"""The participant write path, all in, on DynamoDB Local: write and read units per accepted attempt for the start,
the submission, the stream aggregator and every index (DynamoDB Local's consumed-capacity figures, refused writes
by DynamoDB's rules: see bench/capacity.py), and the busiest partition key's share of writes in the burst.

Participants register first (not counted), then each takes its attempts one after another, a minute or so
apart, as the pages do (GET /api/me, start, answer, submit); the attempts stream, filtered as in the cloud to
accepted attempts, then feeds the aggregator in batches of 100, as the event source mapping does under load."""
from __future__ import annotations

import contextlib
import io
import random
import time

from bench.capacity import item_size, metering
from bench.common import dynamodb_local, percentiles

BATCH = 100


def _contest(api, clock):
    from local.demo import load_json
    from tests.support import organizer_contest

    contest = organizer_contest(api, clock)
    assert api.put("/api/admin/units", load_json("units.json"), token=contest.admin).status == 200
    contest.open_round(n_questions=60, questions_per_attempt=20, time_limit_seconds=1200, max_attempts=5)
    return contest


def _stream_events(settings) -> list[dict]:
    from tests.streams import events, stream_records

    records = stream_records(settings.table_name("attempts"), settings.dynamodb_endpoint)
    accepted = [r for r in records if r["eventName"] in ("INSERT", "MODIFY")
                and r["dynamodb"].get("NewImage", {}).get("status", {}).get("S") == "submitted"]
    return events(accepted, BATCH)


def run(participants: int, attempts_each: int) -> dict:
    import boto3
    from chalice.local import LambdaEventConverter
    from chalice.test import Client

    from app import aggregate_attempts, app
    from chalicelib import runtime
    from tests.support import HOUR, T0, Api, Clock

    rng = random.Random(participants * 31 + attempts_each)
    with dynamodb_local(f"bench-w{participants}x{attempts_each}-") as settings, Client(app) as client:
        clock = Clock(T0)
        runtime.set_clock(clock)
        api = Api(client.http)
        raw = boto3.client("dynamodb", endpoint_url=settings.dynamodb_endpoint, region_name=settings.region)
        with metering(raw, settings.table_prefix) as meter:
            contest = _contest(api, clock)
            units = [u["id"] for u in api.get("/api/units").body["units"]]
            tokens = [contest.register(name=f"Người Thi {i}", unit_id=rng.choice(units),
                                       category=rng.choice(("official", "citizen")))[0]
                      for i in range(participants)]
            meter.counting_keys = True
            latency: dict[str, list[float]] = {"start": [], "submit": []}
            for number, token in enumerate(tokens):
                # each participant on a phone of their own: its own device id and address (a shared one is a
                # signal, written once per participant: README, "Signals")
                LambdaEventConverter.LOCAL_SOURCE_IP = f"10.{number // 65536}.{number // 256 % 256}.{number % 256}"
                device = {"x-device-id": f"phone-{number:08d}"}
                for _ in range(attempts_each):
                    meter.phase = "me"
                    me = api.get("/api/me", token=token)
                    assert me.status == 200, me.text
                    meter.phase = "start"
                    began = time.perf_counter()
                    attempt = api.post("/api/rounds/dot-1/attempts", token=token, headers=device).body["attempt"]
                    latency["start"].append((time.perf_counter() - began) * 1000)
                    answers = contest.answers(attempt, right=rng.randint(8, 20))
                    clock.advance(rng.randint(20_000, 60_000))
                    meter.phase = "submit"
                    began = time.perf_counter()
                    reply = api.post(f"/api/attempts/{attempt['id']}/submission",
                                     {"answers": answers, "prediction": rng.randint(0, 500)}, token=token)
                    latency["submit"].append((time.perf_counter() - began) * 1000)
                    assert reply.status == 200, reply.text
            meter.phase = "setup"
            batches = _stream_events(settings)
            meter.phase = "aggregator"
            for batch in batches:
                assert aggregate_attempts(batch, None) == {"batchItemFailures": []}
            meter.phase = "setup"
            meter.counting_keys = False
            items = [item for page in raw.get_paginator("scan").paginate(TableName=settings.table_name("attempts"))
                     for item in page["Items"]]
        runtime.reset_clock()
        LambdaEventConverter.LOCAL_SOURCE_IP = "127.0.0.1"
    accepted = participants * attempts_each
    assert len(items) == accepted, len(items)
    return {"accepted": accepted, "usage": meter.usage, "shares": meter.busiest_shares(), "latency": latency,
            "item_bytes": max(item_size(item) for item in items), "hour": HOUR}


def report(participants: int, attempts_each: int) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):   # the app's EMF metric lines
        figures = run(participants, attempts_each)
    accepted, usage = figures["accepted"], figures["usage"]
    phases = ("start", "submit", "aggregator")
    writes = sum(usage[p].writes() for p in phases) / accepted
    reads = sum(usage[p].reads() for p in phases) / accepted
    print(f"write path: {accepted} accepted attempts by {participants} participants ({attempts_each} each), "
          "62 units, DynamoDB Local")
    print(f"  write units per accepted attempt, all in: {writes:.2f} (target <= 6); "
          + ", ".join(f"{p} {usage[p].writes() / accepted:.2f}" for p in phases))
    by_table = sum((usage[p].write for p in phases), start=type(usage["start"].write)())
    print("    by table and index: "
          + ", ".join(f"{name} {units / accepted:.2f}" for name, units in sorted(by_table.items())))
    refused = sum((usage[p].refused for p in phases), start=type(usage["start"].refused)())
    print(f"    refused writes (billed, by the rules): {refused['conditional write']} failed conditions, "
          f"{refused['cancelled transaction']} cancelled transactions")
    print(f"  read units per accepted attempt: {reads:.2f}; "
          + ", ".join(f"{p} {usage[p].reads() / accepted:.2f}" for p in phases)
          + f"; the page's GET /api/me before each start {usage['me'].reads() / accepted:.2f}")
    print("  busiest partition key's share of writes in the burst (target <= 1 %): " + ", ".join(
        f"{name} {share:.2%} ({top}/{total}, {key})" for name, (share, top, total, key) in figures["shares"].items()))
    print(f"  largest submitted attempt item: {figures['item_bytes']} bytes; "
          f"start {percentiles(figures['latency']['start'])}; submit {percentiles(figures['latency']['submit'])}")
    return {"writes": writes, "reads": reads, "shares": figures["shares"], "item_bytes": figures["item_bytes"]}


def main() -> None:
    report(500, 4)
    report(2000, 1)


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3:
        report(int(sys.argv[1]), int(sys.argv[2]))
    else:
        main()
