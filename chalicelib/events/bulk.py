"""Steps over millions of attempts (finalization's tasks and merge).

Such a step makes millions of small tuples, strings and bytes, none of them in a reference cycle: reference
counting frees them, and Python's cyclic collector would only walk the ever larger heap again and again, for
nothing (measured: about a tenth of a reduce task's time and a sixth of the merge's). It is paused for the
step; what cycles the step leaves are collected once it is back on."""
from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def without_cyclic_gc(step: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(step)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return step(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return paused
