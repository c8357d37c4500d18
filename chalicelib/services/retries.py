"""Transient faults absorbed on the write path: an action that fails with a throttle, an internal error, a
transaction conflict or a timeout is tried again a few times with a growing, jittered pause; when the fault
outlasts the budget the request answers 503 `busy` with `Retry-After` (errors.Busy), never a 500, and never a
false success. The actions retried are idempotent (a repeated submission gets its stored result; a registration's
transaction carries a client request token), and the caller takes the receive time once, before the first try,
so a submission received in time stays in time whatever the retries cost."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from chalicelib import errors, runtime
from chalicelib.observability import logger, metrics_count
from chalicelib.store.items import transient

T = TypeVar("T")

TRIES = 4                   # the first try and three more
BASE_PAUSE_SECONDS = 0.05   # 50 ms, then 100, then 200 (each scaled by a random factor 0.5-1.5)
RETRY_AFTER_SECONDS = 2


def retried(action: Callable[[], T], path: str) -> T:
    """`action()`, tried again on a transient fault; errors.Busy once the tries are spent."""
    for attempt in range(TRIES):
        try:
            return action()
        except errors.Refusal:
            raise
        except Exception as error:
            if not transient(error):
                raise
            if attempt == TRIES - 1:
                metrics_count("BusyAnswers")        # one series for its alarm; the path is in the log
                logger.warning("busy: retries spent", extra={"path": path, "error": type(error).__name__})
                raise errors.Busy(retry_after=RETRY_AFTER_SECONDS) from error
            metrics_count("Retries", path=path)
            time.sleep(BASE_PAUSE_SECONDS * 2 ** attempt * (0.5 + runtime.rng.random()))
    raise AssertionError("unreachable")
