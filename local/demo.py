"""The demo contest of the local stack: Quảng Bình's units, a question bank on administrative reform, one
round open now and one scheduled. Loaded through the platform's own HTTP API (as an organizer would),
only what is missing: units when there are none, each round when it does not exist yet.

The first organizer account, an owner (who creates the other accounts from the organizer pages), is created
through the service layer: its password comes from CUOCTHI_ADMIN_PASSWORD, else from .local/admin-password,
else it is generated and saved there. The loader acts with a token the service layer issues for that account,
never through the password login: a locked-out login (anyone can make it wait by guessing wrong) cannot stop
`make run` from coming up.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from local.settings import kept_secret

log = logging.getLogger("local.demo")
DATA = Path(__file__).resolve().parent / "demo"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PREDICTION = "Theo bạn, sẽ có bao nhiêu người trả lời đúng tất cả các câu hỏi của đợt thi này?"


@dataclass(frozen=True)
class Organizer:
    username: str
    password: str
    source: str          # "env", "file" or "generated"


def ensure_organizer(data_dir: Path, env=os.environ) -> Organizer:
    """Creates (or re-keys) the owner account; the password is kept in .local/admin-password."""
    from chalicelib.services import admin

    username = env.get("CUOCTHI_ADMIN_USERNAME", "btc")
    path = data_dir / "admin-password"
    if env.get("CUOCTHI_ADMIN_PASSWORD"):
        password, source = env["CUOCTHI_ADMIN_PASSWORD"], "env"
    else:
        existed = path.exists() and path.read_text(encoding="utf-8").strip()
        password = kept_secret(path, lambda: secrets.token_urlsafe(12))
        source = "file" if existed else "generated"
    admin.create_organizer(username, password)
    return Organizer(username, password, source)


class Http:
    """A few JSON requests to the running API."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body=None) -> tuple[int, dict | None]:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json; charset=utf-8")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            return status, None

    def ok(self, method: str, path: str, body=None, expect=(200, 201, 202)) -> dict:
        status, answer = self.call(method, path, body)
        if status not in expect:
            raise RuntimeError(f"{method} {path} → {status}: {answer}")
        return answer or {}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZONE)


def round_plans(now: datetime) -> list[dict]:
    """Round 1 open from now for two weeks; round 2 a day after round 1 closes, for two weeks."""
    today = now.astimezone(ZONE).date()
    first_closes = _local_midnight(today + timedelta(days=15))
    second_opens = datetime.combine(today + timedelta(days=16), time(8, 0), tzinfo=ZONE)
    common = {"questions_per_attempt": 20, "time_limit_seconds": 1200, "max_attempts": 5, "grace_seconds": 30,
              "prediction_question": PREDICTION, "prediction_target": "perfect_participants"}
    return [
        {"id": "dot-1", "name": "Đợt 1: Tìm hiểu về cải cách hành chính và cơ chế một cửa",
         "opens_at": _iso(now + timedelta(hours=1)), "closes_at": _iso(first_closes), **common,
         "open_now": True},
        {"id": "dot-2", "name": "Đợt 2: Tìm hiểu về dịch vụ công trực tuyến và chuyển đổi số",
         "opens_at": _iso(second_opens), "closes_at": _iso(second_opens + timedelta(days=14)), **common,
         "open_now": False},
    ]


def load_json(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def ensure_demo(base_url: str, organizer: Organizer, now: datetime | None = None) -> list[str]:
    """Loads what is missing of the demo contest; returns what it did (empty when nothing was missing)."""
    from chalicelib.services import admin

    now = now or datetime.now(UTC)
    anonymous = Http(base_url)
    http = Http(base_url, admin.token_of(organizer.username))
    done = []
    if not anonymous.ok("GET", "/api/units").get("units"):
        units = load_json("units.json")
        result = http.ok("PUT", "/api/admin/units", units)
        done.append(f"{result.get('created', len(units['units']))} units")
    contest = anonymous.ok("GET", "/api/contest")
    written = {page["slug"] for page in contest.get("pages", [])}
    for slug, page in load_json("pages.json").items():
        if slug not in written:
            http.ok("PUT", f"/api/admin/pages/{slug}", page)
            done.append(f"page {slug}")
    existing = {r["id"]: r for r in contest.get("rounds", [])}
    questions = load_json("questions.json")
    for plan in round_plans(now):
        if plan["id"] in existing:
            continue
        body = {k: v for k, v in plan.items() if k != "open_now"}
        http.ok("POST", "/api/admin/rounds", body)
        count = http.ok("PUT", f"/api/admin/rounds/{plan['id']}/questions", questions)["count"]
        if plan["open_now"]:
            # Questions can only be imported before a round opens: create it in the future, then open it now.
            http.ok("PUT", f"/api/admin/rounds/{plan['id']}", {"opens_at": _iso(now.replace(microsecond=0))})
        done.append(f"round {plan['id']} ({'open' if plan['open_now'] else 'scheduled'}, {count} questions)")
    return done
