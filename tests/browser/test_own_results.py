"""One's own results in a real browser at 360 px: the own place far beyond the top 100 (estimated while live, exact
once published, with the prize), the answer review once (and only once) the round is published, the certificate
downloaded as a PDF that carries the participant's name; nothing misleading while the scores are kept back."""
from __future__ import annotations

import io
import json
import time

from playwright.sync_api import expect

from tests.browser.test_narrow import fits
from tests.browser.test_participant import feed_streams, login, open_round

PRIZES = [{"name": "Giải Nhất", "count": 1, "category": "official"},
          {"name": "Giải Nhất", "count": 1, "category": "citizen"}]
CROWD = 120
NAME = "Đỗ Thị Ánh Tuyết"


def crowd() -> list:
    """CROWD participants with one accepted attempt each in dot-1 (written as the API would, what each changes
    included, so the stream brings them to the live tables), all ahead of anyone with one right answer and a
    second's work: 5 down to 1 correct, a few milliseconds each; every other one a citizen."""
    from chalicelib.contest.attempts import Progress
    from chalicelib.store import attempts as attempt_store
    from chalicelib.store import participants as participant_store
    from tests.seed import person, submitted

    now = int(time.time() * 1000)
    people = [person(f"seeded{i:03d}", "so-noi-vu", "citizen" if i % 2 else "official", full_name=f"Người Thi {i}",
                     phone=f"0977{i:06d}") for i in range(CROWD)]
    participant_store.save_all(people)
    attempt_store.save_all([submitted(1, p.id, "dot-1", "so-noi-vu", p.category, correct=5 - i // 24, total=5,
                                      duration_ms=10 + i, submitted_at=now - 1000, started_at=now - 2000,
                                      progress=Progress(True, True, 5 - i // 24, "yes"))
                            for i, p in enumerate(people)])
    return people


def sign_in_as(page, base: str, participant) -> None:
    """The page signed in as a seeded participant (who has no password to type)."""
    from chalicelib.services import sessions

    page.goto(base + "/#/")
    user = json.dumps({"id": participant.id, "full_name": participant.full_name})
    page.evaluate("([t, u]) => { localStorage.setItem('cuocthi.token', t); "
                  "localStorage.setItem('cuocthi.participant', u); }", [sessions.token_for(participant), user])


def finalize(monkeypatch) -> None:
    from chalicelib.events import lifecycle

    monkeypatch.setattr(lifecycle, "SETTLE_MS", 0)
    time.sleep(0.01)
    assert lifecycle.finalize_due() == {"finalized": ["dot-1"]}


def test_own_place_review_and_certificate(live_contest, page, monkeypatch, tmp_path):
    from pypdf import PdfReader

    api, admin, base = live_contest.api, live_contest.admin, live_contest.base
    assert api.put("/api/admin/contest", {"publication": "review"}, token=admin).status == 200
    open_round(live_contest, prizes=PRIZES, grace_seconds=0)
    token, me = live_contest.register(NAME)
    attempt = live_contest.start(token)
    answers = live_contest.answers(attempt, right=1)
    blank = attempt["questions"][-1]["id"]
    del answers[blank]                                     # one question left unanswered
    time.sleep(1.1)                                        # slower than the whole crowd
    reply = api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": answers, "prediction": 0}, token=token)
    assert reply.status == 200, reply.text
    people = crowd()
    feed_streams()

    # Live: beyond the top 100, the place is an estimate from the scores, and says so.
    login(page, base, me["phone"])
    expect(page.locator("#nav")).to_contain_text(NAME)
    page.goto(base + "/#/bai-thi-cua-toi")
    standing = page.locator("[data-standing='dot-1']")
    expect(standing).to_contain_text("Thứ hạng tạm tính: khoảng 101 (")
    expect(standing).to_contain_text("trong nhóm cán bộ, công chức; ước tính theo số câu đúng; "
                                     "bảng xếp hạng cập nhật sau vài giây).")
    expect(standing).to_contain_text("Bài thi tốt nhất: 1/5 câu đúng")
    assert standing.get_by_role("button").count() == 0     # no certificate before publication
    fits(page)
    page.goto(base + "/#/xep-hang/dot-1")
    expect(page.locator("table.leaderboard tbody tr")).to_have_count(100)
    expect(page.locator("#my-place")).to_contain_text("Thứ hạng tạm tính: khoảng 101")
    fits(page)

    # The answer review waits for publication: not when just submitted, not under review.
    page.goto(base + f"/#/ket-qua/{attempt['id']}")
    expect(page.locator("#score")).to_have_text("1/5")
    expect(page.locator("#review-later")).to_have_text(
        "Đáp án từng câu sẽ hiện ở đây khi ban tổ chức công bố kết quả đợt thi.")
    assert page.locator("#review").count() == 0
    assert api.post("/api/admin/rounds/dot-1/close", token=admin).status == 202
    finalize(monkeypatch)
    page.goto(base + "/#/")
    page.goto(base + f"/#/ket-qua/{attempt['id']}")
    expect(page.locator("#score")).to_have_text("1/5")
    assert page.locator("#review").count() == 0
    assert "correct_option_id" not in page.content()

    # Published: each question with the option chosen and the right one, in words.
    assert api.post("/api/admin/rounds/dot-1/publish", token=admin).status == 200
    page.goto(base + "/#/")
    page.goto(base + f"/#/ket-qua/{attempt['id']}")
    review = page.locator("#review")
    expect(review.get_by_role("heading", name="Xem lại bài làm")).to_be_visible()
    questions = review.locator(".review-q")
    expect(questions).to_have_count(5)
    bank = live_contest.bank("dot-1")
    for i, question in enumerate(attempt["questions"]):
        shown = questions.nth(i)
        expect(shown).to_contain_text(f"Câu {i + 1}. {question['text']}")
        right = next(o["text"] for o in question["options"] if o["id"] == bank[question["id"]].answer)
        expect(shown.locator("li.correct")).to_have_count(1)
        expect(shown.locator("li.correct")).to_contain_text("Đáp án đúng" + right)
        if question["id"] == blank:
            expect(shown.locator(".verdict")).to_have_text("Chưa trả lời")
            assert shown.locator("li.chosen").count() == 0
            continue
        chosen = next(o["text"] for o in question["options"] if o["id"] == answers[question["id"]])
        expect(shown.locator("li.chosen")).to_contain_text("Bạn chọn")
        expect(shown.locator("li.chosen")).to_contain_text(chosen)
        expect(shown.locator(".verdict")).to_have_text("Trả lời đúng" if i == 0 else "Trả lời sai")
    expect(review.locator(".tag", has_text="Bạn chọn")).to_have_count(4)
    fits(page)

    # The exact final place, far down the ranking, and the certificate with the name as registered.
    page.goto(base + "/#/bai-thi-cua-toi")
    expect(standing).to_contain_text("Thứ hạng của bạn: 121 (hạng 61 trong nhóm cán bộ, công chức).")
    assert standing.locator(".prize-won").count() == 0
    fits(page)
    with page.expect_download() as waiting:
        standing.get_by_role("button", name="Tải giấy chứng nhận (PDF)").click()
    download = waiting.value
    assert download.suggested_filename == "giay-chung-nhan-dot-1.pdf"
    path = tmp_path / "giay.pdf"
    download.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert NAME in text, text
    expect(standing).to_contain_text("Đã tải giấy chứng nhận.")
    page.goto(base + "/#/xep-hang/dot-1")
    expect(page.locator("main")).to_contain_text("Kết quả chính thức.")
    expect(page.locator("#my-place")).to_contain_text("Thứ hạng của bạn: 121 (hạng 61 trong nhóm cán bộ, công chức).")
    fits(page)

    # The winner of the officials' first prize sees it; a refused download is said in Vietnamese.
    sign_in_as(page, base, people[0])
    page.goto(base + "/#/bai-thi-cua-toi")
    expect(standing).to_contain_text("Thứ hạng của bạn: 1 (hạng 1 trong nhóm cán bộ, công chức).")
    expect(standing.locator(".prize-won")).to_have_text("Đạt Giải Nhất")
    refusal = '{"error": {"code": "no_certificate", "message": "Bạn không có bài thi được chấp nhận."}}'
    page.route("**/certificate", lambda route: route.fulfill(status=404, content_type="application/json", body=refusal))
    standing.get_by_role("button", name="Tải giấy chứng nhận (PDF)").click()
    expect(standing.get_by_role("alert")).to_have_text("Bạn không có bài thi được chấp nhận.")
    fits(page)
    assert page.problems == [], page.problems


def test_no_place_said_while_scores_are_kept_back_or_without_a_result(live_contest, page):
    open_round(live_contest, score_visibility="after_publish")
    open_round(live_contest, "dot-2")
    token, done = live_contest.register("Phan Văn Đạt")
    assert live_contest.submit(token, live_contest.start(token), right=4).status == 200
    assert live_contest.submit(token, live_contest.start(token, "dot-2"), right=4).status == 200
    other, started = live_contest.register("Vũ Thị Hà")
    live_contest.start(other, "dot-2")                     # in progress only: no result yet
    feed_streams()

    login(page, live_contest.base, done["phone"])
    expect(page.locator("#nav")).to_contain_text("Phan Văn Đạt")
    page.goto(live_contest.base + "/#/bai-thi-cua-toi")
    standing = page.locator("[data-standing='dot-1']")
    expect(standing).to_have_text("Thứ hạng sẽ được thông báo khi ban tổ chức công bố kết quả.")
    assert standing.get_by_role("button").count() == 0
    fits(page)

    page.evaluate("localStorage.clear()")
    login(page, live_contest.base, started["phone"])
    expect(page.locator("#nav")).to_contain_text("Vũ Thị Hà")
    page.goto(live_contest.base + "/#/bai-thi-cua-toi")
    expect(page.locator("[data-standing='dot-2']")).to_have_text("Bạn chưa có thứ hạng trong đợt thi này.")
    page.goto(live_contest.base + "/#/xep-hang/dot-2")
    expect(page.locator("#my-place")).to_have_text("Bạn chưa có thứ hạng trong đợt thi này.")
    fits(page)
    assert page.problems == [], page.problems
