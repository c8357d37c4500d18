"""Chalice's own refusals (unknown media type, method, bad request) rewritten in the contract's error shape, and
every unexpected failure logged and answered 500 in that shape too. Refusals of ours are answered by
`http.Routes`."""
from __future__ import annotations

import json

from chalice import Response

from chalicelib.api.http import NOSNIFF, respond
from chalicelib.observability import logger

_CHALICE_CODES = {
    "UnsupportedMediaType": "unsupported_media_type",
    "MethodNotAllowedError": "method_not_allowed",
    "BadRequest": "bad_request",
    "NotFoundError": "not_found",
}
_MESSAGES = {
    415: "Kiểu dữ liệu gửi lên không được hỗ trợ.",
    405: "Phương thức không được hỗ trợ.",
    500: "Hệ thống gặp lỗi, vui lòng thử lại sau.",
}


def _chalice_error(response: Response) -> Response:
    body = response.body
    if isinstance(body, (str, bytes)):
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if not isinstance(body, dict) or "Code" not in body:
        return response
    status = response.status_code
    code = "internal_error" if status >= 500 else _CHALICE_CODES.get(body["Code"], "bad_request")
    fixed = respond({"error": {"code": code, "message": _MESSAGES.get(status, str(body.get("Message", "")))}},
                    status)
    fixed.headers.update({k: v for k, v in response.headers.items() if k.lower() == "allow"})
    return fixed


def error_middleware(event, get_response):
    """Chalice's refusals in the contract's shape; and every answer, whoever wrote it, with `nosniff`."""
    response = get_response(event)
    if response.status_code >= 400:
        if response.status_code >= 500:
            logger.error("unhandled error", extra={"path": getattr(event, "path", None)})
        response = _chalice_error(response)
    response.headers.update(NOSNIFF)
    return response
