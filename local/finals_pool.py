"""The local finalization's process pool: the reduce tasks of `finalizer.finalize()` in parallel processes, as
the cloud's Distributed Map runs them in parallel Lambda invocations (the same functions, the same steps). The
processes start with `spawn` (the launcher has threads), bind the store to the environment's tables, and are
started only when a round is first finalized (the launcher has no idle children)."""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor


def _bind() -> None:
    from chalicelib import config, store

    config.current.cache_clear()
    store.bind(config.current())


def pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of `workers` processes (LOCAL_FINALIZE_WORKERS, else the cores, at most 4)."""
    count = workers or int(os.environ.get("LOCAL_FINALIZE_WORKERS", "0")) or min(4, os.cpu_count() or 1)
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_bind)


class LazyPool:
    """A process pool made at its first `map` and kept until `shutdown`."""

    def __init__(self, workers: int | None = None) -> None:
        self._workers, self._pool = workers, None
        self._lock = threading.Lock()

    def map(self, function: Callable, items: Iterable) -> Iterator:
        with self._lock:
            if self._pool is None:
                self._pool = pool(self._workers)
        return self._pool.map(function, items)

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None
