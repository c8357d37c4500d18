"""Checking imported rows, whatever they hold: the loop over JSON items or table rows that reports every bad
field of every row ({"row", "field", "message"}, Vietnamese), and the checks of single fields."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial

from chalicelib.contest.ids import ID_MAX, ID_PATTERN
from chalicelib.contest.records import Struct
from chalicelib.contest.texts import TextError, normalize, visible_length

TableRow = tuple[int, dict[str, str]]
MAX_COUNT = 1_000_000_000  # headcount and population: far above any real unit, keeps numbers sane


class Row:
    """One row's view of the shared error list."""

    def __init__(self, number: int, errors: list[dict]) -> None:
        self.number = number
        self.failed = False
        self._errors = errors

    def fail(self, field: str, message: str) -> None:
        self.failed = True
        self._errors.append(error(self.number, field, message))


Builder = Callable[[Row, Mapping[str, object]], object]  # the draft, or None when the row failed


class JsonImport(Struct, frozen=True):
    list_field: str  # the body's key holding the list, e.g. "units"
    list_label: str
    fields: tuple[str, ...]
    id_label: str
    build: Builder


class TableImport(Struct, frozen=True):
    columns: tuple[str, ...]
    required_columns: tuple[str, ...]
    id_label: str
    to_record: Callable[[dict[str, str]], dict[str, object]]  # a row of text in the JSON form
    build: Builder


def error(row: int, field: str, message: str) -> dict:
    return {"row": row, "field": field, "message": message}


def validate_json(items: object, spec: JsonImport) -> tuple[list, list[dict]]:
    if not isinstance(items, list):
        return [], [error(0, spec.list_field, f"{capital(spec.list_label)} phải là một mảng JSON")]
    errors: list[dict] = []
    check = partial(_check_json_object, fields=spec.fields, list_field=spec.list_field)
    drafts = _validate(enumerate(items, start=1), spec.build, spec.id_label, errors, check)
    return drafts, errors


def _check_json_object(row: Row, item: object, fields: tuple[str, ...], list_field: str) -> bool:
    """False when the item is not an object at all; unknown fields are reported, the rest still checked."""
    if not isinstance(item, Mapping):
        row.fail(list_field, "Mỗi mục phải là một đối tượng JSON")
        return False
    for key in item:
        if key not in fields:
            row.fail(str(key), f"Trường “{key}” không được hỗ trợ")
    return True


def validate_rows(rows: list[TableRow], spec: TableImport) -> tuple[list, list[dict]]:
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
    missing = [error(0, name, f"Thiếu cột “{name}”") for name in required if name not in present]
    unknown = [error(0, name, f"Cột “{name}” không được hỗ trợ") for name in present if name not in columns]
    return missing + unknown


def _validate(
    entries: Iterable[tuple[int, object]],
    build: Builder,
    id_label: str,
    errors: list[dict],
    check: Callable[[Row, object], bool] = lambda row, record: True,
) -> list:
    drafts = []
    seen_ids: set[str] = set()
    for number, record in entries:
        row = Row(number, errors)
        if not check(row, record) or not isinstance(record, Mapping):
            continue
        _check_unique(row, record.get("id"), seen_ids, id_label)
        draft = build(row, record)
        if not row.failed:
            drafts.append(draft)
    return drafts


def _check_unique(row: Row, value: object, seen: set[str], label: str) -> None:
    if not isinstance(value, str) or not value.strip():
        return
    key = value.strip()
    if key in seen:
        row.fail("id", f"{capital(label)} “{key}” bị trùng với một mục phía trên")
    seen.add(key)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(row: Row, field: str, value: object, label: str, max_length: int, required: bool,
         line_breaks: bool = False) -> str | None:
    """Stripped text in NFC (so composed and decomposed Vietnamese compare equal), without invisible format
    characters; None when blank, also when nothing of it would show. Control characters are refused (line
    breaks only where `line_breaks`)."""
    if is_blank(value):
        if required:
            row.fail(field, f"Thiếu {label}")
        return None
    if not isinstance(value, str):
        row.fail(field, f"{capital(label)} phải là chuỗi ký tự")
        return None
    try:
        clean = normalize(value, allow_line_breaks=line_breaks).strip()
    except TextError:
        row.fail(field, f"{capital(label)} chứa ký tự điều khiển")
        return None
    if visible_length(clean) == 0:
        if required:
            row.fail(field, f"Thiếu {label}")
        return None
    if len(clean) > max_length:
        row.fail(field, f"{capital(label)} dài quá {max_length} ký tự")
    return clean


def identifier(row: Row, field: str, value: object, label: str, required: bool) -> str | None:
    clean = text(row, field, value, label, ID_MAX, required)
    if clean is not None and not ID_PATTERN.fullmatch(clean):
        row.fail(field, f"{capital(label)} chỉ được gồm chữ cái không dấu, chữ số và các ký tự . _ -")
    return clean


def count(row: Row, field: str, value: object, label: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        row.fail(field, f"{capital(label)} phải là số nguyên không âm")
        return None
    if value > MAX_COUNT:
        row.fail(field, f"{capital(label)} quá lớn")
    return value
