"""The audit log: appended once per organizer change, read newest first a page at a time."""
from __future__ import annotations

import itertools
import uuid

from chalicelib.contest.audit import AuditEntry
from chalicelib.store.admin_models import AuditModel

LOG = "log"
# Entries of one millisecond keep the order this process wrote them in; the random part keeps keys unique
# across processes.
_sequence = itertools.count()


def append(entry: AuditEntry) -> None:
    position = f"{entry.at:015d}#{next(_sequence) % 10**8:08d}{uuid.uuid4().hex[:8]}"
    AuditModel(LOG, position, username=entry.username, action=entry.action, target=entry.target,
               details=entry.details or None, address=entry.address, device=entry.device).save()


def _to_entry(item: AuditModel) -> AuditEntry:
    return AuditEntry(int(item.sk.split("#", 1)[0]), item.username, item.action, item.target,
                      dict(item.details or {}), item.address, item.device)


def newest(limit: int, after: str | None = None) -> tuple[list[AuditEntry], str | None]:
    """Up to `limit` entries, newest first, older than the one whose position is `after`; and the position to
    go on from (None when there is nothing older)."""
    start = None if after is None else {"pk": {"S": LOG}, "sk": {"S": after}}
    results = AuditModel.query(LOG, scan_index_forward=False, limit=limit, page_size=limit + 1,
                               last_evaluated_key=start)
    entries = [_to_entry(item) for item in results]
    last = results.last_evaluated_key
    return entries, None if last is None else last["sk"]["S"]
