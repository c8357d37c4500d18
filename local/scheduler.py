"""The scheduler: EventBridge's scheduled rules, locally.

It finds the app's `@app.schedule` handlers (chalicelib.events.sources) and calls each
through `app.handler_map[name]` with an EventBridge-shaped "Scheduled Event", once at start and then on its
rate — or every LOCAL_SCHEDULE_SECONDS when that is set (faster locally: `make run` uses 5). A failing
handler is logged and called again at its next time, as EventBridge would.
"""
from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.events.sources import ScheduleSource, event_sources

log = logging.getLogger("local.scheduler")

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
ACCOUNT = "000000000000"


@dataclass(frozen=True)
class Schedule:
    name: str
    handler: Callable[[dict, Any], Any]
    expression: str
    seconds: float


def rate_seconds(expression: str) -> float | None:
    """Seconds between runs of a `rate(...)` expression; None for anything else (cron)."""
    match = _RATE.match(expression.strip())
    if not match:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


def discover(app, override_seconds: float | None = None) -> list[Schedule]:
    schedules = []
    for source in event_sources(app):
        if not isinstance(source, ScheduleSource):
            continue
        seconds = override_seconds or rate_seconds(source.expression)
        if seconds is None:
            log.warning("%s: %s is not a rate; running it every 60 s locally", source.name, source.expression)
            seconds = 60.0
        schedules.append(Schedule(source.name, app.handler_map[source.name], source.expression, float(seconds)))
    return schedules


def scheduled_event(name: str, region: str, now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT}:rule/cuocthi-local-{name}"],
        "detail": {},
    }


class Scheduler:
    def __init__(self, app, region: str, override_seconds: float | None = None) -> None:
        self.schedules = discover(app, override_seconds)
        self.region = region
        self.runs: dict[str, int] = {s.name: 0 for s in self.schedules}
        self.failures: dict[str, int] = {s.name: 0 for s in self.schedules}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def describe(self) -> list[str]:
        return [f"{s.name} every {s.seconds:g} s ({s.expression} in the cloud)" for s in self.schedules]

    def run(self, schedule: Schedule) -> Any:
        from local.streams.invocation import lambda_context

        try:
            result = schedule.handler(scheduled_event(schedule.name, self.region), lambda_context(schedule.name))
        except Exception:  # noqa: BLE001 - a failing run is reported and retried at the next time
            self.failures[schedule.name] += 1
            log.exception("%s failed (%d failures so far)", schedule.name, self.failures[schedule.name])
            return None
        finally:
            self.runs[schedule.name] += 1
        if result and (not isinstance(result, dict) or any(result.values())):   # quiet when nothing happened
            log.info("%s: %s", schedule.name, result)
        return result

    def run_all(self) -> dict[str, Any]:
        """Runs every schedule once, now (tests)."""
        return {s.name: self.run(s) for s in self.schedules}

    def start(self) -> Scheduler:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        due = {s.name: time.monotonic() for s in self.schedules}
        while not self._stop.is_set():
            for schedule in self.schedules:
                if self._stop.is_set():
                    break
                if time.monotonic() >= due[schedule.name]:
                    self.run(schedule)
                    due[schedule.name] = max(due[schedule.name] + schedule.seconds, time.monotonic())
            next_due = min(due.values(), default=time.monotonic() + 60)
            self._stop.wait(max(0.05, next_due - time.monotonic()))
