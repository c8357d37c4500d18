"""Finalization: the ranking recomputed from the accepted attempts themselves (never the derived items),
written as CSV and XLSX to the results bucket, then the round marked finalized. Memory grows with
participants: attempts are streamed from the table twice and the attempts file is streamed to disk."""
from __future__ import annotations

import tempfile
from collections import Counter
import time
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator

from chalicelib import config
from chalicelib.api.http import iso
from chalicelib.contest import tables
from chalicelib.contest.names import mask_name
from chalicelib.contest.ranking import FinalRanking, RankedEntry, final_ranking
from chalicelib.contest.rounds import Round
from chalicelib.contest.units import BestOfParticipant, Targets, UnitTree, tally_units, unit_standings
from chalicelib.observability import logger, metric, tracer
from chalicelib.services.scoring import scored
from chalicelib.store import attempts as attempt_store
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store
from chalicelib.store import standings
from chalicelib.store import units as unit_store
from chalicelib.store.models import AttemptModel, ParticipantModel

TOP_SNAPSHOT = 100
CATEGORY_NAMES = {"official": "Cán bộ, công chức, viên chức, người lao động", "citizen": "Nhân dân"}

RANKING_HEADER = ["Hạng", "Hạng theo đối tượng", "Họ và tên", "Số điện thoại", "Đơn vị", "Đối tượng",
                  "Số câu đúng", "Tổng số câu", "Dự đoán", "Chênh lệch dự đoán", "Thời gian làm bài (ms)",
                  "Thời điểm nộp bài", "Mã lượt thi"]
UNITS_HEADER = ["Hạng", "Mã đơn vị", "Tên đơn vị", "Người dự thi", "Cán bộ, công chức", "Nhân dân",
                "Lượt thi", "Biên chế", "Dân số", "Tỷ lệ CBCC tham gia", "Tỷ lệ người dân tham gia",
                "Số câu đúng trung bình", "Đạt chỉ tiêu"]
ATTEMPTS_HEADER = ["Mã lượt thi", "Mã thí sinh", "Họ và tên", "Đơn vị", "Đối tượng", "Số câu đúng",
                   "Tổng số câu", "Dự đoán", "Thời gian làm bài (ms)", "Bắt đầu", "Thời điểm nộp bài"]


@dataclass(frozen=True)
class People:
    names: dict[str, str]
    phones: dict[str, str]


def _accepted(round_id: str) -> Iterator[AttemptModel]:
    return attempt_store.accepted_in_round(round_id)


def _people(participant_ids: Iterable[str]) -> People:
    names, phones = {}, {}
    for item in ParticipantModel.batch_get(list(participant_ids)):
        names[item.participant_id] = item.full_name
        phones[item.participant_id] = item.phone
    return People(names, phones)


def _ranking_rows(ranking: FinalRanking, people: People, unit_names: dict[str, str]) -> Iterator[list]:
    for entry in ranking.entries:
        a = entry.attempt
        yield [entry.rank, entry.category_rank, people.names.get(a.participant_id), people.phones.get(
            a.participant_id), unit_names.get(a.unit_id, a.unit_id), CATEGORY_NAMES[a.category], a.correct,
            a.total, a.prediction, abs(a.prediction - ranking.truth), a.duration_ms, iso(a.submitted_at),
            a.attempt_id]


def _unit_rows(table) -> Iterator[list]:
    for s in table:
        yield [s.rank, s.unit_id, s.name, s.participants, s.officials, s.citizens, s.submissions, s.headcount,
               s.population, s.official_rate, s.citizen_rate, s.mean_correct, "Đạt" if s.meets_targets else
               "Chưa đạt"]


def _attempt_rows(round_id: str, people: People, unit_names: dict[str, str]) -> Iterator[list]:
    for item in _accepted(round_id):
        yield [item.attempt_id, item.participant_id, people.names.get(item.participant_id),
               unit_names.get(item.unit_id, item.unit_id), CATEGORY_NAMES.get(item.category, item.category),
               int(item.correct), int(item.total), int(item.prediction), int(item.duration_ms),
               iso(int(item.started_at)), iso(int(item.submitted_at))]


def _standing_view(entry: RankedEntry, truth: int, people: People) -> dict:
    a = entry.attempt
    return {"rank": entry.rank, "category_rank": entry.category_rank, "attempt": asdict(a),
            "display_name": mask_name(people.names.get(a.participant_id, "")), "distance": abs(a.prediction - truth)}


def _write_files(directory: Path, name: str, header: list[str], rows) -> list[Path]:
    """Writes one CSV and one XLSX of the same rows (generated twice, so nothing is held in memory)."""
    csv_path, xlsx_path = directory / f"{name}.csv", directory / f"{name}.xlsx"
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        tables.write_csv_to(out, header, rows())
    tables.write_xlsx_to(str(xlsx_path), name, header, rows())
    return [csv_path, xlsx_path]


@tracer.capture_method
def finalize(round_: Round) -> FinalRanking:
    started = time.monotonic()
    settings = config.current()
    ranking = final_ranking(lambda: (scored(item) for item in _accepted(round_.id)), round_.prediction_target)
    submissions_by_unit = Counter(item.unit_id for item in _accepted(round_.id))
    tree = UnitTree(unit_store.list_units(fresh=True))
    unit_names = {unit.id: unit.name for unit in tree.units()}
    bests = [BestOfParticipant(e.attempt.participant_id, e.attempt.unit_id, e.attempt.category, e.attempt.correct)
             for e in ranking.entries]
    table = unit_standings(tree, tally_units(tree, bests, submissions_by_unit),
                           Targets(settings.target_official_rate, settings.target_citizen_rate))
    people = _people(e.attempt.participant_id for e in ranking.entries)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        contents = {"ranking": (RANKING_HEADER, lambda: _ranking_rows(ranking, people, unit_names)),
                    "units": (UNITS_HEADER, lambda: _unit_rows(table)),
                    "attempts": (ATTEMPTS_HEADER, partial(_attempt_rows, round_.id, people, unit_names))}
        uploaded = []
        for name in result_store.NAMES:
            for path in _write_files(directory, name, *contents[name]):
                result_store.upload(round_.id, path)
                uploaded.append(path)
        result_store.check_stored(round_.id, uploaded)      # `finalized` promises files that can be read
    view = partial(_standing_view, truth=ranking.truth, people=people)
    standings.save_final(round_.id, "all", [view(e) for e in ranking.entries[:TOP_SNAPSHOT]])
    for category in CATEGORY_NAMES:
        in_category = [e for e in ranking.entries if e.attempt.category == category][:TOP_SNAPSHOT]
        standings.save_final(round_.id, category, [view(e) for e in in_category])
    standings.save_final(round_.id, "units", [asdict(s) for s in table])
    round_store.set_status(round_.id, "finalized", ("closed",), {"prediction_truth": ranking.truth})
    metric("FinalizationDuration", (time.monotonic() - started) * 1000)
    logger.info("round finalized", extra={"round_id": round_.id, "participants": len(ranking.entries)})
    return ranking
