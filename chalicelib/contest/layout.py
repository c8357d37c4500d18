"""How a result file's columns are written: the CSV for machines (the headers of the contract, times as ISO 8601
with the contest's offset, rates as fractions, durations in ms), the XLSX for people (real date-times in the
contest's zone, percentages, minutes and seconds, widths that fit), both from one pass over the same rows."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, BinaryIO

from chalicelib.contest import sheets, tables
from chalicelib.contest.records import Struct
from chalicelib.contest.times import LocalClock, sheet_number

KINDS = ("text", "time", "rate", "duration")    # text: text or a number, as the value is
SAMPLE_ROWS = 1_000             # the rows whose values the widths are measured on
HEADER_WRAP = 16                # a longer header wraps onto a second line rather than widen its column
MAX_WIDTH = 60
_FIXED = {"time": 19, "rate": 6, "duration": 6}     # dd/mm/yyyy hh:mm:ss, 100.0%, 125:59
_BOM = "\ufeff".encode()


class Column(Struct, frozen=True):
    label: str                      # the CSV's header
    kind: str = "text"
    sheet_label: str | None = None  # the XLSX's header, when it says something else (the unit of a duration)

    @property
    def shown(self) -> str:
        return self.sheet_label or self.label


class Layout:
    """A file's columns in one time zone: a row of plain values (times and durations as ms) rendered both ways."""

    def __init__(self, columns: Sequence[Column], zone: str) -> None:
        if any(c.kind not in KINDS for c in columns):
            raise ValueError(f"column kinds are {KINDS}")
        self.columns, self.clock = list(columns), LocalClock(zone)
        self.header = [c.label for c in columns]
        self.sheet_header = [c.shown for c in columns]
        to_csv: dict[str, Callable[[Any], object]] = {"time": self._iso}
        to_xml: dict[str, Callable[[Any], str]] = {"time": self.time_cell, "rate": self._rate,
                                                      "duration": self.duration_cell}
        self._csv = [to_csv.get(c.kind) for c in columns]
        self._xml = [to_xml.get(c.kind, sheets.cell) for c in columns]

    def _iso(self, ms: Any) -> str | None:
        return None if ms is None else self.clock.iso(ms)

    def time_cell(self, ms: Any) -> str:
        return "<c/>" if ms is None else sheets.styled(self.clock.texts(ms)[1], sheets.TIME)

    @staticmethod
    def duration_cell(ms: Any) -> str:
        return "<c/>" if ms is None else sheets.styled(sheet_number(ms), sheets.DURATION)

    @staticmethod
    def _rate(fraction: Any) -> str:
        return sheets.styled(fraction, sheets.RATE)

    def csv_cells(self, row: Sequence) -> list:
        return tables.csv_cells([v if f is None else f(v) for f, v in zip(self._csv, row, strict=True)])

    def xml_row(self, row: Sequence) -> str:
        return "<row>" + "".join([f(v) for f, v in zip(self._xml, row, strict=True)]) + "</row>"

    def widths(self) -> Widths:
        return Widths(self.columns)


class Widths:
    """Column widths in characters: the header's (up to HEADER_WRAP) or the widest value among the first
    SAMPLE_ROWS rows seen, whichever is more; fixed for date-times, percentages and durations."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self._measured = [c.kind not in _FIXED for c in columns]
        self.sizes = [max(_FIXED.get(c.kind, 4), min(len(c.shown), HEADER_WRAP)) for c in columns]
        self._left = SAMPLE_ROWS
        self.wanted = True              # more rows to see (an attribute: the fast rows ask for every row)

    def see(self, row: Sequence) -> None:
        if self._left <= 0:
            return
        self._left -= 1
        self.wanted = self._left > 0
        for i, value in enumerate(row):
            if self._measured[i] and value is not None:
                self.fit(i, len(str(value)))

    def fit(self, index: int, size: int) -> None:
        self.sizes[index] = max(self.sizes[index], size)

    def add(self, sizes: Sequence[int]) -> None:
        """Another sample's sizes (a task's, measured apart)."""
        self.sizes = [max(a, b) for a, b in zip(self.sizes, sizes, strict=True)]

    def characters(self) -> list[float]:
        return [min(MAX_WIDTH, size + 2) for size in self.sizes]


def csv_head(header: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(header)
    return _BOM + out.getvalue().encode("utf-8")


def spool_reader(spool: BinaryIO) -> sheets.Reader:
    """Byte ranges of a file being written (the deflated rows spooled before the workbook is laid out)."""
    def read(offset: int, size: int) -> Iterator[bytes]:
        spool.seek(offset)
        while size > 0:
            chunk = spool.read(min(size, 1 << 20))
            size -= len(chunk)
            yield chunk
    return read


def write_both(csv_out: BinaryIO, xlsx_out: BinaryIO, spool: BinaryIO, title: str, layout: Layout,
               rows: Iterable[Sequence], sheet_rows: int = sheets.SHEET_ROWS) -> int:
    """A file as CSV (UTF-8 with a BOM) and XLSX from one pass over its rows; the XLSX's rows are spooled
    (deflated) into `spool` first, because a zip lists a member's rows before the next. Returns the number of
    rows."""
    csv_out.write(csv_head(layout.header))
    text = io.TextIOWrapper(csv_out, encoding="utf-8", newline="", write_through=False)
    write_row = csv.writer(text).writerow
    fragments = sheets.FragmentWriter(spool, sheet_rows - 1)
    widths = layout.widths()
    count = 0
    for row in rows:
        write_row(layout.csv_cells(row))
        fragments.add(layout.xml_row(row))
        widths.see(row)
        count += 1
    text.flush()
    text.detach()
    spool.flush()
    read = spool_reader(spool)
    sheets.write_workbook(xlsx_out, title, layout.sheet_header, sheets.pack([(read, f) for f in fragments.close()],
                                                                           sheet_rows), widths.characters())
    return count
