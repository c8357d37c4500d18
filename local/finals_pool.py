"""The local finalization's process pool: the reduce tasks of `finalizer.finalize()` in parallel processes, as
the cloud's Distributed Map runs them in parallel Lambda invocations (the same functions, the same steps). The
processes start with `spawn` (the launcher has threads) and bind the store to the environment's tables."""
from __future__ import annotations

import multiprocessing
import os
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
