"""The load test's people (Locust): participants who register, log in, start, answer and submit attempts while
phones poll the public pages. Run by `make loadtest` against the local stack (bench/loadtest.py), or against a
deployed stage: `.venv/bin/locust -f bench/locustfile.py --host https://<SiteURL> --headless -u 200 -r 10 -t 5m`
(README, Operations: the load test)."""
from __future__ import annotations

import itertools
import os
import random

from locust import HttpUser, between, task

ROUND = os.environ.get("LOADTEST_ROUND", "dot-1")
UNIT = os.environ.get("LOADTEST_UNIT", "so-noi-vu")
_numbers = itertools.count(random.randrange(10**6))


class Participant(HttpUser):
    """Registers, logs in, then takes attempts until the round's limit, as the pages do it."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.phone = f"09{(next(_numbers) * 7919) % 10**8:08d}"
        self.password = "mat-khau-tai-thu"
        body = {"full_name": "Người Thử Tải", "phone": self.phone, "password": self.password, "unit_id": UNIT,
                "category": random.choice(["official", "citizen"])}
        self.client.post("/api/participants", json=body, name="POST /api/participants")
        reply = self.client.post("/api/sessions", json={"phone": self.phone, "password": self.password},
                                 name="POST /api/sessions")
        self.token = reply.json().get("token") if reply.ok else None
        self.done = self.token is None

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    @task
    def take_an_attempt(self) -> None:
        if self.done:
            return
        self.client.get("/api/me", headers=self._headers(), name="GET /api/me")
        with self.client.post(f"/api/rounds/{ROUND}/attempts", headers=self._headers(),
                              name="POST /api/rounds/[id]/attempts", catch_response=True) as started:
            if started.status_code == 409:          # the round's limit reached: this participant is done
                started.success()
                self.done = True
                return
            if started.status_code not in (200, 201):
                started.failure(f"start answered {started.status_code}")
                return
            attempt = started.json()["attempt"]
        answers = {q["id"]: random.choice(q["options"])["id"] for q in attempt["questions"]}
        self.client.post(f"/api/attempts/{attempt['id']}/submission", headers=self._headers(),
                         json={"answers": answers, "prediction": random.randrange(500)},
                         name="POST /api/attempts/[id]/submission")
        self.client.get(f"/api/attempts/{attempt['id']}", headers=self._headers(), name="GET /api/attempts/[id]")


class Phone(HttpUser):
    """Someone watching the public pages: the leaderboard, the unit table, the totals."""

    weight = 3
    wait_time = between(2, 5)

    @task(3)
    def leaderboard(self) -> None:
        self.client.get(f"/api/rounds/{ROUND}/leaderboard?limit=100", name="GET /api/rounds/[id]/leaderboard")

    @task(2)
    def stats(self) -> None:
        self.client.get("/api/stats", name="GET /api/stats")

    @task
    def units(self) -> None:
        self.client.get(f"/api/rounds/{ROUND}/units", name="GET /api/rounds/[id]/units")

    @task
    def home(self) -> None:
        self.client.get("/", name="GET /")
        self.client.get("/api/contest", name="GET /api/contest")
