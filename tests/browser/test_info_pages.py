"""What the organizers publish, in a real browser at 360 px: the Thể lệ and Hướng dẫn pages from the navigation,
the announcements on the home page and their own page, and a round's prizes on its leaderboard once (and only once)
the results are published; a finalized round under review never says its results are published."""
from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser.test_narrow import fits

MINUTE = 60 * 1000
PRIZES = [{"name": "Giải Nhất", "count": 1, "category": None}, {"name": "Giải Nhì", "count": 1, "category": None}]


def test_rules_guide_and_announcements(live_contest, page):
    admin, api = live_contest.admin, live_contest.api
    rules = "# Thể lệ\n\n**Đối tượng dự thi**: cán bộ, công chức và nhân dân trong tỉnh.\n\n<script>alert(1)</script>"
    assert api.put("/api/admin/pages/the-le", {"title": "Thể lệ cuộc thi", "body": rules}, token=admin).status == 200
    guide = "Bấm **Vào thi**, trả lời câu dự đoán rồi các câu hỏi.\n\n" + "Mộtđoạnchữrấtdàikhôngcókhoảngtrắng" * 8
    reply = api.put("/api/admin/pages/huong-dan", {"title": "Hướng dẫn dự thi", "body": guide}, token=admin)
    assert reply.status == 200, reply.text
    for i in range(1, 5):
        notice = {"title": f"Thông báo số {i}", "body": f"Nội dung *thông báo* {i}."}
        reply = api.post("/api/admin/announcements", notice, token=admin)
        assert reply.status == 201, reply.text
        time.sleep(0.01)

    page.goto(live_contest.base + "/")
    news = page.locator("#news")
    expect(news.get_by_role("heading", name="Thông báo", exact=True)).to_be_visible()
    expect(news.locator(".news-item")).to_have_count(3)
    expect(page.locator("#nav a")).to_have_text(["Trang chủ", "Thể lệ", "Hướng dẫn", "Đăng ký", "Đăng nhập"])
    expect(news.locator(".news-item").first).to_contain_text("Thông báo số 4")       # newest first
    expect(news.locator(".news-item em").first).to_have_text("thông báo")
    fits(page)
    news.get_by_role("link", name="Xem tất cả 4 thông báo").click()
    expect(page.get_by_role("heading", name="Thông báo", exact=True)).to_be_visible()
    expect(page.locator(".news-item")).to_have_count(4)
    fits(page)

    page.locator("#nav").get_by_role("link", name="Thể lệ").click()
    expect(page.get_by_role("heading", name="Thể lệ cuộc thi")).to_be_visible()
    expect(page.locator(".prose h1")).to_have_text("Thể lệ")
    expect(page.locator(".prose strong")).to_have_text("Đối tượng dự thi")
    expect(page.locator(".prose")).to_contain_text("cán bộ, công chức và nhân dân trong tỉnh")
    assert page.locator(".prose script").count() == 0
    fits(page)
    page.locator("#nav").get_by_role("link", name="Hướng dẫn").click()
    expect(page.get_by_role("heading", name="Hướng dẫn dự thi")).to_be_visible()
    expect(page.locator(".prose strong")).to_have_text("Vào thi")
    fits(page)                                                                 # a long word wraps

    page.goto(live_contest.base + "/#/trang/khong-co")
    expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("page_not_found")
    assert page.problems == [], page.problems


def test_prizes_on_the_leaderboard_once_published(live_contest, page, monkeypatch):
    from chalicelib.events import lifecycle

    api, admin = live_contest.api, live_contest.admin
    assert api.put("/api/admin/contest", {"publication": "review"}, token=admin).status == 200
    live_contest.clock.now = int(time.time() * 1000)
    live_contest.add_round("dot-9", opens_in=1500, length=60 * MINUTE, n_questions=8, questions_per_attempt=5,
                           grace_seconds=0, prizes=PRIZES, unit_prizes=[{"name": "Giải tập thể", "count": 1}])
    time.sleep(1.6)
    token_a, _ = live_contest.register("Nguyễn Văn An")
    token_b, _ = live_contest.register("Trần Thị Bình", unit_id="dong-hoi-hai-dinh", category="citizen")
    assert live_contest.submit(token_a, live_contest.start(token_a, "dot-9"), right=5).status == 200
    assert live_contest.submit(token_b, live_contest.start(token_b, "dot-9"), right=3).status == 200
    assert api.post("/api/admin/rounds/dot-9/close", token=admin).status == 202
    monkeypatch.setattr(lifecycle, "SETTLE_MS", 0)
    time.sleep(0.01)
    assert lifecycle.finalize_due() == {"finalized": ["dot-9"]}

    # Under review: finalized, not published. The page never says the results are out.
    page.goto(live_contest.base + "/")
    expect(page.locator("[data-round='dot-9'] .badge")).to_have_text("Đang xét duyệt kết quả")
    page.goto(live_contest.base + "/#/xep-hang/dot-9")
    expect(page.get_by_role("heading", name="Bảng xếp hạng cá nhân")).to_contain_text("Đợt thi dot-9")
    expect(page.locator("main")).to_contain_text("Kết quả tạm thời")
    assert page.locator("#prizes").count() == 0

    assert api.post("/api/admin/rounds/dot-9/publish", token=admin).status == 200
    page.goto(live_contest.base + "/")
    expect(page.locator("[data-round='dot-9'] .badge")).to_have_text("Đã công bố kết quả")
    page.locator("[data-round='dot-9']").get_by_role("link", name="Bảng xếp hạng").click()
    prizes = page.locator("#prizes")
    expect(prizes.get_by_role("heading", name="Danh sách đạt giải")).to_be_visible()
    people = prizes.locator(".prize-person")
    expect(people).to_have_count(2)
    expect(people.nth(0)).to_contain_text("Giải Nhất")
    expect(people.nth(0)).to_contain_text("Nguyễn V. A.")
    expect(people.nth(0)).to_contain_text("5/5 câu đúng")
    expect(people.nth(1)).to_contain_text("Giải Nhì")
    expect(people.nth(1)).to_contain_text("Trần T. B.")
    expect(prizes.locator(".prize-unit")).to_contain_text("Giải tập thể")
    expect(page.locator("main")).to_contain_text("Kết quả chính thức.")
    expect(page.locator("table.leaderboard tbody tr")).to_have_count(2)
    fits(page)
    page.goto(live_contest.base + "/#/don-vi/dot-9")
    expect(page.get_by_role("heading", name="Kết quả theo đơn vị")).to_contain_text("Đợt thi dot-9")
    assert page.problems == [], page.problems
