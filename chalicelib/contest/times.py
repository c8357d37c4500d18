"""Times as the contract writes them: epoch milliseconds inside, ISO 8601 with a zone outside; in the result files
the contest's own time zone (ISO 8601 with its offset in CSV, the local time as a date-time cell in XLSX)."""
from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

# Every stored time lies in this range, so every one can be shown.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def iso(ms: int | None) -> str | None:
    """Epoch milliseconds as ISO 8601 in UTC with milliseconds (`2021-10-01T00:00:00.000Z`); None stays None."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def parse_iso(text: str) -> int:
    """An ISO 8601 time with a zone, between 2000 and 2100 → epoch ms. ValueError (Vietnamese) otherwise."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError("Phải là thời điểm ISO 8601 có múi giờ.")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("Phải là thời điểm ISO 8601 có múi giờ.") from None
    if parsed.tzinfo is None:
        raise ValueError("Thời điểm phải có múi giờ (ví dụ +07:00).")
    if not EARLIEST <= parsed < LATEST:
        raise ValueError("Thời điểm phải trong khoảng từ năm 2000 đến năm 2099.")
    return int(parsed.timestamp() * 1000)


DAY_MS = 86_400_000
_SHEET_EPOCH_MS = 25_569 * DAY_MS       # 1899-12-30, a spreadsheet's day 0, before 1970-01-01


class LocalClock:
    """Epoch ms in a time zone, fast: ISO 8601 with the zone's offset and milliseconds
    (`2026-12-02T03:00:32.292+07:00`), and the local time as a spreadsheet's date-time (days since 1899-12-30;
    Excel has no time zones, so the cell holds what the clock on the wall showed). Each minute's date, offset and
    day are worked out once (zones' offsets are whole minutes, as every zone's has been since 1972), and the
    seconds of a minute written once a process (a format spec costs more than the rest)."""

    def __init__(self, zone: str | tzinfo) -> None:
        self.zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        self._minutes = _minutes_in(self.zone)
        self._seconds = _seconds_of_a_minute()

    def _minute(self, minute: int) -> tuple[str, str, str, int]:
        """The minute's ISO text up to the seconds, its offset's text, its serial day ("45123.") and what its
        start adds to the day's fraction (see `texts`)."""
        local = datetime.fromtimestamp(minute * 60, tz=self.zone)
        offset = local.utcoffset()
        text = local.isoformat(timespec="minutes")                      # 2026-12-02T03:00+07:00
        offset_ms = round(offset.total_seconds() * 1000) if offset else 0
        day, into_day = divmod(minute * 60_000 + offset_ms + _SHEET_EPOCH_MS, DAY_MS)
        found = self._minutes[minute] = (text[:16] + ":", text[16:], f"{day}.",
                                         into_day * 100_000 + 863 + 10**10 * 864)
        return found

    def iso(self, ms: int) -> str:
        minute, rest = divmod(ms, 60_000)
        prefix, offset, _, _ = self._minutes.get(minute) or self._minute(minute)
        return prefix + self._seconds[rest] + offset

    def texts(self, ms: int) -> tuple[str, str]:
        """`iso(ms)` and the local time as a spreadsheet's serial date-time, as `sheet_number` writes it (the
        result files write both for each of millions of times)."""
        minute, rest = divmod(ms, 60_000)
        prefix, offset, day, start = self._minutes.get(minute) or self._minute(minute)
        # sheet_number's fraction of the day, (ms into the day * 10**5 + 863) // 864 padded by 10**10, with what
        # is the same for the whole minute added in advance
        return prefix + self._seconds[rest] + offset, day + str((start + rest * 100_000) // 864)[1:]


_MINUTES: dict[tzinfo, dict[int, tuple[str, str, str, int]]] = {}
_MOST_MINUTES = 200_000             # about 4 months of minutes, some 60 MB: then the cache starts anew


def _minutes_in(zone: tzinfo) -> dict[int, tuple[str, str, str, int]]:
    """The minutes worked out in a zone, shared by the clocks of a process (a finalization's tasks in one worker
    process meet the same minutes)."""
    if sum(len(minutes) for minutes in _MINUTES.values()) > _MOST_MINUTES:
        _MINUTES.clear()
    return _MINUTES.setdefault(zone, {})


@cache
def _seconds_of_a_minute() -> list[str]:
    """"00.000" … "59.999", by ms into the minute (made on first use: 60,000 short strings, about 3.5 MB)."""
    return [f"{s:02d}.{m:03d}" for s in range(60) for m in range(1000)]


def sheet_number(ms: int) -> str:
    """`ms / DAY_MS` (days: a serial date-time or a duration) as a cell's text: a decimal of 10 places, rounded up,
    so at most 8.64 µs more and never less (a reader that rounds to the millisecond, as openpyxl does, or cuts to
    the second, reads the same time as from the exact value); cheaper than a float's repr, which the result files
    would write millions of. Negative or non-integer ms: the float's repr."""
    if ms < 0 or not isinstance(ms, int):
        return repr(ms / DAY_MS)
    days, part = divmod(ms, DAY_MS)
    # part / DAY_MS = part * 10**5 / 864 in units of 10**-10, rounded up; zero-padded without a format spec's cost
    return f"{days}.{str(10**10 + (part * 100_000 + 863) // 864)[1:]}"


def date_in_words(ms: int, zone: str) -> str:
    """The local date as a Vietnamese document writes it: "ngày 21 tháng 10 năm 2021"."""
    local = datetime.fromtimestamp(ms / 1000, tz=ZoneInfo(zone))
    return f"ngày {local.day} tháng {local.month} năm {local.year}"
