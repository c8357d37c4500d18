"""The result files' contents: their headers and rows (Vietnamese, for organizers), and writing each as CSV and
XLSX in one pass over its rows. No storage here: the finalizer hands in what it read."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from chalicelib.contest import tables
from chalicelib.contest.attempts import Attempt
from chalicelib.contest.participants import Participant
from chalicelib.contest.ranking import FinalRanking
from chalicelib.contest.times import iso
from chalicelib.contest.units import UnitStanding

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
class Names:
    """What the files show for ids: participants (name, phone) and unit names."""

    people: dict[str, Participant]
    units: dict[str, str]

    def person(self, participant_id: str) -> str | None:
        found = self.people.get(participant_id)
        return found.full_name if found else None

    def phone(self, participant_id: str) -> str | None:
        found = self.people.get(participant_id)
        return found.phone if found else None

    def unit(self, unit_id: str) -> str:
        return self.units.get(unit_id, unit_id)


def ranking_rows(ranking: FinalRanking, names: Names) -> Iterator[list]:
    for entry in ranking.entries:
        a = entry.attempt
        yield [entry.rank, entry.category_rank, names.person(a.participant_id), names.phone(a.participant_id),
               names.unit(a.unit_id), CATEGORY_NAMES[a.category], a.correct, a.total, a.prediction,
               abs(a.prediction - ranking.truth), a.duration_ms, iso(a.submitted_at), a.attempt_id]


def unit_rows(table: Iterable[UnitStanding]) -> Iterator[list]:
    for s in table:
        yield [s.rank, s.unit_id, s.name, s.participants, s.officials, s.citizens, s.submissions, s.headcount,
               s.population, s.official_rate, s.citizen_rate, s.mean_correct,
               "Đạt" if s.meets_targets else "Chưa đạt"]


def attempt_rows(attempts: Iterable[Attempt], names: Names) -> Iterator[list]:
    for a in attempts:
        yield [a.id, a.participant_id, names.person(a.participant_id), names.unit(a.unit_id),
               CATEGORY_NAMES.get(a.category, a.category), a.correct, a.total, a.prediction, a.duration_ms,
               iso(a.started_at), iso(a.submitted_at)]


def write_files(directory: Path, name: str, header: list[str], rows: Iterable[list]) -> list[Path]:
    """`<name>.csv` and `<name>.xlsx` of the same rows, written together in one pass."""
    csv_path, xlsx_path = directory / f"{name}.csv", directory / f"{name}.xlsx"
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        tables.write_csv_and_xlsx(out, str(xlsx_path), name, header, rows)
    return [csv_path, xlsx_path]
