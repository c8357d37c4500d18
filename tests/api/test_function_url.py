"""The app behind a Lambda function URL (chalicelib/api/function_url.py): requests made as AWS hands them to the
`site` function (payload 2.0: lower-case headers, the raw path and query, a binary body in base64), answered as a
function URL answers them, through the same flows the pages use."""
import base64
import gzip
from types import SimpleNamespace

import pytest

from chalicelib.api.function_url import RestEvents, url_response
from chalicelib.contest.tables import XLSX_MIME, write_xlsx
from tests.support import Api, assert_error, organizer_contest

SECRET = "origin-secret-from-the-stack"
TEXT_TYPES = ("application/json", "text/")


class FunctionUrlHttp:
    """The `request(method, path, headers, body)` interface of Chalice's test client, over the `site` function:
    each request as CloudFront forwards it (the origin secret, the viewer's address appended to X-Forwarded-For)."""

    def __init__(self, secret: str | None = SECRET, viewer: str = "203.113.5.7") -> None:
        self.secret, self.viewer = secret, viewer
        self.events: list[dict] = []

    def event(self, method: str, path: str, headers: dict | None = None, body: bytes = b"") -> dict:
        raw_path, _, query = path.partition("?")
        sent = {name.lower(): value for name, value in (headers or {}).items()}
        sent["x-forwarded-for"] = ", ".join(p for p in (sent.get("x-forwarded-for"), self.viewer) if p)
        if self.secret is not None:
            sent["x-origin-verify"] = self.secret
        text = sent.get("content-type", "application/json").startswith(TEXT_TYPES)
        return {"version": "2.0", "routeKey": "$default", "rawPath": raw_path, "rawQueryString": query,
                "headers": sent, "requestContext": {
                    "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "130.176.1.1"},
                    "requestId": "r-1", "routeKey": "$default", "stage": "$default"},
                "body": (body.decode() if text else base64.b64encode(body).decode()) if body else None,
                "isBase64Encoded": bool(body) and not text}

    def request(self, method, path, headers=None, body=b""):
        from app import site

        event = self.event(method, path, headers, body)
        self.events.append(event)
        answer = site(event, SimpleNamespace(aws_request_id="r-1"))
        assert set(answer) <= {"statusCode", "headers", "body", "isBase64Encoded", "cookies"}, answer
        assert all(isinstance(v, str) for v in answer["headers"].values()), answer["headers"]
        body_out = base64.b64decode(answer["body"]) if answer["isBase64Encoded"] else answer["body"].encode()
        return SimpleNamespace(status_code=answer["statusCode"], headers=answer["headers"], body=body_out)


@pytest.fixture
def site_api(tables, clock, monkeypatch):
    from chalicelib import config

    monkeypatch.setenv("ORIGIN_SECRET", SECRET)
    config.current.cache_clear()
    http = FunctionUrlHttp()
    yield Api(http), http
    config.current.cache_clear()


def test_a_participant_registers_takes_a_test_and_sees_the_standings_through_the_function_url(site_api, clock):
    api, _ = site_api
    contest = organizer_contest(api, clock)
    contest.open_round(n_questions=6, questions_per_attempt=4, max_attempts=2)
    token, _ = contest.register()
    me = api.get("/api/me", token=token)
    assert me.status == 200 and me.body["participant"]["full_name"] == "Nguyễn Văn An"
    attempt = contest.start(token)
    reply = contest.submit(token, attempt, right=3, prediction=7)
    assert reply.status == 200 and reply.body["result"]["correct"] == 3, reply.text
    shown = api.get(f"/api/attempts/{attempt['id']}", token=token)
    assert shown.status == 200 and shown.body["attempt"]["id"] == attempt["id"]
    board = api.get("/api/rounds/dot-1/leaderboard?limit=5&category=official")
    assert board.status == 200 and board.headers["content-type"].startswith("application/json")
    assert_error(api.get("/api/rounds/dot-1/leaderboard?limit=0"), 400, "invalid")


def test_a_binary_upload_and_a_compressed_page_pass_through_as_base64(site_api, clock):
    api, http = site_api
    contest = organizer_contest(api, clock)
    body = write_xlsx("Đơn vị", ["id", "name", "parent_id", "kind", "headcount", "population"],
                      [["so-tu-phap", "Sở Tư pháp", None, "agency", 60, None]])
    reply = api.put("/api/admin/units", raw=body, content_type=XLSX_MIME, token=contest.admin)
    assert reply.status == 200, reply.text
    assert http.events[-1]["isBase64Encoded"] is True
    assert "so-tu-phap" in {u["id"] for u in api.get("/api/units").body["units"]}
    page = http.request("GET", "/", headers={"accept-encoding": "gzip"})
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.body).lower()


def test_unknown_paths_and_methods_are_refused_in_the_contract_shape(site_api):
    api, _ = site_api
    assert_error(api.get("/api/no-such-thing"), 404, "not_found")
    assert_error(api.get("/api/attempts/a1/submission/extra"), 404, "not_found")
    refused = api.call("DELETE", "/api/contest")
    assert_error(refused, 405, "method_not_allowed")
    assert "GET" in refused.headers["allow"]


def test_a_request_around_cloudfront_is_refused(site_api):
    api, http = site_api
    http.secret = "a-guess"
    assert_error(api.get("/api/contest"), 403, "forbidden")
    http.secret = None
    assert_error(api.get("/api/contest"), 403, "forbidden")


def test_routes_match_as_api_gateway_matches_them():
    events = RestEvents(["/api/me", "/api/me/password", "/api/sessions/current", "/api/attempts/{attempt_id}",
                         "/api/attempts/{attempt_id}/submission", "/static/{name}", "/"])
    assert events.match("/api/sessions/current") == ("/api/sessions/current", {})
    assert events.match("/api/attempts/a%2Fb") == ("/api/attempts/{attempt_id}", {"attempt_id": "a/b"})
    assert events.match("/api/attempts/a1/submission/") == ("/api/attempts/{attempt_id}/submission",
                                                           {"attempt_id": "a1"})
    assert events.match("/") == ("/", {})
    assert events.match("/api/attempts/") is None
    assert events.match("/api/me/rounds") is None


def test_the_client_address_is_the_one_cloudfront_appended():
    http = FunctionUrlHttp(viewer="203.113.5.7")
    event = http.event("GET", "/api/contest", headers={"X-Forwarded-For": "10.0.0.1"})
    events = RestEvents(["/api/contest"])
    assert events.rest_event(event, SECRET)["requestContext"]["identity"]["sourceIp"] == "203.113.5.7"
    assert "x-origin-verify" not in events.rest_event(event, SECRET)["headers"]
    assert events.rest_event(event, None)["requestContext"]["identity"]["sourceIp"] == "130.176.1.1"


def test_multi_valued_headers_are_joined_and_cookies_kept_apart():
    answer = url_response({"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "ok",
                           "multiValueHeaders": {"Vary": ["Accept-Encoding", "Origin"],
                                                 "Set-Cookie": ["a=1", "b=2"]}})
    assert answer == {"statusCode": 200, "body": "ok", "isBase64Encoded": False, "cookies": ["a=1", "b=2"],
                      "headers": {"Content-Type": "text/plain", "Vary": "Accept-Encoding, Origin"}}
