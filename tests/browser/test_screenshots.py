"""`make screenshots`: PNGs of the main pages (participants' and organizers', the latter named btc-*) at 360 px and
1280 px in test-artifacts/screenshots/. Skipped in the ordinary test run (set SCREENSHOTS=1)."""
from __future__ import annotations

import os

import pytest

from tests.browser.conftest import ARTIFACTS, dump
from tests.browser.test_narrow import real_sized
from tests.browser.test_participant import feed_streams, open_round

pytestmark = pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="only for `make screenshots`")
OUT = os.path.join(ARTIFACTS, "screenshots")


def phone_and_desktop(browser):
    """A fresh page at 360 px, then one at 1280 px, in Vietnamese and Vietnam's time zone."""
    os.makedirs(OUT, exist_ok=True)
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh")
        try:
            yield width, context.new_page()
        finally:
            context.close()


def test_screenshots(live_contest, browser):
    real_sized(live_contest, 30)
    token, participant = live_contest.register(name="Nguyễn Thị Phương Thảo", unit_id="dong-hoi-hai-dinh")
    for right in (4, 8):
        live_contest.submit(token, live_contest.start(token), right=right, prediction=120)
    feed_streams()
    base = live_contest.base
    for width, page in phone_and_desktop(browser):
        def shot(name, page=page, width=width):
            page.screenshot(path=os.path.join(OUT, f"{name}-{width}.png"), full_page=True)
        pages = [("trang-chu", "/#/", "[data-round] .countdown"), ("dang-ky", "/#/dang-ky", "#unit-list li"),
                 ("dang-nhap", "/#/dang-nhap", "form"), ("xep-hang", "/#/xep-hang/dot-1", "table")]
        for name, path, ready in pages:
            page.goto(base + path)
            page.wait_for_selector(ready)
            shot(name)
        page.locator("table.leaderboard .rowtoggle").nth(1).click()
        shot("xep-hang-chi-tiet")
        page.goto(base + "/#/don-vi/dot-1")
        page.locator("tr[data-unit='dong-hoi'] .branch").click()
        page.locator("tr[data-unit='dong-hoi-hai-dinh'] .rowtoggle").click()
        shot("don-vi")
        page.fill("#unit-search", "quang")
        shot("don-vi-tim")
        page.evaluate("([t, p]) => { localStorage.setItem('cuocthi.token', t); "
                      "localStorage.setItem('cuocthi.participant', p); }",
                      [token, dump({"id": participant["id"], "full_name": participant["full_name"]})])
        page.goto(base + "/#/thi/dot-1")
        page.wait_for_selector("#start")
        shot("bat-dau")
        page.locator("#start").click()
        page.wait_for_selector("#submit")
        page.locator(".question[data-question] input[type=radio]").first.check()
        page.locator("#submit").click()  # no prediction yet: the page says so
        shot("bai-thi")
        page.fill("#f-prediction", "1250")
        page.locator("#submit").click()
        page.locator("#submit").click()
        page.wait_for_selector("#score")
        shot("ket-qua")
        page.goto(base + "/#/bai-thi-cua-toi")
        page.wait_for_selector("[data-my-round] table")
        shot("bai-thi-cua-toi")
        page.goto(base + "/#/tai-khoan")
        page.wait_for_selector("#password-form")
        shot("tai-khoan")
        page.evaluate("localStorage.clear()")
        page.goto(base + "/#/quen-mat-khau")
        page.wait_for_selector("#send-code")
        shot("quen-mat-khau")


def test_organizer_screenshots(live_contest, browser, monkeypatch):
    """The organizer pages, with real numbers: the stream records are fed to the aggregator as Lambda would."""
    import time

    from chalicelib.contest.tables import write_xlsx
    from chalicelib.events import lifecycle
    from tests.browser.test_organizer import QUESTION_HEADER, XLSX, admin_login, question_rows

    open_round(live_contest)
    open_round(live_contest, "dot-2", grace_seconds=0)
    for i in range(4):
        t, _ = live_contest.register(name=f"Người thi số {i}", unit_id="dong-hoi-hai-dinh",
                                     category="citizen" if i % 2 else "official")
        live_contest.submit(t, live_contest.start(t), right=i + 1)
        live_contest.submit(t, live_contest.start(t, "dot-2"), right=i, prediction=i)
    feed_streams()
    live_contest.api.post("/api/admin/rounds/dot-2/close", token=live_contest.admin)
    monkeypatch.setattr(lifecycle, "SETTLE_MS", 0)
    time.sleep(0.01)
    lifecycle.finalize_due()
    live_contest.api.post("/api/admin/rounds", {"id": "dot-3", "name": "Đợt thi thứ ba",
                                                "opens_at": "2030-01-01T08:00:00+07:00",
                                                "closes_at": "2030-01-08T08:00:00+07:00"}, token=live_contest.admin)
    base = live_contest.base
    for width, page in phone_and_desktop(browser):

        def shot(name, *selectors, page=page, width=width):
            for selector in selectors:
                page.wait_for_selector(selector)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=os.path.join(OUT, f"btc-{name}-{width}.png"), full_page=True)
        page.goto(base + "/admin")
        shot("dang-nhap", "#f-username")
        admin_login(page, base)
        shot("dot-thi", "tr[data-round]")
        page.goto(base + "/admin#/dot-moi")
        shot("tao-dot", "#round-form")
        page.goto(base + "/admin#/dot/dot-3")
        page.set_input_files("#f-file", files=[{"name": "cau-hoi.xlsx", "mimeType": XLSX, "buffer": write_xlsx(
            "Câu hỏi", QUESTION_HEADER, question_rows(5, bad_at=1)[:3] + [["", "A", "", "", "B"]])}])
        page.get_by_role("button", name="Nhập dữ liệu").click()
        shot("nhap-loi", "table.import-errors")
        page.goto(base + "/admin#/dot/dot-1")
        page.get_by_role("button", name="Đóng đợt thi…").click()
        shot("dong-dot", "#close-box [role=alert]")
        page.goto(base + "/admin#/dot/dot-2")
        shot("ket-qua", "a[data-file]")
        page.goto(base + "/admin#/bang-dieu-khien")
        shot("bang-dieu-khien", "table.unit-targets", "#totals .total", "#hour-chart")
