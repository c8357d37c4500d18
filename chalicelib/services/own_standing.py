"""One's own place in a round (`GET /api/me/rounds/{id}/standing`), also beyond the top 100: once the round is
published, the exact final place kept at finalization (events/final_places.py); before, the live place, exact
within the live top list and beyond it estimated from the count of live bests by score (ties broken by time are
not counted there, so the estimate is the best place the score allows, and says so with `rank_exact: false`)."""
from __future__ import annotations

from chalicelib import auth, runtime
from chalicelib.contest.attempts import Attempt, best_attempt
from chalicelib.contest.places import place_file, place_of
from chalicelib.contest.ranking import live_key
from chalicelib.contest.rounds import Round
from chalicelib.contest.times import iso
from chalicelib.services import sessions
from chalicelib.services.lookups import round_or_404
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import results as result_store
from chalicelib.store import standings as standing_store
from chalicelib.store import tallies, tops
from chalicelib.store import units as unit_store

TOP = 100


def _answer(round_: Round, final: bool, standing: dict | None = None, rank: int | None = None,
            category_rank: int | None = None, exact: bool = True, prize: str | None = None) -> dict:
    return {"round_id": round_.id, "final": final, "rank": rank, "category_rank": category_rank,
            "rank_exact": exact, "standing": standing, "prize": prize, "as_of": iso(runtime.now_ms()),
            "scores_hidden": not round_.scores_visible}


def _unit_name(unit_id: str) -> str:
    return next((unit.name for unit in unit_store.list_units() if unit.id == unit_id), unit_id)


def own_standing(principal: auth.Principal, round_id: str) -> dict:
    round_ = round_or_404(round_id)
    participant = sessions.current(principal)
    if round_.is_published:
        return _final(round_, participant.id)
    if not round_.scores_visible:       # score_visibility after_publish: a place would tell the score
        return _answer(round_, False)
    mine = [a for a in attempt_store.of_participant(participant.id) if a.round_id == round_.id and a.is_submitted]
    best = best_attempt(mine, live_key)
    if best is None or participant.is_disqualified:
        return _answer(round_, False)
    rank, exact = _live_rank(round_.id, best, None)
    category_rank, _ = _live_rank(round_.id, best, best.category)
    standing = {"rank": rank, "participant_id": participant.id, "display_name": best.display_name,
                "unit_id": best.unit_id, "unit_name": _unit_name(best.unit_id), "category": best.category,
                "correct": best.correct, "total": best.total, "duration_ms": best.duration_ms,
                "submitted_at": iso(best.submitted_at or 0), "prediction": None}
    return _answer(round_, False, standing, rank, category_rank, exact)


def _live_rank(round_id: str, best: Attempt, category: str | None) -> tuple[int, bool]:
    """(place, exact): in the live top list of `category` (both when None), or estimated from the scores."""
    excluded = participant_store.disqualified_ids()
    top = [b for b in tops.top(round_id, category, TOP + len(excluded)) if b.attempt.participant_id not in excluded]
    for place, entry in enumerate(top[:TOP], 1):
        if entry.attempt.participant_id == best.participant_id:
            return place, True
    counters, _ = tallies.counters(round_id)
    ahead = 0
    for key, values in counters.items():
        if key.startswith(tallies.SCORES):
            _, of_category, correct = key.rsplit("#", 2)
            if (category is None or of_category == category) and int(correct) > (best.correct or 0):
                ahead += values["participants"]
    return max(ahead + 1, min(len(top), TOP) + 1), False


def final_place(round_: Round, participant_id: str) -> dict | None:
    """The participant's final place in a published round (rank, category_rank, the best's figures, prize), or
    None when they were not ranked."""
    head = standing_store.load_final(round_.id, "places") or [{"files": 1}]
    document = result_store.published_json(round_.id, place_file(participant_id, head[0]["files"])) or {}
    return place_of(document, participant_id)


def _final(round_: Round, participant_id: str) -> dict:
    place = final_place(round_, participant_id)
    if place is None:
        return _answer(round_, True)
    standing = {"rank": place["rank"], "participant_id": participant_id, "display_name": place["display_name"],
                "unit_id": place["unit_id"], "unit_name": _unit_name(place["unit_id"]), "category": place["category"],
                **{name: place[name] for name in ("correct", "total", "duration_ms", "prediction")},
                "submitted_at": iso(place["submitted_at"])}
    return _answer(round_, True, standing, place["rank"], place["category_rank"], True, place["prize"])

