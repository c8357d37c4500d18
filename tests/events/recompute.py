"""An independent recomputation of every derived value from the attempts table (the source of truth)."""
from __future__ import annotations

from chalicelib.contest.ranking import best_per_participant, live_key, rank_attempts
from chalicelib.contest.units import BestOfParticipant, Targets, UnitTree, tally_units, unit_standings
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import units as unit_store


def expected(round_id: str) -> dict:
    submitted = [a for a in attempt_store.every_attempt() if a.is_submitted]
    accepted = [a.scored() for a in submitted]
    in_round = [a.scored() for a in submitted if a.round_id == round_id]
    ranked = rank_attempts(best_per_participant(in_round, live_key).values(), live_key)
    tree = UnitTree(unit_store.list_units(fresh=True))
    submissions: dict[str, int] = {}
    for a in in_round:
        submissions[a.unit_id] = submissions.get(a.unit_id, 0) + 1
    bests = [BestOfParticipant(e.attempt.participant_id, e.attempt.unit_id, e.attempt.category,
                               e.attempt.correct) for e in ranked]
    table = unit_standings(tree, tally_units(tree, bests, submissions), Targets(1.0, 0.4))
    return {
        "top": [e.attempt.attempt_id for e in ranked],
        "top_official": [e.attempt.attempt_id for e in ranked if e.attempt.category == "official"],
        "units": [(s.unit_id, s.participants, s.officials, s.citizens, s.submissions, s.mean_correct,
                   s.official_rate, s.citizen_rate, s.rank) for s in table],
        "stats": {"registered": participant_store.count(),
                  "participants": len({a.participant_id for a in accepted}), "submissions": len(accepted),
                  "round": {"participants": len(ranked), "submissions": len(in_round)}},
    }


def derived(api, round_id: str) -> dict:
    board = api.get(f"/api/rounds/{round_id}/leaderboard?limit=100").body
    official = api.get(f"/api/rounds/{round_id}/leaderboard?limit=100&category=official").body
    units = api.get(f"/api/rounds/{round_id}/units").body
    stats = api.get("/api/stats").body
    attempt_of = {(a.participant_id, a.round_id, a.correct, a.duration_ms): a.id
                  for a in attempt_store.every_attempt() if a.is_submitted}
    def ids(entries):
        return [attempt_of[(e["participant_id"], round_id, e["correct"], e["duration_ms"])] for e in entries]
    round_stats = next(r for r in stats["rounds"] if r["round_id"] == round_id)
    return {
        "top": ids(board["entries"]),
        "top_official": ids(official["entries"]),
        "units": [(s["unit_id"], s["participants"], s["officials"], s["citizens"], s["submissions"],
                   s["mean_correct"], s["official_rate"], s["citizen_rate"], s["rank"]) for s in units["entries"]],
        "stats": {"registered": stats["registered"], "participants": stats["participants"],
                  "submissions": stats["submissions"],
                  "round": {"participants": round_stats["participants"], "submissions": round_stats["submissions"]}},
    }
