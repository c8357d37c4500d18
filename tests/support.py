"""Helpers shared by API and integration tests: a JSON client over any Chalice test client, a movable clock,
and a small contest to act on."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from chalicelib import runtime

T0 = int(datetime(2021, 10, 1, 0, 0, tzinfo=UTC).timestamp() * 1000)
HOUR = 3600 * 1000


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat()


def ms(text: str) -> int:
    """Epoch milliseconds of an ISO 8601 time with a zone (as the API writes them)."""
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def same_instant(a: str, b: str) -> bool:
    return ms(a) == ms(b)


@dataclass
class Reply:
    status: int
    body: dict | None
    text: str
    headers: dict[str, str] = field(default_factory=dict)   # names in lower case

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
        headers = {str(k).lower(): str(v) for k, v in (getattr(response, "headers", None) or {}).items()}
        reply = Reply(response.status_code, parsed, text, headers)
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
        if n_questions:
            reply = self.api.put(f"/api/admin/rounds/{round_id}/questions",
                                 {"questions": questions(n_questions)}, token=self.admin)
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

    # --- reading the store and acting as a participant

    def bank(self, round_id: str = "dot-1") -> dict:
        """The round's stored bank by question id (option ids are random per import: read the real ones)."""
        from chalicelib.store import rounds as round_store

        version = round_store.get_round(round_id, fresh=True).bank_version
        return {q.id: q for q in round_store.load_bank(round_id, version)}

    def start(self, token: str, round_id: str = "dot-1", status: int = 201) -> dict:
        reply = self.api.post(f"/api/rounds/{round_id}/attempts", token=token)
        assert reply.status == status, reply.text
        return reply.body["attempt"]

    def answers(self, attempt: dict, right: int | None = None, round_id: str = "dot-1") -> dict:
        """Answers for every question of the attempt: the first `right` correctly, the rest wrongly."""
        bank = self.bank(round_id)
        right = len(attempt["questions"]) if right is None else right
        chosen = {}
        for index, question in enumerate(attempt["questions"]):
            correct = bank[question["id"]].answer
            wrong = next(o["id"] for o in question["options"] if o["id"] != correct)
            chosen[question["id"]] = correct if index < right else wrong
        return chosen

    def submit(self, token: str, attempt: dict, right: int | None = None, prediction: int = 0) -> Reply:
        body = {"answers": self.answers(attempt, right, attempt["round_id"]), "prediction": prediction}
        return self.api.post(f"/api/attempts/{attempt['id']}/submission", body, token=token)


def answer_key(bank: list[dict]) -> dict:
    return {q["id"]: q["options"][q["answer"]] for q in bank}


def set_clock(clock: Clock) -> None:
    runtime.set_clock(clock)


# --- what the tests check on every answer ---------------------------------------------------------------------

ERROR_KEYS = {"code", "message", "fields", "rows"}  # "rows": imports also list their bad rows


def assert_error(reply: Reply, status: int, code: str, fields: set | None = None) -> dict:
    """The reply is the contract's error shape with this status and code; `fields` must all be named."""
    assert reply.status == status, f"expected {status} {code}, got {reply.status}: {reply.text[:500]}"
    assert isinstance(reply.body, dict) and set(reply.body) == {"error"}, reply.text[:500]
    error = reply.body["error"]
    assert {"code", "message"} <= set(error) <= ERROR_KEYS, error
    assert error["code"] == code, error
    assert re.fullmatch(r"[a-z][a-z0-9_]*", error["code"])
    assert isinstance(error["message"], str) and error["message"].strip(), error
    if "fields" in error:
        assert isinstance(error["fields"], dict) and error["fields"], error
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in error["fields"].items()), error
    if fields:
        named = set(error.get("fields", {}))
        assert fields <= named, f"fields {sorted(fields - named)} not named in {error}"
    return error


def walk(value, path: tuple = ()):
    """Every (path, key, value) of a decoded JSON document; key is None for list items and the root."""
    yield path, (path[-1] if path and isinstance(path[-1], str) else None), value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, path + (index,))


# --- DynamoDB snapshots: a refused request must leave every table as it was ----------------------------------

class Tables:
    """Scans every table whose name starts with the prefix (under moto: the whole test's data).

    `generation`, when given, counts the requests sent so far: a snapshot taken when nothing has been sent
    since the last one is reused rather than scanned again (scans through moto are the slow part)."""

    def __init__(self, client, prefix: str = "test-", generation: Callable[[], int] | None = None) -> None:
        self.client, self.prefix, self.generation = client, prefix, generation
        self._names: list[str] | None = None
        self._last: tuple | None = None

    def names(self) -> list[str]:
        if self._names is None:
            names = []
            for page in self.client.get_paginator("list_tables").paginate():
                names += [name for name in page["TableNames"] if name.startswith(self.prefix)]
            self._names = sorted(names)
        return self._names

    def snapshot(self, ignore_login: bool = False) -> dict[str, list[str]]:
        mark = (self.generation(), ignore_login) if self.generation else None
        if mark is not None and self._last is not None and self._last[0] == mark:
            return self._last[1]
        snapshot = {}
        for name in self.names():
            items = []
            for page in self.client.get_paginator("scan").paginate(TableName=name, ConsistentRead=True):
                items += page["Items"]
            if ignore_login and name == f"{self.prefix}guards":
                items = [item for item in items if not item["key"]["S"].startswith("login#")]
            snapshot[name] = sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in items)
        self._last = (mark, snapshot) if mark is not None else None
        return snapshot

    @contextmanager
    def unchanged(self, ignore_login: bool = False):
        """Asserts that nothing stored changed inside the block (login counters ignored when asked)."""
        before = self.snapshot(ignore_login)
        yield
        after = self.snapshot(ignore_login)
        for name in sorted(set(before) | set(after)):
            gone = sorted(set(before.get(name, [])) - set(after.get(name, [])))
            new = sorted(set(after.get(name, [])) - set(before.get(name, [])))
            assert before.get(name) == after.get(name), f"{name} changed: removed {gone[:3]}, added {new[:3]}"


def scheduled_event() -> dict:
    """An EventBridge scheduled event, as Lambda hands it to a `@app.schedule` handler."""
    return {"version": "0", "id": "00000000-0000-0000-0000-000000000000", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "000000000000", "time": "2021-10-01T00:00:00Z",
            "region": "ap-southeast-1", "resources": [], "detail": {}}


ORGANIZER = ("btc", "mat-khau-btc-1")


def organizer_contest(api: Api, clock: Clock) -> Contest:
    """An organizer account, logged in through the API, with the test units imported."""
    from chalicelib.services import admin

    admin.create_organizer(*ORGANIZER)
    reply = api.post("/api/admin/sessions", {"username": ORGANIZER[0], "password": ORGANIZER[1]})
    assert reply.status == 200, reply.text
    contest = Contest(api, clock, reply.body["token"])
    contest.add_units()
    return contest


class UrlHttp:
    """The `request(method, path, headers, body)` interface of Chalice's test client, over real HTTP;
    safe to share between threads (every request is independent)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def request(self, method, path, headers=None, body=b""):
        import urllib.error
        import urllib.request
        from types import SimpleNamespace

        request = urllib.request.Request(self.base + path, data=body or None, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return SimpleNamespace(status_code=response.status, body=response.read(),
                                       headers=dict(response.headers))
        except urllib.error.HTTPError as error:
            return SimpleNamespace(status_code=error.code, body=error.read(), headers=dict(error.headers))


def emitted_metrics(output: str) -> list[tuple[str, dict]]:
    """The EMF metrics in captured output: (metric name, its dimensions other than `service`)."""
    found = []
    for line in output.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        record = json.loads(line)
        for directive in record["_aws"]["CloudWatchMetrics"]:
            dimensions = {name: record[name] for group in directive["Dimensions"] for name in group
                          if name != "service"}
            found += [(metric["Name"], dimensions) for metric in directive["Metrics"]]
    return found


class Outbox:
    """The SMS the app appended to its outbox file (SMS_OUTBOX), in the contract's format."""

    def __init__(self, path) -> None:
        self.path = path

    def messages(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]

    def code(self, phone: str, purpose: str | None = None) -> str:
        """The last code sent to this phone (for this purpose)."""
        sent = [m for m in self.messages() if m["to"] == phone and purpose in (None, m["purpose"])]
        assert sent, f"no SMS to {phone} ({purpose}) in {self.messages()}"
        return sent[-1]["code"]
