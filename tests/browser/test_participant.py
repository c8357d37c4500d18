"""A participant's path through the pages, in a real browser against the real HTTP app."""
from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import dump
from tests.support import iso

MINUTE = 60 * 1000
HTML_TEXT = "Câu hỏi có <b>HTML</b> & <script>alert(1)</script> bên trong?"


def open_round(contest, round_id="dot-1", n=5, **rules):
    """A round open now (real clock) whose bank holds one question with markup in its text."""
    now = int(time.time() * 1000)
    body = {"id": round_id, "name": f"Đợt thi {round_id}", "opens_at": iso(now + 60 * MINUTE),
            "closes_at": iso(now + 120 * MINUTE), "questions_per_attempt": n, "time_limit_seconds": 600,
            "prediction_question": "Có bao nhiêu người trả lời đúng tất cả các câu?", **rules}
    reply = contest.api.post("/api/admin/rounds", body, token=contest.admin)
    assert reply.status == 201, reply.text
    bank = [{"id": f"q{i}", "text": HTML_TEXT if i == 0 else f"Câu hỏi số {i} về cải cách hành chính?",
             "options": [f"Phương án {c} của câu {i}" for c in "ABCD"], "answer": i % 4} for i in range(n)]
    reply = contest.api.put(f"/api/admin/rounds/{round_id}/questions", {"questions": bank}, token=contest.admin)
    assert reply.status == 200, reply.text
    # Questions are loaded while the round is scheduled; then it opens (a minute ago, by the real clock).
    reply = contest.api.put(f"/api/admin/rounds/{round_id}", {"opens_at": iso(now - MINUTE)}, token=contest.admin)
    assert reply.status == 200, reply.text
    assert reply.body["round"]["status"] == "open", reply.text
    return reply.body["round"]


def test_register_take_reload_submit_and_see_result(live_contest, page):
    open_round(live_contest)
    page.goto(live_contest.base + "/#/dang-ky")

    # An empty form: what is missing is said next to each field, before anything is sent.
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#err-full_name")).not_to_be_empty()
    expect(page.locator("#err-password")).not_to_be_empty()
    expect(page.locator("#err-unit_id")).to_have_text("Vui lòng chọn đơn vị.")
    expect(page.locator("#f-unit_id")).to_have_attribute("aria-invalid", "true")

    page.fill("#f-full_name", "Nguyễn Thị Bình")
    page.fill("#f-phone", "+84 912 777 001")
    page.fill("#f-password", "mat-khau-123")
    page.select_option("#f-category", "citizen")
    page.fill("#f-unit_id", "hai dinh")  # search without diacritics finds "Phường Hải Đình"
    expect(page.locator("#unit-list li[data-unit]")).to_have_count(1)
    page.locator("#unit-list li[data-unit='dong-hoi-hai-dinh']").click()
    expect(page.locator(".unitchosen")).to_contain_text("Thành phố Đồng Hới › Phường Hải Đình")
    page.get_by_role("button", name="Đăng ký").click()

    # Home: contest, the open round with its countdown, live totals.
    expect(page.locator("#nav")).to_contain_text("Nguyễn Thị Bình")
    expect(page.locator("#stats")).to_contain_text("người đăng ký")
    expect(page.locator("[data-round='dot-1'] .countdown")).to_contain_text("Đóng sau")
    assert "token" not in page.url
    page.get_by_role("link", name="Vào thi").click()

    # The start step says what starting costs; nothing is spent before "Bắt đầu làm bài".
    expect(page.get_by_role("heading", name="Bắt đầu lượt 1/5?")).to_be_visible()
    calls = api_calls(page)
    page.get_by_role("button", name="Bắt đầu làm bài").click()

    # The test: every question on one page, a countdown; markup in a question is plain text. The start's answer
    # carries all of it: no other call.
    questions = page.locator(".question[data-question]")
    expect(questions).to_have_count(5)
    assert calls == ["POST /api/rounds/dot-1/attempts"]
    expect(page.locator("#time-left")).to_have_text(re.compile(r"^00:(09|10):\d\d$"))
    expect(page.locator(".qtext", has_text="<b>HTML</b>")).to_have_count(1)
    assert page.locator(".qtext b").count() == 0 and page.locator(".qtext script").count() == 0

    attempt_id = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('cuocthi.answers.'))[0] || null") or None
    bank = live_contest.bank("dot-1")
    ids = questions.evaluate_all("els => els.map(e => e.dataset.question)")
    right = {}
    for qid in ids[:3]:  # answer three questions correctly, leave two blank
        option = bank[qid].answer
        page.locator(f"input[type=radio][data-question='{qid}'][value='{option}']").check()
        right[qid] = option
    page.fill("#f-prediction", "7")
    expect(page.locator("#answered")).to_have_text("Đã trả lời 3/5 câu")

    # Reload in the middle: the same attempt comes back with the answers still chosen.
    page.reload()
    expect(questions).to_have_count(5)
    for qid, option in right.items():
        expect(page.locator(f"input[type=radio][data-question='{qid}'][value='{option}']")).to_be_checked()
    expect(page.locator("#f-prediction")).to_have_value("7")
    assert attempt_id is None or page.evaluate(f"localStorage.getItem({attempt_id!r}) !== null")

    # Submitting with blanks asks once, then sends.
    page.locator("#submit").click()
    expect(page.get_by_text("Bạn còn 2 câu chưa trả lời")).to_be_visible()
    calls.clear()
    page.locator("#submit").click()
    expect(page.locator("#score")).to_have_text("3/5")
    expect(page.get_by_text("Dự đoán: 7")).to_be_visible()
    # The result page shows the submission's answer: no call after it.
    sent = [c for c in calls if not c.startswith("GET /api/contest")]
    assert sent == [f"POST /api/attempts/{shown_attempt(page)}/submission"]
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cuocthi.answers.')).length") == 0
    assert "token" not in page.url

    # The stream brings the result to the live leaderboard, where the participant finds their own place.
    feed_streams()
    page.goto(live_contest.base + "/#/xep-hang/dot-1")
    expect(page.locator("#my-place")).to_have_text("Bạn đang xếp hạng 1 với 3/5 câu đúng.")
    expect(page.locator("tr.me")).to_contain_text("Nguyễn T. B.")
    page.get_by_role("link", name="Nhân dân").click()
    expect(page.locator("tr.me td").first).to_have_text("1")

    # Their own attempts, round by round, each leading to its result.
    page.get_by_role("link", name="Bài thi của tôi").click()
    rows = page.locator("[data-my-round='dot-1'] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Đã nộp")
    expect(rows.first).to_contain_text("3/5")
    rows.first.get_by_role("link", name="Xem").click()
    expect(page.locator("#score")).to_have_text("3/5")
    assert page.problems == [], page.problems


def api_calls(page) -> list[str]:
    """The API requests the page makes from now on, as "METHOD /path"."""
    from urllib.parse import urlparse

    seen: list[str] = []
    page.on("request", lambda r: seen.append(f"{r.method} {urlparse(r.url).path}") if "/api/" in r.url else None)
    return seen


def shown_attempt(page) -> str:
    """The attempt the result page shows (from its address)."""
    from urllib.parse import unquote

    return unquote(page.url.rsplit("/", 1)[1])


def feed_streams() -> None:
    """What the stream runner does in `make run`: hand the new stream records to the app's handlers."""
    from app import aggregate_attempts, count_registrations
    from chalicelib.config import current
    from tests.streams import events, stream_records

    settings = current()
    for table, handler in (("attempts", aggregate_attempts), ("participants", count_registrations)):
        for batch in events(stream_records(settings.table_name(table), settings.dynamodb_endpoint), 100):
            assert handler(batch, None) == {"batchItemFailures": []}


def login(page, base, phone, password="mat-khau-123"):
    page.goto(base + "/#/dang-nhap")
    page.fill("#f-phone", phone)
    page.fill("#f-password", password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_login_refusals_and_public_tables(live_contest, page):
    open_round(live_contest, max_attempts=1)
    open_round(live_contest, "dot-2")
    live_contest.api.put("/api/admin/rounds/dot-2", {"closes_at": iso(int(time.time() * 1000) - 1000)},
                         token=live_contest.admin)
    token, participant = live_contest.register(name="Trần Văn Cường")
    attempt = live_contest.start(token)
    assert live_contest.submit(token, attempt, right=2).status == 200

    login(page, live_contest.base, participant["phone"], "sai-mat-khau")
    expect(page.get_by_role("alert")).to_have_text("Số điện thoại hoặc mật khẩu không đúng.")
    page.fill("#f-password", "mat-khau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#nav")).to_contain_text("Trần Văn Cường")
    expect(page.locator("[data-round='dot-2'] .badge")).to_have_text("Đã kết thúc")
    expect(page.locator("[data-round='dot-1'] .mine")).to_have_text("Bạn đã dùng 1/1 lượt thi, tốt nhất 2/5 câu đúng.")

    page.goto(live_contest.base + "/#/thi/dot-2")  # a closed round: the refusal in plain Vietnamese
    expect(page.get_by_role("alert")).to_have_text("Đợt thi chưa mở hoặc đã kết thúc, hiện không thể làm bài.")

    page.goto(live_contest.base + "/#/thi/dot-1")  # the only allowed attempt is used
    expect(page.get_by_role("alert")).to_have_text(REFUSALS["attempt_limit_reached"])

    page.goto(live_contest.base + "/#/xep-hang/dot-1")
    expect(page.get_by_role("heading", name="Bảng xếp hạng cá nhân")).to_be_visible()
    expect(page.locator(".muted", has_text="Cập nhật lúc")).to_be_visible()
    page.goto(live_contest.base + "/#/don-vi/dot-1")
    expect(page.get_by_role("heading", name="Kết quả theo đơn vị")).to_be_visible()
    expect(page.locator(".muted", has_text="Cập nhật lúc")).to_be_visible()
    # 360 px: nothing wider than the screen (wide tables scroll inside their own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.problems == [], page.problems


REFUSALS = {
    "attempt_limit_reached": "Bạn đã dùng hết số lượt thi của đợt này.",
    "already_submitted": "Bài thi này đã được nộp trước đó; không thể nộp lại với câu trả lời khác.",
    "deadline_passed": "Đã quá thời hạn nộp bài; bài thi này không được chấp nhận.",
    "invalid": "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại.",
}


def refuse(code):
    status = 400 if code == "invalid" else 409
    body = dump({"error": {"code": code, "message": "server text"}})
    return lambda route: route.fulfill(status=status, content_type="application/json", body=body)


def test_refusal_codes_network_retry_and_resume(live_contest, page):
    open_round(live_contest)
    token, participant = live_contest.register(name="Lê Thị Dung")
    login(page, live_contest.base, participant["phone"])
    expect(page.locator("#nav")).to_contain_text("Lê Thị Dung")

    # Each refusal code gets its own message (stubbed answers, so one attempt can meet them all).
    page.route("**/api/rounds/dot-1/attempts", refuse("attempt_limit_reached"))
    page.goto(live_contest.base + "/#/thi/dot-1")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.get_by_role("alert")).to_have_text(REFUSALS["attempt_limit_reached"])
    page.unroute("**/api/rounds/dot-1/attempts")

    page.goto(live_contest.base + "/#/")
    page.goto(live_contest.base + "/#/thi/dot-1")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator(".question[data-question]")).to_have_count(5)
    page.locator(".question[data-question]").first.locator("input[type=radio]").first.check()
    page.fill("#f-prediction", "5")
    for code in ("already_submitted", "deadline_passed", "invalid"):
        page.route("**/submission", refuse(code))
        page.locator("#submit").click()
        if page.get_by_text("Bấm \"Nộp bài\" lần nữa").is_visible():
            page.locator("#submit").click()
        expect(page.get_by_role("alert")).to_have_text(REFUSALS[code])
        page.unroute("**/submission")
        page.reload()  # the attempt in progress comes back (200) and the answer with it
        expect(page.locator(".question[data-question] input:checked")).to_have_count(1)

    # The network fails: the page retries with back-off and the submission goes through.
    failures = []

    def flaky(route):
        if not failures:
            failures.append(1)
            route.abort("internetdisconnected")
        else:
            route.continue_()
    page.route("**/submission", flaky)
    page.locator("#submit").click()
    page.locator("#submit").click()
    expect(page.get_by_text("Mất kết nối, đang thử gửi lại")).to_be_visible()
    expect(page.locator("#score")).to_have_text(re.compile(r"^[01]/5$"), timeout=10000)
    assert failures == [1]
    assert [p for p in page.problems if not p.startswith("console")] == [], page.problems


def test_submits_by_itself_at_the_deadline(live_contest, page):
    open_round(live_contest)
    closes = int(time.time() * 1000) + 5000  # the round closes in 5 s, so that is the attempt's deadline
    reply = live_contest.api.put("/api/admin/rounds/dot-1", {"closes_at": iso(closes)}, token=live_contest.admin)
    assert reply.status == 200, reply.text
    _, participant = live_contest.register(name="Phạm Minh Em")
    login(page, live_contest.base, participant["phone"])
    expect(page.locator("#nav")).to_contain_text("Phạm Minh Em")
    page.goto(live_contest.base + "/#/thi/dot-1")
    expect(page.get_by_text("bạn chỉ còn khoảng 1 phút")).to_be_visible()  # the round closes before the time limit
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator(".question[data-question]")).to_have_count(5)
    expect(page.locator(".timer")).to_have_class("timer low")  # under a minute left: shown in red
    page.fill("#f-prediction", "3")
    qid = page.locator(".question[data-question]").first.get_attribute("data-question")
    option = live_contest.bank("dot-1")[qid].answer
    page.locator(f"input[type=radio][data-question='{qid}'][value='{option}']").check()
    expect(page.locator("#score")).to_have_text("1/5", timeout=12000)  # nobody pressed "Nộp bài"
    assert page.problems == [], page.problems


def test_home_totals_are_formatted_the_vietnamese_way(live_contest, page):
    body = dump({"registered": 14441, "participants": 13745, "submissions": 90271, "rounds": [],
                 "as_of": "2021-10-20T16:59:59Z"})
    page.route("**/api/stats", lambda route: route.fulfill(status=200, content_type="application/json", body=body))
    page.goto(live_contest.base + "/")
    expect(page.locator("#stats")).to_have_text("14.441 người đăng ký, 13.745 người dự thi, 90.271 bài thi")
    expect(page.get_by_text("Chưa có đợt thi nào.")).to_be_visible()
    assert page.problems == [], page.problems
