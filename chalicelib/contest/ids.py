"""Identifiers of units, rounds, questions and attempts: what any of them may look like."""
from __future__ import annotations

import re

# The one limit on every id the contest stores: longer is no id, and never a key to look up.
ID_MAX = 64
# Imported ids (units, questions): letters without accents, digits and . _ -
ID_PATTERN = re.compile(r"[A-Za-z0-9_.-]+")
# Round ids appear in paths and keys: lower case, digits and dashes, up to ID_MAX.
ROUND_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,%d}" % (ID_MAX - 1))


def plausible(value: object) -> bool:
    """Whether `value` could be a stored id at all (a string of 1 to ID_MAX characters)."""
    return isinstance(value, str) and 1 <= len(value) <= ID_MAX
