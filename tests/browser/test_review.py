"""The organizer's review in a real browser: edits the rules page `the-le` with the server's preview, sets the
contest to `publication: review`, checks a finalized round's prize list, finalizes it again once a participant is
disqualified, and publishes; the public prize list and the final leaderboard appear only then."""
from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser.test_organizer import admin_login
from tests.support import Api, UrlHttp

MINUTE = 60 * 1000
PRIZES = [{"name": "Giải Nhất", "count": 1, "category": None}, {"name": "Giải Nhì", "count": 1, "category": None}]


def test_edit_the_rules_review_finalize_again_and_publish(live_contest, page, monkeypatch):
    from chalicelib.events import lifecycle
    from chalicelib.store import participants as participant_store

    base, public = live_contest.base, Api(UrlHttp(live_contest.base))
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login(page, base)
    expect(page.get_by_role("heading", name="Các đợt thi")).to_be_visible()

    # The contest: results wait for review.
    page.get_by_role("link", name="Cuộc thi", exact=True).click()
    expect(page.locator("#settings-form")).to_be_visible()
    page.select_option("#f-publication", "review")
    page.get_by_role("button", name="Lưu cài đặt").click()
    expect(page.get_by_text("Đã lưu cài đặt.")).to_be_visible()
    assert public.get("/api/contest").body["publication"] == "review"

    # The rules page: Markdown, previewed as the server renders it (scripts removed), then saved.
    page.locator("a[data-page='the-le']").click()
    page.fill("#f-title", "Thể lệ cuộc thi")
    page.fill("#f-body", "# Thể lệ\n\n**Đối tượng**: cán bộ và nhân dân.\n\n<script>alert(1)</script>")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#page-preview h1")).to_have_text("Thể lệ")
    expect(page.locator("#page-preview strong")).to_have_text("Đối tượng")
    assert page.locator("#page-preview script").count() == 0
    page.get_by_role("button", name="Lưu trang").click()
    expect(page.get_by_text("Đã lưu trang lúc")).to_be_visible()
    rules = public.get("/api/pages/the-le").body
    assert rules["title"] == "Thể lệ cuộc thi" and "<h1>Thể lệ</h1>" in rules["body_html"]
    assert "script" not in rules["body_html"]
    assert {"slug": "the-le", "title": "Thể lệ cuộc thi"} in public.get("/api/contest").body["pages"]

    # A round with two prizes, played by two people, closed and finalized: it waits for review.
    live_contest.clock.now = int(time.time() * 1000)
    live_contest.add_round("dot-9", opens_in=1500, length=60 * MINUTE, n_questions=8, questions_per_attempt=5,
                           grace_seconds=0, prizes=PRIZES)
    time.sleep(1.6)
    token_a, a = live_contest.register("Nguyễn Văn An")
    token_b, _ = live_contest.register("Trần Thị Bình", unit_id="dong-hoi-hai-dinh", category="citizen")
    assert live_contest.submit(token_a, live_contest.start(token_a, "dot-9"), right=5).status == 200
    assert live_contest.submit(token_b, live_contest.start(token_b, "dot-9"), right=3).status == 200
    assert public.post("/api/admin/rounds/dot-9/close", token=live_contest.admin).status == 202
    monkeypatch.setattr(lifecycle, "SETTLE_MS", 0)
    time.sleep(0.01)
    assert lifecycle.finalize_due() == {"finalized": ["dot-9"]}
    assert public.get("/api/rounds/dot-9/prizes").status == 409
    assert public.get("/api/rounds/dot-9/leaderboard").body["final"] is False

    page.goto(base + "/admin#/dot/dot-9")
    expect(page.locator("#unpublished")).to_be_visible()
    expect(page.locator("#round-head .badge")).to_have_text("Đã tổng hợp kết quả")
    expect(page.locator("table.prizes-individual tbody tr")).to_have_count(2)
    expect(page.locator(f"table.prizes-individual tr[data-participant='{a['id']}']")).to_contain_text("Giải Nhất")
    page.get_by_role("button", name="Xem câu hỏi và đáp án").click()
    expect(page.locator("table.bank-table tbody tr")).to_have_count(8)

    # An took the test for someone else: disqualified, then the round is finalized again without him.
    participant_store.disqualify(a["id"], "Thi hộ")
    page.get_by_role("button", name="Tổng hợp lại…").click()
    page.get_by_role("button", name="Xác nhận tổng hợp lại").click()
    expect(page.locator("#pending")).to_be_visible()
    assert lifecycle.finalize_due() == {"finalized": ["dot-9"]}
    page.get_by_role("button", name="Kiểm tra lại").click()
    expect(page.locator("#unpublished")).to_be_visible()
    rows = page.locator("table.prizes-individual tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Trần T. B.")
    expect(rows.first).to_contain_text("Giải Nhất")
    assert public.get("/api/rounds/dot-9/prizes").status == 409          # still not public

    # Published: the final leaderboard and the prize list are public from now on.
    page.get_by_role("button", name="Công bố kết quả…").click()
    page.get_by_role("button", name="Xác nhận công bố").click()
    expect(page.locator("#published")).to_contain_text("Đã công bố kết quả lúc")
    expect(page.locator("#round-head .badge")).to_have_text("Đã tổng hợp kết quả")  # the head is drawn once
    prizes = public.get("/api/rounds/dot-9/prizes")
    assert prizes.status == 200
    assert [(p["prize"], p["display_name"]) for p in prizes.body["individual"]] == [("Giải Nhất", "Trần T. B.")]
    board = public.get("/api/rounds/dot-9/leaderboard").body
    assert board["final"] is True and [e["display_name"] for e in board["entries"]] == ["Trần T. B."]
    page.reload()
    expect(page.locator("#round-head .badge")).to_have_text("Đã công bố kết quả")
    expect(page.get_by_role("button", name="Công bố kết quả…")).to_have_count(0)
    assert page.problems == [], page.problems
