"""`make chaos`: a burst of submissions against the local stack while its processes are killed (SIGKILL) at
random moments and restarted; then every submission answered 200 is compared with what the platform shows.

The stack is `python -m local.run` itself, on free loopback ports and a temporary data folder (LOCAL_DATA_DIR),
so what is killed is what `make run` runs: the launcher (API server, stream runner, scheduler), DynamoDB Local
and the S3 emulator, one of them or all at once. Clients register, start and submit concurrently over HTTP;
they retry connection errors and 5xx answers (the stack is down or restarting) with the identical request,
which the API answers idempotently: a repeated registration finds the phone taken and logs in, a repeated
start gets the attempt in progress, a repeated submission gets the stored result.

After the burst the round is closed and finalized, and the accepted submissions are compared with /api/stats,
the unit table, the final leaderboard, the `ranking` and `attempts` files (downloaded through the results
links) and the prediction truth (the round's target is the number of submissions). Last, everything is killed
once more with the results ready, and the files are read again after the restart.

    python -m bench.chaos                                   # 2,000 submissions, 3 kills (about 2-3 minutes)
    python -m bench.chaos --participants 60 --attempts 5 --kills 1
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.chaos_checks import ROOT, Accepted, Report, compare
from bench.chaos_stack import KILL_TARGETS, Launcher
from local.processes import free_port

ROUND = "chaos"
PASSWORD = "mat-khau-123"
UNITS = [{"id": ROOT, "name": "Tỉnh Quảng Bình", "parent_id": None, "kind": "other"}] + [
    {"id": f"chaos-huyen-{n}", "name": f"Huyện số {n}", "parent_id": ROOT, "kind": "district",
     "headcount": 40, "population": 400} for n in range(1, 9)]
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi")
GIVEN = ("Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Minh Đức", "Thị Hoa", "Quang Huy", "Thu Hương")


@dataclass(frozen=True)
class Plan:
    participants: int = 200
    attempts_each: int = 10
    clients: int = 32
    kills: int = 3
    time_budget: float = 290.0      # seconds for the whole run; past it the clients give up and it fails
    seed: int | None = None


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""
    accepted: dict[str, Accepted] = field(default_factory=dict)
    registered: set[str] = field(default_factory=set)
    tried: int = 0
    refused: Counter = field(default_factory=Counter)
    retries: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, counter: str, key: str) -> None:
        with self.lock:
            getattr(self, counter)[key] += 1


class GaveUp(Exception):
    pass


class Client:
    """HTTP calls that retry connection errors and 5xx answers with the identical request until `give_up_at`.
    One connection per request (urllib): a kept-alive one waits out delayed ACKs of the local server."""

    def __init__(self, base: str, tally: Tally, give_up_at: float) -> None:
        self.base, self.tally, self.give_up_at = base, tally, give_up_at

    def _send(self, method: str, path: str, body: dict | None, token: str | None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, reply.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read()

    def call(self, method: str, path: str, body: dict | None = None, token: str | None = None,
             retried: str = "") -> tuple[int, dict]:
        pause = 0.1
        while True:
            try:
                status, content = self._send(method, path, body, token)
                if status < 500:
                    return status, json.loads(content) if content else {}
                self.tally.count("retries", "server error")
            except (OSError, http.client.HTTPException):     # refused, reset, timed out, cut short
                self.tally.count("retries", "connection")
            if retried:
                self.tally.count("retries", retried)
            if time.monotonic() > self.give_up_at:
                raise GaveUp(f"{method} {path}")
            time.sleep(pause * random.uniform(0.5, 1.5))
            pause = min(pause * 2, 1.0)


def set_up_contest(base: str, password: str, tally: Tally, attempts_each: int) -> str:
    """Units, the round (opening in a few seconds, target `submissions`) and its questions; waits until it is
    open and returns the organizer token."""
    admin = Client(base, tally, time.monotonic() + 60)
    token = admin.call("POST", "/api/admin/sessions", {"username": "btc", "password": password})[1]["token"]
    assert admin.call("PUT", "/api/admin/units", {"units": UNITS}, token)[0] == 200
    now = time.time()
    status, reply = admin.call("POST", "/api/admin/rounds", {
        "id": ROUND, "name": "Đợt thi thử sức chịu lỗi", "opens_at": _iso(now + 3), "closes_at": _iso(now + 3600),
        "questions_per_attempt": 5, "time_limit_seconds": 900, "grace_seconds": 0, "max_attempts": attempts_each,
        "prediction_target": "submissions"}, token)
    assert status == 201, reply
    questions = [{"text": f"Câu hỏi số {n} về cải cách hành chính?", "options": [f"Phương án {c}" for c in "ABCD"],
                  "answer": n % 4} for n in range(20)]
    assert admin.call("PUT", f"/api/admin/rounds/{ROUND}/questions", {"questions": questions}, token)[0] == 200
    deadline = time.monotonic() + 30
    while _round_status(admin) != "open":        # the scheduler opens it within a second or two
        assert time.monotonic() < deadline, "the round did not open"
        time.sleep(0.2)
    return token


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _round_status(client: Client) -> str:
    rounds = client.call("GET", "/api/contest")[1]["rounds"]
    return next(r["status"] for r in rounds if r["id"] == ROUND)


def take_part(client: Client, n: int, attempts: int, rng: random.Random) -> None:
    """One participant: registers (or, after a lost answer, logs in), then starts and submits `attempts` times."""
    tally = client.tally
    unit = UNITS[1 + n % (len(UNITS) - 1)]["id"]
    category = "official" if n % 3 else "citizen"
    phone = f"09{n:08d}"
    status, reply = client.call("POST", "/api/participants", {
        "full_name": f"{FAMILY[n % 8]} {GIVEN[n // 8 % 8]}", "phone": phone, "password": PASSWORD, "unit_id": unit,
        "category": category}, retried="registration")
    if status == 409 and reply["error"]["code"] == "phone_taken":      # registered, the answer was lost
        status, reply = client.call("POST", "/api/sessions", {"phone": phone, "password": PASSWORD})
    if status not in (200, 201):
        tally.count("refused", f"registration {status} {reply.get('error', {}).get('code')}")
        return
    token, participant = reply["token"], reply["participant"]["id"]
    with tally.lock:
        tally.registered.add(participant)
    for _ in range(attempts):
        status, reply = client.call("POST", f"/api/rounds/{ROUND}/attempts", token=token, retried="start")
        if status not in (200, 201):
            tally.count("refused", f"start {status} {reply.get('error', {}).get('code')}")
            continue
        attempt = reply["attempt"]
        body = {"answers": {q["id"]: rng.choice(q["options"])["id"] for q in attempt["questions"]},
                "prediction": rng.randrange(0, 4000)}
        with tally.lock:
            tally.tried += 1
        status, reply = client.call("POST", f"/api/attempts/{attempt['id']}/submission", body, token,
                                    retried="resubmission")
        if status != 200:
            tally.count("refused", f"submission {status} {reply.get('error', {}).get('code')}")
            continue
        result = reply["result"]
        with tally.lock:
            tally.accepted[attempt["id"]] = Accepted.of(result, participant, unit, category)


def burst(plan: Plan, launcher: Launcher, tally: Tally, rng: random.Random, say, give_up_at: float) -> list[str]:
    """Runs the participants on `plan.clients` threads and kills at random moments; returns the kills made."""
    total = plan.participants * plan.attempts_each
    moments = sorted(rng.uniform(0.1, 0.9) * total for _ in range(plan.kills))
    others = list(KILL_TARGETS[1:])
    rng.shuffle(others)
    targets = [([KILL_TARGETS[0]] + others)[i % len(KILL_TARGETS)] for i in range(plan.kills)]   # "everything" first
    rng.shuffle(targets)
    kills = []
    local = threading.local()

    def participant(n: int) -> None:
        if not hasattr(local, "client"):
            local.client = Client(launcher.url, tally, give_up_at)
        take_part(local.client, n, plan.attempts_each, random.Random(rng.random() + n))

    started = time.monotonic()
    with ThreadPoolExecutor(plan.clients) as pool:
        futures = [pool.submit(participant, n) for n in range(plan.participants)]
        resumed = 0
        for moment, target in zip(moments, targets, strict=True):
            moment = max(moment, resumed + plan.clients)      # each kill with the burst under way again
            while len(tally.accepted) + sum(tally.refused.values()) < moment and not all(f.done() for f in futures):
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 0.5))
            at = time.monotonic() - started
            down = launcher.kill(target)
            up = launcher.start()
            kills.append(f"{target} at {at:.1f} s ({len(tally.accepted)} accepted; down {down:.1f} s, "
                         f"back in {up:.1f} s)")
            say(f"  killed {kills[-1]}")
            resumed = len(tally.accepted)
        for future in futures:
            future.result()
    say(f"  burst done in {time.monotonic() - started:.1f} s")
    return kills


def run(plan: Plan, say=print) -> Report:
    seed = plan.seed if plan.seed is not None else random.randrange(10**6)
    rng = random.Random(seed)
    began = time.monotonic()
    give_up_at = began + plan.time_budget
    say(f"chaos: {plan.participants} participants x {plan.attempts_each} attempts on {plan.clients} clients, "
        f"{plan.kills} kills (seed {seed})")
    with tempfile.TemporaryDirectory(prefix="cuocthi-chaos-") as tmp:
        ports = {name: free_port() for name in ("LOCAL_API_PORT", "LOCAL_DYNAMODB_PORT", "LOCAL_S3_PORT")}
        launcher = Launcher(Path(tmp) / "data", ports)
        try:
            say(f"  stack up in {launcher.start():.1f} s at {launcher.url} (data in {launcher.data_dir})")
            tally = Tally()
            admin = set_up_contest(launcher.url, launcher.password, tally, plan.attempts_each)
            kills = burst(plan, launcher, tally, rng, say, give_up_at)
            report = compare(Client(launcher.url, tally, give_up_at), launcher, admin, ROUND, tally, say)
            report.kills = kills
        except BaseException:
            say(launcher.tail())
            raise
        finally:
            launcher.stop()
    report.seconds = time.monotonic() - began
    say(report.summary())
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=Plan.participants)
    parser.add_argument("--attempts", type=int, default=Plan.attempts_each, help="attempts per participant")
    parser.add_argument("--clients", type=int, default=Plan.clients, help="concurrent clients")
    parser.add_argument("--kills", type=int, default=Plan.kills)
    parser.add_argument("--budget", type=float, default=Plan.time_budget, help="seconds for the whole run")
    parser.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    report = run(Plan(args.participants, args.attempts, args.clients, args.kills, args.budget, args.seed))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
