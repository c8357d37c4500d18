"""Browser tests: the app served over real HTTP by chalice.local in a thread, on DynamoDB Local (S3 mocked by
moto, as in tests/events), driven by Playwright with Debian's Chromium. Real clock: rounds are created around
the real now. A failing test leaves a screenshot in test-artifacts/."""
from __future__ import annotations

import json
import os
import re
import time

import pytest

from tests.events.conftest import local_aws  # noqa: F401  (the fixture, for this folder)
from tests.support import Api, Clock, Contest, UrlHttp

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "test-artifacts")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(local_aws):  # noqa: F811
    """The app on a free loopback port (the local stack's own server), on the real clock; yields its URL."""
    from app import app
    from chalicelib import runtime
    from local.api import ApiServer

    runtime.reset_clock()
    with ApiServer(app, 0) as api_server:
        yield api_server.url


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
