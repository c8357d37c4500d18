"""Reading requests and writing responses in the contract's shape."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from chalice import Response

from chalicelib import errors

JSON_LIMIT = 64 * 1024
IMPORT_LIMIT = 1024 * 1024
JSON_TYPE = "application/json; charset=utf-8"


def respond(body: Any, status: int = 200) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                    status_code=status, headers={"Content-Type": JSON_TYPE, "Cache-Control": "no-store"})


def raw_body(request, limit: int = JSON_LIMIT) -> bytes:
    body = request.raw_body or b""
    if len(body) > limit:
        raise errors.ApiError(413, "payload_too_large", f"Dữ liệu gửi lên vượt quá {limit // 1024} KB.")
    return body


def parse_json(body: bytes) -> Any:
    """The decoded body; text that is not UTF-8 (also a lone surrogate escaped as \\ud800) or nesting too deep
    for the parser is refused like any other invalid JSON."""
    try:
        value = json.loads(body.decode("utf-8"))
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except (UnicodeError, ValueError, RecursionError):
        raise errors.invalid({"body": "Nội dung không phải JSON UTF-8 hợp lệ."}) from None


def json_object(request, limit: int = JSON_LIMIT) -> dict:
    value = parse_json(raw_body(request, limit))
    if not isinstance(value, dict):
        raise errors.invalid({"body": "Nội dung phải là một đối tượng JSON."})
    return value


def media_type(request) -> str:
    return (request.headers.get("content-type") or "application/json").split(";")[0].strip().lower()


# --- field validation: each checker returns the clean value or raises ValueError with a Vietnamese message.

Checker = Callable[[Any], Any]


def validate(body: dict, spec: dict[str, tuple[Checker, bool]], partial: bool = False) -> dict:
    """Checks every field of `body` against `spec` (checker, required); all bad fields are reported at once."""
    bad: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name in body:
        if name not in spec:
            bad[str(name)[:64]] = "Trường này không được hỗ trợ."
    for name, (check, required) in spec.items():
        if name not in body:
            if required and not partial:
                bad[name] = "Trường này là bắt buộc."
            continue
        try:
            clean[name] = check(body[name])
        except ValueError as error:
            bad[name] = str(error)
    if bad:
        raise errors.invalid(bad)
    return clean


def text(min_len: int, max_len: int) -> Checker:
    def check(value):
        if not isinstance(value, str):
            raise ValueError("Phải là chuỗi ký tự.")
        value = " ".join(value.split()) if max_len <= 200 else value.strip()
        if not min_len <= len(value) <= max_len:
            raise ValueError(f"Độ dài phải từ {min_len} đến {max_len} ký tự.")
        return value
    return check


def integer(low: int, high: int) -> Checker:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("Phải là số nguyên.")
        if not low <= value <= high:
            raise ValueError(f"Phải từ {low} đến {high}.")
        return value
    return check


def optional(check: Checker) -> Checker:
    return lambda value: None if value is None else check(value)


def one_of(*choices: str) -> Checker:
    def check(value):
        if value not in choices:
            raise ValueError("Phải là một trong: " + ", ".join(choices) + ".")
        return value
    return check


EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)


def timestamp(value) -> int:
    """An ISO 8601 time with a zone, between 2000 and 2100 (so every stored time can be shown) → epoch ms."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("Phải là thời điểm ISO 8601 có múi giờ.")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("Phải là thời điểm ISO 8601 có múi giờ.") from None
    if parsed.tzinfo is None:
        raise ValueError("Thời điểm phải có múi giờ (ví dụ +07:00).")
    if not EARLIEST <= parsed < LATEST:
        raise ValueError("Thời điểm phải trong khoảng từ năm 2000 đến năm 2099.")
    return int(parsed.timestamp() * 1000)


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")
