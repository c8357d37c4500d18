"""The audit log of organizer changes (RULES.md, Organizer roles): who, when, what, from which client address.

Every organizer path that changes something records it with one line after the change succeeded:

    audit.record(principal, client(request), "round.update", f"round:{round_id}", body)

`details` is redacted here (passwords and codes never stored, long texts cut)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib import auth, runtime
from chalicelib.clients import Client
from chalicelib.contest.audit import AuditEntry, redact
from chalicelib.contest.times import iso
from chalicelib.services import paging
from chalicelib.store import audit as audit_store


def record(principal: auth.Principal, client: Client, action: str, target: str,
           details: Mapping[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(runtime.now_ms(), principal.subject, action, target, redact(dict(details or {})),
                       client.address, client.device)
    audit_store.append(entry)
    return entry


def entry_view(entry: AuditEntry) -> dict:
    return {"at": iso(entry.at), "username": entry.username, "action": entry.action, "target": entry.target,
            "details": entry.details, "client": entry.address, "device": entry.device}


def entries(query: Mapping[str, str]) -> dict:
    position = paging.decode(query)
    after = None if position is None else paging.text_at(position, "at", 64)
    found, last = audit_store.newest(paging.limit(query), after)
    return {"entries": [entry_view(e) for e in found], "next": paging.encode(None if last is None else {"at": last})}
