"""A 360 px phone with a real-sized contest: 60+ units (the demo's province plus long names), 100 participants with
submissions. No page scrolls sideways, and what matters on each table stays on screen."""
from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import expect

from tests.browser.conftest import ROOT
from tests.browser.test_participant import feed_streams, login, open_round

LONG_UNITS = [
    {"id": "bo-trach-viet-trung", "name": "Thị trấn Nông trường Việt Trung", "parent_id": "bo-trach", "kind": "commune",
     "headcount": 30, "population": 11000},
    {"id": "ban-ton-giao", "name": "Ban Dân tộc và Tôn giáo tỉnh Quảng Bình (cơ quan tham mưu, giúp việc)",
     "parent_id": None, "kind": "agency", "headcount": 25},
]
NAMES = ["Nguyễn Thị Phương Thảo", "Trần Văn Hùng", "Lê Hoàng Bảo Ngọc", "Phạm Minh Tuấn", "Hoàng Thị Thu Hường"]


def fits(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: {width[0]} px wide on a {width[1]} px screen"


def on_screen(page, locator) -> None:
    """The element is inside the screen's width (not cut off or scrolled away sideways)."""
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, (locator, box)


def crowd(contest, units: list[dict], n: int = 100) -> None:
    """n participants across the units, each with one accepted submission (parallel, through the HTTP API)."""
    bank = contest.bank("dot-1")

    def one(i: int) -> None:
        reply = contest.api.post("/api/participants", {
            "full_name": f"{NAMES[i % len(NAMES)]} {i}", "phone": f"0987{i:06d}", "password": "mat-khau-123",
            "unit_id": units[i % len(units)]["id"], "category": "citizen" if i % 3 else "official"})
        assert reply.status == 201, reply.text
        token = reply.body["token"]
        attempt = contest.start(token)
        answers = {}
        for k, q in enumerate(attempt["questions"]):
            right = bank[q["id"]].answer
            answers[q["id"]] = right if k < i % 10 else next(o["id"] for o in q["options"] if o["id"] != right)
        reply = contest.api.post(f"/api/attempts/{attempt['id']}/submission",
                                 {"answers": answers, "prediction": i}, token=token)
        assert reply.status == 200, reply.text

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(n)))


def real_sized(contest, participants: int = 100, **rules) -> list[dict]:
    """The demo's 62 units and two long-named ones, an open round of 10 questions, `participants` who took it."""
    with open(os.path.join(ROOT, "local", "demo", "units.json"), encoding="utf-8") as handle:
        units = json.load(handle)["units"] + LONG_UNITS
    assert contest.api.put("/api/admin/units", {"units": units}, token=contest.admin).status == 200
    open_round(contest, n=10, name="Đợt 1: Tìm hiểu cải cách hành chính tỉnh Quảng Bình năm 2026", **rules)
    crowd(contest, units, participants)
    return units


def test_every_page_fits_a_phone_with_a_real_sized_contest(live_contest, page):
    units = real_sized(live_contest, max_attempts=None)
    assert len(units) >= 60
    token, me = live_contest.register(name="Nguyễn Thị Phương Thảo", unit_id="bo-trach-viet-trung")
    for right in (3, 7):
        assert live_contest.submit(token, live_contest.start(token), right=right, prediction=42).status == 200
    feed_streams()
    base = live_contest.base

    page.goto(base + "/#/")
    expect(page.locator("[data-round='dot-1'] .countdown")).to_contain_text("Đóng sau")
    fits(page)

    # The leaderboard: 100 rows; rank, name, score and time on screen, the rest (unit, category…) on tap.
    page.goto(base + "/#/xep-hang/dot-1")
    rows = page.locator("table.leaderboard tbody tr")
    expect(rows).to_have_count(100)
    expect(page.get_by_role("heading", name="Bảng xếp hạng cá nhân")).to_contain_text("Đợt 1: Tìm hiểu cải cách")
    fits(page)
    first = rows.first
    for cell in (0, 4, 5):  # rank, "Đúng", "Thời gian" (columns 2 and 3 are for wide screens)
        on_screen(page, first.locator("td").nth(cell))
    expect(first.locator("td").nth(4)).to_have_text("9/10")
    expect(first.locator("td").nth(2)).to_be_hidden()
    first.locator(".rowtoggle").click()
    expect(first.locator(".rowtoggle")).to_have_attribute("aria-expanded", "true")
    details = page.locator("tr.more")
    expect(details).to_contain_text("Đối tượng")
    expect(details).to_contain_text("Nộp lúc")
    fits(page)
    first.locator("td").first.click()  # a tap anywhere on the row closes it again
    expect(details).to_have_count(0)

    # The unit table: a tree folded to the top level, a district opens on tap, the search opens a branch.
    page.goto(base + "/#/don-vi/dot-1")
    expect(page.get_by_role("heading", name="Kết quả theo đơn vị")).to_contain_text("Đợt 1")
    units = live_contest.api.get("/api/units").body["units"]  # with the three of the fixture
    top_level = sum(1 for u in units if not u["parent_id"])
    unit_rows = page.locator("table.units tbody tr[data-unit]")
    expect(unit_rows).to_have_count(top_level)
    fits(page)
    district = page.locator("tr[data-unit='bo-trach']")
    district.locator(".branch").click()
    communes = [u for u in units if u["parent_id"] == "bo-trach"]
    expect(unit_rows).to_have_count(top_level + len(communes))
    expect(page.locator("tr[data-unit='bo-trach-viet-trung']")).to_be_visible()
    fits(page)
    page.locator("tr[data-unit='bo-trach-viet-trung'] .rowtoggle").click()
    expect(page.locator("tr.more")).to_contain_text("Tỷ lệ nhân dân")
    fits(page)
    district.locator(".branch").click()
    expect(unit_rows).to_have_count(top_level)
    page.fill("#unit-search", "nam ly")  # no diacritics: finds "Phường Nam Lý" under Đồng Hới and opens its branch
    expect(page.locator("tr.hit")).to_have_count(1)
    expect(page.locator("tr.hit")).to_have_attribute("data-unit", "dong-hoi-nam-ly")
    expect(page.locator("tr[data-unit='dong-hoi'] .branch")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#unit-found")).to_have_text("Tìm thấy 1 đơn vị.")
    fits(page)
    expect(page.locator("tr[data-unit='dong-hoi-nam-ly'] td").first).to_have_text(re.compile(r"^\d+\.\d+$"))
    page.fill("#unit-search", "")  # the whole tree again, with the found unit's branch left open
    expect(unit_rows).to_have_count(top_level + sum(1 for u in units if u["parent_id"] == "dong-hoi"))
    expect(page.locator("tr[data-unit='dong-hoi-nam-ly']")).to_be_visible()

    # Signed in: my attempts (score and link on screen), the start step, the test and its result.
    login(page, base, me["phone"])
    expect(page.locator("#nav")).to_contain_text("Nguyễn Thị Phương Thảo")
    page.goto(base + "/#/bai-thi-cua-toi")
    mine = page.locator("[data-my-round='dot-1'] tbody tr")
    expect(mine).to_have_count(2)
    fits(page)
    on_screen(page, mine.nth(1).get_by_role("link", name="Xem"))
    on_screen(page, mine.nth(1).get_by_text("7/10"))
    page.goto(base + "/#/thi/dot-1")
    expect(page.get_by_role("heading", name="Bắt đầu lượt 3?")).to_be_visible()  # no limit in this round
    expect(page.get_by_text("không giới hạn số lượt")).to_be_visible()
    fits(page)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator(".question[data-question]")).to_have_count(10)
    fits(page)
    page.fill("#f-prediction", "1.250")
    page.locator("#submit").click()
    page.locator("#submit").click()
    expect(page.locator("#score")).to_have_text("0/10")
    expect(page.get_by_text("Dự đoán: 1.250")).to_be_visible()
    fits(page)
    assert page.problems == [], page.problems
