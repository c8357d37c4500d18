"""Finalization: the ranking recomputed from the accepted attempts themselves (never the derived items), written
as CSV and XLSX to the results bucket, then the round marked finalized.

The accepted attempts are read three times, page by page: the prediction truth, the final bests, and the
`attempts` file (which also counts each unit's submissions). Memory grows with participants only: each
file is streamed to disk, in CSV and XLSX together."""
from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import asdict
from functools import partial
from pathlib import Path

from chalicelib.contest.attempts import Attempt
from chalicelib.contest.names import mask_name
from chalicelib.contest.ranking import FinalRanking, RankedEntry, final_ranking
from chalicelib.contest.rounds import Round
from chalicelib.contest.units import BestOfParticipant, UnitStanding, UnitTree, tally_units, unit_standings
from chalicelib.events import exports, prize_results
from chalicelib.observability import logger, metric, tracer
from chalicelib.services import contest as contest_service
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store
from chalicelib.store import standings as standing_store
from chalicelib.store import units as unit_store

TOP_SNAPSHOT = 100


def _counted(attempts: Iterable[Attempt], per_unit: Counter, excluded: Collection[str]) -> Iterator[Attempt]:
    for attempt in attempts:
        if attempt.participant_id not in excluded:
            per_unit[attempt.unit_id] += 1
        yield attempt


def _unit_table(tree: UnitTree, ranking: FinalRanking, submissions_by_unit: Counter) -> list[UnitStanding]:
    bests = [BestOfParticipant(e.attempt.participant_id, e.attempt.unit_id, e.attempt.category, e.attempt.correct)
             for e in ranking.entries]
    return unit_standings(tree, tally_units(tree, bests, submissions_by_unit),
                          contest_service.settings(fresh=True).targets)


def _write_results(round_: Round, ranking: FinalRanking, tree: UnitTree, names: exports.Names,
                   directory: Path, excluded: Collection[str]) -> tuple[list[UnitStanding], prize_results.Awards]:
    """Writes the result files into `directory`; returns the unit table (it needs the attempts pass) and the
    prizes."""
    submissions_by_unit: Counter = Counter()
    attempts = _counted(attempt_store.accepted_in_round(round_.id), submissions_by_unit, excluded)
    exports.write_files(directory, "attempts", exports.ATTEMPTS_HEADER, exports.attempt_rows(attempts, names))
    table = _unit_table(tree, ranking, submissions_by_unit)
    exports.write_files(directory, "units", exports.UNITS_HEADER, exports.unit_rows(table))
    exports.write_files(directory, "ranking", exports.RANKING_HEADER, exports.ranking_rows(ranking, names))
    awards = prize_results.award(round_, ranking, table, tree, excluded)
    exports.write_files(directory, "prizes", prize_results.PRIZES_HEADER, prize_results.prize_rows(awards, names))
    return table, awards


def _standing_view(entry: RankedEntry, truth: int, names: exports.Names) -> dict:
    a = entry.attempt
    return {"rank": entry.rank, "category_rank": entry.category_rank, "attempt": asdict(a),
            "display_name": mask_name(names.person(a.participant_id) or ""), "distance": abs(a.prediction - truth)}


def _save_snapshots(round_id: str, ranking: FinalRanking, table: list[UnitStanding], awards: prize_results.Awards,
                    names: exports.Names) -> None:
    view = partial(_standing_view, truth=ranking.truth, names=names)
    standing_store.save_final(round_id, "all", [view(e) for e in ranking.entries[:TOP_SNAPSHOT]])
    for category in exports.CATEGORY_NAMES:
        in_category = [e for e in ranking.entries if e.attempt.category == category][:TOP_SNAPSHOT]
        standing_store.save_final(round_id, category, [view(e) for e in in_category])
    standing_store.save_final(round_id, "units", [asdict(s) for s in table])
    standing_store.save_final(round_id, "prizes", prize_results.snapshot(awards, names))


@tracer.capture_method
def finalize(round_: Round, excluded: Collection[str] = frozenset()) -> FinalRanking:
    """`excluded`: the disqualified participants, left out of the ranking, the truth, the unit counts and the
    prizes."""
    started = time.monotonic()
    ranking = final_ranking(lambda: (a.scored() for a in attempt_store.accepted_in_round(round_.id)
                                     if a.participant_id not in excluded), round_.prediction_target)
    tree = UnitTree(unit_store.list_units(fresh=True))
    names = exports.Names(participant_store.get_many([e.attempt.participant_id for e in ranking.entries]),
                          {unit.id: unit.name for unit in tree.units()})
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        table, awards = _write_results(round_, ranking, tree, names, directory, excluded)
        paths = [directory / f"{name}.{fmt}" for name, fmt in result_store.files()]
        for path in paths:
            result_store.upload(round_.id, path)
        result_store.check_stored(round_.id, paths)      # `finalized` promises files that can be read
    _save_snapshots(round_.id, ranking, table, awards, names)
    round_store.set_status(round_.id, "finalized", ("closed",), {"prediction_truth": ranking.truth})
    metric("FinalizationDuration", (time.monotonic() - started) * 1000)
    logger.info("round finalized", extra={"round_id": round_.id, "participants": len(ranking.entries)})
    return ranking
