"""Browser tests: the app served over real HTTP by chalice.local in a thread, on DynamoDB Local (S3 mocked by
moto, as in tests/events), driven by Playwright with Debian's Chromium. Real clock: rounds are created around
the real now. A failing test leaves a screenshot in test-artifacts/."""
from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest

from local.processes import free_port
from tests.events.conftest import local_aws  # noqa: F401
from tests.support import Api, Clock, Contest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "test-artifacts")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class UrlHttp:
    """The `request(method, path, headers, body)` interface of Chalice's test client, over real HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base

    def request(self, method, path, headers=None, body=b""):
        request = urllib.request.Request(self.base + path, data=body or None, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return SimpleNamespace(status_code=response.status, body=response.read(), headers=dict(response.headers))
        except urllib.error.HTTPError as error:
            return SimpleNamespace(status_code=error.code, body=error.read(), headers=dict(error.headers))


@pytest.fixture
def server(local_aws):  # noqa: F811
    """The app on a free loopback port; yields its base URL."""
    from chalice.config import Config
    from chalice.local import create_local_server

    from app import app
    from chalicelib import runtime

    runtime.reset_clock()
    original_class = app.__class__
    port = free_port()
    local = create_local_server(app, Config.create(chalice_stage="dev", app_name="cuocthi"), "127.0.0.1", port)
    thread = threading.Thread(target=local.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        yield base
    finally:
        local.server.shutdown()
        local.server.server_close()
        thread.join(5)
        app.__class__ = original_class  # create_local_server swaps the class; give other tests the plain app


@pytest.fixture
def live_contest(server):
    """An organizer, the test units, and helpers acting over HTTP with the real clock."""
    from chalicelib.services import admin

    api = Api(UrlHttp(server))
    admin.create_organizer("btc", "mat-khau-btc-1")
    reply = api.post("/api/admin/sessions", {"username": "btc", "password": "mat-khau-btc-1"})
    assert reply.status == 200, reply.text
    contest = Contest(api, Clock(int(time.time() * 1000)), reply.body["token"])
    contest.add_units()
    contest.base = server
    return contest


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request):
    """A fresh 360 px wide page (a phone); console errors and page errors fail the test."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(8000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    # API refusals (4xx) are expected and shown by the page; only script errors count as problems.
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}")
            if r.status >= 500 or (r.status in (403, 404) and "/api/" not in r.url) else None)
    page.problems = problems
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        os.makedirs(ARTIFACTS, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)
            with open(os.path.join(ARTIFACTS, f"{name}.log"), "w", encoding="utf-8") as handle:
                handle.write("\n".join(problems) + "\n" + page.content())
        except Exception:  # noqa: BLE001 — a screenshot must never hide the real failure
            pass
    context.close()


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)
