"""The result files' writers, rows a second: the registrations export (`chalicelib.contest.layout.write_both`, CSV
and the streamed XLSX with its styles, date-times and widths) against openpyxl's write-only mode (its former
writer), the attempts file's fast rows (`exports.AttemptRows`, what a reduce task writes), and the peak memory of
the export at two sizes (it must stay flat: nothing holds the rows)."""
from __future__ import annotations

import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

ZONE = "Asia/Ho_Chi_Minh"
UNITS = 500


def _people(count: int) -> Iterator:
    from chalicelib.contest.participants import Participant

    for n in range(count):
        yield Participant(f"{n:032x}", f"Nguyễn Văn Người Thứ {n}", f"09{n:08d}", f"xa-{n % UNITS:03d}",
                          ("official", "citizen")[n % 2], "", 1_764_000_000_000 + n * 1000, 1980 + n % 30, None,
                          f"p{n}@example.vn")


def _names() -> dict[str, str]:
    return {f"xa-{k:03d}": f"Xã số {k} của huyện" for k in range(UNITS)}


def export(count: int) -> float:
    """Seconds to write `count` registrations as CSV and XLSX with the streaming writer."""
    from chalicelib.contest.layout import Layout, write_both
    from chalicelib.events import registrations

    layout = Layout(registrations.COLUMNS, ZONE)
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        with open(Path(tmp) / "r.csv", "wb") as csv_out, open(Path(tmp) / "r.xlsx", "wb") as xlsx_out, \
                tempfile.TemporaryFile() as spool:
            write_both(csv_out, xlsx_out, spool, registrations.SHEET_TITLE, layout,
                       registrations.rows(_people(count), _names()))
        return time.perf_counter() - began


def export_with_openpyxl(count: int) -> float:
    """The same rows through the former writer: csv plus openpyxl's write-only mode (times as text)."""
    from chalicelib.contest import tables
    from chalicelib.contest.layout import Layout
    from chalicelib.events import registrations

    layout = Layout(registrations.COLUMNS, ZONE)
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        with open(Path(tmp) / "r.csv", "w", encoding="utf-8", newline="") as out:
            rows = [layout.csv_cells(row) for row in registrations.rows(_people(count), _names())]
            tables.write_csv_to(out, layout.header, rows)
        tables.write_xlsx_to(str(Path(tmp) / "r.xlsx"), registrations.SHEET_TITLE, layout.header, rows)
        return time.perf_counter() - began


def attempt_rows(count: int) -> float:
    """Seconds for `count` rows of the attempts file, both formats, deflated as a reduce task writes them."""
    from chalicelib.contest import sheets
    from chalicelib.contest.finals import Accepted
    from chalicelib.events import exports

    people = {f"p{n}": exports.Person(f"Trần Thị Thí Sinh {n}", f"09{n:08d}") for n in range(count // 3 + 1)}
    rows = exports.AttemptRows(people, _names(), ZONE)
    fragments = sheets.FragmentWriter(io.BytesIO(), 100_000)
    csv_out = io.BytesIO()
    began = time.perf_counter()
    for n in range(count):
        line, xml = rows.both(Accepted(f"{n:032x}", f"p{n // 3}", f"xa-{n % UNITS:03d}", "citizen", n % 21, 20,
                                       n % 900, 300_000 + n, 1_764_000_000_000 + n * 700, 1_764_000_000_000 + n * 600,
                                       ()))
        csv_out.write(line)
        fragments.extend([xml])
    fragments.close()
    return time.perf_counter() - began


def peak_bytes(count: int) -> int:
    tracemalloc.start()
    export(count)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> dict:
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 20_000
    figures = {"export": count / export(count), "openpyxl": count / export_with_openpyxl(count),
               "attempts": 5 * count / attempt_rows(5 * count),
               "peak_small": peak_bytes(count // 10), "peak_large": peak_bytes(count)}
    print(f"result files ({count:,} registrations; {5 * count:,} attempts rows):")
    print(f"  registrations export, CSV + XLSX: {figures['export']:,.0f} rows/s (openpyxl write-only, the former "
          f"writer: {figures['openpyxl']:,.0f} rows/s)")
    print(f"  attempts file's fast rows, both formats, deflated: {figures['attempts']:,.0f} rows/s")
    print(f"  export peak memory (Python heap): {figures['peak_small'] / 2**20:.1f} MiB for {count // 10:,} rows, "
          f"{figures['peak_large'] / 2**20:.1f} MiB for {count:,}")
    return figures


if __name__ == "__main__":
    main()
