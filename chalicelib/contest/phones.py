"""Vietnamese mobile numbers: one person, one normalised form `0xxxxxxxxx`."""
from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile numbers after the 2018 renumbering: 0 + 3/5/7/8/9 + eight digits.
_NATIONAL = re.compile(r"0[35789][0-9]{8}")


def normalize_phone(raw: object) -> str | None:
    """`+84 912 345 678`, `84912345678` and `0912345678` all give `0912345678`; None if not a mobile number."""
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw).strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _NATIONAL.fullmatch(digits) else None
