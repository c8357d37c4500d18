"""The requests of an attempt's flow, counted in a real browser: from the home page, "Vào thi", the start step, the
test, the submission and the result ask the API for the start and the submission only. The start's answer carries
the test, the submission's answer the result, and the home page's GET /api/me the start step's counts, which the
page's own start keeps up to date for the next attempt. A reload of the result page reads the attempt again."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_participant import api_calls, login, open_round, shown_attempt

CONTEST = "GET /api/contest"   # public and cached at the edge; the page reads it again after 30 s


def take_test(page, bank: dict, right: int) -> None:
    """Answers the test on the page (`right` questions correctly, the others wrongly), then submits it."""
    questions = page.locator(".question[data-question]")
    expect(questions).to_have_count(5)
    for n, qid in enumerate(questions.evaluate_all("els => els.map(e => e.dataset.question)")):
        answer = bank[qid].answer
        option = answer if n < right else next(o[0] for o in bank[qid].options if o[0] != answer)
        page.locator(f"input[type=radio][data-question='{qid}'][value='{option}']").check()
    page.fill("#f-prediction", "12")
    page.locator("#submit").click()


def test_one_attempt_asks_for_the_start_and_the_submission_only(live_contest, page):
    open_round(live_contest)
    token, participant = live_contest.register(name="Hoàng Thị Lan")
    assert live_contest.submit(token, live_contest.start(token), right=1).status == 200
    bank = live_contest.bank("dot-1")
    login(page, live_contest.base, participant["phone"])
    expect(page.locator("[data-round='dot-1'] .mine")).to_contain_text("Bạn đã dùng 1/5 lượt thi")
    calls = api_calls(page)

    # Home -> "Vào thi" -> the start step -> the test -> the result: the start and the submission, nothing else.
    page.get_by_role("link", name="Vào thi").click()
    expect(page.get_by_role("heading", name="Bắt đầu lượt 2/5?")).to_be_visible()
    assert [c for c in calls if c != CONTEST] == []
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    take_test(page, bank, right=4)
    expect(page.locator("#score")).to_have_text("4/5")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đợt thi dot-1")
    expect(page.get_by_text("Dự đoán: 12")).to_be_visible()
    first = shown_attempt(page)
    assert [c for c in calls if c != CONTEST] == ["POST /api/rounds/dot-1/attempts",
                                                  f"POST /api/attempts/{first}/submission"], calls
    assert not [c for c in calls if c.startswith("GET /api/me") or c.startswith("GET /api/attempts/")], calls

    # The next attempt straight from the result: the page counted its own start, so the step says 3/5 unasked.
    calls.clear()
    page.evaluate("location.hash = '#/thi/dot-1'")
    expect(page.get_by_role("heading", name="Bắt đầu lượt 3/5?")).to_be_visible()
    expect(page.locator("section.start")).to_contain_text("Bạn đã dùng 2/5 lượt; sau lượt này còn 2 lượt.")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    take_test(page, bank, right=2)
    expect(page.locator("#score")).to_have_text("2/5")
    second = shown_attempt(page)
    assert second != first
    assert [c for c in calls if c != CONTEST] == ["POST /api/rounds/dot-1/attempts",
                                                  f"POST /api/attempts/{second}/submission"], calls

    # A reload of the result reads the attempt (the page keeps no result of its own), and shows the same.
    calls.clear()
    page.reload()
    expect(page.locator("#score")).to_have_text("2/5")
    assert f"GET /api/attempts/{second}" in calls, calls
    # The home page reads the participant's rounds afresh: three attempts used, as the server counts them.
    page.get_by_role("link", name="Trang chủ").first.click()
    expect(page.locator("[data-round='dot-1'] .mine")).to_contain_text("Bạn đã dùng 3/5 lượt thi, tốt nhất 4/5")
    assert [a["status"] for a in live_contest.api.get("/api/me", token=token).body["rounds"][0]["attempts"]] \
        == ["submitted"] * 3
    assert page.problems == [], page.problems
