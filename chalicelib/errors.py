"""The error shape of the HTTP contract: {"error": {"code", "message", "fields"?}}."""
from __future__ import annotations

from chalice import ChaliceUnhandledError


class ApiError(ChaliceUnhandledError):
    """An expected refusal. Subclassing ChaliceUnhandledError lets it reach the error middleware."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None,
                 extra: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.extra = extra or {}

    def body(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        error.update(self.extra)
        return {"error": error}


def invalid(fields: dict, message: str = "Dữ liệu không hợp lệ.", **extra) -> ApiError:
    return ApiError(400, "invalid", message, fields=fields, extra=extra)


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "Bạn cần đăng nhập.")


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "Bạn không có quyền truy cập.")


def not_found(code: str = "not_found", message: str = "Không tìm thấy.") -> ApiError:
    return ApiError(404, code, message)


def conflict(code: str, message: str, **extra) -> ApiError:
    return ApiError(409, code, message, extra=extra)
