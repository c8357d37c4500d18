"""The read models: live (or, once finalized, final) leaderboard, unit table and totals."""
from __future__ import annotations

from dataclasses import asdict

from chalicelib import config, errors, runtime
from chalicelib.api.http import iso
from chalicelib.contest.units import Targets, UnitTally, UnitTree, roll_up, unit_standings
from chalicelib.services.lookups import round_or_404
from chalicelib.store import rounds as round_store
from chalicelib.store import standings as store
from chalicelib.store import units as unit_store

_TALLY_FIELDS = ("participants", "officials", "citizens", "submissions", "sum_best_correct")


def _query_limit(value: str | None) -> int:
    if value is None:
        return 20
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise errors.invalid({"limit": "Phải là số nguyên từ 1 đến 100."})
    return int(value)


def _category(value: str | None) -> str | None:
    if value not in (None, "official", "citizen"):
        raise errors.invalid({"category": "Phải là official hoặc citizen."})
    return value


def _standing(rank: int, attempt: dict, display_name: str, unit_names: dict, final: bool) -> dict:
    return {
        "rank": rank, "participant_id": attempt["participant_id"], "display_name": display_name,
        "unit_id": attempt["unit_id"], "unit_name": unit_names.get(attempt["unit_id"], attempt["unit_id"]),
        "category": attempt["category"], "correct": attempt["correct"], "total": attempt["total"],
        "duration_ms": attempt["duration_ms"], "submitted_at": iso(attempt["submitted_at"]),
        "prediction": attempt["prediction"] if final else None,
    }


def leaderboard(round_id: str, query: dict) -> dict:
    round_ = round_or_404(round_id)
    limit, category = _query_limit(query.get("limit")), _category(query.get("category"))
    unit_names = {unit.id: unit.name for unit in unit_store.list_units()}
    now = runtime.now_ms()
    if round_.status == "finalized":
        snapshot = store.load_final(round_id, category or "all") or []
        entries = [_standing(e["category_rank"] if category else e["rank"], e["attempt"], e["display_name"],
                             unit_names, True) for e in snapshot[:limit]]
        return {"round_id": round_id, "final": True, "as_of": iso(now),
                "prediction_truth": round_.prediction_truth, "entries": entries}
    top = store.top(round_id, category, limit)
    entries = [_standing(i + 1, asdict(best.attempt), best.display_name, unit_names, False)
               for i, best in enumerate(top)]
    return {"round_id": round_id, "final": False, "as_of": iso(now), "prediction_truth": None,
            "entries": entries}


def unit_table(round_id: str) -> dict:
    round_ = round_or_404(round_id)
    if round_.status == "finalized":
        entries = store.load_final(round_id, "units") or []
        return {"round_id": round_id, "final": True, "as_of": iso(runtime.now_ms()),
                "entries": entries}
    counters, as_of = store.counters(round_id)
    own = {key: UnitTally(**{name: values[name] for name in _TALLY_FIELDS})
           for key, values in counters.items() if not key.startswith("#")}
    tree = UnitTree(unit_store.list_units())
    settings = config.current()
    table = unit_standings(tree, roll_up(tree, own),
                           Targets(settings.target_official_rate, settings.target_citizen_rate))
    return {"round_id": round_id, "final": False, "as_of": iso(as_of or runtime.now_ms()),
            "entries": [asdict(s) for s in table]}


def stats(per_unit: bool = False) -> dict:
    contest, as_of = store.counters(store.CONTEST)
    totals = contest.get(store.CONTEST, {})
    rounds, units = [], {}
    for round_ in round_store.list_rounds():
        counters, round_as_of = store.counters(round_.id)
        as_of = max(filter(None, (as_of, round_as_of)), default=None)
        total = counters.get(store.ROUND_TOTAL, {})
        rounds.append({"round_id": round_.id, "participants": total.get("participants", 0),
                       "submissions": total.get("submissions", 0)})
        for key, values in counters.items():
            if not key.startswith("#"):
                units[key] = units.get(key, 0) + values["submissions"]
    body = {"registered": totals.get("registered", 0), "participants": totals.get("participants", 0),
            "submissions": totals.get("submissions", 0), "rounds": rounds,
            "as_of": iso(as_of or runtime.now_ms())}
    if per_unit:
        body["submissions_per_hour"] = [
            {"hour": key[len("#hour#"):] + ":00:00Z", "submissions": values["submissions"]}
            for key, values in sorted(contest.items()) if key.startswith("#hour#")]
        body["submissions_per_unit"] = [{"unit_id": unit_id, "submissions": count}
                                        for unit_id, count in sorted(units.items())]
    return body
