"""Validation of the organizers' imports: units and a round's question bank, as JSON or as table rows.

Every bad field of every row is reported, as {"row", "field", "message"} with a Vietnamese message; "row" is the
file row number for CSV/XLSX rows, the 1-based position in the list for JSON, and 0 for the file as a whole.
Checks that need stored data (does a parent unit exist, would the tree get a cycle) belong to the caller.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from chalicelib.contest.ids import ID_MAX, ID_PATTERN
from chalicelib.contest.units import UNIT_KINDS, Unit

UNIT_NAME_MAX = 200
QUESTION_TEXT_MAX = 2000
OPTION_TEXT_MAX = 500
MIN_OPTIONS, MAX_OPTIONS = 2, 6
OPTION_LETTERS = "ABCDEF"
MAX_COUNT = 1_000_000_000  # headcount and population: far above any real unit, keeps numbers sane

UNIT_FIELDS = ("id", "name", "parent_id", "kind", "headcount", "population")
UNIT_REQUIRED_COLUMNS = ("id", "name")
QUESTION_FIELDS = ("id", "text", "options", "answer")
OPTION_COLUMNS = tuple(f"option_{letter.lower()}" for letter in OPTION_LETTERS)
QUESTION_COLUMNS = ("id", "text", *OPTION_COLUMNS, "answer")
QUESTION_REQUIRED_COLUMNS = ("text", *OPTION_COLUMNS[:MIN_OPTIONS], "answer")

_COUNT_FIELDS = ("headcount", "population")
_DIGITS = re.compile(r"[0-9]+")

TableRow = tuple[int, dict[str, str]]


@dataclass(frozen=True)
class Upload:
    """An import as it was sent: a JSON object holding the list under its key, or the rows of a CSV/XLSX table."""

    json: dict | None = None
    rows: list[TableRow] | None = None


@dataclass(frozen=True)
class QuestionDraft:
    """A valid question of an import; `answer` indexes `options`."""

    id: str | None
    text: str
    options: tuple[str, ...]
    answer: int


# --- public -----------------------------------------------------------------------------------------------

def units_from_json(items: object) -> tuple[list[Unit], list[dict]]:
    return _validate_json(items, _UNITS_JSON)


def units_from_rows(rows: list[TableRow]) -> tuple[list[Unit], list[dict]]:
    return _validate_rows(rows, _UNITS_TABLE)


def questions_from_json(items: object) -> tuple[list[QuestionDraft], list[dict]]:
    return _validate_json(items, _QUESTIONS_JSON)


def questions_from_rows(rows: list[TableRow]) -> tuple[list[QuestionDraft], list[dict]]:
    return _validate_rows(rows, _QUESTIONS_TABLE)


# --- the validation loop ----------------------------------------------------------------------------------

class _Row:
    """One row's view of the shared error list."""

    def __init__(self, number: int, errors: list[dict]) -> None:
        self.number = number
        self.failed = False
        self._errors = errors

    def fail(self, field: str, message: str) -> None:
        self.failed = True
        self._errors.append(_error(self.number, field, message))


Builder = Callable[[_Row, Mapping[str, object]], object]  # the draft, or None when the row failed


@dataclass(frozen=True)
class _JsonImport:
    list_field: str  # the body's key holding the list, e.g. "units"
    list_label: str
    fields: tuple[str, ...]
    id_label: str
    build: Builder


@dataclass(frozen=True)
class _TableImport:
    columns: tuple[str, ...]
    required_columns: tuple[str, ...]
    id_label: str
    to_record: Callable[[dict[str, str]], dict[str, object]]  # a row of text in the JSON form
    build: Builder


def _error(row: int, field: str, message: str) -> dict:
    return {"row": row, "field": field, "message": message}


def _validate_json(items: object, spec: _JsonImport) -> tuple[list, list[dict]]:
    if not isinstance(items, list):
        return [], [_error(0, spec.list_field, f"{_capital(spec.list_label)} phải là một mảng JSON")]
    errors: list[dict] = []
    check = partial(_check_json_object, fields=spec.fields, list_field=spec.list_field)
    drafts = _validate(enumerate(items, start=1), spec.build, spec.id_label, errors, check)
    return drafts, errors


def _check_json_object(row: _Row, item: object, fields: tuple[str, ...], list_field: str) -> bool:
    """False when the item is not an object at all; unknown fields are reported, the rest still checked."""
    if not isinstance(item, Mapping):
        row.fail(list_field, "Mỗi mục phải là một đối tượng JSON")
        return False
    for key in item:
        if key not in fields:
            row.fail(str(key), f"Trường “{key}” không được hỗ trợ")
    return True


def _validate_rows(rows: list[TableRow], spec: _TableImport) -> tuple[list, list[dict]]:
    errors = _column_errors(rows, spec.columns, spec.required_columns)
    if any(error["field"] in spec.required_columns for error in errors):
        return [], errors  # every row would repeat the same complaint
    records = ((number, spec.to_record(values)) for number, values in rows)
    return _validate(records, spec.build, spec.id_label, errors), errors


def _column_errors(rows: list[TableRow], columns: tuple[str, ...], required: tuple[str, ...]) -> list[dict]:
    """Missing and unknown columns, once for the whole file (row 0)."""
    if not rows:
        return []
    present = rows[0][1].keys()
    missing = [_error(0, name, f"Thiếu cột “{name}”") for name in required if name not in present]
    unknown = [_error(0, name, f"Cột “{name}” không được hỗ trợ") for name in present if name not in columns]
    return missing + unknown


def _validate(
    entries: Iterable[tuple[int, object]],
    build: Builder,
    id_label: str,
    errors: list[dict],
    check: Callable[[_Row, object], bool] = lambda row, record: True,
) -> list:
    drafts = []
    seen_ids: set[str] = set()
    for number, record in entries:
        row = _Row(number, errors)
        if not check(row, record):
            continue
        _check_unique(row, record.get("id"), seen_ids, id_label)
        draft = build(row, record)
        if not row.failed:
            drafts.append(draft)
    return drafts


def _check_unique(row: _Row, value: object, seen: set[str], label: str) -> None:
    if not isinstance(value, str) or not value.strip():
        return
    key = value.strip()
    if key in seen:
        row.fail("id", f"{_capital(label)} “{key}” bị trùng với một mục phía trên")
    seen.add(key)


# --- field checks -----------------------------------------------------------------------------------------

def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(row: _Row, field: str, value: object, label: str, max_length: int, required: bool) -> str | None:
    """Stripped text in NFC (so composed and decomposed Vietnamese compare equal); None when blank."""
    if _is_blank(value):
        if required:
            row.fail(field, f"Thiếu {label}")
        return None
    if not isinstance(value, str):
        row.fail(field, f"{_capital(label)} phải là chuỗi ký tự")
        return None
    text = unicodedata.normalize("NFC", value.strip())
    if len(text) > max_length:
        row.fail(field, f"{_capital(label)} dài quá {max_length} ký tự")
    return text


def _identifier(row: _Row, field: str, value: object, label: str, required: bool) -> str | None:
    text = _text(row, field, value, label, ID_MAX, required)
    if text is not None and not ID_PATTERN.fullmatch(text):
        row.fail(field, f"{_capital(label)} chỉ được gồm chữ cái không dấu, chữ số và các ký tự . _ -")
    return text


def _count(row: _Row, field: str, value: object, label: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        row.fail(field, f"{_capital(label)} phải là số nguyên không âm")
        return None
    if value > MAX_COUNT:
        row.fail(field, f"{_capital(label)} quá lớn")
    return value


# --- units ------------------------------------------------------------------------------------------------

def _unit(row: _Row, record: Mapping[str, object]) -> Unit | None:
    unit_id = _identifier(row, "id", record.get("id"), "mã đơn vị", required=True)
    name = _text(row, "name", record.get("name"), "tên đơn vị", UNIT_NAME_MAX, required=True)
    parent_id = _identifier(row, "parent_id", record.get("parent_id"), "mã đơn vị cha", required=False)
    kind = _kind(row, record.get("kind"))
    headcount = _count(row, "headcount", record.get("headcount"), "số cán bộ, công chức")
    population = _count(row, "population", record.get("population"), "dân số")
    if parent_id is not None and parent_id == unit_id:
        row.fail("parent_id", "Đơn vị cha không thể là chính đơn vị này")
    if row.failed:
        return None
    return Unit(unit_id, name, parent_id, kind, headcount, population)


def _kind(row: _Row, value: object) -> str:
    if _is_blank(value):
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
    if name in _COUNT_FIELDS and _DIGITS.fullmatch(text):
        return int(text)
    return text  # anything else in a count column is reported by _count


# --- questions --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _QuestionSource:
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


def _question(row: _Row, record: Mapping[str, object], source: _QuestionSource) -> QuestionDraft | None:
    question_id = _identifier(row, "id", record.get("id"), "mã câu hỏi", required=False)
    text = _text(row, "text", record.get("text"), "nội dung câu hỏi", QUESTION_TEXT_MAX, required=True)
    options = _options(row, record.get("options"), source)
    answer = _answer(row, record.get("answer"), options, source)
    if row.failed:
        return None
    return QuestionDraft(question_id, text, options, answer)


def _options(row: _Row, value: object, source: _QuestionSource) -> tuple[str, ...] | None:
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
    return tuple(options) if None not in options else None


def _option(row: _Row, index: int, value: object, source: _QuestionSource) -> str | None:
    label = f"phương án {OPTION_LETTERS[index]}"
    return _text(row, source.option_field(index), value, label, OPTION_TEXT_MAX, required=True)


def _check_distinct_options(row: _Row, options: list[str | None], source: _QuestionSource) -> None:
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


def _answer(row: _Row, value: object, options: tuple[str, ...] | None, source: _QuestionSource) -> int | None:
    if _is_blank(value):
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

_UNITS_JSON = _JsonImport("units", "danh sách đơn vị", UNIT_FIELDS, "mã đơn vị", _unit)
_UNITS_TABLE = _TableImport(UNIT_FIELDS, UNIT_REQUIRED_COLUMNS, "mã đơn vị", _unit_record, _unit)
_QUESTIONS_JSON = _JsonImport(
    "questions", "danh sách câu hỏi", QUESTION_FIELDS, "mã câu hỏi", partial(_question, source=_JSON_QUESTIONS)
)
_QUESTIONS_TABLE = _TableImport(
    QUESTION_COLUMNS, QUESTION_REQUIRED_COLUMNS, "mã câu hỏi", _question_record,
    partial(_question, source=_TABLE_QUESTIONS),
)
