"""Checking the fields of a request: each checker returns the clean value or raises ValueError with a Vietnamese
message; `validate` checks a whole body and reports every bad field at once (400 `invalid`).

Below the services, above nothing but the domain: the services say what a body must hold, the api only
decodes it."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chalicelib import errors
from chalicelib.contest.numbers import parse_integer
from chalicelib.contest.texts import TextError, clean_name, has_control_characters
from chalicelib.contest.times import parse_iso

Checker = Callable[[Any], Any]
Spec = dict[str, tuple[Checker, bool]]     # field → (checker, required)


def validate(body: dict, spec: Spec, partial: bool = False) -> dict:
    """The clean fields of `body`; unknown fields, missing required ones (unless `partial`) and bad values
    are all reported together."""
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
    """A string without control characters (long texts may hold line breaks); short texts have their runs of
    white space collapsed, long ones are only stripped."""
    def check(value):
        if not isinstance(value, str):
            raise ValueError("Phải là chuỗi ký tự.")
        if has_control_characters(value, allow_line_breaks=max_len > 200):
            raise ValueError("Không được chứa ký tự điều khiển.")
        value = " ".join(value.split()) if max_len <= 200 else value.strip()
        if not min_len <= len(value) <= max_len:
            raise ValueError(f"Độ dài phải từ {min_len} đến {max_len} ký tự.")
        return value
    return check


def name(min_len: int, max_len: int) -> Checker:
    """A name people read (a participant's, a round's): normalised, and never blank or invisible."""
    def check(value):
        try:
            return clean_name(value, min_len, max_len)
        except TextError as error:
            raise ValueError(str(error)) from None
    return check


def integer(low: int, high: int) -> Checker:
    def check(value):
        if value in (float("inf"), float("-inf")):   # digits too many for any field (numbers.json_integer)
            raise ValueError(f"Phải từ {low} đến {high}.")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("Phải là số nguyên.")
        if not low <= value <= high:
            raise ValueError(f"Phải từ {low} đến {high}.")
        return value
    return check


def optional(check: Checker) -> Checker:
    return lambda value: None if value is None else check(value)


def one_of(*choices: str, message: str | None = None) -> Checker:
    """One of `choices`; `message` says it in the words of the people who fill the field in."""
    def check(value):
        if value not in choices:
            raise ValueError(message or "Phải là một trong: " + ", ".join(choices) + ".")
        return value
    return check


def timestamp(value) -> int:
    """An ISO 8601 time with a zone, between 2000 and 2100 → epoch ms."""
    return parse_iso(value)


def query_integer(query: Mapping[str, str], name: str, low: int, high: int, default: int) -> int:
    """An integer query parameter (contest/numbers.py: ASCII digits only, `'²'.isdigit()` is true in Python)."""
    value = query.get(name)
    if value is None:
        return default
    number = parse_integer(value)
    if number is None or not low <= number <= high:
        raise errors.invalid({name: f"Phải là số nguyên từ {low} đến {high}."})
    return number


def query_choice(query: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    value = query.get(name)
    if value is not None and value not in choices:
        raise errors.invalid({name: "Phải là một trong: " + ", ".join(choices) + "."})
    return value
