"""The organizer pages for accounts, participants and the coordinator's unit, in Chromium: the owner creates a
coordinator; the coordinator sees only their unit and downloads its registrations; an organizer finds a
participant, sees their attempts and signals, gives a temporary password and disqualifies them, who then can
no longer start an attempt."""
from __future__ import annotations

import csv
import io
import re
import time
import urllib.request

from playwright.sync_api import expect

from chalicelib.contest.records import replace
from chalicelib.services import organizers
from tests.support import iso


def login(page, base, username, password):
    page.goto(base + "/admin")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_owner_creates_a_coordinator_who_sees_only_their_unit_and_downloads_it(live_contest, s3_server,
                                                                               local_bucket, page):
    from app import build_exports
    from tests.support import scheduled_event

    base = live_contest.base
    live_contest.register("Trần Thị Bình", unit_id="dong-hoi-hai-dinh", category="citizen")
    live_contest.register("Nguyễn Văn Ngoài", unit_id="so-noi-vu")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The owner creates the coordinator of Đồng Hới.
    login(page, base, "btc", "mat-khau-btc-1")
    page.get_by_role("link", name="Tài khoản").click()
    expect(page.get_by_role("heading", name="Tài khoản quản trị")).to_be_visible()
    expect(page.locator("tr[data-account='btc']")).to_contain_text("Chủ tài khoản quản trị")
    page.fill("#f-username", "dp-dong-hoi")
    page.fill("#f-password", "mat-khau-dp-1")
    page.select_option("#f-role", "coordinator")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator("#f-unit_id[aria-invalid]")).to_be_visible()        # a coordinator needs a unit
    page.select_option("#f-unit_id", "dong-hoi")
    page.fill("#f-password", "mat-khau-dp-1")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tạo tài khoản dp-dong-hoi")
    expect(page.locator("tr[data-account='dp-dong-hoi']")).to_contain_text("Thành phố Đồng Hới")
    page.get_by_role("link", name="Nhật ký").click()
    expect(page.locator("tr[data-action='account.create']")).to_contain_text("account:dp-dong-hoi")
    page.get_by_role("button", name="Đăng xuất").click()

    # The coordinator: their unit first, no rounds or accounts in the menu, only their people.
    login(page, base, "dp-dong-hoi", "mat-khau-dp-1")
    expect(page.locator("#unit-title")).to_have_text("Thành phố Đồng Hới")
    nav = page.locator("#nav")
    expect(nav.get_by_role("link")).to_have_text(["Đơn vị của tôi", "Thí sinh", "Nhúng vào trang web"])
    page.get_by_role("link", name="Thí sinh", exact=True).click()
    rows = page.locator("table.people tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Trần Thị Bình")
    options = page.locator("#f-unit option").all_inner_texts()
    assert [o.strip() for o in options] == ["Thành phố Đồng Hới", "Phường Hải Đình"]
    page.fill("#f-q", "nguyen van")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_text("Không có thí sinh nào phù hợp.")).to_be_visible()   # Ngoài is of another unit

    # ... and downloads its registrations.
    page.get_by_role("link", name="Đơn vị của tôi").click()
    page.get_by_role("button", name="Xuất danh sách (CSV và Excel)").click()
    expect(page.locator("#export-status")).to_have_text("Đang tạo tệp…")
    assert build_exports(scheduled_event(), None)["built"]
    expect(page.locator("#export-status")).to_contain_text("Đã sẵn sàng · 1 người", timeout=10000)
    link = page.locator("a[data-file='csv']").get_attribute("href")
    with urllib.request.urlopen(link, timeout=30) as response:
        rows = list(csv.reader(io.StringIO(response.read().decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Trần Thị Bình"]

    # ... and the banner for the unit's website: its own unit only, a live image, the snippet to paste.
    page.get_by_role("link", name="Nhúng vào trang web").click()
    expect(page.locator("#f-embed-unit option")).to_have_text(["Thành phố Đồng Hới"])
    code = page.locator("#embed-code")
    expect(code).to_have_value(re.compile(r"api/embed/stats\.svg\?unit_id=dong-hoi\""))
    assert code.input_value().startswith(f'<a href="{base}/"')
    expect(page.locator("#embed-banner")).to_be_visible()
    assert page.locator("#embed-banner").evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_role("button", name="Sao chép mã nhúng").click()
    expect(page.get_by_role("status")).to_contain_text("Đã sao chép")
    assert page.problems == []


def open_round_now(contest) -> None:
    """A round open now on the real clock: created ahead with its bank, then its opening moved to now."""
    contest.add_round("dot-1", opens_in=60_000)
    reply = contest.api.put("/api/admin/rounds/dot-1", {"opens_at": iso(int(time.time() * 1000) - 1000)},
                            token=contest.admin)
    assert reply.status == 200, reply.text


def test_an_organizer_disqualifies_a_participant(live_contest, page):
    from chalicelib.store import attempts as attempt_store

    base = live_contest.base
    organizers.create_account({"username": "to-chuc", "password": "mat-khau-tc-1", "role": "organizer"})
    token, person = live_contest.register("Lê Văn Cường", unit_id="so-noi-vu")
    open_round_now(live_contest)
    attempt = live_contest.start(token)
    assert live_contest.submit(token, attempt, right=1).status == 200
    attempt_store.save_all([replace(attempt_store.get(attempt["id"]), flags=("too_fast",))])
    page.set_viewport_size({"width": 1280, "height": 900})

    login(page, base, "to-chuc", "mat-khau-tc-1")
    page.get_by_role("link", name="Thí sinh", exact=True).click()
    page.fill("#f-q", "le van cuong")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Lê Văn Cường").click()
    expect(page.locator("#card-name")).to_have_text("Lê Văn Cường")
    expect(page.locator("#card-facts")).to_contain_text("Đang dự thi")
    expect(page.locator(f"tr[data-attempt='{attempt['id']}']")).to_contain_text("1/5")
    expect(page.locator(f"tr[data-attempt='{attempt['id']}']")).to_contain_text("Làm bài quá nhanh")
    expect(page.locator("#card-facts")).to_contain_text("Làm bài quá nhanh")

    page.get_by_role("button", name="Cấp mật khẩu tạm").click()
    temporary = page.locator("#temporary-password").inner_text()
    assert len(temporary) == 10
    session = live_contest.api.post("/api/sessions", {"phone": person["phone"], "password": temporary})
    assert session.status == 200
    assert live_contest.api.get("/api/me", token=token).status == 401     # the temporary password ended it

    page.get_by_role("button", name="Loại khỏi cuộc thi").click()
    expect(page.locator("#f-reason[aria-invalid]")).to_be_visible()          # a reason is required
    page.fill("#f-reason", "Thi hộ người khác")
    page.get_by_role("button", name="Loại khỏi cuộc thi").click()
    expect(page.get_by_role("status")).to_have_text("Đã loại thí sinh khỏi cuộc thi.")
    expect(page.locator("#card-facts")).to_contain_text("Bị loại – lý do: Thi hộ người khác")
    reply = live_contest.api.post("/api/rounds/dot-1/attempts", token=session.body["token"])
    assert (reply.status, reply.code) == (403, "disqualified")
    stored = live_contest.api.get(f"/api/admin/participants/{person['id']}", token=live_contest.admin)
    assert stored.body["participant"]["status"] == "disqualified"

    page.get_by_role("link", name="Nhật ký").click()
    expect(page.locator("tr[data-action='participant.disqualify']")).to_contain_text("Thi hộ người khác")
    expect(page.locator("tr[data-action='participant.password']")).to_contain_text("to-chuc")
    page.get_by_role("link", name="Thí sinh", exact=True).click()
    page.select_option("#f-status", "disqualified")
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator("table.people tbody tr")).to_have_count(1)
    assert page.problems == []
