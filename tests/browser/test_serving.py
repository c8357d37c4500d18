"""How the pages are served: content-hashed names cached for good, gzip when the request allows it, the same bytes
through Chalice's test client (a Lambda proxy response, base64) and through the local server (real HTTP)."""
from __future__ import annotations

import gzip
import hashlib
import re

import pytest

from chalicelib.api import web

IMMUTABLE = "public, max-age=31536000, immutable"
BROWSER_GZIP = {"accept-encoding": "gzip, deflate, br", "accept": "*/*"}


@pytest.fixture
def client(local_aws):  # noqa: F811 — the fixture comes from the folder's conftest
    from chalice.test import Client

    from app import app

    with Client(app) as test_client:
        yield test_client.http


def references(html: bytes) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode("utf-8"))


@pytest.mark.parametrize("transport", ["chalice test client", "local server"])
def test_pages_refer_to_hashed_names_that_are_compressed_and_cached_for_good(transport, request):
    http = request.getfixturevalue("client") if transport == "chalice test client" else \
        request.getfixturevalue("live_contest").api.http
    admin_files = {"app.css", "admin.css", "common.js", "admin.js", "admin-contest.js", "admin-rounds.js",
                   "admin-people.css", "admin-people.js", "admin-accounts.js", "admin-embeds.js"}
    participant_files = {"app.css", "common.js", "account.js", "info.js", "results.js", "app.js"}
    for page, expected in (("/", participant_files), ("/admin", admin_files)):
        reply = http.request("GET", page, headers=BROWSER_GZIP, body=b"")
        assert reply.status_code == 200
        assert reply.headers["Content-Encoding"] == "gzip" and reply.headers["Cache-Control"] == "no-cache"
        assert reply.headers["Vary"] == "Accept-Encoding"
        html = gzip.decompress(reply.body)
        assert html.startswith(b"<!doctype html>") and "Cuộc thi trực tuyến".encode() in html
        found = references(html)
        assert {web.static_url(name) for name in expected} == set(found), found
        for path in found:
            asset = http.request("GET", path, headers=BROWSER_GZIP, body=b"")
            assert asset.status_code == 200, path
            assert asset.headers["Cache-Control"] == IMMUTABLE and asset.headers["Content-Encoding"] == "gzip"
            body = gzip.decompress(asset.body)
            plain = path.rsplit("/", 1)[1].split(".")
            assert body == web.assets()[f"{plain[0]}.{plain[2]}"].body
            assert hashlib.sha256(body).hexdigest().startswith(plain[1])  # the name is the content's hash
            assert len(asset.body) < len(body) * 0.6


def test_plain_names_old_hashes_identity_and_revalidation(client):
    plain = client.request("GET", "/static/app.js", headers={}, body=b"")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "public, max-age=300"
    assert "Content-Encoding" not in plain.headers and plain.body == web.assets()["app.js"].body
    assert plain.headers["Content-Type"] == "text/javascript; charset=utf-8"
    old = client.request("GET", "/static/app.0123456789.js", headers=BROWSER_GZIP, body=b"")
    assert old.status_code == 200 and old.headers["Cache-Control"] == "public, max-age=300"  # never for good
    assert gzip.decompress(old.body) == web.assets()["app.js"].body
    refused = client.request("GET", web.static_url("app.css"), headers={"accept-encoding": "gzip;q=0, br"}, body=b"")
    assert "Content-Encoding" not in refused.headers and refused.body == web.assets()["app.css"].body
    page = client.request("GET", "/", headers={}, body=b"")
    again = client.request("GET", "/", headers={"if-none-match": page.headers["ETag"]}, body=b"")
    assert again.status_code == 304 and again.body == b""
    changed = client.request("GET", "/", headers={"if-none-match": '"0000000000"'}, body=b"")
    assert changed.status_code == 200 and changed.body == page.body


@pytest.mark.parametrize("header, allowed", [
    ("gzip", True), ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True), ("x-gzip", True),
    ("GZIP", True), (None, False), ("", False), ("br", False), ("gzip;q=0", False), ("*;q=0", False),
    ("identity", False), ("*, gzip;q=0", False), ("gzip;q=oops", False),
])
def test_accept_encoding(header, allowed):
    assert web.accepts_gzip(header) is allowed


def test_static_files_and_path_traversal(client):
    for bad in ("/static/..%2Fapp.py", "/static/..%2F..%2Fapp.py", "/static/%2Fetc%2Fpasswd", "/static/.env",
                "/static/nope.js", "/static/app.py", "/static/..", "/static/index.html%00.js",
                "/static/nope.0123456789.js", "/static/app.0123456789.py", "/static/app.js.gz"):
        reply = client.request("GET", bad, headers={}, body=b"")
        assert reply.status_code == 404, (bad, reply.status_code, reply.body[:200])
        assert b'"not_found"' in reply.body
    assert client.request("GET", "/static/app.css", headers={}, body=b"").headers["Content-Type"].startswith("text/css")


def test_the_home_page_with_everything_it_loads_transfers_under_40_kb(live_contest, page):
    from tests.browser.test_participant import open_round

    open_round(live_contest)
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request))
    page.goto(live_contest.base + "/")
    page.locator("[data-round='dot-1'] .countdown").wait_for()
    page.wait_for_load_state("networkidle")
    sizes = {r.url.replace(live_contest.base, ""): r.sizes() for r in loaded}
    transfer = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values())
    static = [r for r in loaded if "/static/" in r.url or r.url.rstrip("/") == live_contest.base]
    assert len(static) == 7, sizes  # the page, its stylesheet and five scripts; then the API's JSON
    assert all(r.response().header_value("content-encoding") == "gzip" for r in static), sizes
    assert {"/api/contest", "/api/stats", "/api/announcements"} <= set(sizes), sizes
    assert transfer < 40 * 1024, (transfer, sizes)
    print(f"home page: {transfer} bytes over the wire in {len(sizes)} responses")
