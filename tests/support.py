"""Helpers shared by API and integration tests: a JSON client over any Chalice test client, a movable clock,
and a small contest to act on."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from chalicelib import runtime

T0 = int(datetime(2021, 10, 1, 0, 0, tzinfo=timezone.utc).timestamp() * 1000)
HOUR = 3600 * 1000


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat()


@dataclass
class Reply:
    status: int
    body: dict | None
    text: str

    @property
    def code(self) -> str | None:
        return (self.body or {}).get("error", {}).get("code")


class Api:
    """Sends requests through Chalice's test client (or the local server) and decodes the JSON answers."""

    def __init__(self, http) -> None:
        self.http = http
        self.replies: list[Reply] = []

    def call(self, method: str, path: str, body=None, token: str | None = None, raw: bytes | None = None,
             content_type: str = "application/json", headers: dict | None = None) -> Reply:
        sent_headers = {"content-type": content_type, **(headers or {})}
        if token:
            sent_headers["authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        response = self.http.request(method, path, headers=sent_headers, body=data)
        text = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        reply = Reply(response.status_code, parsed, text)
        self.replies.append(reply)
        return reply

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)


UNITS = [
    {"id": "so-noi-vu", "name": "Sở Nội vụ", "parent_id": None, "kind": "agency", "headcount": 80},
    {"id": "dong-hoi", "name": "Thành phố Đồng Hới", "parent_id": None, "kind": "district",
     "headcount": 300, "population": 130000},
    {"id": "dong-hoi-hai-dinh", "name": "Phường Hải Đình", "parent_id": "dong-hoi", "kind": "commune",
     "headcount": 25, "population": 9000},
]


def questions(n: int = 8) -> list[dict]:
    return [{"id": f"q{i}", "text": f"Câu hỏi số {i} về cải cách hành chính?",
             "options": [f"Phương án {c} của câu {i}" for c in "ABCD"], "answer": i % 4} for i in range(n)]


class Contest:
    """An organizer, units, and an open round with a question bank, set up through the API itself."""

    def __init__(self, api: Api, clock: Clock, organizer_token: str) -> None:
        self.api, self.clock, self.admin = api, clock, organizer_token
        self._phone = 912000000

    def add_units(self) -> None:
        assert self.api.put("/api/admin/units", {"units": UNITS}, token=self.admin).status == 200

    def add_round(self, round_id: str = "dot-1", opens_in: int = HOUR, length: int = 20 * 24 * HOUR,
                  n_questions: int = 8, **rules) -> dict:
        opens = self.clock.now + opens_in
        body = {"id": round_id, "name": f"Đợt thi {round_id}", "opens_at": iso(opens),
                "closes_at": iso(opens + length), "questions_per_attempt": 5, "time_limit_seconds": 600,
                **rules}
        reply = self.api.post("/api/admin/rounds", body, token=self.admin)
        assert reply.status == 201, reply.text
        reply = self.api.put(f"/api/admin/rounds/{round_id}/questions", {"questions": questions(n_questions)},
                             token=self.admin)
        assert reply.status == 200, reply.text
        return body

    def open_round(self, round_id: str = "dot-1", **rules) -> dict:
        body = self.add_round(round_id, **rules)
        self.clock.advance(HOUR)
        return body

    def next_phone(self) -> str:
        self._phone += 1
        return f"0{self._phone}"

    def register(self, name: str = "Nguyễn Văn An", unit_id: str = "so-noi-vu", category: str = "official",
                 **extra) -> tuple[str, dict]:
        body = {"full_name": name, "phone": self.next_phone(), "password": "mat-khau-123", "unit_id": unit_id,
                "category": category, **extra}
        reply = self.api.post("/api/participants", body)
        assert reply.status == 201, reply.text
        return reply.body["token"], reply.body["participant"]


def answer_key(bank: list[dict]) -> dict:
    return {q["id"]: q["options"][q["answer"]] for q in bank}


def set_clock(clock: Clock) -> None:
    runtime.set_clock(clock)
