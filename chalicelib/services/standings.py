"""The read models: live (or, once finalized, final) leaderboard, unit table and totals."""
from __future__ import annotations

from collections.abc import Mapping

from chalicelib import config, runtime
from chalicelib.contest.ranking import CATEGORIES
from chalicelib.contest.records import asdict
from chalicelib.contest.rounds import Round
from chalicelib.contest.times import iso
from chalicelib.contest.units import UnitTally, UnitTree, roll_up, unit_standings
from chalicelib.fields import query_choice, query_integer
from chalicelib.services import contest as contest_service
from chalicelib.services.lookups import round_or_404
from chalicelib.store import participants as participant_store
from chalicelib.store import rounds as round_store
from chalicelib.store import standings as standing_store
from chalicelib.store import tallies, tops
from chalicelib.store import units as unit_store
from chalicelib.store.cache import TimedCache

_TALLY_FIELDS = ("participants", "officials", "citizens", "submissions", "sum_best_correct")
# Every page polls these; a few seconds in the function's memory take the load off the same few keys
# (the answers say how fresh they are in `as_of`).
_read_cache: TimedCache[dict] = TimedCache(lambda: config.current().standings_cache_seconds)


def _cached(key: tuple, build) -> dict:
    return _read_cache.get(key, build)


def _standing(rank: int, attempt: dict, display_name: str, unit_names: dict, final: bool) -> dict:
    return {
        "rank": rank, "participant_id": attempt["participant_id"], "display_name": display_name,
        "unit_id": attempt["unit_id"], "unit_name": unit_names.get(attempt["unit_id"], attempt["unit_id"]),
        "category": attempt["category"], "correct": attempt["correct"], "total": attempt["total"],
        "duration_ms": attempt["duration_ms"], "submitted_at": iso(attempt["submitted_at"]),
        "prediction": attempt["prediction"] if final else None,
    }


def leaderboard(round_id: str, query: Mapping[str, str]) -> dict:
    """The top of a round. A round that keeps its scores until publication (score_visibility `after_publish`)
    shows no entries before it: ranks follow `correct`, so even names in order, without scores, would tell
    the order of scores (`scores_hidden: true`; the totals still show participation)."""
    round_ = round_or_404(round_id)
    limit = query_integer(query, "limit", 1, 100, default=20)
    category = query_choice(query, "category", CATEGORIES)
    if not round_.scores_visible:
        return {"round_id": round_id, "final": False, "as_of": iso(runtime.now_ms()), "prediction_truth": None,
                "entries": [], "scores_hidden": True}
    return _cached(("leaderboard", round_id, round_.is_published, category, limit),
                   lambda: _leaderboard(round_, category, limit))


def _leaderboard(round_: Round, category: str | None, limit: int) -> dict:
    round_id = round_.id
    unit_names = {unit.id: unit.name for unit in unit_store.list_units()}
    now = runtime.now_ms()
    if round_.is_published:  # final once published: until then (publication `review`) the live board stays
        snapshot = standing_store.load_final(round_id, category or "all") or []
        entries = [_standing(e["category_rank"] if category else e["rank"], e["attempt"], e["display_name"],
                             unit_names, True) for e in snapshot[:limit]]
        return {"round_id": round_id, "final": True, "as_of": iso(now),
                "prediction_truth": round_.prediction_truth, "entries": entries, "scores_hidden": False}
    excluded = participant_store.disqualified_ids()      # hidden from the live lists (RULES.md, Fairness)
    top = [best for best in tops.top(round_id, category, limit + len(excluded))
           if best.attempt.participant_id not in excluded][:limit]
    entries = [_standing(i + 1, asdict(best.attempt), best.display_name, unit_names, False)
               for i, best in enumerate(top)]
    return {"round_id": round_id, "final": False, "as_of": iso(now), "prediction_truth": None,
            "entries": entries, "scores_hidden": False}


def unit_table(round_id: str) -> dict:
    """The units of a round; before a round with `after_publish` is published, without `mean_correct`."""
    round_ = round_or_404(round_id)
    table = _cached(("units", round_id, round_.is_published), lambda: _unit_table(round_))
    if round_.scores_visible:
        return table
    return {**table, "entries": [{**entry, "mean_correct": None} for entry in table["entries"]]}


def _unit_table(round_: Round) -> dict:
    round_id = round_.id
    if round_.is_published:  # final once published (see _leaderboard)
        entries = standing_store.load_final(round_id, "units") or []
        return {"round_id": round_id, "final": True, "as_of": iso(runtime.now_ms()),
                "entries": entries}
    counters, as_of = tallies.counters(round_id)
    own = {key: UnitTally(**{name: values[name] for name in _TALLY_FIELDS}) for key, values in counters.items()
           if not key.startswith(tallies.SCORES)}
    tree = UnitTree(unit_store.list_units())
    table = unit_standings(tree, roll_up(tree, own), contest_service.settings().targets)
    return {"round_id": round_id, "final": False, "as_of": iso(as_of or runtime.now_ms()),
            "entries": [asdict(s) for s in table]}


def stats(per_unit: bool = False) -> dict:
    """The public totals: one counter scope, a few items per slot, whatever the units or the hours."""
    return _cached(("stats", per_unit), lambda: _stats(per_unit))


def _stats(per_unit: bool) -> dict:
    contest, as_of = tallies.counters(tallies.CONTEST)
    totals = contest.get(tallies.CONTEST, {})
    rounds = round_store.list_rounds()
    def round_totals(round_id: str) -> dict:
        counted = contest.get(tallies.round_key(round_id), {})
        return {name: counted.get(name, 0) for name in ("participants", "submissions")}

    body = {"registered": totals.get("registered", 0), "participants": totals.get("participants", 0),
            "submissions": totals.get("submissions", 0),
            "rounds": [{"round_id": round_.id, **round_totals(round_.id)} for round_ in rounds],
            "as_of": iso(as_of or runtime.now_ms())}
    if per_unit:
        hours, _ = tallies.counters(tallies.HOURS)
        body["submissions_per_hour"] = [{"hour": f"{hour}:00:00Z", "submissions": values["submissions"]}
                                        for hour, values in sorted(hours.items())]
        units: dict[str, int] = {}
        for round_ in rounds:
            for unit_id, values in tallies.counters(round_.id)[0].items():
                units[unit_id] = units.get(unit_id, 0) + values["submissions"]
        body["submissions_per_unit"] = [{"unit_id": unit_id, "submissions": count}
                                        for unit_id, count in sorted(units.items())]
    return body
