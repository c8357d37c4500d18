"""One-time codes sent by SMS (RULES.md, Accounts and verification): 6 digits, valid 10 minutes, 5 tries. The
code itself is never stored, only its keyed digest (the caller's HMAC); randomness comes from the caller."""
from __future__ import annotations

import random

from chalicelib.contest.records import Struct

PURPOSES = ("register", "reset", "login")
DIGITS = 6
VALID_SECONDS = 600
MAX_TRIES = 5
# What the message says each code is for; short enough for one SMS in Vietnamese (70 UCS-2 characters).
_FOR = {"register": "đăng ký", "reset": "đặt lại mật khẩu", "login": "đăng nhập"}


class Code(Struct, frozen=True):
    digest: str             # keyed hash of (purpose, phone, code)
    expires_at: int         # epoch ms
    tries: int = 0          # wrong or right, every check counts


def new_code(rng: random.Random) -> str:
    return f"{rng.randrange(10 ** DIGITS):0{DIGITS}d}"


def plausible(value: object) -> bool:
    """Whether `value` can be a code at all (six ASCII digits)."""
    return isinstance(value, str) and len(value) == DIGITS and value.isascii() and value.isdigit()


def subject(purpose: str, phone: str, code: str) -> str:
    """What the digest is taken of: a code is good for one phone and one purpose only."""
    return f"{purpose}:{phone}:{code}"


def message(brand: str, code: str, purpose: str) -> str:
    """The SMS text: the brand first (Vietnam's carriers require the registered sender's name), then the code."""
    return f"{brand}: mã {_FOR[purpose]} {code}, hiệu lực {VALID_SECONDS // 60} phút."
