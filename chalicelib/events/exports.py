"""The result files' contents: their columns and rows (Vietnamese, for organizers), written as CSV (UTF-8 with a
BOM) and XLSX (chalicelib.contest.sheets: split into sheets of at most SHEET_ROWS rows) in one pass over the rows,
in the contest's time zone (chalicelib.contest.layout). The `attempts` file is written in parts, one per reduce
task, and joined by the merge without re-reading the attempts. No storage here: the finalizer hands in files and
what it read."""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, BinaryIO, TypeVar

from chalicelib.contest import layout as layouts
from chalicelib.contest import sheets, tables
from chalicelib.contest.finals import Accepted
from chalicelib.contest.layout import Column, Layout, Widths, csv_head, spool_reader
from chalicelib.contest.records import Struct
from chalicelib.contest.times import sheet_number
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


class Person(Struct, frozen=True):
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


def text_cells(value: str | None) -> tuple[str, str]:
    """A text cell as CSV (`csv_field`) and as XML (`sheets.cell`). Fast for most: letters, digits and dots with
    spaces between (attempt ids `<participant>.<n>`, names, places) need no quoting, escaping or formula prefix
    in either format (str's own checks, far cheaper than a regular expression on millions of ids)."""
    if value and value[0] != " " != value[-1] and value.replace(" ", "").replace(".", "").isalnum():
        return value, f'<c t="inlineStr"><is><t>{value}</t></is></c>'
    return csv_field(value or ""), sheets.cell(value)


class _Texts(dict):
    """Texts of values many rows repeat (unit and category names), escaped once each (and encoded, if asked)."""

    def __init__(self, shown: Callable[[Any], str | None], encoded: bool = False) -> None:
        super().__init__()
        self._shown, self._encoded = shown, encoded

    def __missing__(self, value: Any) -> tuple[Any, Any]:
        texts = text_cells(self._shown(value))
        found = self[value] = (texts[0].encode(), texts[1].encode()) if self._encoded else texts
        return found


# The rows below are made fast (millions of them, in the tasks), as UTF-8 bytes: what holds Vietnamese (names,
# units, categories, flags) is encoded once and joined to the rest, which is ASCII (building and encoding a
# Vietnamese row as a whole costs a few times as much). Their cells are those of `Layout` and `sheets.cell`, byte
# for byte (tests/unit/test_sheets.py).

# A number cell's end and the start of a styled one: a duration's, a time's.
_THEN_DURATION = f'</v></c><c s="{sheets.DURATION}"><v>'
_THEN_TIME = f'</v></c><c s="{sheets.TIME}"><v>'


class AttemptRows:
    """The attempts file's rows in both formats, fast: what is the same for all of a participant's attempts (id,
    name, unit, category) is quoted, escaped and encoded once, the same bytes as `attempt_row` through `Layout`.
    The first rows are measured for the widths."""

    def __init__(self, people: dict[str, Person], unit_names: dict[str, str], zone: str) -> None:
        self._people, self._unit_names = people, unit_names
        self._middles: dict[tuple[str, str, str], tuple[bytes, bytes]] = {}
        self._units = _Texts(lambda uid: unit_names.get(uid, uid))
        self._categories = _Texts(lambda c: CATEGORY_NAMES.get(c, c))
        self._flags: dict[tuple[str, ...], tuple[bytes, bytes]] = {}
        self.layout = Layout(ATTEMPTS, zone)
        self.widths = self.layout.widths()
        self._texts = self.layout.clock.texts

    def _middle(self, key: tuple[str, str, str]) -> tuple[bytes, bytes]:
        pid, unit_id, category = key
        person = self._people.get(pid)
        (pid_csv, pid_xml), (name_csv, name_xml) = text_cells(pid), text_cells(person.full_name if person else None)
        (unit_csv, unit_xml), (category_csv, category_xml) = self._units[unit_id], self._categories[category]
        found = self._middles[key] = (f",{pid_csv},{name_csv},{unit_csv},{category_csv},".encode(),
                                      (pid_xml + name_xml + unit_xml + category_xml).encode())
        return found

    def _ends(self, flags: tuple[str, ...]) -> tuple[bytes, bytes]:
        """The flags' cell and the row's end."""
        flags_csv, flags_xml = text_cells(flag_text(flags))
        found = self._flags[flags] = (f",{flags_csv}\r\n".encode(), f"{flags_xml}</row>".encode())
        return found

    def both(self, a: Accepted) -> tuple[bytes, bytes]:
        key = (a.participant_id, a.unit_id, a.category)
        middle_csv, middle_xml = self._middles.get(key) or self._middle(key)
        end_csv, end_xml = self._flags.get(a.flags) or self._ends(a.flags)
        if self.widths.wanted:
            self.widths.see(attempt_row(a, self._people.get(a.participant_id),
                                        self._unit_names.get(a.unit_id, a.unit_id)))
        texts = self._texts
        aid_csv, aid_xml = text_cells(a.attempt_id)
        started_csv, started_days = texts(a.started_at)
        submitted_csv, submitted_days = texts(a.submitted_at)
        correct, total, prediction, duration = a.correct, a.total, a.prediction, a.duration_ms
        numbers_csv = f"{correct},{total},{prediction},{duration},{started_csv},{submitted_csv}"
        numbers_xml = (f"<c><v>{correct}</v></c><c><v>{total}</v></c><c><v>{prediction}{_THEN_DURATION}"
                       f"{sheet_number(duration)}{_THEN_TIME}{started_days}{_THEN_TIME}{submitted_days}</v></c>")
        return (b"".join([aid_csv.encode(), middle_csv, numbers_csv.encode(), end_csv]),
                b"".join([b"<row>", aid_xml.encode(), middle_xml, numbers_xml.encode(), end_xml]))


class RankingRows:
    """The ranking file's rows after the two rank columns (known only to the merge), in both formats, made by
    the reduce tasks in parallel: the merge then writes `rank,category_rank,` + the rest."""

    def __init__(self, people: dict[str, Person], unit_names: dict[str, str], truth: int, zone: str) -> None:
        self._people, self._unit_names = people, unit_names
        self._units = _Texts(lambda uid: unit_names.get(uid, uid), encoded=True)
        self._categories = _Texts(lambda c: CATEGORY_NAMES.get(c, c), encoded=True)
        self._truth = truth
        self.layout = Layout(RANKING, zone)
        self.widths = self.layout.widths()

    def rest(self, a: Accepted) -> tuple[bytes, bytes]:
        person = self._people.get(a.participant_id)
        name_csv, name_xml = text_cells(person.full_name if person else None)
        phone_csv, phone_xml = text_cells(person.phone if person else None)
        (unit_csv, unit_xml), (category_csv, category_xml) = self._units[a.unit_id], self._categories[a.category]
        if self.widths.wanted:
            self.widths.see(ranking_row(1, 1, a, person, self._unit_names.get(a.unit_id, a.unit_id), self._truth))
        distance = abs(a.prediction - self._truth)
        aid_csv, aid_xml = text_cells(a.attempt_id)
        submitted_csv, submitted_days = self.layout.clock.texts(a.submitted_at)
        numbers_csv = f"{a.correct},{a.total},{a.prediction},{distance},{a.duration_ms},{submitted_csv},{aid_csv}"
        numbers_xml = (f"<c><v>{a.correct}</v></c><c><v>{a.total}</v></c><c><v>{a.prediction}</v></c><c><v>"
                       f"{distance}{_THEN_DURATION}{sheet_number(a.duration_ms)}{_THEN_TIME}{submitted_days}</v></c>"
                       f"{aid_xml}")
        return (b"".join([f"{name_csv},{phone_csv},".encode(), unit_csv, b",", category_csv, b",",
                          numbers_csv.encode()]),
                b"".join([(name_xml + phone_xml).encode(), unit_xml, category_xml, numbers_xml.encode()]))


# A ranking row: `% (rank, category rank, the rest of the row from RankingRows.rest)`
RANKED_CSV = b"%d,%d,%s\r\n"
RANKED_XML = b"<row><c><v>%d</v></c><c><v>%d</v></c>%s</row>"


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
                 ranked: Iterable[list[tuple[int, int, tuple]]], sheet_rows: int = sheets.SHEET_ROWS) -> int:
    """The ranking as CSV and XLSX from batches of (rank, category rank, row) whose row ends with its CSV rest and
    its XML rest (`RankingRows`), `widths` measured by the tasks."""
    csv_out.write(csv_head([c.label for c in RANKING]))
    fragments = sheets.FragmentWriter(spool, sheet_rows - 1)

    def write(lines: bytes, xml: list[bytes]) -> None:
        csv_out.write(lines)
        fragments.extend(xml)
    count, written = 0, None
    # Each batch deflated and written (zlib and I/O let go of the GIL) while the next is made, one at a time.
    with ThreadPoolExecutor(1) as writer:
        for batch in ranked:
            lines = b"".join([RANKED_CSV % (rank, category_rank, row[-2]) for rank, category_rank, row in batch])
            xml = [RANKED_XML % (rank, category_rank, row[-1]) for rank, category_rank, row in batch]
            if written is not None:
                written.result()
            written = writer.submit(write, lines, xml)
            count += len(batch)
        if written is not None:
            written.result()
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
