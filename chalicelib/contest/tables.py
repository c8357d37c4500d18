"""Reading and writing the tabular files organizers exchange with the platform (CSV and XLSX).

Imports (units, question banks) are read into plain rows of text; results are written as CSV in UTF-8 with a
BOM (so Excel shows Vietnamese) and as XLSX. No storage, no HTTP: bytes in, bytes out.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, time
from functools import lru_cache
from typing import BinaryIO, TextIO

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A file row number beyond this is refused: it bounds the work a small but crafted file can cause.
MAX_ROWS = 50_000

_BOM = "\ufeff"
_CSV_DELIMITERS = (",", ";", "\t")
# A CSV cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
_SHEET_TITLE_MAX = 31

Row = tuple[int, dict[str, str]]


class TableFormatError(ValueError):
    """The file cannot be read at all; the message is meant for the organizer (Vietnamese)."""


# --- reading ----------------------------------------------------------------------------------------------

def read_rows(body: bytes, content_type: str) -> list[Row]:
    """The data rows of a CSV or XLSX file as (file row number, {header: cell text}).

    The first non-blank row is the header (names stripped and lower-cased); blank rows are skipped; cells
    are stripped text, "" when empty. Raises TableFormatError when the file cannot be read.
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == CSV_MIME:
        return _to_records(_csv_cells(body))
    if media_type == XLSX_MIME:
        return _to_records(_xlsx_cells(body))
    raise TableFormatError("Định dạng tệp không được hỗ trợ: chỉ nhận tệp CSV (UTF-8) hoặc Excel (.xlsx)")


def _to_records(cells: Iterable[list[str]]) -> list[Row]:
    """Turn numbered rows of cell texts into header-keyed records."""
    header: list[str] | None = None
    records: list[Row] = []
    for row_number, row in enumerate(cells, start=1):
        if row_number > MAX_ROWS:
            raise TableFormatError(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS} dòng)")
        if not any(row):
            continue
        if header is None:
            header = _header(row)
            continue
        records.append((row_number, _record(header, row)))
    return records


def _header(row: list[str]) -> list[str]:
    names = [cell.lower() for cell in row]
    named = [name for name in names if name]
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        raise TableFormatError(f"Dòng tiêu đề có cột bị lặp: {', '.join(repeated)}")
    return names


def _record(header: list[str], row: list[str]) -> dict[str, str]:
    """Cells under a named column; cells beyond the header or under an empty header cell are dropped."""
    padded = row + [""] * (len(header) - len(row))
    return {name: cell for name, cell in zip(header, padded, strict=False) if name}


def _csv_cells(body: bytes) -> Iterator[list[str]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableFormatError(
            "Tệp CSV không ở dạng UTF-8. Hãy lưu lại tệp bằng “CSV UTF-8 (Comma delimited)” rồi tải lên lại"
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_guess_delimiter(text))
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise TableFormatError(f"Tệp CSV bị lỗi ở dòng {reader.line_num}") from exc


def _guess_delimiter(text: str) -> str:
    """Comma, or the separator Excel uses where the comma is the decimal mark (Vietnamese Windows: ';')."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in _CSV_DELIMITERS}
    best = max(_CSV_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def _xlsx_cells(body: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # imported by the functions that read or write workbooks only

    # A malformed upload can fail anywhere inside openpyxl (zip, XML, styles) with many exception types;
    # all of them mean the same thing to the organizer, so they are caught broadly here and only here.
    try:
        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - see above
        raise TableFormatError("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không đúng định dạng") from exc
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size; read every row that is there
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    except Exception as exc:  # noqa: BLE001 - see above
        raise TableFormatError("Không đọc được nội dung trang tính đầu tiên của tệp Excel") from exc
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell as the organizer sees it: 12 not 12.0, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


# --- writing ----------------------------------------------------------------------------------------------

def write_csv(header: list[str], rows: Iterable[Sequence]) -> bytes:
    """CSV in UTF-8 with a BOM and CRLF line ends, as Excel expects (see `write_csv_to`)."""
    out = io.StringIO()
    write_csv_to(out, header, rows)
    return out.getvalue().encode("utf-8")


def write_csv_to(out: TextIO, header: list[str], rows: Iterable[Sequence]) -> None:
    """Streams CSV with a BOM into a text file opened with newline=""; None becomes an empty cell.

    Text that a spreadsheet would run as a formula (participants choose their own names) is prefixed with
    an apostrophe, so it shows as text.
    """
    write_row = _csv_writer(out, header)
    for row in rows:
        write_row(row)


def _csv_writer(out: TextIO, header: list[str]) -> Callable[[Sequence], None]:
    """Writes the BOM and the header; returns the function that writes one row."""
    out.write(_BOM)
    writer = csv.writer(out)
    writer.writerow(header)
    return lambda row: writer.writerow([_csv_cell(value) for value in row])


def csv_cells(row: Sequence) -> list:
    """A row's cells as CSV writes them: None empty, text that a spreadsheet would run as a formula quoted."""
    return [_csv_cell(value) for value in row]


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def write_xlsx(sheet_title: str, header: list[str], rows: Iterable[Sequence]) -> bytes:
    """A one-sheet workbook: the header row, then the rows; None becomes an empty cell."""
    out = io.BytesIO()
    write_xlsx_to(out, sheet_title, header, rows)
    return out.getvalue()


def write_xlsx_to(target: str | BinaryIO, sheet_title: str, header: list[str], rows: Iterable[Sequence]) -> None:
    """Streams a workbook to a path or binary file (openpyxl's write-only mode keeps memory flat)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    sheet.append([_xlsx_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def _sheet_title(title: str) -> str:
    cleaned = title.translate(_SHEET_TITLE_FORBIDDEN)[:_SHEET_TITLE_MAX].strip()
    return cleaned or "Sheet1"


@lru_cache(maxsize=1)
def _text_cell():
    """openpyxl's write-only cell and the characters XML cannot hold, imported once a workbook is written."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return WriteOnlyCell, ILLEGAL_CHARACTERS_RE


def _xlsx_cell(sheet, value: object) -> object:
    """Text always stays text (never a formula); times with a zone become ISO text (Excel has no zones)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.isoformat()
    if not isinstance(value, str):
        return value
    write_only_cell, illegal_characters = _text_cell()
    cell = write_only_cell(sheet, value=illegal_characters.sub("", value))
    cell.data_type = "s"
    return cell
