"""Public display names."""

from __future__ import annotations

import unicodedata


def _initial(word: str) -> str:
    """The first letter of `word` with any combining marks that belong to it."""
    if len(word) == 1 or not unicodedata.combining(word[1]):      # most words (the ranking masks a million names)
        return word[0]
    end = 1
    while end < len(word) and unicodedata.combining(word[end]):
        end += 1
    return word[:end]


def mask_name(full_name: str) -> str:
    """Family name (first word) kept, each further word cut to its initial: "Nguyễn V. A."."""
    words = unicodedata.normalize("NFC", full_name).split()
    if not words:
        return ""
    family, *others = words
    return " ".join([family, *[_initial(word) + "." for word in others]])
