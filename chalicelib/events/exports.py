"""The result files' contents: their columns and rows (Vietnamese, for organizers), written as CSV (UTF-8 with a
BOM) and XLSX (chalicelib.contest.sheets: split into sheets of at most SHEET_ROWS rows) in one pass over the rows,
in the contest's time zone (chalicelib.contest.layout). The `attempts` file is written in parts, one per reduce
task, and joined by the merge without re-reading the attempts. No storage here: the finalizer hands in files and
what it read."""
from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

from chalicelib.contest import layout as layouts
from chalicelib.contest import sheets, tables
from chalicelib.contest.finals import Accepted
from chalicelib.contest.layout import Column, Layout, Widths, csv_head, spool_reader
from chalicelib.contest.units import UnitStanding, UnitTree

CATEGORY_NAMES = {"official": "Cán bộ, công chức, viên chức, người lao động", "citizen": "Nhân dân"}
# The signals of RULES.md (written on attempts by issue 10) as organizers read them.
FLAG_NAMES = {"too_fast": "Làm bài quá nhanh", "probe": "Trả lời chưa đến một nửa số câu",
              "shared_device": "Dùng chung thiết bị hoặc địa chỉ mạng"}

RANKING = [Column("Hạng"), Column("Hạng theo đối tượng"), Column("Họ và tên"), Column("Số điện thoại"),
           Column("Đơn vị"), Column("Đối tượng"), Column("Số câu đúng"), Column("Tổng số câu"), Column("Dự đoán"),
           Column("Chênh lệch dự đoán"), Column("Thời gian làm bài (ms)", "duration", "Thời gian làm bài"),
           Column("Thời điểm nộp bài", "time"), Column("Mã lượt thi")]
UNITS = [Column("Hạng"), Column("Mã đơn vị"), Column("Tên đơn vị"), Column("Mã đơn vị cấp trên"),
         Column("Đơn vị cấp trên"), Column("Người dự thi"), Column("Cán bộ, công chức"), Column("Nhân dân"),
         Column("Lượt thi"), Column("Biên chế"), Column("Dân số"), Column("Tỷ lệ CBCC tham gia", "rate"),
         Column("Tỷ lệ người dân tham gia", "rate"), Column("Số câu đúng trung bình"), Column("Đạt chỉ tiêu")]
ATTEMPTS = [Column("Mã lượt thi"), Column("Mã thí sinh"), Column("Họ và tên"), Column("Đơn vị"), Column("Đối tượng"),
            Column("Số câu đúng"), Column("Tổng số câu"), Column("Dự đoán"),
            Column("Thời gian làm bài (ms)", "duration", "Thời gian làm bài"), Column("Bắt đầu", "time"),
            Column("Thời điểm nộp bài", "time"), Column("Dấu hiệu bất thường")]
T = TypeVar("T")
SHEET_TITLES = {"ranking": "Xếp hạng", "units": "Đơn vị", "attempts": "Lượt thi", "prizes": "Giải thưởng"}


@dataclass(frozen=True)
class Person:
    full_name: str | None
    phone: str | None
    shared_device: bool = False     # the participant's device or address was shared (the aggregator found it)


def flag_text(flags: Sequence[str]) -> str:
    return "; ".join(FLAG_NAMES.get(flag, flag) for flag in flags)


def csv_field(value: str) -> str:
    """A text cell as csv.writer (excel dialect) writes it after `tables.csv_cells`."""
    value = tables.csv_cells([value])[0]
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


# Text that reads the same in both formats untouched: no CSV quoting, no formula prefix, no XML escaping, no
# characters XML drops, no spaces to preserve at either end (checked apart: str.strip's whitespace).
_PLAIN_TEXT = re.compile(r'[^\x00-\x1f,"&<>=+\-@][^\x00-\x1f,"&<>]*')


def text_cells(value: str | None) -> tuple[str, str]:
    """A text cell as CSV (`csv_field`) and as XML (`sheets.cell`); plain text, most of it, without their work."""
    if value and _PLAIN_TEXT.fullmatch(value) and value == value.strip():
        return value, f'<c t="inlineStr"><is><t>{value}</t></is></c>'
    return csv_field(value or ""), sheets.cell(value)


def _joined(cells: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """Adjacent cells' texts (`text_cells`) as one CSV run (no trailing comma) and one XML run."""
    pairs = list(cells)
    return ",".join(c for c, _ in pairs), "".join(x for _, x in pairs)


class _Texts(dict):
    """Texts of values many rows repeat (unit and category names, flags), escaped once each."""

    def __init__(self, shown: Callable[[Any], str | None]) -> None:
        super().__init__()
        self._shown = shown

    def __missing__(self, value: Any) -> tuple[str, str]:
        found = self[value] = text_cells(self._shown(value))
        return found


class AttemptRows:
    """The attempts file's rows in both formats, fast: what is the same for all of a participant's attempts (id,
    name, unit, category) is quoted and escaped once, then a row is two format strings, the same bytes as
    `attempt_row` through `Layout` (tests/unit/test_sheets.py). The first rows are measured for the widths."""

    def __init__(self, people: dict[str, Person], unit_names: dict[str, str], zone: str) -> None:
        self._people, self._unit_names = people, unit_names
        self._middles: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._units = _Texts(lambda uid: unit_names.get(uid, uid))
        self._categories = _Texts(lambda c: CATEGORY_NAMES.get(c, c))
        self._flags = _Texts(flag_text)
        self.layout = Layout(ATTEMPTS, zone)
        self.widths = self.layout.widths()

    def _middle(self, key: tuple[str, str, str]) -> tuple[str, str]:
        pid, unit_id, category = key
        person = self._people.get(pid)
        csv, xml = _joined([text_cells(pid), text_cells(person.full_name if person else None),
                            self._units[unit_id], self._categories[category]])
        found = self._middles[key] = (csv + ",", xml)
        return found

    def both(self, a: Accepted) -> tuple[str, str]:
        key = (a.participant_id, a.unit_id, a.category)
        middle_csv, middle_xml = self._middles.get(key) or self._middle(key)
        flags_csv, flags_xml = self._flags[a.flags]
        if self.widths.wanted:
            self.widths.see(attempt_row(a, self._people.get(a.participant_id),
                                        self._unit_names.get(a.unit_id, a.unit_id)))
        layout = self.layout
        aid_csv, aid_xml = text_cells(a.attempt_id)
        started_csv, started_xml = layout.time_texts(a.started_at)
        submitted_csv, submitted_xml = layout.time_texts(a.submitted_at)
        return (f"{aid_csv},{middle_csv}{a.correct},{a.total},{a.prediction},{a.duration_ms},{started_csv},"
                f"{submitted_csv},{flags_csv}\r\n",
                f"<row>{aid_xml}{middle_xml}<c><v>{a.correct}</v></c><c><v>{a.total}</v></c><c><v>{a.prediction}"
                f"</v></c>{layout.duration_cell(a.duration_ms)}{started_xml}{submitted_xml}{flags_xml}</row>")


class RankingRows:
    """The ranking file's rows after the two rank columns (known only to the merge), in both formats, made by
    the reduce tasks in parallel: the merge then writes `rank,category_rank,` + the rest."""

    def __init__(self, people: dict[str, Person], unit_names: dict[str, str], truth: int, zone: str) -> None:
        self._people, self._unit_names = people, unit_names
        self._units = _Texts(lambda uid: unit_names.get(uid, uid))
        self._categories = _Texts(lambda c: CATEGORY_NAMES.get(c, c))
        self._truth = truth
        self.layout = Layout(RANKING, zone)
        self.widths = self.layout.widths()

    def rest(self, a: Accepted) -> tuple[str, str]:
        person = self._people.get(a.participant_id)
        cells = _joined([text_cells(person.full_name if person else None), text_cells(person.phone if person else None),
                         self._units[a.unit_id], self._categories[a.category]])
        if self.widths.wanted:
            self.widths.see(ranking_row(1, 1, a, person, self._unit_names.get(a.unit_id, a.unit_id), self._truth))
        numbers = (a.correct, a.total, a.prediction, abs(a.prediction - self._truth))
        layout = self.layout
        aid_csv, aid_xml = text_cells(a.attempt_id)
        submitted_csv, submitted_xml = layout.time_texts(a.submitted_at)
        return (f"{cells[0]}," + ",".join(map(str, numbers)) + f",{a.duration_ms},{submitted_csv},{aid_csv}",
                cells[1] + "".join([f"<c><v>{n}</v></c>" for n in numbers])
                + f"{layout.duration_cell(a.duration_ms)}{submitted_xml}{aid_xml}")


def ranked_csv(rank: int, category_rank: int, rest: str) -> str:
    return f"{rank},{category_rank},{rest}\r\n"


def ranked_xml(rank: int, category_rank: int, rest: str) -> str:
    return f"<row><c><v>{rank}</v></c><c><v>{category_rank}</v></c>{rest}</row>"


def attempt_row(a: Accepted, person: Person | None, unit_name: str) -> list:
    """An attempts file's row as plain values (times and the duration in ms) for `Layout`."""
    return [a.attempt_id, a.participant_id, person.full_name if person else None, unit_name,
            CATEGORY_NAMES.get(a.category, a.category), a.correct, a.total, a.prediction, a.duration_ms,
            a.started_at, a.submitted_at, flag_text(a.flags)]


def ranking_row(rank: int, category_rank: int, a: Accepted, person: Person | None, unit_name: str,
                truth: int) -> list:
    return [rank, category_rank, person.full_name if person else None, person.phone if person else None,
            unit_name, CATEGORY_NAMES.get(a.category, a.category), a.correct, a.total, a.prediction,
            abs(a.prediction - truth), a.duration_ms, a.submitted_at, a.attempt_id]


def unit_rows(table: Iterable[UnitStanding], tree: UnitTree) -> Iterator[list]:
    """The unit table's rows, each with its parent unit (id and name; none for a top-level unit)."""
    for s in table:
        parent_id = tree.get(s.unit_id).parent_id if s.unit_id in tree else None
        parent = tree.get(parent_id).name if parent_id is not None and parent_id in tree else None
        yield [s.rank, s.unit_id, s.name, parent_id, parent, s.participants, s.officials, s.citizens, s.submissions,
               s.headcount, s.population, s.official_rate, s.citizen_rate, s.mean_correct,
               "Đạt" if s.meets_targets else "Chưa đạt"]


def write_ranked(csv_out: BinaryIO, xlsx_out: BinaryIO, spool: BinaryIO, widths: Widths,
                 rows: Iterable[tuple[int, int, str, str]], sheet_rows: int = sheets.SHEET_ROWS) -> int:
    """The ranking as CSV and XLSX from (rank, category rank, CSV rest, XML rest) rows (`RankingRows`), `widths`
    measured by the tasks."""
    csv_out.write(csv_head([c.label for c in RANKING]))
    fragments = sheets.FragmentWriter(spool, sheet_rows - 1)
    count = 0
    for batch in batches(rows):
        csv_out.write("".join([ranked_csv(rank, category_rank, rest) for rank, category_rank, rest, _ in batch])
                      .encode("utf-8"))
        fragments.extend([ranked_xml(rank, category_rank, rest) for rank, category_rank, _, rest in batch])
        count += len(batch)
    spool.flush()
    widths.fit(0, len(str(count)))
    widths.fit(1, len(str(count)))
    read = spool_reader(spool)
    sheets.write_workbook(xlsx_out, SHEET_TITLES["ranking"], [c.shown for c in RANKING],
                          sheets.pack([(read, f) for f in fragments.close()], sheet_rows), widths.characters())
    return count


def batches(rows: Iterable[T], size: int = 2048) -> Iterator[list[T]]:
    """Rows in lists of `size` (the last shorter): written at once, fewer calls a row."""
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def join_csv(out: BinaryIO, columns: list[Column], parts: Iterable[Iterable[bytes]]) -> None:
    """The attempts CSV: the BOM and header, then each task's rows as they were written."""
    out.write(csv_head([c.label for c in columns]))
    for part in parts:
        for chunk in part:
            out.write(chunk)


def join_xlsx(out: BinaryIO, name: str, columns: list[Column], pieces: Iterable[sheets.Piece], widths: Widths,
              sheet_rows: int = sheets.SHEET_ROWS) -> int:
    """The attempts XLSX from the tasks' deflated fragments: laid into sheets, never re-encoded. Returns the
    number of sheets."""
    laid = sheets.pack(pieces, sheet_rows)
    sheets.write_workbook(out, SHEET_TITLES.get(name, name), [c.shown for c in columns], laid, widths.characters())
    return len(laid)


def write_both(sink: Callable[[str], AbstractContextManager[Any]], name: str, layout: Layout,
               rows: Iterable[Sequence], sheet_rows: int = sheets.SHEET_ROWS) -> int:
    """A file written whole (units, prizes) as CSV and XLSX into the sink."""
    with sink(f"{name}.csv") as csv_out, sink(f"{name}.xlsx") as xlsx_out, tempfile.TemporaryFile() as spool:
        return layouts.write_both(csv_out, xlsx_out, spool, SHEET_TITLES.get(name, name), layout, rows, sheet_rows)
