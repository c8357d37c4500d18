"""Cursor paging: a page's `next` is an opaque cursor (URL-safe base64 of a small JSON object) that the caller
sends back as `cursor`; each use case checks the position it decodes. A cursor that is not one is 400."""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping

from chalicelib import errors
from chalicelib.fields import query_integer

MAX_LIMIT = 200


def encode(position: dict | None) -> str | None:
    if position is None:
        return None
    raw = json.dumps(position, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def bad_cursor() -> errors.Invalid:
    return errors.invalid({"cursor": "Vị trí trang không hợp lệ."})


def decode(query: Mapping[str, str]) -> dict | None:
    text = query.get("cursor")
    if not text:
        return None
    try:
        if len(text) > 2048:
            raise ValueError("too long")
        position = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, UnicodeError):
        raise bad_cursor() from None
    if not isinstance(position, dict):
        raise bad_cursor()
    return position


def text_at(position: dict, key: str, max_len: int = 300) -> str:
    """A text field of a decoded position, or 400."""
    value = position.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= max_len:
        raise bad_cursor()
    return value


def limit(query: Mapping[str, str], default: int = 50) -> int:
    return query_integer(query, "limit", 1, MAX_LIMIT, default)
