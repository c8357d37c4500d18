"""The organizer pages (/admin) in a real browser: login, imports with every bad row shown, rounds, closing,
finalization and the download of the result files by presigned link from the local stack's S3 emulator
(s3rver, `local_bucket` of tests/localstack.py)."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from tests.browser.conftest import dump
from tests.support import iso

MINUTE = 60 * 1000
VN = timezone(timedelta(hours=7))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUESTION_HEADER = ["text", "option_a", "option_b", "option_c", "answer"]


def vn_input(ms: int) -> str:
    """The value of a datetime-local input (Vietnam time, minute precision) for an instant."""
    return datetime.fromtimestamp(ms / 1000, VN).strftime("%Y-%m-%dT%H:%M")


def question_rows(n: int, bad_at: int | None = None) -> list[list[str]]:
    rows = [[f"Câu hỏi số {i} về cải cách hành chính?", f"Phương án A{i}", f"Phương án B{i}", f"Phương án C{i}",
             "ABC"[i % 3]] for i in range(n)]
    if bad_at is not None:
        rows[bad_at][4] = "Z"  # not an option letter
    return rows


def xlsx_file(name: str, header: list[str], rows: list[list[str]]) -> dict:
    from chalicelib.contest.tables import write_xlsx

    return {"name": name, "mimeType": XLSX, "buffer": write_xlsx("Câu hỏi", header, rows)}


def admin_login(page, base, password="mat-khau-btc-1"):
    page.goto(base + "/admin")
    page.fill("#f-username", "btc")
    page.fill("#f-password", password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_organizer_round_from_import_to_download(live_contest, s3_server, local_bucket, page, monkeypatch):
    from chalicelib.events import lifecycle
    from chalicelib.store import rounds as round_store

    base = live_contest.base
    page.set_viewport_size({"width": 1280, "height": 900})

    # Login: a refusal in plain Vietnamese, then in; the token stays out of the URL and of the participant's key.
    admin_login(page, base, "sai-mat-khau")
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    page.fill("#f-password", "mat-khau-btc-1")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Các đợt thi")).to_be_visible()
    expect(page.get_by_text("Chưa có đợt thi nào.")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('cuocthi.admin.token')")
    assert page.evaluate("localStorage.getItem('cuocthi.token')") is None
    assert "token" not in page.url

    # Create a round.
    now = int(time.time() * 1000)
    page.get_by_role("link", name="Tạo đợt thi mới").click()
    page.fill("#f-id", "dot-7")
    page.fill("#f-name", "Đợt thi tháng Mười")
    page.fill("#f-opens_at", vn_input(now + 60 * MINUTE))
    page.fill("#f-closes_at", vn_input(now + 120 * MINUTE))
    page.fill("#f-questions_per_attempt", "3")
    page.fill("#f-grace_seconds", "0")
    page.get_by_role("button", name="Tạo đợt thi").click()
    expect(page.locator("#round-head h1")).to_contain_text("Đợt thi tháng Mười")
    expect(page.locator("#round-head .badge")).to_have_text("Sắp mở")
    assert page.url.endswith("#/dot/dot-7")
    page.get_by_role("link", name="Đợt thi", exact=True).click()  # the list shows it; its name opens it
    expect(page.locator("tr[data-round='dot-7'] .badge")).to_have_text("Sắp mở")
    page.get_by_role("link", name="Đợt thi tháng Mười").click()
    expect(page.locator("#round-head h1")).to_contain_text("Đợt thi tháng Mười")

    # An XLSX bank with one bad row: the row is reported and nothing is imported; fixed, it goes in.
    page.set_input_files("#f-file", files=[xlsx_file("cau-hoi.xlsx", QUESTION_HEADER, question_rows(4, bad_at=2))])
    page.get_by_role("button", name="Nhập dữ liệu").click()
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").nth(0)).to_have_text("4")  # header is row 1: the third question is row 4
    expect(errors.first.locator("td").nth(1)).to_contain_text("answer")
    expect(errors.first.locator("td").nth(2)).not_to_be_empty()
    assert round_store.get_round("dot-7", fresh=True).bank_version is None
    page.set_input_files("#f-file", files=[xlsx_file("cau-hoi.xlsx", QUESTION_HEADER, question_rows(4))])
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(page.get_by_text("Đã nhập 4 câu hỏi.")).to_be_visible()
    expect(page.locator("table.import-errors")).to_have_count(0)
    assert len(live_contest.bank("dot-7")) == 4

    # Edit: a new name; then open it now (opening time in the past); then a rule change is refused (409).
    page.fill("#f-name", "Đợt thi tháng Mười (sửa)")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.get_by_text("Đã lưu thay đổi.")).to_be_visible()
    expect(page.locator("#round-head h1")).to_contain_text("(sửa)")
    page.fill("#f-opens_at", vn_input(int(time.time() * 1000) - 2 * MINUTE))
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator("#round-head .badge")).to_have_text("Đang mở")
    page.fill("#f-questions_per_attempt", "2")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator("#round-form [role=alert]")).to_contain_text("Đợt thi đã bắt đầu")
    expect(page.locator("#round-form [role=alert]")).to_be_focused()

    # A participant takes the round.
    token, participant = live_contest.register(name="Nguyễn Thị Hoa")
    attempt = live_contest.start(token, "dot-7")
    assert live_contest.submit(token, attempt, right=2, prediction=1).status == 200

    # Results are pending until finalization; closing asks first.
    expect(page.locator("#results-status")).to_have_text("Đang chờ")
    page.get_by_role("button", name="Đóng đợt thi…").click()
    expect(page.get_by_text("Bạn chắc chắn muốn đóng đợt thi")).to_be_visible()
    page.get_by_role("button", name="Huỷ").click()
    expect(page.locator("#round-head .badge")).to_have_text("Đang mở")
    assert round_store.get_round("dot-7", fresh=True).closes_at > int(time.time() * 1000)  # not closed
    page.get_by_role("button", name="Đóng đợt thi…").click()
    page.get_by_role("button", name="Xác nhận đóng").click()
    expect(page.locator("#round-head .badge")).to_have_text("Đã đóng")

    monkeypatch.setattr(lifecycle, "SETTLE_MS", 0)
    time.sleep(0.01)
    assert lifecycle.finalize_due() == {"finalized": ["dot-7"]}
    page.get_by_role("button", name="Kiểm tra lại").click()
    expect(page.locator("#results-status")).to_have_text("Đã có kết quả")
    expect(page.locator("#prediction-truth")).to_have_text(re.compile(r"^Đáp án câu dự đoán: \d+$"))
    link = page.locator("a[data-file='ranking.csv']")
    expect(link).to_have_text("Bảng xếp hạng cá nhân (CSV)")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("download", "dot-7-ranking.csv")
    href = link.get_attribute("href")
    assert href.startswith(s3_server + "/"), href
    assert "token" not in href and "Bearer" not in href
    download = page.request.get(href)
    assert download.status == 200, download.text()
    body = download.body()
    assert body.startswith(b"\xef\xbb\xbf"), body[:20]
    text = body.decode("utf-8-sig")
    assert "Nguyễn Thị Hoa" in text and participant["phone"] in text, text[:500]
    assert page.problems == [], page.problems


def test_units_import_dashboard_and_token_apart(live_contest, page):
    base = live_contest.base
    token, _ = live_contest.register(name="Trần Văn Cường")
    # A participant's token never opens the organizer pages.
    page.goto(base + "/")
    page.evaluate("t => localStorage.setItem('cuocthi.token', t)", token)
    page.goto(base + "/admin")
    expect(page.get_by_role("heading", name="Đăng nhập ban tổ chức")).to_be_visible()
    page.fill("#f-username", "btc")
    page.fill("#f-password", "mat-khau-btc-1")
    page.keyboard.press("Enter")  # keyboard only
    expect(page.get_by_role("heading", name="Các đợt thi")).to_be_visible()

    # Units from CSV: two bad rows, both shown; nothing saved. Then a good file.
    page.get_by_role("link", name="Đơn vị").click()
    bad = "id,name,parent_id,kind\nxa-moi,Xã Mới,khong-co,commune\n,Thiếu mã,,commune\nxa-2,Xã Hai,,sai-loai\n"
    page.set_input_files("#f-file", files=[{"name": "don-vi.csv", "mimeType": "text/csv",
                                            "buffer": bad.encode("utf-8")}])
    page.get_by_role("button", name="Nhập dữ liệu").click()
    rows = page.locator("table.import-errors tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    cells = rows.evaluate_all("rs => rs.map(r => r.cells[0].textContent)")
    assert "3" in cells and "4" in cells, cells
    good = "id,name,parent_id,kind\nxa-moi,Xã Mới,,commune\n"
    page.set_input_files("#f-file", files=[{"name": "don-vi.csv", "mimeType": "text/csv",
                                            "buffer": good.encode("utf-8")}])
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(page.get_by_text("Đã thêm 1 và cập nhật 0 đơn vị.")).to_be_visible()

    # Dashboard: totals, one bar per hour, units against the targets.
    now = int(time.time() * 1000)
    reply = live_contest.api.post("/api/admin/rounds", {
        "id": "dot-1", "name": "Đợt thi thứ nhất", "opens_at": iso(now + 60 * MINUTE),
        "closes_at": iso(now + 120 * MINUTE)}, token=live_contest.admin)
    assert reply.status == 201, reply.text
    stats = {"registered": 14441, "participants": 13745, "submissions": 90271, "rounds": [],
             "as_of": "2021-10-20T16:59:59Z", "submissions_per_unit": [{"unit_id": "so-noi-vu", "submissions": 9}],
             "submissions_per_hour": [{"hour": f"2021-10-20T{h:02d}:00:00Z", "submissions": 100 * h}
                                      for h in range(1, 7)]}
    page.route("**/api/admin/stats", lambda route: route.fulfill(status=200, content_type="application/json",
                                                                 body=dump(stats)))
    page.get_by_role("link", name="Bảng điều khiển").click()
    expect(page.locator("#totals")).to_contain_text("14.441")
    expect(page.locator("#totals")).to_contain_text("90.271")
    expect(page.locator("#hour-chart rect.bar")).to_have_count(6)
    expect(page.locator("#targets-summary")).to_contain_text("đơn vị đạt")
    expect(page.locator("table.unit-targets tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "token" not in page.url

    # A session that ran out: back to the login page, which says why.
    page.unroute("**/api/admin/stats")
    page.evaluate("sessionStorage.setItem('cuocthi.admin.token', 'het-han')")
    page.reload()
    expect(page.get_by_role("heading", name="Đăng nhập ban tổ chức")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.")
    assert page.problems == [], page.problems


def test_admin_page_is_served_apart(live_contest):
    from chalicelib.api.web import static_url

    http = live_contest.api.http
    page = http.request("GET", "/admin")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in page.headers and static_url("admin.js").encode() in page.body
    assert http.request("GET", "/static/admin.js").headers["Content-Type"].startswith("text/javascript")
    assert http.request("GET", "/static/admin.css").headers["Content-Type"].startswith("text/css")
    assert b"admin.js" not in http.request("GET", "/").body  # participants never load the organizer bundle
