"""One's own place (GET /api/me/rounds/{id}/standing): exact once published, also far beyond the top 100, with
the prize; nothing before a participant has a result; the scores kept back until publication where the round
says so."""
import pytest

from chalicelib.services import sessions
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from tests.api.test_publication import PRIZES, bucket, finalize  # noqa: F401
from tests.seed import person, submitted
from tests.support import assert_error

SEEDED = 120


def _crowd(clock) -> list:
    """SEEDED participants of so-noi-vu with one accepted attempt each in dot-1: the i-th has 5 - i % 6 correct
    (so many ties) and a duration growing with i, so the order is i."""
    people = [person(f"seeded{i:03d}", "so-noi-vu", "official", full_name=f"Người Thi {i}", phone=f"0977{i:06d}")
              for i in range(SEEDED)]
    participant_store.save_all(people)
    attempt_store.save_all([submitted(1, p.id, "dot-1", "so-noi-vu", correct=5 - (i // 20), total=5,
                                      duration_ms=10_000 + i, submitted_at=clock() - 1000, started_at=clock() - 5000)
                            for i, p in enumerate(people)])
    return people


def test_a_place_far_down_the_published_ranking_is_exact_and_the_winner_has_the_prize(api, contest, clock, bucket):  # noqa: F811
    contest.open_round("dot-1", prizes=PRIZES)
    token, me = contest.register("Đỗ Văn Út")
    assert api.get("/api/me/rounds/dot-1/standing", token=token).body["standing"] is None     # no result yet
    attempt = contest.start(token)
    clock.advance(60 * 1000)                    # slower than everyone with as few right answers: the last place
    assert contest.submit(token, attempt, right=0).status == 200
    people = _crowd(clock)
    clock.advance(60 * 1000)
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    finalize(clock)

    mine = api.get("/api/me/rounds/dot-1/standing", token=token)
    assert mine.status == 200, mine.text
    body = mine.body
    assert (body["final"], body["rank"], body["category_rank"], body["rank_exact"]) == (True, 121, 121, True)
    assert body["standing"]["correct"] == 0 and body["standing"]["display_name"] == "Đỗ V. Ú."
    assert body["standing"]["unit_name"] and body["prize"] is None
    winner = api.get("/api/me/rounds/dot-1/standing", token=sessions.token_for(people[0])).body
    assert (winner["rank"], winner["prize"]) == (1, "Giải Nhất")
    hundred_and_tenth = api.get("/api/me/rounds/dot-1/standing", token=sessions.token_for(people[109])).body
    assert hundred_and_tenth["rank"] == 110 and hundred_and_tenth["standing"]["correct"] == 0


def test_kept_back_until_publication_when_the_round_says_so(api, contest, clock):
    contest.open_round("dot-1", score_visibility="after_publish")
    token, _ = contest.register("Đỗ Văn Út")
    assert contest.submit(token, contest.start(token), right=3).status == 200
    body = api.get("/api/me/rounds/dot-1/standing", token=token).body
    assert (body["rank"], body["standing"], body["scores_hidden"]) == (None, None, True)


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_only_for_a_participant(api, contest, token):
    contest.open_round("dot-1")
    assert_error(api.get("/api/me/rounds/dot-1/standing", token=token), 401, "unauthorized")


def test_an_unknown_round_is_not_found(api, contest):
    token, _ = contest.register("Đỗ Văn Út")
    assert_error(api.get("/api/me/rounds/khong-co/standing", token=token), 404, "round_not_found")


def test_answer_review_and_the_certificate_once_published(api, contest, clock, bucket):  # noqa: F811
    import io

    from pypdf import PdfReader

    assert api.put("/api/admin/contest", {"publication": "review"}, token=contest.admin).status == 200
    contest.open_round("dot-1", prizes=PRIZES)
    token, me = contest.register("Nguyễn Thị Ánh Tuyết")
    attempt = contest.start(token)
    answers = contest.answers(attempt, right=3)
    del answers[attempt["questions"][-1]["id"]]                     # one question left unanswered
    assert api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": answers, "prediction": 2},
                    token=token).status == 200
    assert_error(api.get("/api/me/rounds/dot-1/certificate", token=token), 409, "round_not_published")
    clock.advance(60 * 1000)
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    finalize(clock)
    shown = api.get(f"/api/attempts/{attempt['id']}", token=token).body["attempt"]["questions"]
    assert all("correct_option_id" not in q for q in shown)          # finalized, under review: no answers yet
    assert_error(api.get("/api/me/rounds/dot-1/certificate", token=token), 409, "round_not_published")
    assert api.post("/api/admin/rounds/dot-1/publish", token=contest.admin).status == 200

    shown = api.get(f"/api/attempts/{attempt['id']}", token=token).body["attempt"]["questions"]
    bank = contest.bank("dot-1")
    assert [q["correct_option_id"] for q in shown] == [bank[q["id"]].answer for q in shown]
    assert [q["chosen_option_id"] for q in shown] == [answers.get(q["id"]) for q in shown]
    assert sum(q["chosen_option_id"] == q["correct_option_id"] for q in shown) == 3

    def download():
        return api.http.request("GET", "/api/me/rounds/dot-1/certificate",
                                headers={"authorization": f"Bearer {token}", "accept": "application/pdf"})
    reply = download()
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.body)).pages)
    assert "Nguyễn Thị Ánh Tuyết" in text and "3/5" in text and "Giải Nhất" in text
    assert download().body == reply.body                               # kept: made once

    other, _ = contest.register("Phạm Văn Bốn")
    assert_error(api.get("/api/me/rounds/dot-1/certificate", token=other), 404, "no_certificate")
