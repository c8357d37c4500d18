"""The audit log's entries: who changed what, when, from which client address. Secrets never go in."""
from __future__ import annotations

from typing import Any

from chalicelib.contest.records import Struct, field

SECRET_KEYS = ("password", "new_password", "temporary_password", "token", "code")
REDACTED = "***"
MAX_DETAIL_TEXT = 500       # long texts (a page body, a question) are cut: the log says what changed, not all of it


class AuditEntry(Struct, frozen=True):
    at: int                     # epoch ms
    username: str
    action: str                 # e.g. "round.update", "participant.disqualify"
    target: str                 # e.g. "round:dot-1", "participant:<id>", "account:<username>"
    details: dict[str, Any] = field(default_factory=dict)
    address: str | None = None  # the client's address
    device: str | None = None   # the device id the pages send, when there is one


def redact(value: Any) -> Any:
    """`value` with every secret replaced and long texts and lists cut, at any depth."""
    if isinstance(value, dict):
        return {str(key): REDACTED if key in SECRET_KEYS else redact(item) for key, item in value.items()}
    if isinstance(value, list):
        shown = [redact(item) for item in value[:20]]
        return shown + ([f"… {len(value) - 20} more"] if len(value) > 20 else [])
    if isinstance(value, str) and len(value) > MAX_DETAIL_TEXT:
        return value[:MAX_DETAIL_TEXT] + "…"
    return value
