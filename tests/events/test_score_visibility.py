"""`score_visibility: after_publish` (RULES.md, Fairness): before the round is published no participant or public
answer carries `correct` or anything derived from it, so the oracle (answer one question, read the score)
learns nothing; once published, everything shows. On DynamoDB Local, whose streams feed the real aggregator,
so the live leaderboard and unit table have something to hide."""
from __future__ import annotations

import pytest

from tests.streams import events, stream_records
from tests.support import walk

DERIVED = {"correct", "mean_correct", "best", "prediction_truth"}


def aggregate() -> None:
    """The live standings built from the attempts stream, as the aggregator does in the cloud."""
    from chalicelib import config
    from chalicelib.events import aggregator

    settings = config.current()
    for event in events(stream_records(settings.table_name("attempts"), settings.dynamodb_endpoint), 100):
        assert aggregator.handle_attempts(event) == {"batchItemFailures": []}


class Participant:
    def __init__(self, api, contest, name: str) -> None:
        self.api, self.contest = api, contest
        self.token, self.me = contest.register(name)

    def probe(self, right: bool) -> dict:
        """One attempt answering only its first question, rightly or wrongly; the answers it got."""
        attempt = self.contest.start(self.token)
        question = attempt["questions"][0]
        correct = self.contest.bank()[question["id"]].answer
        chosen = correct if right else next(o["id"] for o in question["options"] if o["id"] != correct)
        reply = self.api.post(f"/api/attempts/{attempt['id']}/submission",
                              {"answers": {question["id"]: chosen}, "prediction": 3}, token=self.token)
        assert reply.status == 200, reply.text
        return {"submission": reply.body, "attempt": self.api.get(f"/api/attempts/{attempt['id']}",
                                                                  token=self.token).body,
                "me": self.api.get("/api/me", token=self.token).body}


def without_ids_and_times(document):
    """The document with what differs between any two attempts blanked (ids, times, durations)."""
    if isinstance(document, dict):
        return {k: (None if k in ("id", "attempt_id", "started_at", "deadline", "submitted_at", "duration_ms",
                                  "attempt_in_progress", "as_of", "questions") else without_ids_and_times(v))
                for k, v in document.items()}
    if isinstance(document, list):
        return [without_ids_and_times(v) for v in document]
    return document


@pytest.fixture
def hidden_round(contest):
    contest.open_round("dot-1", n_questions=8, score_visibility="after_publish")
    return contest


def test_the_oracle_learns_nothing_before_publication(api, hidden_round, clock):
    a = Participant(api, hidden_round, "Nguyễn Văn An")
    first = len(api.replies)
    right, wrong = a.probe(right=True), a.probe(right=False)
    aggregate()
    for answer in ("submission", "attempt"):
        assert without_ids_and_times(right[answer]) == without_ids_and_times(wrong[answer])
    assert right["submission"]["result"]["correct"] is None
    assert wrong["me"]["rounds"][0]["best"] is None
    for query in ("", "?limit=100", "?category=official"):
        board = api.get(f"/api/rounds/dot-1/leaderboard{query}").body
        assert board["entries"] == [] and board["scores_hidden"] is True
    # every participant and public answer so far, scanned: no correct, nothing derived from it
    seen = api.replies[first:] + [api.get(p) for p in ("/api/rounds/dot-1/units", "/api/stats", "/api/contest")]
    assert len(seen) > 8
    for reply in seen:
        for path, key, value in walk(reply.body):
            if key in DERIVED:
                assert value is None, (path, value)


def test_after_publication_the_scores_show(api, hidden_round, clock):
    from chalicelib.events import lifecycle
    from chalicelib.store import rounds as round_store

    a = Participant(api, hidden_round, "Nguyễn Văn An")
    a.probe(right=True)
    aggregate()
    assert api.post("/api/admin/rounds/dot-1/close", token=hidden_round.admin).status == 202
    clock.advance(3600 * 1000)
    lifecycle.finalize_due()                        # finalized and, publication being automatic, published
    assert round_store.get_round("dot-1", fresh=True).is_published
    me = api.get("/api/me", token=a.token).body
    assert me["rounds"][0]["best"]["correct"] == 1
    assert me["rounds"][0]["attempts"][0]["result"]["correct"] == 1
    board = api.get("/api/rounds/dot-1/leaderboard").body
    assert board["scores_hidden"] is False and board["entries"][0]["correct"] == 1
    units = api.get("/api/rounds/dot-1/units").body["entries"]
    assert any(entry["mean_correct"] == 1.0 for entry in units)


def test_immediate_rounds_show_the_score_at_once(api, contest):
    contest.open_round("dot-1", n_questions=8)
    a = Participant(api, contest, "Nguyễn Văn An")
    assert a.probe(right=True)["submission"]["result"]["correct"] == 1
    aggregate()
    assert api.get("/api/rounds/dot-1/leaderboard").body["entries"][0]["correct"] == 1
