"""Times as the contract writes them: epoch milliseconds inside, ISO 8601 with a zone outside; in the result files
the contest's own time zone (ISO 8601 with its offset in CSV, the local time as a date-time cell in XLSX)."""
from __future__ import annotations

from datetime import UTC, datetime, tzinfo
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
    """Epoch ms in a time zone, fast (each minute's date and offset are worked out once): ISO 8601 with the zone's
    offset and milliseconds (`2026-12-02T03:00:32.292+07:00`), and the local time as a spreadsheet's date-time
    (days since 1899-12-30; Excel has no time zones, so the cell holds what the clock on the wall showed)."""

    def __init__(self, zone: str | tzinfo) -> None:
        self.zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        self._minutes: dict[int, tuple[str, str, int]] = {}

    def _minute(self, minute: int) -> tuple[str, str, int]:
        local = datetime.fromtimestamp(minute * 60, tz=self.zone)
        offset = local.utcoffset()
        text = local.isoformat(timespec="minutes")                      # 2026-12-02T03:00+07:00
        found = self._minutes[minute] = (text[:16] + ":", text[16:],
                                         round(offset.total_seconds() * 1000) if offset else 0)
        return found

    def iso(self, ms: int) -> str:
        minute, rest = divmod(ms, 60_000)
        prefix, offset, _ = self._minutes.get(minute) or self._minute(minute)
        return f"{prefix}{rest // 1000:02d}.{rest % 1000:03d}{offset}"

    def sheet_days(self, ms: int) -> float:
        """The local time as a spreadsheet's serial date-time."""
        offset_ms = (self._minutes.get(ms // 60_000) or self._minute(ms // 60_000))[2]
        return (ms + offset_ms + _SHEET_EPOCH_MS) / DAY_MS


def sheet_duration(ms: int) -> float:
    """A duration as a spreadsheet holds one: a fraction of a day."""
    return ms / DAY_MS


def date_in_words(ms: int, zone: str) -> str:
    """The local date as a Vietnamese document writes it: "ngày 21 tháng 10 năm 2021"."""
    local = datetime.fromtimestamp(ms / 1000, tz=ZoneInfo(zone))
    return f"ngày {local.day} tháng {local.month} năm {local.year}"
