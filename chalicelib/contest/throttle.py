"""Throttles (RULES.md, Accounts and verification): how long a login or a code request must wait, from what a
guard counted so far. Pure: the store keeps each `Tally` under its key and writes the next one only if nobody
else wrote in between, so parallel tries count one by one; times are epoch ms."""
from __future__ import annotations

from chalicelib.contest.records import Struct, replace

SECOND = 1000


class Tally(Struct, frozen=True):
    """What one guard has counted: failures (or codes sent) and when the last one was; `times` keeps the recent
    events of a sliding window."""

    count: int = 0
    last_at: int | None = None
    times: tuple[int, ...] = ()


class Backoff(Struct, frozen=True):
    """Password tries: `free` failures, then each further try waits `first_s`, doubling up to `max_s` with every
    failure; failures are forgotten `forget_s` after the last one. A try is counted before the password is
    checked (parallel guesses count as many) and a success clears the tally."""

    free: int = 5
    first_s: int = 30
    max_s: int = 900
    forget_s: int = 24 * 3600

    def delay_s(self, failures: int) -> int:
        if failures < self.free:
            return 0
        return min(self.first_s * 2 ** min(failures - self.free, 30), self.max_s)

    def _current(self, tally: Tally, now: int) -> Tally:
        if tally.last_at is None or now - tally.last_at >= self.forget_s * SECOND:
            return Tally()
        return tally

    def wait_s(self, tally: Tally, now: int) -> int:
        """Seconds before the next try may run (0: now)."""
        current = self._current(tally, now)
        if current.last_at is None:
            return 0
        return _ceil_s(current.last_at + self.delay_s(current.count) * SECOND - now)

    def counted(self, tally: Tally, now: int) -> Tally:
        current = self._current(tally, now)
        return Tally(current.count + 1, now)

    @property
    def keep_s(self) -> int:
        return self.forget_s


class Window(Struct, frozen=True):
    """At most `limit` events in any `seconds` (a sliding window): SMS codes per phone, per client address."""

    limit: int
    seconds: int

    def _recent(self, tally: Tally, now: int) -> tuple[int, ...]:
        return tuple(t for t in tally.times if now - t < self.seconds * SECOND)

    def wait_s(self, tally: Tally, now: int) -> int:
        recent = self._recent(tally, now)
        if len(recent) < self.limit:
            return 0
        return _ceil_s(sorted(recent)[-self.limit] + self.seconds * SECOND - now)

    def counted(self, tally: Tally, now: int) -> Tally:
        recent = tuple(sorted(self._recent(tally, now)))[-(self.limit - 1):] if self.limit > 1 else ()
        return replace(tally, count=len(recent) + 1, last_at=now, times=(*recent, now))

    @property
    def keep_s(self) -> int:
        return self.seconds




class Bucket(Struct, frozen=True):
    """At most `limit` events per fixed period of `seconds` (counted by an atomic add, so a key many requests
    share, a client address behind a carrier's NAT, takes them without contention); a new period starts at 0."""

    limit: int
    seconds: int

    def period(self, now: int) -> int:
        """The start of the period `now` falls in (epoch ms): part of the key the count is kept under."""
        return now - now % (self.seconds * SECOND)

    def wait_s(self, count: int, now: int) -> int:
        """Seconds to wait when `count` events (this one included) exceed the limit; 0 otherwise."""
        if count <= self.limit:
            return 0
        return _ceil_s(self.period(now) + self.seconds * SECOND - now)


Rule = Backoff | Window


def _ceil_s(ms: int) -> int:
    return max(0, -(-ms // SECOND))
