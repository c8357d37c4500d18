"""Refusals: why a request cannot be done, in the contract's words (a code, a Vietnamese message, the bad fields).

The services and the domain raise them; they know nothing of HTTP. `chalicelib/api/errors.py` maps each kind
to its status code and writes the contract's shape {"error": {"code", "message", "fields"?}}.
"""
from __future__ import annotations


class Refusal(Exception):
    """An expected refusal. `extra` adds fields to the error object (e.g. the bad rows of an import)."""

    def __init__(self, code: str, message: str, fields: dict | None = None, **extra: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields
        self.extra = extra

    def body(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        error.update(self.extra)
        return {"error": error}


class Invalid(Refusal):
    """The request itself is wrong: a field, the body, a query parameter."""


class Unauthorized(Refusal):
    """Who is asking is unknown: no token, a bad one, or wrong credentials."""


class Forbidden(Refusal):
    """Who is asking may not do this."""


class NotFound(Refusal):
    """The thing asked about does not exist (or is not the asker's to see)."""


class Conflict(Refusal):
    """The thing exists, but its state does not allow this now."""


class TooLarge(Refusal):
    """The body is bigger than the path accepts."""


class Unsupported(Refusal):
    """The body's media type is not one the path reads."""


class TooMany(Refusal):
    """Too many tries in a short time; `retry_after` (seconds) says when to try again."""

    def __init__(self, code: str, message: str, retry_after: int | None = None, **extra: object) -> None:
        super().__init__(code, message, None, **extra)
        self.retry_after = retry_after


class Busy(Refusal):
    """A fault the server could not absorb in time; nothing was stored. `retry_after` in seconds."""

    def __init__(self, code: str = "busy", message: str = "Hệ thống đang bận, vui lòng thử lại sau giây lát.",
                 retry_after: int = 1) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after


def invalid(fields: dict, message: str = "Dữ liệu không hợp lệ.", **extra: object) -> Invalid:
    return Invalid("invalid", message, fields=fields, **extra)


def unauthorized() -> Unauthorized:
    return Unauthorized("unauthorized", "Bạn cần đăng nhập.")


def forbidden() -> Forbidden:
    return Forbidden("forbidden", "Bạn không có quyền truy cập.")


def not_found(code: str = "not_found", message: str = "Không tìm thấy.") -> NotFound:
    return NotFound(code, message)


def conflict(code: str, message: str, **extra: object) -> Conflict:
    return Conflict(code, message, None, **extra)
