"""A round's bank, review and publication: a bank too small takes no attempt; the organizer reads the bank with its
answers; with `publication: review` a finalized round stays live until published, may be finalized again with the
disqualified left out, and only then shows its final leaderboard and its prizes."""
import boto3
import pytest

from chalicelib import config
from chalicelib.events import lifecycle
from chalicelib.store import participants as participant_store
from tests.support import HOUR, assert_error, questions

PRIZES = [{"name": "Giải Nhất", "count": 1, "category": "official"},
          {"name": "Giải Nhì", "count": 1, "category": "official"},
          {"name": "Giải Nhất", "count": 1, "category": "citizen"}]
UNIT_PRIZES = [{"name": "Giải tập thể xuất sắc", "count": 1}]


@pytest.fixture
def bucket(aws):
    boto3.client("s3", region_name=aws.region).create_bucket(
        Bucket=aws.results_bucket, CreateBucketConfiguration={"LocationConstraint": aws.region})


def finalize(clock) -> None:
    """The schedule's finalize_rounds run, once no submission can still arrive."""
    clock.advance(HOUR)
    lifecycle.finalize_due()


def played(api, contest, clock) -> dict:
    """Round dot-1 with prizes, three participants who each submitted once (An 5, Bình 4, Cường 3 correct), closed
    and finalized. Returns the participants by name."""
    contest.open_round("dot-1", prizes=PRIZES, unit_prizes=UNIT_PRIZES)
    people = {}
    for name, unit, category, right in (("Nguyễn Văn An", "so-noi-vu", "official", 5),
                                        ("Lê Văn Bình", "dong-hoi-hai-dinh", "official", 4),
                                        ("Trần Thị Cường", "dong-hoi", "citizen", 3)):
        token, participant = contest.register(name, unit_id=unit, category=category)
        assert contest.submit(token, contest.start(token), right=right).status == 200
        people[name] = participant
    clock.advance(60 * 1000)
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    finalize(clock)
    return people


def review(api, contest) -> None:
    assert api.put("/api/admin/contest", {"publication": "review"}, token=contest.admin).status == 200


def test_a_bank_smaller_than_an_attempt_takes_no_attempt(api, contest, clock, tables):
    contest.add_round("dot-1", n_questions=0, questions_per_attempt=5)
    reply = api.put("/api/admin/rounds/dot-1/questions", {"questions": questions(4)}, token=contest.admin)
    assert reply.status == 200 and reply.body["count"] == 4
    assert "4 câu hỏi, ít hơn số câu mỗi bài thi (5)" in reply.body["warning"]
    round_ = api.get("/api/contest").body["rounds"][0]
    assert (round_["question_count"], round_["questions_per_attempt"]) == (4, 5)
    clock.advance(HOUR)
    token, _ = contest.register()
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-1/attempts", token=token), 409, "round_not_open")


def test_the_organizer_reads_the_bank_with_its_answers(api, contest, tables):
    contest.add_round("dot-1", n_questions=6)
    token, _ = contest.register()
    with tables.unchanged():
        reply = api.get("/api/admin/rounds/dot-1/questions", token=contest.admin)
        assert_error(api.get("/api/admin/rounds/dot-1/questions", token=token), 403, "forbidden")
        assert_error(api.get("/api/admin/rounds/khong-co/questions", token=contest.admin), 404, "round_not_found")
    assert reply.status == 200 and reply.body["question_count"] == 6 and reply.body["warning"] is None
    sent = {q["id"]: q for q in questions(6)}
    assert {q["id"]: q for q in reply.body["questions"]} == {
        qid: {"id": qid, "text": q["text"], "options": q["options"], "answer": q["answer"]} for qid, q in sent.items()}


@pytest.mark.parametrize("prizes, field", [
    ([{"name": "Nhất", "count": 0}], "prizes"),
    ([{"name": "Nhất", "count": 1, "category": "khac"}], "prizes"),
    ([{"name": "", "count": 1}], "prizes"),
    ([{"count": 1}], "prizes"),
    ([{"name": "Nhất", "count": 1}, {"name": "Nhất", "count": 2}], "prizes"),
    ({"name": "Nhất", "count": 1}, "prizes"),
    ([{"name": "Nhất", "count": 1001}], "prizes"),
])
def test_bad_prize_lists_are_refused(api, contest, tables, prizes, field):
    contest.add_round("dot-1")
    with tables.unchanged():
        assert_error(api.put("/api/admin/rounds/dot-1", {field: prizes}, token=contest.admin), 400, "invalid",
                     {field})
        assert_error(api.put("/api/admin/rounds/dot-1", {"unit_prizes": [{"name": "Tập thể", "count": 1,
                                                                          "category": "citizen"}]},
                             token=contest.admin), 400, "invalid", {"unit_prizes"})


def test_review_keeps_the_round_live_until_published_then_shows_it_final(api, contest, clock, bucket):
    review(api, contest)
    people = played(api, contest, clock)
    round_ = api.get("/api/contest").body["rounds"][0]
    assert round_["status"] == "finalized" and round_["published_at"] is None
    assert round_["prizes"] == PRIZES and round_["unit_prizes"] == UNIT_PRIZES
    board = api.get("/api/rounds/dot-1/leaderboard").body
    assert board["final"] is False and board["prediction_truth"] is None
    assert api.get("/api/rounds/dot-1/units").body["final"] is False
    assert_error(api.get("/api/rounds/dot-1/prizes"), 409, "round_not_published")
    checked = api.get("/api/admin/rounds/dot-1/prizes", token=contest.admin).body
    assert checked["status"] == "ready"
    assert [(p["prize"], p["display_name"]) for p in checked["individual"]] == [
        ("Giải Nhất", "Nguyễn V. A."), ("Giải Nhì", "Lê V. B."), ("Giải Nhất", "Trần T. C.")]

    # An took the test for someone else: disqualified, the round finalized again without him
    participant_store.disqualify(people["Nguyễn Văn An"]["id"], "Thi hộ")
    again = api.post("/api/admin/rounds/dot-1/finalize", token=contest.admin)
    assert again.status == 202 and again.body["round"]["status"] == "closed"
    assert api.get("/api/admin/rounds/dot-1/prizes", token=contest.admin).body["status"] == "pending"
    assert_error(api.post("/api/admin/rounds/dot-1/publish", token=contest.admin), 409, "round_not_finalized")
    finalize(clock)
    checked = api.get("/api/admin/rounds/dot-1/prizes", token=contest.admin).body
    assert [(p["prize"], p["display_name"], p["rank"]) for p in checked["individual"]] == [
        ("Giải Nhất", "Lê V. B.", 1), ("Giải Nhất", "Trần T. C.", 1)]
    assert [(u["prize"], u["unit_id"]) for u in checked["units"]] == [("Giải tập thể xuất sắc", "dong-hoi")]
    assert api.get("/api/rounds/dot-1/leaderboard").body["final"] is False

    published = api.post("/api/admin/rounds/dot-1/publish", token=contest.admin)
    assert published.status == 200 and published.body["round"]["published_at"] is not None
    board = api.get("/api/rounds/dot-1/leaderboard").body
    assert board["final"] is True and [e["display_name"] for e in board["entries"]] == ["Lê V. B.", "Trần T. C."]
    units = {u["unit_id"]: u for u in api.get("/api/rounds/dot-1/units").body["entries"]}
    assert units["so-noi-vu"]["participants"] == 0 and units["dong-hoi"]["participants"] == 2
    public = api.get("/api/rounds/dot-1/prizes")
    assert public.status == 200
    assert {k: v for k, v in public.body.items() if k != "round_id"} == {k: checked[k] for k in ("individual", "units")}
    assert set(public.body["individual"][0]) >= {"prize", "category", "rank", "display_name", "unit_name",
                                                 "correct", "total", "duration_ms"}
    # published: the same answer again, and nothing changes any more
    assert api.post("/api/admin/rounds/dot-1/publish", token=contest.admin).body == published.body
    assert_error(api.post("/api/admin/rounds/dot-1/finalize", token=contest.admin), 409, "round_published")
    assert_error(api.put("/api/admin/rounds/dot-1", {"prizes": []}, token=contest.admin), 409, "round_published")


def test_prizes_may_change_after_closing_until_published(api, contest, clock, bucket):
    review(api, contest)
    played(api, contest, clock)
    reply = api.put("/api/admin/rounds/dot-1", {"prizes": [{"name": "Giải Đặc biệt", "count": 2}]},
                    token=contest.admin)
    assert reply.status == 200, reply.text
    assert_error(api.put("/api/admin/rounds/dot-1", {"name": "Tên khác"}, token=contest.admin), 409, "round_closed")
    api.post("/api/admin/rounds/dot-1/finalize", token=contest.admin)
    finalize(clock)
    checked = api.get("/api/admin/rounds/dot-1/prizes", token=contest.admin).body["individual"]
    assert [(p["prize"], p["display_name"]) for p in checked] == [("Giải Đặc biệt", "Nguyễn V. A."),
                                                                  ("Giải Đặc biệt", "Lê V. B.")]


def test_automatic_publication_publishes_at_finalization(api, contest, clock, bucket):
    played(api, contest, clock)
    round_ = api.get("/api/contest").body["rounds"][0]
    assert round_["status"] == "finalized" and round_["published_at"] is not None
    assert api.get("/api/rounds/dot-1/leaderboard").body["final"] is True
    assert api.get("/api/rounds/dot-1/prizes").status == 200
    assert_error(api.post("/api/admin/rounds/dot-1/finalize", token=contest.admin), 409, "round_published")


def test_finalize_and_publish_refusals(api, contest, tables):
    contest.open_round("dot-1")
    token, _ = contest.register()
    with tables.unchanged():
        assert_error(api.post("/api/admin/rounds/dot-1/finalize", token=contest.admin), 409, "round_not_closed")
        assert_error(api.post("/api/admin/rounds/dot-1/publish", token=contest.admin), 409, "round_not_finalized")
        assert_error(api.post("/api/admin/rounds/khong-co/publish", token=contest.admin), 404, "round_not_found")
        assert_error(api.post("/api/admin/rounds/khong-co/finalize", token=contest.admin), 404, "round_not_found")
        assert_error(api.get("/api/rounds/khong-co/prizes"), 404, "round_not_found")
        assert_error(api.get("/api/rounds/dot-1/prizes"), 409, "round_not_published")
        for path in ("/api/admin/rounds/dot-1/finalize", "/api/admin/rounds/dot-1/publish"):
            assert_error(api.post(path, token=token), 403, "forbidden")
            assert_error(api.post(path), 401, "unauthorized")
        assert_error(api.get("/api/admin/rounds/dot-1/prizes", token=token), 403, "forbidden")


def test_the_disqualified_list_is_kept_with_the_participant(api, contest):
    _, a = contest.register("Nguyễn Văn An")
    _, b = contest.register("Lê Văn Bình")
    assert participant_store.disqualified_ids() == frozenset()
    participant_store.disqualify(a["id"], "Nhiều tài khoản")
    participant_store.disqualify(b["id"], "Thi hộ")
    participant_store.reinstate(b["id"])
    assert participant_store.disqualified_ids() == {a["id"]}
    stored = participant_store.get(a["id"])
    assert (stored.status, stored.disqualified_reason) == ("disqualified", "Nhiều tài khoản")
    assert participant_store.get(b["id"]).disqualified_reason is None
    with pytest.raises(participant_store.ParticipantMissing):
        participant_store.disqualify("khong-co", "x")
    assert config.current().table_name("participants")  # the store stayed bound
