"""Before and during a test: the start step says what starting costs, and the prediction is asked for explicitly."""
from __future__ import annotations

import json
import re
import time

from playwright.sync_api import expect

from tests.browser.test_participant import login, open_round
from tests.support import iso


def submissions(page) -> list[dict]:
    """The bodies of the submissions the page sends, as they are sent."""
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/submission") else None)
    return sent


def starts(page) -> list[str]:
    made: list[str] = []
    page.on("request", lambda r: made.append(r.url) if r.method == "POST" and r.url.endswith("/attempts") else None)
    return made


def test_the_start_step_names_the_attempt_and_its_cost_and_resuming_skips_it(live_contest, page):
    open_round(live_contest, n=5)
    token, participant = live_contest.register(name="Võ Thị Hạnh")
    assert live_contest.submit(token, live_contest.start(token), right=1).status == 200
    login(page, live_contest.base, participant["phone"])
    expect(page.locator("#nav")).to_contain_text("Võ Thị Hạnh")
    made = starts(page)

    page.get_by_role("link", name="Vào thi").click()
    step = page.locator("section.start")
    expect(step.get_by_role("heading")).to_have_text("Bắt đầu lượt 2/5?")
    expect(step).to_contain_text("5 câu hỏi trắc nghiệm, làm trong 10 phút.")
    expect(step).to_contain_text("Bạn đã dùng 1/5 lượt; sau lượt này còn 3 lượt.")
    expect(step).to_contain_text("Có bao nhiêu người trả lời đúng tất cả các câu?")
    expect(step).to_contain_text("Nếu hết giờ mà chưa trả lời câu dự đoán, bài không được nộp và lượt thi vẫn bị tính.")
    expect(step).to_contain_text("lượt thi được tính ngay, kể cả khi bạn rời trang")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đợt thi dot-1")
    assert made == []  # looking at the step spends nothing
    page.get_by_role("link", name="Để sau").click()
    expect(page.locator("[data-round='dot-1'] .mine")).to_contain_text("Bạn đã dùng 1/5 lượt thi")
    assert made == []

    page.get_by_role("link", name="Vào thi").click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator(".question[data-question]")).to_have_count(5)
    assert len(made) == 1
    # The attempt in progress: home offers to go on, and going on (or reloading) skips the step.
    page.goto(live_contest.base + "/#/")
    page.get_by_role("link", name="Tiếp tục bài đang làm").click()
    expect(page.locator(".question[data-question]")).to_have_count(5)
    page.reload()
    expect(page.locator(".question[data-question]")).to_have_count(5)
    expect(page.locator("section.start")).to_have_count(0)
    assert len(made) == 3  # each resume asks for the attempt in progress (200), none starts a new one
    assert page.problems == [], page.problems


def begin(contest, page, name: str) -> list[dict]:
    """A new participant signs in and starts a test of dot-1; gives the submissions the page will send."""
    _, participant = contest.register(name=name)
    login(page, contest.base, participant["phone"])
    expect(page.locator("#nav")).to_contain_text(name)
    sent = submissions(page)
    page.goto(contest.base + "/#/thi/dot-1")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    return sent


def test_the_prediction_comes_first_is_required_and_never_sent_as_zero(live_contest, page):
    open_round(live_contest, n=5)
    sent = begin(live_contest, page, "Đặng Văn Lâm")

    # First in the form, before question 1, with the round's question as its label.
    first = page.locator("#exam .question").first
    expect(first.locator("label")).to_have_text("Câu dự đoán: Có bao nhiêu người trả lời đúng tất cả các câu?")
    expect(first.locator("#f-prediction")).to_have_attribute("aria-required", "true")
    for box in page.locator(".question[data-question]").all():
        box.locator("input[type=radio]").first.check()

    # Left empty: nothing is sent, the page says what is missing and goes to it.
    page.locator("#submit").click()
    expect(page.locator("#err-prediction")).to_have_text("Bạn chưa trả lời câu dự đoán.")
    expect(page.get_by_role("alert")).to_have_text("Chưa nộp bài: bạn chưa trả lời câu dự đoán (ở đầu bài thi).")
    expect(page.locator("#f-prediction")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-prediction")).to_be_focused()
    page.fill("#f-prediction", "mười")
    expect(page.locator("#err-prediction")).to_contain_text("phải là một số nguyên")
    page.locator("#submit").click()
    expect(page.locator("#err-prediction")).to_have_text("Bạn chưa trả lời câu dự đoán.")
    assert sent == []

    page.fill("#f-prediction", "1.250")  # grouped the Vietnamese way
    expect(page.locator("#f-prediction")).not_to_have_attribute("aria-invalid", "true")
    page.locator("#submit").click()
    expect(page.locator("#score")).to_be_visible()
    assert [body["prediction"] for body in sent] == [1250]
    assert page.problems == [], page.problems


def test_at_the_deadline_an_empty_prediction_is_asked_for_not_invented(live_contest, page):
    open_round(live_contest, n=5)
    reply = live_contest.api.put("/api/admin/rounds/dot-1", {"closes_at": iso(int(time.time() * 1000) + 4000)},
                                 token=live_contest.admin)
    assert reply.status == 200, reply.text
    sent = begin(live_contest, page, "Bùi Thị Mai")
    expect(page.locator("#err-prediction")).to_contain_text("Còn dưới 1 phút")  # warned before the end
    page.locator(".question[data-question]").first.locator("input[type=radio]").first.check()

    # Time is up: the page does not send the test with a made-up prediction; it asks for one (the grace period runs).
    expect(page.get_by_role("alert")).to_contain_text("bài chưa được nộp vì bạn chưa trả lời câu dự đoán",
                                                      timeout=10000)
    # … and says how long is left to give it and what happens after that.
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Bạn còn \d+ (giây|phút) để nhập dự đoán"))
    expect(page.get_by_role("alert")).to_contain_text("sau đó bài thi không được chấp nhận và lượt thi vẫn bị tính")
    assert sent == []
    page.fill("#f-prediction", "7")
    page.locator("#submit").click()
    expect(page.locator("#score")).to_be_visible()
    assert [body["prediction"] for body in sent] == [7]
    expect(page.get_by_text("Dự đoán: 7")).to_be_visible()
    assert page.problems == [], page.problems


def test_a_busy_submission_is_sent_again_by_the_page_until_it_is_received(live_contest, page):
    open_round(live_contest, n=5)
    sent = begin(live_contest, page, "Lý Thị Thu")
    busy = {"error": {"code": "busy", "message": "Hệ thống đang bận, vui lòng thử lại sau giây lát."}}
    refused: list[int] = []

    def overloaded(route):
        if len(refused) < 2:        # the server is overloaded twice, then takes the submission
            refused.append(1)
            return route.fulfill(status=503, headers={"Retry-After": "1", "Content-Type": "application/json"},
                                 body=json.dumps(busy))
        return route.continue_()

    page.route("**/submission", overloaded)
    page.fill("#f-prediction", "12")
    for question in page.locator(".question[data-question]").all():
        question.locator("input[type=radio]").first.check()
    page.locator("#submit").click()
    expect(page.get_by_text("Hệ thống đang bận, tự động gửi lại sau")).to_be_visible()
    expect(page.locator("#score")).to_be_visible(timeout=15000)
    assert len(sent) == 3 and sent[0] == sent[1] == sent[2]        # the same submission each time
    assert [p for p in page.problems if "/submission" not in p] == []
