"""Times as the contract writes them: epoch milliseconds inside, ISO 8601 with a zone outside."""
from __future__ import annotations

from datetime import UTC, datetime

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
