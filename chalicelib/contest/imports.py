"""Validation of the organizers' imports: units and a round's question bank, as JSON or as table rows.

Every bad field of every row is reported, as {"row", "field", "message"} with a Vietnamese message; "row" is the
file row number for CSV/XLSX rows, the 1-based position in the list for JSON, and 0 for the file as a whole.
Checks that need stored data (does a parent unit exist, would the tree get a cycle) belong to the caller.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from chalicelib.contest import import_rows as checks
from chalicelib.contest.import_rows import TableRow
from chalicelib.contest.numbers import parse_integer
from chalicelib.contest.records import Struct
from chalicelib.contest.units import UNIT_KINDS, Unit

UNIT_NAME_MAX = 200
QUESTION_TEXT_MAX = 2000
OPTION_TEXT_MAX = 500
MIN_OPTIONS, MAX_OPTIONS = 2, 6
OPTION_LETTERS = "ABCDEF"

UNIT_FIELDS = ("id", "name", "parent_id", "kind", "headcount", "population")
UNIT_REQUIRED_COLUMNS = ("id", "name")
QUESTION_FIELDS = ("id", "text", "options", "answer")
OPTION_COLUMNS = tuple(f"option_{letter.lower()}" for letter in OPTION_LETTERS)
QUESTION_COLUMNS = ("id", "text", *OPTION_COLUMNS, "answer")
QUESTION_REQUIRED_COLUMNS = ("text", *OPTION_COLUMNS[:MIN_OPTIONS], "answer")

_COUNT_FIELDS = ("headcount", "population")


class Upload(Struct, frozen=True):
    """An import as it was sent: a JSON object holding the list under its key, or the rows of a CSV/XLSX table."""

    json: dict | None = None
    rows: list[TableRow] | None = None


class QuestionDraft(Struct, frozen=True):
    """A valid question of an import; `answer` indexes `options`."""

    id: str | None
    text: str
    options: tuple[str, ...]
    answer: int


# --- public -----------------------------------------------------------------------------------------------

def units_from_json(items: object) -> tuple[list[Unit], list[dict]]:
    return checks.validate_json(items, _UNITS_JSON)


def units_from_rows(rows: list[TableRow]) -> tuple[list[Unit], list[dict]]:
    return checks.validate_rows(rows, _UNITS_TABLE)


def questions_from_json(items: object) -> tuple[list[QuestionDraft], list[dict]]:
    return checks.validate_json(items, _QUESTIONS_JSON)


def questions_from_rows(rows: list[TableRow]) -> tuple[list[QuestionDraft], list[dict]]:
    return checks.validate_rows(rows, _QUESTIONS_TABLE)


# --- units ------------------------------------------------------------------------------------------------

def _unit(row: checks.Row, record: Mapping[str, object]) -> Unit | None:
    unit_id = checks.identifier(row, "id", record.get("id"), "mã đơn vị", required=True)
    name = checks.text(row, "name", record.get("name"), "tên đơn vị", UNIT_NAME_MAX, required=True)
    parent_id = checks.identifier(row, "parent_id", record.get("parent_id"), "mã đơn vị cha", required=False)
    kind = _kind(row, record.get("kind"))
    headcount = checks.count(row, "headcount", record.get("headcount"), "số cán bộ, công chức")
    population = checks.count(row, "population", record.get("population"), "dân số")
    if parent_id is not None and parent_id == unit_id:
        row.fail("parent_id", "Đơn vị cha không thể là chính đơn vị này")
    if row.failed or unit_id is None or name is None:
        return None
    return Unit(unit_id, name, parent_id, kind, headcount, population)


def _kind(row: checks.Row, value: object) -> str:
    if checks.is_blank(value):
        return "other"
    kind = value.strip().lower() if isinstance(value, str) else None
    if kind not in UNIT_KINDS:
        row.fail("kind", f"Loại đơn vị phải là một trong: {', '.join(UNIT_KINDS)}")
        return "other"
    return kind


def _unit_record(values: dict[str, str]) -> dict[str, object]:
    """A table row in the JSON form: "" is absent, digits in a count column are a number."""
    return {name: _unit_cell(name, text) for name, text in values.items() if name in UNIT_FIELDS}


def _unit_cell(name: str, text: str) -> object:
    if text == "":
        return None
    if name not in _COUNT_FIELDS:
        return text
    number = parse_integer(text)
    if number is None and text.isascii() and text.isdigit():
        return checks.MAX_COUNT + 1  # more digits than any count has: reported as too large
    return text if number is None else number  # anything else in a count column is reported by checks.count


# --- questions --------------------------------------------------------------------------------------------

class _QuestionSource(Struct, frozen=True):
    """What differs between a JSON question and a table row: option field names and the answer's form."""

    option_field: Callable[[int], str]
    answer_hint: str


_JSON_QUESTIONS = _QuestionSource(
    option_field=lambda index: "options",
    answer_hint="phải là số thứ tự của một phương án, bắt đầu từ 0",
)
_TABLE_QUESTIONS = _QuestionSource(
    option_field=lambda index: OPTION_COLUMNS[min(index, MAX_OPTIONS - 1)],
    answer_hint=f"phải là một chữ cái từ {OPTION_LETTERS[0]} đến {OPTION_LETTERS[-1]}",
)


def _question(row: checks.Row, record: Mapping[str, object], source: _QuestionSource) -> QuestionDraft | None:
    question_id = checks.identifier(row, "id", record.get("id"), "mã câu hỏi", required=False)
    text = checks.text(row, "text", record.get("text"), "nội dung câu hỏi", QUESTION_TEXT_MAX, required=True,
                       line_breaks=True)
    options = _options(row, record.get("options"), source)
    answer = _answer(row, record.get("answer"), options, source)
    if row.failed or text is None or options is None or answer is None:
        return None
    return QuestionDraft(question_id, text, options, answer)


def _options(row: checks.Row, value: object, source: _QuestionSource) -> tuple[str, ...] | None:
    if value is None:
        row.fail(source.option_field(0), "Thiếu các phương án trả lời")
        return None
    if not isinstance(value, list):
        row.fail(source.option_field(0), "Các phương án trả lời phải là một danh sách")
        return None
    if not MIN_OPTIONS <= len(value) <= MAX_OPTIONS:
        row.fail(source.option_field(len(value)), f"Câu hỏi phải có từ {MIN_OPTIONS} đến {MAX_OPTIONS} phương án")
        return None
    options = [_option(row, index, option, source) for index, option in enumerate(value)]
    _check_distinct_options(row, options, source)
    present = tuple(option for option in options if option is not None)
    return present if len(present) == len(options) else None


def _option(row: checks.Row, index: int, value: object, source: _QuestionSource) -> str | None:
    label = f"phương án {OPTION_LETTERS[index]}"
    return checks.text(row, source.option_field(index), value, label, OPTION_TEXT_MAX, required=True)


def _check_distinct_options(row: checks.Row, options: list[str | None], source: _QuestionSource) -> None:
    first_index: dict[str, int] = {}
    for index, option in enumerate(options):
        if option is None:
            continue
        key = " ".join(option.split()).casefold()
        if key in first_index:
            row.fail(
                source.option_field(index),
                f"Phương án {OPTION_LETTERS[index]} trùng với phương án {OPTION_LETTERS[first_index[key]]}",
            )
        first_index.setdefault(key, index)


def _answer(row: checks.Row, value: object, options: tuple[str, ...] | None, source: _QuestionSource) -> int | None:
    if checks.is_blank(value):
        row.fail("answer", "Thiếu đáp án")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        row.fail("answer", f"Đáp án không hợp lệ: {source.answer_hint}")
        return None
    if options is not None and value >= len(options):
        row.fail("answer", f"Đáp án không hợp lệ: câu hỏi chỉ có {len(options)} phương án")
        return None
    return value


def _question_record(values: dict[str, str]) -> dict[str, object]:
    """A table row in the JSON form. Options end at the last filled column (a gap inside is reported later);
    the answer letter becomes an index, anything else is left for _answer to report."""
    cells = [values.get(column, "") for column in OPTION_COLUMNS]
    filled = [index for index, cell in enumerate(cells) if cell]
    options = cells[: filled[-1] + 1] if filled else []
    return {
        "id": values.get("id") or None,
        "text": values.get("text", ""),
        "options": options,
        "answer": _answer_index(values.get("answer", "")),
    }


def _answer_index(letter: str) -> object:
    upper = letter.upper()
    if len(upper) == 1 and upper in OPTION_LETTERS:
        return OPTION_LETTERS.index(upper)
    return letter


# --- the four imports -------------------------------------------------------------------------------------

_UNITS_JSON = checks.JsonImport("units", "danh sách đơn vị", UNIT_FIELDS, "mã đơn vị", _unit)
_UNITS_TABLE = checks.TableImport(UNIT_FIELDS, UNIT_REQUIRED_COLUMNS, "mã đơn vị", _unit_record, _unit)
_QUESTIONS_JSON = checks.JsonImport(
    "questions", "danh sách câu hỏi", QUESTION_FIELDS, "mã câu hỏi", partial(_question, source=_JSON_QUESTIONS)
)
_QUESTIONS_TABLE = checks.TableImport(
    QUESTION_COLUMNS, QUESTION_REQUIRED_COLUMNS, "mã câu hỏi", _question_record,
    partial(_question, source=_TABLE_QUESTIONS),
)
