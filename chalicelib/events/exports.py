"""The result files' contents: their headers and rows (Vietnamese, for organizers), written as CSV (UTF-8 with a
BOM) and XLSX (chalicelib.contest.sheets: split into sheets of at most SHEET_ROWS rows) in one pass over the rows.
The `attempts` file is written in parts, one per reduce task, and joined by the merge without re-reading the
attempts. No storage here: the finalizer hands in files and what it read."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from chalicelib.contest import sheets, tables
from chalicelib.contest.finals import Accepted
from chalicelib.contest.units import UnitStanding

CATEGORY_NAMES = {"official": "Cán bộ, công chức, viên chức, người lao động", "citizen": "Nhân dân"}
# The signals of RULES.md (written on attempts by issue 10) as organizers read them.
FLAG_NAMES = {"too_fast": "Làm bài quá nhanh", "probe": "Trả lời chưa đến một nửa số câu",
              "shared_device": "Dùng chung thiết bị hoặc địa chỉ mạng"}

RANKING_HEADER = ["Hạng", "Hạng theo đối tượng", "Họ và tên", "Số điện thoại", "Đơn vị", "Đối tượng",
                  "Số câu đúng", "Tổng số câu", "Dự đoán", "Chênh lệch dự đoán", "Thời gian làm bài (ms)",
                  "Thời điểm nộp bài", "Mã lượt thi"]
UNITS_HEADER = ["Hạng", "Mã đơn vị", "Tên đơn vị", "Người dự thi", "Cán bộ, công chức", "Nhân dân",
                "Lượt thi", "Biên chế", "Dân số", "Tỷ lệ CBCC tham gia", "Tỷ lệ người dân tham gia",
                "Số câu đúng trung bình", "Đạt chỉ tiêu"]
ATTEMPTS_HEADER = ["Mã lượt thi", "Mã thí sinh", "Họ và tên", "Đơn vị", "Đối tượng", "Số câu đúng",
                   "Tổng số câu", "Dự đoán", "Thời gian làm bài (ms)", "Bắt đầu", "Thời điểm nộp bài",
                   "Dấu hiệu bất thường"]
SHEET_TITLES = {"ranking": "Xếp hạng", "units": "Đơn vị", "attempts": "Lượt thi"}
_BOM = "\ufeff".encode()


@dataclass(frozen=True)
class Person:
    full_name: str | None
    phone: str | None


class TimeText:
    """Epoch ms as the files write them (ISO 8601, UTC, `…T00:00:00.000Z`, as chalicelib.contest.times.iso),
    fast: the minute is formatted once."""

    def __init__(self) -> None:
        self._minutes: dict[int, str] = {}

    def __call__(self, ms: int) -> str:
        minute, rest = divmod(ms, 60_000)
        prefix = self._minutes.get(minute)
        if prefix is None:
            prefix = self._minutes[minute] = datetime.fromtimestamp(minute * 60, tz=UTC).strftime("%Y-%m-%dT%H:%M:")
        seconds, milli = divmod(rest, 1000)
        return f"{prefix}{seconds:02d}.{milli:03d}Z"


def flag_text(flags: Sequence[str]) -> str:
    return "; ".join(FLAG_NAMES.get(flag, flag) for flag in flags)


def csv_field(value: str) -> str:
    """A text cell as csv.writer (excel dialect) writes it after `tables.csv_cells`."""
    value = tables.csv_cells([value])[0]
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:#-]*")   # ids that need no quoting or escaping in either format


class AttemptRows:
    """The attempts file's rows in both formats, fast: what is the same for all of a participant's attempts (id,
    name, unit, category) is quoted and escaped once, then a row is two format strings, the same bytes as
    `attempt_row` through csv.writer and sheets.row_xml (tests/unit/test_sheets.py)."""

    def __init__(self, people: dict[str, Person], unit_names: dict[str, str]) -> None:
        self._people, self._unit_names = people, unit_names
        self._middles: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._flags: dict[tuple[str, ...], tuple[str, str]] = {(): ("", "<c/>")}
        self._minutes: dict[int, str] = {}
        self._time = TimeText()

    def _middle(self, key: tuple[str, str, str]) -> tuple[str, str]:
        pid, unit_id, category = key
        person = self._people.get(pid)
        cells = [pid, person.full_name if person else None, self._unit_names.get(unit_id, unit_id),
                 CATEGORY_NAMES.get(category, category)]
        found = self._middles[key] = (",".join(csv_field(c or "") for c in cells) + ",",
                                      "".join(sheets.cell(c) for c in cells))
        return found

    def _clock(self, ms: int) -> str:
        minute, rest = divmod(ms, 60_000)
        prefix = self._minutes.get(minute)
        if prefix is None:
            prefix = self._minutes[minute] = self._time(minute * 60_000)[:-7]
        return f"{prefix}{rest // 1000:02d}.{rest % 1000:03d}Z"

    def both(self, a: Accepted) -> tuple[str, str]:
        key = (a.participant_id, a.unit_id, a.category)
        middle_csv, middle_xml = self._middles.get(key) or self._middle(key)
        flags = self._flags.get(a.flags) or self._flags.setdefault(a.flags, _both_texts(None, flag_text(a.flags)))
        started, submitted = self._clock(a.started_at), self._clock(a.submitted_at)
        aid_csv, aid_xml = _id_texts(a.attempt_id)
        return (f"{aid_csv},{middle_csv}{a.correct},{a.total},{a.prediction},{a.duration_ms},{started},{submitted},"
                f"{flags[0]}\r\n",
                f"<row>{aid_xml}{middle_xml}<c><v>{a.correct}</v></c><c><v>{a.total}</v></c><c><v>{a.prediction}"
                f"</v></c><c><v>{a.duration_ms}</v></c><c t=\"inlineStr\"><is><t>{started}</t></is></c><c t=\""
                f'inlineStr"><is><t>{submitted}</t></is></c>{flags[1]}</row>')


class RankingRows:
    """The ranking file's rows after the two rank columns (known only to the merge), in both formats, made by
    the reduce tasks in parallel: the merge then writes `rank,category_rank,` + the rest."""

    def __init__(self, people: dict[str, Person], unit_names: dict[str, str], truth: int) -> None:
        self._people = {pid: _both_texts(p.full_name, p.phone) for pid, p in people.items()}
        self._units = {uid: _both_texts(None, name) for uid, name in unit_names.items()}
        self._categories = {c: _both_texts(None, name) for c, name in CATEGORY_NAMES.items()}
        self._truth, self._time = truth, TimeText()

    def rest(self, a: Accepted) -> tuple[str, str]:
        person = self._people.get(a.participant_id) or ("", "<c/><c/>")
        unit = self._units.get(a.unit_id) or _both_texts(None, a.unit_id)
        category = self._categories.get(a.category) or _both_texts(None, a.category)
        numbers = (a.correct, a.total, a.prediction, abs(a.prediction - self._truth), a.duration_ms)
        submitted = self._time(a.submitted_at)
        aid_csv, aid_xml = _id_texts(a.attempt_id)
        return (f"{person[0]},{unit[0]},{category[0]}," + ",".join(map(str, numbers)) + f",{submitted},{aid_csv}",
                f"{person[1]}{unit[1]}{category[1]}" + "".join([f"<c><v>{n}</v></c>" for n in numbers])
                + f"<c t=\"inlineStr\"><is><t>{submitted}</t></is></c>{aid_xml}")


def ranked_csv(rank: int, category_rank: int, rest: str) -> str:
    return f"{rank},{category_rank},{rest}\r\n"


def ranked_xml(rank: int, category_rank: int, rest: str) -> str:
    return f"<row><c><v>{rank}</v></c><c><v>{category_rank}</v></c>{rest}</row>"


def _id_texts(value: str) -> tuple[str, str]:
    if _PLAIN_ID.fullmatch(value):
        return value, f"<c t=\"inlineStr\"><is><t>{value}</t></is></c>"
    return csv_field(value), sheets.cell(value)


def _both_texts(first: str | None, second: str | None) -> tuple[str, str]:
    """One or two adjacent text cells (a participant's id and name; a unit name) as CSV and as XML."""
    cells = [second] if first is None else [first, second]
    return (",".join(csv_field(c or "") for c in cells), "".join(sheets.cell(c) for c in cells))


def attempt_row(a: Accepted, person: Person | None, unit_name: str, time_text: TimeText) -> list:
    return [a.attempt_id, a.participant_id, person.full_name if person else None, unit_name,
            CATEGORY_NAMES.get(a.category, a.category), a.correct, a.total, a.prediction, a.duration_ms,
            time_text(a.started_at), time_text(a.submitted_at), flag_text(a.flags)]


def ranking_row(rank: int, category_rank: int, a: Accepted, person: Person | None, unit_name: str, truth: int,
                time_text: TimeText) -> list:
    return [rank, category_rank, person.full_name if person else None, person.phone if person else None,
            unit_name, CATEGORY_NAMES.get(a.category, a.category), a.correct, a.total, a.prediction,
            abs(a.prediction - truth), a.duration_ms, time_text(a.submitted_at), a.attempt_id]


def unit_rows(table: Iterable[UnitStanding]) -> Iterator[list]:
    for s in table:
        yield [s.rank, s.unit_id, s.name, s.participants, s.officials, s.citizens, s.submissions, s.headcount,
               s.population, s.official_rate, s.citizen_rate, s.mean_correct,
               "Đạt" if s.meets_targets else "Chưa đạt"]


class CsvPart:
    """CSV rows (no BOM, no header: those open the joined file) into a binary file."""

    def __init__(self, out: BinaryIO) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        self._write = csv.writer(self._text).writerow

    def add(self, row: list) -> None:
        self._write(tables.csv_cells(row))

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


def csv_head(header: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(header)
    return _BOM + out.getvalue().encode("utf-8")


def write_both(csv_out: BinaryIO, xlsx_out: BinaryIO, spool: BinaryIO, name: str, header: list[str],
               rows: Iterable[list], sheet_rows: int = sheets.SHEET_ROWS) -> int:
    """A file as CSV and XLSX from one pass over its rows; the XLSX's rows are spooled (deflated) into `spool`
    first, because a zip lists a member's rows before the next. Returns the number of rows."""
    csv_out.write(csv_head(header))
    part = CsvPart(csv_out)
    fragments = sheets.FragmentWriter(spool, sheet_rows - 1)
    count = 0
    for row in rows:
        part.add(row)
        fragments.add(sheets.row_xml(row))
        count += 1
    part.close()
    spool.flush()
    read = _spool_reader(spool)
    pieces: list[sheets.Piece] = [(read, f) for f in fragments.close()]
    sheets.write_workbook(xlsx_out, SHEET_TITLES.get(name, name), header, sheets.pack(pieces, sheet_rows))
    return count


def write_ranked(csv_out: BinaryIO, xlsx_out: BinaryIO, spool: BinaryIO, header: list[str],
                 rows: Iterable[tuple[int, int, str, str]], sheet_rows: int = sheets.SHEET_ROWS) -> int:
    """The ranking as CSV and XLSX from (rank, category rank, CSV rest, XML rest) rows (`RankingRows`)."""
    csv_out.write(csv_head(header))
    text = io.TextIOWrapper(csv_out, encoding="utf-8", newline="")
    fragments = sheets.FragmentWriter(spool, sheet_rows - 1)
    count = 0
    for rank, category_rank, csv_rest, xml_rest in rows:
        text.write(ranked_csv(rank, category_rank, csv_rest))
        fragments.add(ranked_xml(rank, category_rank, xml_rest))
        count += 1
    text.flush()
    text.detach()
    spool.flush()
    read = _spool_reader(spool)
    sheets.write_workbook(xlsx_out, SHEET_TITLES["ranking"], header,
                          sheets.pack([(read, f) for f in fragments.close()], sheet_rows))
    return count


def _spool_reader(spool: BinaryIO) -> sheets.Reader:
    def read(offset: int, size: int) -> Iterator[bytes]:
        spool.seek(offset)
        while size > 0:
            chunk = spool.read(min(size, 1 << 20))
            size -= len(chunk)
            yield chunk
    return read


def join_csv(out: BinaryIO, header: list[str], parts: Iterable[Iterable[bytes]]) -> None:
    """The attempts CSV: the BOM and header, then each task's rows as they were written."""
    out.write(csv_head(header))
    for part in parts:
        for chunk in part:
            out.write(chunk)


def join_xlsx(out: BinaryIO, name: str, header: list[str], pieces: Iterable[sheets.Piece],
              sheet_rows: int = sheets.SHEET_ROWS) -> int:
    """The attempts XLSX from the tasks' deflated fragments: laid into sheets, never re-encoded. Returns the
    number of sheets."""
    laid = sheets.pack(pieces, sheet_rows)
    sheets.write_workbook(out, SHEET_TITLES.get(name, name), header, laid)
    return len(laid)


Names = Callable[[Iterable[str]], dict[str, Person]]
