"""Text people type or import: normalised (NFC, invisible format characters removed), never with control
characters, and never "blank" in disguise (zero-width spaces, Hangul fillers, a lone combining mark)."""
from __future__ import annotations

import unicodedata

# Characters Unicode counts as letters or symbols that draw nothing (Hangul fillers, the braille blank).
_BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800")
LINE_BREAKS = frozenset("\n\r\t")


class TextError(ValueError):
    """The text cannot be taken; the message says why, in Vietnamese."""


def has_control_characters(text: str, allow_line_breaks: bool = False) -> bool:
    return any(unicodedata.category(c) == "Cc" and not (allow_line_breaks and c in LINE_BREAKS) for c in text)


def normalize(text: str, allow_line_breaks: bool = False) -> str:
    """NFC, format characters (zero-width spaces and joiners, soft hyphens, direction overrides, BOM) removed;
    control characters refused."""
    if has_control_characters(text, allow_line_breaks):
        raise TextError("Không được chứa ký tự điều khiển.")
    composed = unicodedata.normalize("NFC", text)
    return "".join(c for c in composed if unicodedata.category(c) != "Cf")


def visible_length(text: str) -> int:
    """How many characters of `text` draw something (not spaces, marks, format characters or blank look-alikes)."""
    return sum(1 for c in text if c not in _BLANK_LOOKALIKES and unicodedata.category(c)[0] not in "ZMC")


def clean_name(value: object, min_len: int, max_len: int) -> str:
    """A name (of a person, a round, a unit): normalised, runs of white space collapsed, at least `min_len`
    visible characters and at most `max_len` characters in all."""
    if not isinstance(value, str):
        raise TextError("Phải là chuỗi ký tự.")
    name = " ".join(normalize(value).split())
    if len(name) > max_len:
        raise TextError(f"Độ dài phải từ {min_len} đến {max_len} ký tự.")
    if visible_length(name) < min_len:
        raise TextError(f"Phải có ít nhất {min_len} ký tự nhìn thấy được." if name else "Không được để trống.")
    return name
