"""Integers written as text, wherever they come from (query strings, JSON bodies, spreadsheet cells): one parser,
so no path reaches int() with digits it cannot take ('²'.isdigit() is true in Python; int() refuses more than
4,300 digits with an exception)."""
from __future__ import annotations

import re

MAX_DIGITS = 18     # far beyond any count, limit, year or prediction the contest stores
_UNSIGNED = re.compile(r"[0-9]{1,%d}" % MAX_DIGITS)
_SIGNED = re.compile(r"-?[0-9]{1,%d}" % MAX_DIGITS)


def parse_integer(text: object, signed: bool = False) -> int | None:
    """The integer `text` spells in ASCII decimal digits (a leading minus only when `signed`), or None for
    anything else: other digits, spaces, signs, decimals, or more than MAX_DIGITS digits."""
    if not isinstance(text, str) or not (_SIGNED if signed else _UNSIGNED).fullmatch(text):
        return None
    return int(text)


def json_integer(text: str) -> int | float:
    """An integer of a JSON body (json.loads's parse_int): too long for any field, it reads as infinity, which
    every integer field refuses by name, instead of failing the whole body."""
    value = parse_integer(text, signed=True)
    if value is None:
        return float("-inf") if text.startswith("-") else float("inf")
    return value
