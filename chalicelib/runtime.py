"""The process's clock and randomness, replaceable by tests (the domain takes them as arguments)."""
from __future__ import annotations

import random
import time
from collections.abc import Callable

_clock: Callable[[], int] = lambda: int(time.time() * 1000)  # noqa: E731
rng: random.Random = random.SystemRandom()


def now_ms() -> int:
    """Server time in epoch milliseconds."""
    return _clock()


def set_clock(clock: Callable[[], int]) -> None:
    global _clock
    _clock = clock


def reset_clock() -> None:
    set_clock(lambda: int(time.time() * 1000))
