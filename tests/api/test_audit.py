"""An audit entry for every organizer change (RULES.md, Organizer roles): each changing organizer path the app
registers is driven here once, and the newest entry of the log says who, what, on what and from which client
address. The list is checked against the routes, so a new changing path fails here until it is covered."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import boto3
import pytest

from chalicelib import config
from chalicelib.events import lifecycle
from tests.api.test_roles import organizer_routes
from tests.support import HOUR, T0, UNITS, assert_error, iso, questions

# Organizer paths that use POST but change nothing (the editor's Markdown preview).
READ_ONLY = {("POST", "/api/admin/previews")}


@dataclass
class Change:
    action: str
    target: Callable[[dict], str]           # of the setting-up context
    send: Callable                          # (api, token, context) → reply
    expect: int = 200


def _round(contest, ctx):
    contest.add_round("dot-9")
    ctx["round"] = "dot-9"


def _person(contest, ctx):
    ctx["participant"] = contest.register("Phạm Thị Hoa", unit_id="dong-hoi")[1]["id"]


def _account(api, token, ctx):
    reply = api.post("/api/admin/accounts", {"username": "dp-1", "password": "mat-khau-dp-1",
                                            "role": "viewer"}, token=token)
    assert reply.status == 201


def _closed(contest, ctx):
    contest.open_round("dot-9")
    assert contest.api.post("/api/admin/rounds/dot-9/close", token=contest.admin).status == 202
    ctx["round"] = "dot-9"


def _finalized(contest, ctx):
    """A round closed and finalized under `publication: review`, so it waits to be published."""
    settings = config.current()
    boto3.client("s3", region_name=settings.region).create_bucket(
        Bucket=settings.results_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region})
    assert contest.api.put("/api/admin/contest", {"publication": "review"}, token=contest.admin).status == 200
    _closed(contest, ctx)
    contest.clock.advance(HOUR)
    lifecycle.finalize_due()


def _announcement(contest, ctx):
    reply = contest.api.post("/api/admin/announcements", {"title": "Thông báo", "body": "Nội dung"},
                             token=contest.admin)
    ctx["announcement"] = reply.body["announcement"]["id"]


SETUP = {"round": _round, "participant": _person, "closed": _closed, "finalized": _finalized,
         "announcement": _announcement}
CHANGES: dict[tuple[str, str], tuple[str | None, Change]] = {
    ("PUT", "/api/admin/units"): (None, Change(
        "units.import", lambda c: "units", lambda api, t, c: api.put("/api/admin/units", {"units": UNITS}, token=t))),
    ("POST", "/api/admin/rounds"): (None, Change(
        "round.create", lambda c: "round:dot-moi", lambda api, t, c: api.post("/api/admin/rounds", {
            "id": "dot-moi", "name": "Đợt mới", "opens_at": iso(T0 + 30 * 24 * HOUR),
            "closes_at": iso(T0 + 50 * 24 * HOUR)}, token=t), 201)),
    ("PUT", "/api/admin/rounds/{round_id}"): ("round", Change(
        "round.update", lambda c: f"round:{c['round']}",
        lambda api, t, c: api.put(f"/api/admin/rounds/{c['round']}", {"name": "Tên mới"}, token=t))),
    ("PUT", "/api/admin/rounds/{round_id}/questions"): ("round", Change(
        "round.questions", lambda c: f"round:{c['round']}",
        lambda api, t, c: api.put(f"/api/admin/rounds/{c['round']}/questions", {"questions": questions(6)},
                                  token=t))),
    ("POST", "/api/admin/rounds/{round_id}/close"): ("round", Change(
        "round.close", lambda c: f"round:{c['round']}",
        lambda api, t, c: api.post(f"/api/admin/rounds/{c['round']}/close", token=t), 202)),
    ("POST", "/api/admin/accounts"): (None, Change(
        "account.create", lambda c: "account:dp-2", lambda api, t, c: api.post(
            "/api/admin/accounts", {"username": "dp-2", "password": "mat-khau-dp-2", "role": "coordinator",
                                    "unit_id": "dong-hoi"}, token=t), 201)),
    ("PUT", "/api/admin/accounts/{username}"): ("account", Change(
        "account.update", lambda c: "account:dp-1",
        lambda api, t, c: api.put("/api/admin/accounts/dp-1", {"disabled": True}, token=t))),
    ("PUT", "/api/admin/participants/{participant_id}"): ("participant", Change(
        "participant.update", lambda c: f"participant:{c['participant']}",
        lambda api, t, c: api.put(f"/api/admin/participants/{c['participant']}", {"full_name": "Phạm Thị Hoà"},
                                  token=t))),
    ("POST", "/api/admin/participants/{participant_id}/disqualify"): ("participant", Change(
        "participant.disqualify", lambda c: f"participant:{c['participant']}",
        lambda api, t, c: api.post(f"/api/admin/participants/{c['participant']}/disqualify",
                                   {"reason": "Nhiều tài khoản"}, token=t))),
    ("POST", "/api/admin/participants/{participant_id}/reinstate"): ("participant", Change(
        "participant.reinstate", lambda c: f"participant:{c['participant']}",
        lambda api, t, c: api.post(f"/api/admin/participants/{c['participant']}/reinstate", token=t))),
    ("POST", "/api/admin/participants/{participant_id}/password"): ("participant", Change(
        "participant.password", lambda c: f"participant:{c['participant']}",
        lambda api, t, c: api.post(f"/api/admin/participants/{c['participant']}/password", token=t))),
    ("POST", "/api/admin/exports"): (None, Change(
        "export.create", lambda c: f"export:{c['reply'].body['export']['id']}",
        lambda api, t, c: api.post("/api/admin/exports", {"kind": "registrations"}, token=t), 202)),
    ("PUT", "/api/admin/contest"): (None, Change(
        "contest.update", lambda c: "contest",
        lambda api, t, c: api.put("/api/admin/contest", {"contact": "0232 3822 000"}, token=t))),
    ("PUT", "/api/admin/pages/{slug}"): (None, Change(
        "page.write", lambda c: "page:the-le",
        lambda api, t, c: api.put("/api/admin/pages/the-le", {"title": "Thể lệ", "body": "# Thể lệ"}, token=t))),
    ("POST", "/api/admin/announcements"): (None, Change(
        "announcement.create", lambda c: f"announcement:{c['reply'].body['announcement']['id']}",
        lambda api, t, c: api.post("/api/admin/announcements", {"title": "Thông báo", "body": "Nội dung"},
                                   token=t), 201)),
    ("DELETE", "/api/admin/announcements/{announcement_id}"): ("announcement", Change(
        "announcement.delete", lambda c: f"announcement:{c['announcement']}",
        lambda api, t, c: api.call("DELETE", f"/api/admin/announcements/{c['announcement']}", token=t), 204)),
    ("DELETE", "/api/admin/units/{unit_id}"): (None, Change(
        "unit.delete", lambda c: "unit:dong-hoi-hai-dinh",
        lambda api, t, c: api.call("DELETE", "/api/admin/units/dong-hoi-hai-dinh", token=t), 204)),
    ("POST", "/api/admin/rounds/{round_id}/finalize"): ("closed", Change(
        "round.finalize_again", lambda c: f"round:{c['round']}",
        lambda api, t, c: api.post(f"/api/admin/rounds/{c['round']}/finalize", token=t), 202)),
    ("POST", "/api/admin/rounds/{round_id}/publish"): ("finalized", Change(
        "round.publish", lambda c: f"round:{c['round']}",
        lambda api, t, c: api.post(f"/api/admin/rounds/{c['round']}/publish", token=t))),
}


def test_every_changing_organizer_path_is_audited_here():
    changing = {(m, p) for m, p in organizer_routes() if m != "GET"} - READ_ONLY
    assert changing - set(CHANGES) == set(), "drive these changing organizer paths in CHANGES"
    assert set(CHANGES) - changing == set()


@pytest.mark.parametrize("route", sorted(CHANGES), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_change_leaves_an_audit_entry(api, contest, route):
    needs, change = CHANGES[route]
    ctx: dict = {}
    if needs == "account":
        _account(api, contest.admin, ctx)
    elif needs:
        SETUP[needs](contest, ctx)
    before = len(api.get("/api/admin/audit?limit=200", token=contest.admin).body["entries"])
    ctx["reply"] = reply = change.send(api, contest.admin, ctx)
    assert reply.status == change.expect, reply.text
    entries = api.get("/api/admin/audit?limit=200", token=contest.admin).body["entries"]
    assert len(entries) == before + 1
    newest = entries[0]
    assert (newest["action"], newest["target"], newest["username"]) == (change.action, change.target(ctx), "btc")
    assert newest["client"] == "127.0.0.1" and newest["at"].endswith("Z")


def test_refused_changes_leave_no_entry(api, contest, tables):
    with tables.unchanged(ignore_login=True):
        assert_error(api.post("/api/admin/rounds/khong-co/close", token=contest.admin), 404, "round_not_found")
        assert_error(api.put("/api/admin/units", {"units": [{"id": "x y"}]}, token=contest.admin), 400, "invalid")


def test_the_log_pages_newest_first(api, contest):
    for _ in range(5):
        assert api.put("/api/admin/units", {"units": UNITS[:1]}, token=contest.admin).status == 200
    assert len(api.get("/api/admin/audit", token=contest.admin).body["entries"]) == 6   # and the first import
    seen, cursor = [], None
    while True:
        reply = api.get("/api/admin/audit?limit=2" + (f"&cursor={cursor}" if cursor else ""), token=contest.admin)
        assert reply.status == 200 and len(reply.body["entries"]) <= 2
        seen += reply.body["entries"]
        cursor = reply.body["next"]
        if cursor is None:
            break
    assert len(seen) == 6
    assert [e["details"] for e in seen[:5]] == [{"created": 0, "updated": 1}] * 5
    assert seen[-1]["details"] == {"created": 3, "updated": 0}
    assert_error(api.get("/api/admin/audit?cursor=%%%", token=contest.admin), 400, "invalid", {"cursor"})
