"""Reading requests and writing responses in the contract's shape; routes whose refusals become error answers."""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response

from chalicelib import auth, errors, runtime
from chalicelib.clients import DEVICE_HEADER, Client, client_of
from chalicelib.contest import tables
from chalicelib.contest.imports import Upload
from chalicelib.contest.numbers import json_integer

JSON_LIMIT = 64 * 1024
IMPORT_LIMIT = 1024 * 1024
JSON_TYPE = "application/json; charset=utf-8"
# Every API answer: no browser guesses another type for it than the one it says (e.g. HTML in an error's text).
NOSNIFF = {"X-Content-Type-Options": "nosniff"}

# The status code of each kind of refusal the services raise.
STATUS: dict[type[errors.Refusal], int] = {
    errors.Invalid: 400, errors.Unauthorized: 401, errors.Forbidden: 403, errors.NotFound: 404,
    errors.Conflict: 409, errors.TooLarge: 413, errors.Unsupported: 415, errors.TooMany: 429, errors.Busy: 503,
}


def respond(body: Any, status: int = 200) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                    status_code=status, headers={"Content-Type": JSON_TYPE, "Cache-Control": "no-store", **NOSNIFF})


def refused(refusal: errors.Refusal) -> Response:
    response = respond(refusal.body(), STATUS[type(refusal)])
    retry_after = getattr(refusal, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


class Routes(Blueprint):
    """A Blueprint whose views answer a refusal from below in the contract's error shape."""

    def route(self, path: str, **options: Any) -> Callable:
        register = super().route(path, **options)

        def decorate(view: Callable) -> Callable:
            @functools.wraps(view)
            def answered(*args: Any, **kwargs: Any) -> Any:
                try:
                    return view(*args, **kwargs)
                except errors.Refusal as refusal:
                    return refused(refusal)
            register(answered)
            return view
        return decorate


def raw_body(request, limit: int = JSON_LIMIT) -> bytes:
    body = request.raw_body or b""
    if len(body) > limit:
        raise errors.TooLarge("payload_too_large", f"Dữ liệu gửi lên vượt quá {limit // 1024} KB.")
    return body


def parse_json(body: bytes) -> Any:
    """The decoded body; text that is not UTF-8 (also a lone surrogate escaped as \\ud800) or nesting too deep
    for the parser is refused like any other invalid JSON."""
    try:
        value = json.loads(body.decode("utf-8"), parse_int=json_integer)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except (UnicodeError, ValueError, RecursionError):
        raise errors.invalid({"body": "Nội dung không phải JSON UTF-8 hợp lệ."}) from None


def json_object(request, limit: int = JSON_LIMIT) -> dict:
    value = parse_json(raw_body(request, limit))
    if not isinstance(value, dict):
        raise errors.invalid({"body": "Nội dung phải là một đối tượng JSON."})
    return value


def participant(request) -> auth.Principal:
    """The participant a request's token speaks for (401 without a valid one, 403 for an organizer's)."""
    return auth.require(request.headers.get("authorization"), auth.PARTICIPANT, runtime.now_ms())


def no_content() -> Response:
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store", **NOSNIFF})


def client(request) -> Client:
    """The request's client address and device id."""
    identity = (request.context or {}).get("identity") or {}
    return client_of(identity.get("sourceIp"), request.headers.get(DEVICE_HEADER))


def media_type(request) -> str:
    return (request.headers.get("content-type") or "application/json").split(";")[0].strip().lower()


def upload(request) -> Upload:
    """An import's body: a JSON object, or the rows of a CSV (UTF-8) or XLSX file."""
    kind = media_type(request)
    if kind == "application/json":
        return Upload(json=json_object(request, IMPORT_LIMIT))
    body = raw_body(request, IMPORT_LIMIT)
    if kind not in (tables.CSV_MIME, tables.XLSX_MIME):
        raise errors.Unsupported("unsupported_media_type", "Chỉ nhận JSON, CSV hoặc XLSX.")
    try:
        return Upload(rows=tables.read_rows(body, request.headers.get("content-type", kind)))
    except tables.TableFormatError as error:
        raise errors.invalid({"body": str(error)}) from None
