"""Caches for items read on every request (rounds, units, question banks, read models), and the one list of
them that `store.reset()` empties (tests, and a store bound to other tables)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")
F = TypeVar("F", bound=Callable)

_forgetters: list[Callable[[], None]] = []


def forget_all() -> None:
    """Empties every cache of the process."""
    for forget in _forgetters:
        forget()


def remembered(maxsize: int) -> Callable[[F], F]:
    """functools.lru_cache, listed so that `forget_all()` empties it: for things that never change once
    written (a question bank version) or per process (a client)."""
    def decorate(function: F) -> F:
        cached = lru_cache(maxsize=maxsize)(function)
        _forgetters.append(cached.cache_clear)
        return cached  # type: ignore[return-value]
    return decorate


def remembered_set() -> set:
    """A set kept for the process's life (facts that never stop being true), listed so that `forget_all()`
    empties it."""
    kept: set = set()
    _forgetters.append(kept.clear)
    return kept


class TimedCache(Generic[T]):
    """Values kept for `seconds()` after loading; shared by the threads of a function instance."""

    def __init__(self, seconds: Callable[[], float], monotonic: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._monotonic = monotonic
        self._items: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()
        _forgetters.append(self.clear)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        now = self._monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and now - hit[0] < self._seconds():
            return hit[1]
        value = load()
        with self._lock:
            self._items[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
