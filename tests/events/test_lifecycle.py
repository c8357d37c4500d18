"""Opening, closing and finalizing with an injected clock; the final standings after finalization."""
import threading

from app import aggregate_attempts, finalize_rounds, tick_rounds
from chalicelib.events import lifecycle
from chalicelib.store import rounds as round_store
from tests.streams import events, stream_records
from tests.support import HOUR, emitted_metrics, iso, scheduled_event


def _status(round_id="dot-1"):
    return round_store.get_round(round_id, fresh=True).status


def _twice_at_once(fn):
    barrier, outcomes = threading.Barrier(2), []

    def run():
        barrier.wait()
        outcomes.append(fn())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_tick_opens_and_closes_once_even_when_run_twice_at_once(api, contest, capsys):
    body = contest.add_round(opens_in=HOUR, length=2 * HOUR)
    assert tick_rounds(scheduled_event(), None) == {"opened": [], "closed": []}
    assert _status() == "scheduled"
    contest.clock.advance(HOUR)  # exactly at opens_at
    outcomes = _twice_at_once(lambda: lifecycle.tick())
    assert sorted(len(o["opened"]) for o in outcomes) == [0, 1]
    assert _status() == "open"
    contest.clock.advance(2 * HOUR)  # closes_at passed, but the grace period has not
    assert lifecycle.tick()["closed"] == []
    contest.clock.advance(30_001)
    outcomes = _twice_at_once(lambda: lifecycle.tick())
    assert sorted(len(o["closed"]) for o in outcomes) == [0, 1]
    assert _status() == "closed"
    metrics = [name for name, _ in emitted_metrics(capsys.readouterr().out)]
    assert (metrics.count("RoundsOpened"), metrics.count("RoundsClosed")) == (1, 1)
    assert body["id"] == "dot-1"


def test_a_late_scheduler_does_not_widen_the_window(api, contest):
    contest.add_round(opens_in=HOUR, length=2 * HOUR)
    contest.clock.advance(HOUR)
    token, _ = contest.register()
    # the scheduler never ran: the round is still stored as scheduled, yet open by server time
    assert api.post("/api/rounds/dot-1/attempts", token=token).status == 201
    contest.clock.advance(3 * HOUR)
    token2, _ = contest.register()
    assert api.post("/api/rounds/dot-1/attempts", token=token2).code == "round_not_open"


def _submit(api, token, correct_ids, n_correct, prediction):
    attempt = api.post("/api/rounds/dot-1/attempts", token=token).body["attempt"]
    answers = {}
    for i, q in enumerate(attempt["questions"]):
        right = correct_ids[q["id"]]
        answers[q["id"]] = right if i < n_correct else next(o["id"] for o in q["options"] if o["id"] != right)
    reply = api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": answers, "prediction": prediction},
                     token=token)
    assert reply.status == 200, reply.text
    return reply.body["result"]


def test_final_best_differs_from_live_best(api, contest, local_aws, capsys):
    contest.open_round(n_questions=5, questions_per_attempt=5)
    bank = round_store.load_bank("dot-1", round_store.get_round("dot-1", fresh=True).bank_version)
    correct_ids = {q.id: q.answer for q in bank}
    an, _ = contest.register(name="Nguyễn Văn An")
    binh, _ = contest.register(name="Trần Thị Bình", category="citizen", unit_id="dong-hoi")
    # An: a fast attempt with a far prediction, then a slower one with the exact prediction.
    fast = _submit(api, an, correct_ids, 4, prediction=50)
    contest.clock.advance(60_000)
    slow = _submit(api, an, correct_ids, 4, prediction=0)
    # Bình: 4 correct, between An's two durations, prediction 3 away.
    contest.clock.advance(60_000)
    binh_result = _submit(api, binh, correct_ids, 4, prediction=3)
    for batch in events(stream_records(local_aws.table_name("attempts"), local_aws.dynamodb_endpoint), 100):
        aggregate_attempts(batch, None)
    live = api.get("/api/rounds/dot-1/leaderboard").body
    assert live["final"] is False and live["prediction_truth"] is None
    assert [e["display_name"] for e in live["entries"]] == ["Nguyễn V. A.", "Trần T. B."]
    assert live["entries"][0]["duration_ms"] == fast["duration_ms"]
    assert all(e["prediction"] is None for e in live["entries"])

    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    assert api.get("/api/admin/rounds/dot-1/results", token=contest.admin).body["status"] == "pending"
    contest.clock.advance(lifecycle.SETTLE_MS + 30_000)
    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    final = api.get("/api/rounds/dot-1/leaderboard").body
    assert final["final"] is True and final["prediction_truth"] == 0  # nobody answered everything
    # At close An's best is the slow attempt with the exact prediction.
    assert [(e["display_name"], e["duration_ms"], e["prediction"]) for e in final["entries"]] == [
        ("Nguyễn V. A.", slow["duration_ms"], 0), ("Trần T. B.", binh_result["duration_ms"], 3)]
    citizens = api.get("/api/rounds/dot-1/leaderboard?category=citizen").body["entries"]
    assert [(e["rank"], e["display_name"]) for e in citizens] == [(1, "Trần T. B.")]
    files = api.get("/api/admin/rounds/dot-1/results", token=contest.admin).body
    assert files["status"] == "ready" and files["prediction_truth"] == 0
    assert sorted((f["name"], f["format"]) for f in files["files"]) == sorted(
        (n, f) for n in ("ranking", "units", "attempts", "prizes") for f in ("csv", "xlsx"))
    link = files["files"][0]["url"]
    assert "X-Amz-Expires=" in link and int(link.split("X-Amz-Expires=")[1].split("&")[0]) <= 900
    assert files["files"][0]["expires_at"] <= iso(contest.clock.now + 15 * 60 * 1000)
    assert finalize_rounds(scheduled_event(), None) == {"finalized": []}  # finalized once
    metrics = [name for name, _ in emitted_metrics(capsys.readouterr().out)]
    assert "AggregatorBatchSize" in metrics and metrics.count("FinalizationDuration") == 1
    units = api.get("/api/rounds/dot-1/units").body
    assert units["final"] is True
    assert next(u for u in units["entries"] if u["unit_id"] == "so-noi-vu")["participants"] == 1
